// Login classes: the resource limits of FreeBSD's login.conf(5), which the
// "user/class" form of inetd.conf names. Linux has no login.conf of its own, so
// ninetd reads one in FreeBSD's format (/etc/login.conf by default) when it
// exists. Pure: text in, limits out.
#pragma once

#include <sys/resource.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ninetd::services {

inline constexpr const char* kLoginConfPath = "/etc/login.conf";

struct ResourceLimit {
  int resource = 0;  // RLIMIT_*
  rlim_t soft = RLIM_INFINITY;
  rlim_t hard = RLIM_INFINITY;
  bool operator==(const ResourceLimit&) const = default;
};

// The class a service runs in ("user/class") with the limits found for it.
// Services of one class share one (see Service::login_class).
struct LoginClass {
  std::string name;
  std::vector<ResourceLimit> limits;
  bool operator==(const LoginClass&) const = default;
};

struct LoginClassResult {
  bool found = false;
  std::vector<ResourceLimit> limits;
  std::vector<std::string> problems;  // bad values, named by capability
};

// The limits of `name` in a login.conf text: its own capabilities, then those
// of the classes it names with tc=, then "default" for anything still unset.
LoginClassResult find_login_class(std::string_view text, const std::string& name);

}  // namespace ninetd::services
