#include "daemon/control_socket.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/socket_address.h"

namespace ninetd::daemon {
namespace {

std::string parent_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The directory must be one only root (or the daemon's user) can change:
// otherwise another user could put their own socket or a symlink at the path
// between the daemon's checks and its bind, or remove the daemon's socket.
std::string check_directory(const std::string& directory) {
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST)
    return fmt::format("cannot create {}: {}", directory, std::strerror(errno));
  sys::Fd fd(::open(directory.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fmt::format("{}: {}", directory, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fmt::format("{}: {}", directory, std::strerror(errno));
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    return fmt::format("{} belongs to uid {}, not to root: another user could replace the socket",
                       directory, st.st_uid);
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return fmt::format(
        "{} is writable by others (mode {:04o}): another user could replace the socket", directory,
        st.st_mode & 07777);
  return "";
}

// Anything at the path but a socket nobody answers on is left alone: a
// file, a symlink, or the control socket of a ninetd still running.
std::string clear_path(const std::string& path, const net::SocketAddress& address) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return errno == ENOENT ? "" : fmt::format("{}: {}", path, std::strerror(errno));
  if (!S_ISSOCK(st.st_mode))
    return fmt::format("{} exists and is not a socket; not replaced", path);
  sys::Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (probe && ::connect(probe.get(), address.get(), address.length()) == 0)
    return fmt::format("another ninetd answers on {}", path);
  ::unlink(path.c_str());
  return "";
}

// Root and the daemon's own user only; the mode says the same, this holds
// even when an administrator opened the mode up.
bool trusted(int fd) {
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
  return credentials.uid == 0 || credentials.uid == ::geteuid();
}

}  // namespace

class ControlSocket::Client final : public loop::EventHandler {
 public:
  Client(ControlSocket& owner, sys::Fd fd, bool trusted)
      : owner_(owner), fd_(std::move(fd)), trusted_(trusted) {}
  sys::Fd& fd() { return fd_; }
  std::optional<loop::EventLoop::TimerId> timer;

  void on_event(std::uint32_t events) override {
    if (events & (EPOLLERR | EPOLLHUP)) return owner_.end(*this);
    if (answer_.empty()) return read_request();
    write_answer();
  }

 private:
  void read_request() {
    char buffer[status::kControlMaxRequest];
    ssize_t n = ::recv(fd_.get(), buffer, sizeof(buffer) - received_.size(), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) return owner_.end(*this);
    received_.append(buffer, static_cast<std::size_t>(n));
    status::ControlRequest request = status::parse_control_request(received_);
    if (request.verdict == status::ControlRequest::Verdict::need_more) return;
    answer_ = trusted_ ? owner_.answerer_(request) : "error only root may ask\n";
    if (!owner_.loop_.modify(fd_.get(), EPOLLOUT, this)) return owner_.end(*this);
    write_answer();
  }

  void write_answer() {
    while (sent_ < answer_.size()) {
      ssize_t n = ::send(fd_.get(), answer_.data() + sent_, answer_.size() - sent_,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n < 0) return owner_.end(*this);
      sent_ += static_cast<std::size_t>(n);
    }
    // What the client sent past its request is read first: closed with bytes
    // unread, the socket would be reset and the answer might be lost.
    char rest[status::kControlMaxRequest];
    for (int i = 0; i < 16 && ::recv(fd_.get(), rest, sizeof(rest), MSG_DONTWAIT) > 0; ++i) {
    }
    ::shutdown(fd_.get(), SHUT_WR);
    owner_.end(*this);
  }

  ControlSocket& owner_;
  sys::Fd fd_;
  bool trusted_;  // root or the daemon's user: anyone else gets an error
  std::string received_;
  std::string answer_;
  std::size_t sent_ = 0;
};

std::unique_ptr<ControlSocket> ControlSocket::open(loop::EventLoop& loop, const std::string& path,
                                                   Answerer answerer, std::string& error) {
  auto address = net::SocketAddress::from_path(path);
  if (!address || path.empty() || path.front() != '/') {
    error = fmt::format("{}: the control socket needs an absolute path of at most {} bytes", path,
                        sizeof(sockaddr_un::sun_path) - 1);
    return nullptr;
  }
  error = check_directory(parent_of(path));
  if (error.empty()) error = clear_path(path, *address);
  if (!error.empty()) return nullptr;
  sys::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    error = fmt::format("socket: {}", std::strerror(errno));
    return nullptr;
  }
  // Made 0600 by the bind itself: no moment when others could connect.
  mode_t saved = ::umask(0177);
  int bound = ::bind(fd.get(), address->get(), address->length());
  int bind_error = errno;
  ::umask(saved);
  struct stat st {};
  if (bound != 0 || ::listen(fd.get(), 16) != 0 || ::lstat(path.c_str(), &st) != 0) {
    error = fmt::format("{}: {}", path, std::strerror(bound != 0 ? bind_error : errno));
    return nullptr;
  }
  std::unique_ptr<ControlSocket> control(
      new ControlSocket(loop, path, std::move(fd), std::move(answerer)));
  control->device_ = st.st_dev;
  control->inode_ = st.st_ino;
  if (auto added = loop.add(control->fd_.get(), EPOLLIN, control.get()); !added) {
    error = added.error().describe();
    return nullptr;
  }
  return control;
}

ControlSocket::ControlSocket(loop::EventLoop& loop, std::string path, sys::Fd fd, Answerer answerer)
    : loop_(loop), path_(std::move(path)), fd_(std::move(fd)), answerer_(std::move(answerer)) {}

ControlSocket::~ControlSocket() {
  for (auto& [key, client] : clients_) {
    loop_.remove(client->fd().get());
    if (client->timer) loop_.cancel(*client->timer);
  }
  if (fd_) loop_.remove(fd_.get());
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_)
    ::unlink(path_.c_str());
}

void ControlSocket::on_event(std::uint32_t) {
  // A few at a time: the rest wait in the backlog for the next turn.
  for (int i = 0; i < 4; ++i) {
    sys::Fd connection(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!connection) return;
    if (clients_.size() >= kMaxControlClients) continue;  // closed: try again later
    bool trusted_client = trusted(connection.get());
    auto client = std::make_unique<Client>(*this, std::move(connection), trusted_client);
    Client* key = client.get();
    if (!loop_.add(key->fd().get(), EPOLLIN, key)) continue;
    key->timer = loop_.schedule(loop::Clock::now() + kControlTimeout, [this, key] {
      key->timer.reset();
      end(*key);
    });
    clients_.emplace(key, std::move(client));
  }
}

void ControlSocket::end(Client& client) {
  auto it = clients_.find(&client);
  if (it == clients_.end()) return;
  loop_.remove(client.fd().get());
  if (client.timer) loop_.cancel(*client.timer);
  client.timer.reset();
  client.fd().reset();
  loop_.retire(std::move(it->second));
  clients_.erase(it);
}

}  // namespace ninetd::daemon
