// A client's address against an access list (limits/access_list.h), for the
// accept path and the datagram paths alike.
#pragma once

#include "limits/access_list.h"
#include "net/socket_address.h"

namespace ninetd::net {

// A unix socket's client has no address: it is allowed.
limits::AccessList::Verdict check_peer(const limits::AccessList& access, const SocketAddress& peer);

}  // namespace ninetd::net
