// The per-connection policy settings (banner, banner_success, banner_fail,
// access_times, max_load) as both ninetd's key=value form and xinetd.conf
// give them, with the same value syntax: the readers here say what is wrong
// with a value, and each form reports it at its own word. Pure.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "config/lexer.h"
#include "config/service_spec.h"

namespace ninetd::config {

// The most bytes a banner file may hold: it is kept in the daemon's memory
// and written with one send that must not block.
inline constexpr std::size_t kMaxBannerBytes = 8192;

// Empty when `path` may name a banner file, else what is wrong.
std::string banner_path_problem(std::string_view path);
// access_times' values into `policy`; empty, or the first problem and the
// value that has it (`bad`).
std::string read_access_times(std::span<const Word> values, PolicySpec& policy, const Word*& bad);
// max_load's value into `policy`; empty, or what is wrong.
std::string read_max_load(const Word& value, PolicySpec& policy);
// The warning max_load = 0 gets (it refuses every client), or empty.
std::string max_load_warning(const PolicySpec& policy);

// Why banners cannot apply to `spec` (set up but for its policy), or empty:
// they need a connection the daemon accepts itself.
std::string_view banner_misfit(const ServiceSpec& spec);
// Why access_times and max_load cannot apply to `spec`, or empty: the daemon
// must see each client (a connection it accepts, a datagram it peeks at).
std::string_view admission_misfit(const ServiceSpec& spec);

}  // namespace ninetd::config
