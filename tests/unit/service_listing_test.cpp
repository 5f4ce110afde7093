// daemon/service_listing: ninetd -t's line per entry, from the specs read and
// the services they resolved to.
#include "daemon/service_listing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/parser.h"

namespace ninetd::daemon {
namespace {

using Strings = std::vector<std::string>;

// The services an entry resolved to: one per address, from its file and line.
services::Service socket_of(const config::ServiceSpec& spec, const char* ip, std::uint16_t port) {
  services::Service s;
  s.file = spec.file_index;
  s.line = spec.line;
  s.address = *net::SocketAddress::from_numeric(ip, port);
  return s;
}

struct Socket {
  std::size_t entry;  // its spec's index among the entries read
  const char* ip;
  std::uint16_t port;
};

// -t's lines for `text` (in.conf), whose entries resolved to `sockets`.
Strings listing(const std::string& text, std::size_t entries, const std::vector<Socket>& sockets) {
  config::ParseResult parsed = config::parse_config(text, "in.conf");
  EXPECT_EQ(parsed.services.size(), entries);
  config::TreeResult tree;
  tree.services = parsed.services;
  tree.switched_off = parsed.switched_off;
  services::LoadedConfig loaded;
  for (const Socket& socket : sockets)
    if (socket.entry < tree.services.size())
      loaded.services.push_back(socket_of(tree.services[socket.entry], socket.ip, socket.port));
  return list_services(tree, loaded);
}

TEST(ServiceListing, OneLinePerEntryInReadingOrderOffIncluded) {
  // The third entry resolved to nothing (a twin, or an error): not listed.
  EXPECT_EQ(listing("a,b:echo stream tcp4 nowait/3 root internal\n"
                    "daytime off protocol = udp, wait = yes, user = root, bind = 127.0.0.1;\n"
                    "tcp6line stream tcp6 nowait root /bin/x x \"y\n",
                    3, {{0, "192.0.2.1", 7}, {1, "192.0.2.2", 7}}),
            (Strings{"service=echo/tcp4 from=in.conf:1 status=on listen=192.0.2.1:7,192.0.2.2:7 "
                     "family=ipv4 builtin=echo protocol=tcp4 socktype=stream wait=no "
                     "max_child=3 user=root",
                     "service=daytime/udp from=in.conf:2 status=off family=ipv4,ipv6-only "
                     "builtin=daytime protocol=udp bind=127.0.0.1 socktype=dgram wait=yes "
                     "user=root"}));
}

// The settings beyond the classic fields under their keys; a redirecting
// service has no exec.
TEST(ServiceListing, NewerSettingsAndARedirect) {
  EXPECT_EQ(listing("4000 on protocol = tcp4, wait = no, user = nobody, exec = /bin/cat,\n"
                    "  banner = /etc/issue, access_times = 22:00-6:00, max_load = 2.5,\n"
                    "  env = \"A=a b\", umask = 022, rlimit_cpu = UNLIMITED, groups = no,\n"
                    "  log_on_success = HOST PID, log_type = SYSLOG daemon info;\n"
                    "4001 on protocol = tcp4, redirect = 192.0.2.9 smtp, libwrap = in.smtpd;\n",
                    2, {{0, "127.0.0.1", 4000}, {1, "127.0.0.1", 4001}}),
            (Strings{"service=4000/tcp4 from=in.conf:1 status=on listen=127.0.0.1:4000 "
                     "family=ipv4 protocol=tcp4 socktype=stream wait=no banner=/etc/issue "
                     "access_times=22:00-6:00 max_load=2.50 user=nobody groups=no env=\"A=a b\" "
                     "umask=022 rlimit_cpu=UNLIMITED exec=/bin/cat args=cat "
                     "log_on_success=PID,HOST log_type=SYSLOG,daemon,info",
                     "service=4001/tcp4 from=in.conf:5 status=on listen=127.0.0.1:4001 "
                     "family=ipv4 protocol=tcp4 socktype=stream wait=no user=root "
                     "redirect=192.0.2.9,smtp libwrap=in.smtpd"}));
}

}  // namespace
}  // namespace ninetd::daemon
