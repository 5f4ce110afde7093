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

TEST(ServiceListing, OneLinePerEntryInReadingOrderOffIncluded) {
  config::ParseResult parsed = config::parse_config(
      "a,b:echo stream tcp4 nowait/3 root internal\n"
      "daytime off protocol = udp, wait = yes, user = root, bind = 127.0.0.1;\n"
      "tcp6line stream tcp6 nowait root /bin/x x \"y\n",
      "in.conf");
  ASSERT_EQ(parsed.services.size(), 3u);
  config::TreeResult tree;
  tree.services = parsed.services;
  tree.switched_off = parsed.switched_off;
  services::LoadedConfig loaded;
  loaded.services.push_back(socket_of(tree.services[0], "192.0.2.1", 7));
  loaded.services.push_back(socket_of(tree.services[1], "192.0.2.2", 7));
  // The third entry resolved to nothing (a twin, or an error): not listed.
  EXPECT_EQ(list_services(tree, loaded),
            (Strings{"service=echo/tcp4 from=in.conf:1 status=on listen=192.0.2.1:7,192.0.2.2:7 "
                     "family=ipv4 builtin=echo protocol=tcp4 socktype=stream wait=no "
                     "max_child=3 user=root",
                     "service=daytime/udp from=in.conf:2 status=off family=ipv4,ipv6-only "
                     "builtin=daytime protocol=udp bind=127.0.0.1 socktype=dgram wait=yes "
                     "user=root"}));
}

}  // namespace
}  // namespace ninetd::daemon
