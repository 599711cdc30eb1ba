// TCP on the loop: non-blocking sockets, EAGAIN turned into a suspension (detail/io_wait.hpp).
#include "aio/net.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "aio/detail/io_wait.hpp"
#include "aio/loop.hpp"
#include "aio/to_thread.hpp"

namespace aio::net {

namespace {

using detail::Interest;
using detail::IoWait;

// ---- errors -------------------------------------------------------------------------------

[[noreturn]] void throw_net_error(int code, const std::string& doing) {
  switch (code) {
    case ECONNREFUSED:
      throw ConnectionRefused(doing + ": connection refused (nobody is listening there)", code);
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
      throw ConnectionReset(doing + ": the connection was reset by the peer", code);
    default:
      throw NetError(doing + ": " + std::strerror(code), code);
  }
}

// ---- descriptors --------------------------------------------------------------------------

// Owns a descriptor until released: a connect that fails or is cancelled closes its socket.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

void make_non_blocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// Small writes go out at once (requests and replies are small); no SIGPIPE where the platform
// has a socket option for it (elsewhere, every send passes MSG_NOSIGNAL).
void tune_stream(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
}

#ifdef MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0;  // SO_NOSIGPIPE (tune_stream) does it
#endif

void forget_in_reactor(int fd) noexcept {
  if (Loop* loop = Loop::current()) {
    if (detail::Reactor* reactor = loop->reactor_if_created()) reactor->forget(fd);
  }
}

// ---- addresses ----------------------------------------------------------------------------

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const noexcept { return storage.ss_family; }
};

Endpoint endpoint_of(const sockaddr_storage& storage) {
  char text[INET6_ADDRSTRLEN] = {};
  Endpoint endpoint;
  if (storage.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(storage);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    endpoint.port = ntohs(v6.sin6_port);
  } else {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(storage);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    endpoint.port = ntohs(v4.sin_port);
  }
  endpoint.host = text;
  return endpoint;
}

// A numeric address: no lookup, no waiting.
std::optional<Address> numeric_address(const std::string& numeric, std::uint16_t port) {
  Address address;
  auto& v4 = reinterpret_cast<sockaddr_in&>(address.storage);
  if (::inet_pton(AF_INET, numeric.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    return address;
  }
  address = Address{};
  auto& v6 = reinterpret_cast<sockaddr_in6&>(address.storage);
  std::string bare = numeric;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']')
    bare = bare.substr(1, bare.size() - 2);
  if (::inet_pton(AF_INET6, bare.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

// getaddrinfo blocks (it may ask a DNS server): it runs on a worker, through to_thread.
std::vector<Address> look_up(std::string host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    throw NetError("looking up '" + host + "': " + ::gai_strerror(rc), 0);
  }
  std::vector<Address> addresses;
  for (addrinfo* at = found; at; at = at->ai_next) {
    Address address;
    std::memcpy(&address.storage, at->ai_addr, at->ai_addrlen);
    address.length = static_cast<socklen_t>(at->ai_addrlen);
    addresses.push_back(address);
  }
  ::freeaddrinfo(found);
  return addresses;
}

// By reference: the caller's address (an element of its vector) outlives the co_await. (A
// prvalue aggregate argument of a coroutine called inside a co_await is what GCC 12 destroys
// twice, runtime README; this keeps clear of it.)
Task<Stream> connect_to(const Address& address) {
  Endpoint peer = endpoint_of(address.storage);
  UniqueFd fd(::socket(address.family(), SOCK_STREAM, 0));
  if (fd.get() < 0) throw_net_error(errno, "connecting to " + peer.str());
  make_non_blocking(fd.get());
  tune_stream(fd.get());
  int rc;
  do {
    rc = ::connect(fd.get(), address.get(), address.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) throw_net_error(errno, "connecting to " + peer.str());
  if (rc != 0) {
    // The handshake runs in the kernel; the socket becomes writable when it is over, and
    // SO_ERROR then says how it went.
    IoWait connected(fd.get(), Interest::Write, "a connection to " + peer.str());
    co_await connected;
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) throw_net_error(error, "connecting to " + peer.str());
  }
  co_return Stream(fd.release(), std::move(peer));
}

}  // namespace

std::string Endpoint::str() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// ---- Stream -------------------------------------------------------------------------------

Stream::Stream(int fd, Endpoint peer) noexcept : fd_(fd), peer_(std::move(peer)) {}

Stream::Stream(Stream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), peer_(std::move(other.peer_)) {}

Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    peer_ = std::move(other.peer_);
  }
  return *this;
}

