#include "builtins/table.h"

#include <algorithm>
#include <array>
#include <ctime>

#include "builtins/formats.h"

namespace ninetd::builtins {
namespace {

using Scratch = std::span<char, kAnswerScratch>;

// RFC 862: a datagram comes back as it was sent.
std::span<const char> echo_answer(std::span<const char> request, Scratch) {
  return request;
}

// RFC 864: a datagram gets one line; successive datagrams rotate as the stream does.
std::span<const char> chargen_answer(std::span<const char>, Scratch scratch) {
  static std::uint64_t next_line = 0;
  chargen_line(next_line++, scratch.data());
  return scratch.first(kChargenLineLength);
}

std::size_t chargen_lines(std::uint64_t& position, std::span<char> out) {
  std::size_t lines = out.size() / kChargenLineLength;
  for (std::size_t i = 0; i < lines; ++i)
    chargen_line(position++, out.data() + i * kChargenLineLength);
  return lines * kChargenLineLength;
}

std::span<const char> daytime_answer(std::span<const char>, Scratch scratch) {
  std::string text = daytime_text(std::time(nullptr));
  std::size_t length = std::min(text.size(), scratch.size());
  std::copy_n(text.data(), length, scratch.data());
  return scratch.first(length);
}

std::span<const char> time_answer(std::span<const char>, Scratch scratch) {
  auto bytes = time_bytes(std::time(nullptr));
  std::copy(bytes.begin(), bytes.end(), scratch.data());
  return scratch.first(bytes.size());
}

using config::Builtin;

// In config::Builtin's order (checked below), so a row is found by its id.
constexpr std::array<BuiltinRow, 8> kRows{{
    // id, name, stream style, session input, client first, generator, answer, datagram
    {Builtin::echo, "echo", StreamStyle::session, ClientInput::echo, true, nullptr, echo_answer,
     true},
    {Builtin::discard, "discard", StreamStyle::session, ClientInput::drop, true, nullptr, nullptr,
     true},
    {Builtin::chargen, "chargen", StreamStyle::session, ClientInput::drop, false, chargen_lines,
     chargen_answer, true},
    {Builtin::daytime, "daytime", StreamStyle::answer, ClientInput::drop, false, nullptr,
     daytime_answer, true},
    {Builtin::time, "time", StreamStyle::answer, ClientInput::drop, false, nullptr, time_answer,
     true},
    {Builtin::tcpmux, "tcpmux", StreamStyle::request, ClientInput::request_line, true, nullptr,
     nullptr, false},
    // The daemon's own counters for Prometheus (status/metrics_text.h), over HTTP.
    {Builtin::metrics, "metrics", StreamStyle::session, ClientInput::http_request, true, nullptr,
     nullptr, false},
    // xinetd's SENSOR: the listener adds each client to the deny list and
    // closes it (daemon/service_listener.cpp); it is never served. Over UDP,
    // each datagram's source is listed and nothing answered
    // (daemon/supervisor_sensor.cpp).
    {Builtin::sensor, "sensor", StreamStyle::answer, ClientInput::drop, false, nullptr, nullptr,
     true},
}};

constexpr bool rows_in_id_order() {
  for (std::size_t i = 0; i < kRows.size(); ++i)
    if (static_cast<std::size_t>(kRows[i].id) != i + 1) return false;
  return true;
}
static_assert(rows_in_id_order(), "kRows must list the builtins in config::Builtin's order");

}  // namespace

const BuiltinRow& row(config::Builtin id) {
  return kRows[static_cast<std::size_t>(id) - 1];
}

const BuiltinRow* find(std::string_view name) {
  for (const BuiltinRow& r : kRows)
    if (r.name == name) return &r;
  return nullptr;
}

std::string names_for_humans() {
  std::string list;
  for (std::size_t i = 0; i < kRows.size(); ++i) {
    if (i > 0) list += i + 1 == kRows.size() ? " or " : ", ";
    list += kRows[i].name;
  }
  return list;
}

}  // namespace ninetd::builtins
