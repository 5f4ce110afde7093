// Result<T>: a value or the system call that failed and its errno. Shaped as a
// subset of std::expected so it can become an alias once the toolchains have it.
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>

namespace ninetd::sys {

struct SysError {
  int code = 0;           // errno
  const char* call = "";  // the system call, e.g. "accept4"
  std::string describe() const;
};

inline SysError last_error(const char* call) {
  return SysError{errno, call};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit like expected
  Result(SysError error) : v_(std::move(error)) {}  // NOLINT
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const SysError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, SysError> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(SysError error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const SysError& error() const { return error_; }

 private:
  SysError error_;
  bool ok_ = true;
};

// How the loop reacts to a failed call, classified once as systemd does.
enum class ErrnoClass {
  again,     // EAGAIN, EINTR, ECONNABORTED, ...: nothing to do, try later
  resource,  // EMFILE, ENFILE, ENOBUFS, ENOMEM: pause and retry on a timer
  other,     // log with the service name and the call
};
ErrnoClass classify_errno(int code);

}  // namespace ninetd::sys
