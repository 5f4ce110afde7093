// ControlSocket: the unix socket `ninetd --status` and `ninetd --metrics`
// talk to (status/control_request.h has the protocol). Only root and the
// daemon's own user get an answer: the socket is made mode 0600 in a
// directory no one else may write to, and each client's credentials are
// checked again at accept. A client holds one request (256 bytes) and its
// answer, for at most kControlTimeout; a few are served at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "loop/event_loop.h"
#include "status/control_request.h"
#include "sys/fd.h"

namespace ninetd::daemon {

inline constexpr const char* kDefaultControlPath = "/run/ninetd/control";
inline constexpr std::chrono::seconds kControlTimeout{10};
inline constexpr std::size_t kMaxControlClients = 8;

class ControlSocket final : public loop::EventHandler {
 public:
  // The whole answer to a request: "ok\n" and the text, or "error WHY\n".
  using Answerer = std::function<std::string(const status::ControlRequest&)>;

  // Creates the socket at `path`, and its directory (mode 0755) when missing.
  // Refuses a directory that is not root's (or the daemon's user's) or that
  // others may write to, and anything at the path but a stale socket. On
  // failure, null and `error` says why.
  static std::unique_ptr<ControlSocket> open(loop::EventLoop& loop, const std::string& path,
                                             Answerer answerer, std::string& error);
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;
  // Removes the socket's name, if it is still this socket's.
  ~ControlSocket() override;

  void on_event(std::uint32_t events) override;
  const std::string& path() const { return path_; }

 private:
  class Client;
  ControlSocket(loop::EventLoop& loop, std::string path, sys::Fd fd, Answerer answerer);
  void end(Client& client);

  loop::EventLoop& loop_;
  std::string path_;
  sys::Fd fd_;
  Answerer answerer_;
  dev_t device_ = 0;  // the socket file's identity, so only it is removed at the end
  ino_t inode_ = 0;
  std::unordered_map<Client*, std::unique_ptr<Client>> clients_;
};

}  // namespace ninetd::daemon
