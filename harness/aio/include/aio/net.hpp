// TCP sockets on the event loop: aio::net::listen, accept, connect, and a Stream to read and
// write. Every wait suspends the task (never the loop) and can be cancelled or timed out.
//
//   auto listener = aio::net::listen("127.0.0.1", 0);       // port 0: the OS picks one
//   std::uint16_t port = listener.port();
//   aio::net::Stream client = co_await aio::net::connect("127.0.0.1", port);
//   aio::net::Stream server = co_await listener.accept();
//   co_await client.write_all("ping");
//   char buffer[4];
//   co_await server.read_exact(buffer);                     // exactly 4 bytes, or an error
//
// Errors are exceptions that name the peer: ConnectionRefused (nobody listens there),
// ConnectionReset (the peer reset the connection, or it broke), ConnectionClosed (EOF where
// read_exact needed more bytes). read_some returns 0 at a clean EOF instead. A write to a peer
// that has gone away is a ConnectionReset, never a SIGPIPE that kills the process.
//
// Lifetimes: a Stream closes its socket when destroyed. The operations are coroutines that
// refer to the Stream and to the caller's buffer: co_await them at once (as above), and keep
// the Stream and the buffer alive until they finish.
//
// Names: connect takes numeric addresses ("127.0.0.1", "::1") at once, and looks other names
// up with getaddrinfo, which blocks, so it runs on a worker (aio::to_thread); each address the
// name has is tried in turn ("localhost": ::1, then 127.0.0.1). listen takes a numeric address
// or "localhost" (127.0.0.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "aio/errors.hpp"
#include "aio/task.hpp"

namespace aio::net {

// Any socket error; what() says what was being done, with whom, and why.
class NetError : public RuntimeError {
 public:
  NetError(const std::string& message, int code) : RuntimeError(message), code_(code) {}
  int code() const noexcept { return code_; }  // the errno value, or 0

 private:
  int code_;
};
class ConnectionRefused : public NetError {
 public:
  using NetError::NetError;
};
class ConnectionReset : public NetError {
 public:
  using NetError::NetError;
};
class ConnectionClosed : public NetError {
 public:
  using NetError::NetError;
};

// "127.0.0.1:8080", "[::1]:8080"
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string str() const;
};

class Stream {
 public:
  Stream() = default;
  Stream(int fd, Endpoint peer) noexcept;  // takes ownership of a connected, non-blocking fd
  Stream(Stream&& other) noexcept;
  Stream& operator=(Stream&& other) noexcept;
  ~Stream();

  // Up to buffer.size() bytes, as soon as at least one is there; 0 at EOF (the peer closed).
  Task<std::size_t> read_some(std::span<char> buffer);
  // Exactly buffer.size() bytes; ConnectionClosed if EOF comes first.
  Task<> read_exact(std::span<char> buffer);
  // All of `data`, however many writes the kernel needs.
  Task<> write_all(std::string_view data);
  // No more writes from this side: the peer reads EOF. Reading still works.
  void shutdown_write() noexcept;
  // Close now (the destructor does it too). A task waiting on this stream must be done first.
  void close() noexcept;

  bool is_open() const noexcept { return fd_ >= 0; }
  const Endpoint& peer() const noexcept { return peer_; }
  int native_handle() const noexcept { return fd_; }

 private:
  int fd_ = -1;
  Endpoint peer_;
};

class Listener {
 public:
  Listener() = default;
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&& other) noexcept;
  ~Listener();

  // The next connection, as a Stream.
  Task<Stream> accept();
  void close() noexcept;

  std::uint16_t port() const noexcept { return local_.port; }  // the one the OS gave for port 0
  const Endpoint& local() const noexcept { return local_; }
  bool is_open() const noexcept { return fd_ >= 0; }

 private:
  friend Listener listen(const std::string& host, std::uint16_t port, int backlog);
  Listener(int fd, Endpoint local) noexcept : fd_(fd), local_(std::move(local)) {}
  int fd_ = -1;
  Endpoint local_;
};

// Bind and listen now (no waiting involved). Port 0: an ephemeral port, see Listener::port().
// `host` must be a numeric address or "localhost"; throws NetError (e.g. address in use).
Listener listen(const std::string& host, std::uint16_t port, int backlog = 512);

// Connect to host:port, without blocking the loop.
Task<Stream> connect(std::string host, std::uint16_t port);

}  // namespace aio::net
