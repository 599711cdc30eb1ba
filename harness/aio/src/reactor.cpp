// The seam: which backend a loop gets.
#include <chrono>
#include <cstdlib>
#include <string>

#include "aio/detail/reactor.hpp"
#include "aio/errors.hpp"

namespace aio::detail {

void refuse_second_waiter(int fd, Interest interest) {
  throw RuntimeError(std::string("two tasks wait to ") +
                     (interest == Interest::Read ? "read from" : "write to") +
                     " the same socket (descriptor " + std::to_string(fd) +
                     ") at once: only one task at a time may read a Stream, and one write it");
}

std::unique_ptr<Reactor> make_reactor(ReactorKind kind) {
  if (kind == ReactorKind::Automatic) {
    if (const char* chosen = std::getenv("AIO_REACTOR"); chosen && *chosen) {
      std::string name = chosen;
      if (name == "epoll") return make_epoll_reactor();
      if (name == "poll") return make_poll_reactor();
      throw RuntimeError("AIO_REACTOR=" + name + ": unknown reactor (use epoll or poll)");
    }
#ifdef __linux__
    return make_epoll_reactor();
#else
    return make_poll_reactor();
#endif
  }
  return kind == ReactorKind::Epoll ? make_epoll_reactor() : make_poll_reactor();
}

int timeout_in_milliseconds(std::chrono::nanoseconds timeout) noexcept {
  if (timeout < std::chrono::nanoseconds::zero()) return -1;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(timeout).count());
}

}  // namespace aio::detail