Stream::~Stream() {
  close();
}

void Stream::close() noexcept {
  if (fd_ < 0) return;
  forget_in_reactor(fd_);  // a descriptor number is reused at once: no stale registration
  ::close(fd_);
  fd_ = -1;
}

void Stream::shutdown_write() noexcept {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

Task<std::size_t> Stream::read_some(std::span<char> buffer) {
  while (true) {
    // Also after a wait: the stream may have been closed meanwhile (close() wakes the waiter).
    if (fd_ < 0) throw NetError("read from a closed stream", EBADF);
    ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (got >= 0) co_return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      throw_net_error(errno, "reading from " + peer_.str());
    IoWait readable(fd_, Interest::Read, "a read from " + peer_.str());
    co_await readable;
  }
}

Task<> Stream::read_exact(std::span<char> buffer) {
  std::size_t have = 0;
  while (have < buffer.size()) {
    std::size_t got = co_await read_some(buffer.subspan(have));
    if (got == 0) {
      throw ConnectionClosed(peer_.str() + " closed the connection after " + std::to_string(have) +
                                 " of the " + std::to_string(buffer.size()) + " bytes expected",
                             0);
    }
    have += got;
  }
}

Task<> Stream::write_all(std::string_view data) {
  while (!data.empty()) {
    if (fd_ < 0) throw NetError("write to a closed stream", EBADF);
    ssize_t sent = ::send(fd_, data.data(), data.size(), send_flags);
    if (sent >= 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));  // a partial write: send the rest
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      throw_net_error(errno, "writing to " + peer_.str());
    IoWait writable(fd_, Interest::Write, "a write to " + peer_.str());
    co_await writable;
  }
}

// ---- Listener -----------------------------------------------------------------------------

Listener::Listener(Listener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), local_(std::move(other.local_)) {}

Listener& Listener::operator=(Listener&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    local_ = std::move(other.local_);
  }
  return *this;
}

Listener::~Listener() {
  close();
}

void Listener::close() noexcept {
  if (fd_ < 0) return;
  forget_in_reactor(fd_);
  ::close(fd_);
  fd_ = -1;
}

Task<Stream> Listener::accept() {
  while (true) {
    if (fd_ < 0) throw NetError("accept on a closed listener", EBADF);
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept(fd_, reinterpret_cast<sockaddr*>(&peer), &length);
    if (fd >= 0) {
      make_non_blocking(fd);
      tune_stream(fd);
      co_return Stream(fd, endpoint_of(peer));
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;  // that client gave up: next one
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      throw_net_error(errno, "accepting on " + local_.str());
    IoWait incoming(fd_, Interest::Read, "a connection on " + local_.str());
    co_await incoming;
  }
}

Listener listen(const std::string& host, std::uint16_t port, int backlog) {
  // "localhost" is the IPv4 loopback here: binding must not wait for a lookup.
  std::optional<Address> address = numeric_address(host == "localhost" ? "127.0.0.1" : host, port);
  std::string where = host + ":" + std::to_string(port);
  if (!address) throw NetError("listen on " + where + ": use a numeric address or localhost", 0);
  UniqueFd fd(::socket(address->family(), SOCK_STREAM, 0));
  if (fd.get() < 0) throw_net_error(errno, "listen on " + where);
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), address->get(), address->length) != 0)
    throw_net_error(errno, "listen on " + where);
  if (::listen(fd.get(), backlog) != 0) throw_net_error(errno, "listen on " + where);
  make_non_blocking(fd.get());
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  return Listener(fd.release(), endpoint_of(bound));
}

Task<Stream> connect(std::string host, std::uint16_t port) {
  std::vector<Address> addresses;
  if (auto numeric = numeric_address(host, port)) {
    addresses.push_back(*numeric);
  } else {
    addresses = co_await aio::to_thread(look_up, host, port);
  }
  // Each address the name has, in order, until one accepts (IPv6 first, then IPv4, say).
  std::exception_ptr last_error;
  for (const Address& address : addresses) {
    try {
      co_return co_await connect_to(address);
    } catch (const NetError&) {
      last_error = std::current_exception();
    }
  }
  if (last_error) std::rethrow_exception(last_error);
  throw NetError("connecting to " + host + ": the name has no address", 0);
}

}  // namespace aio::net
