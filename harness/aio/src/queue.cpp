#include "aio/queue.hpp"

namespace aio {

QueueClosed::QueueClosed()
    : RuntimeError(
          "aio::QueueClosed: put() on a closed queue (close() ends the stream: no more "
          "items)") {}

namespace detail {

void check_queue_capacity(std::size_t capacity) {
  if (capacity == 0) {
    throw RuntimeError(
        "aio::Queue(0): a capacity must be at least 1; for an unbounded queue write "
        "aio::Queue<T>() (asyncio's maxsize=0)");
  }
}

std::string describe_queue_get(bool closed) {
  return closed ? "queue get (empty, closed)" : "queue get (empty)";
}

std::string describe_queue_put(std::size_t occupied, std::size_t capacity) {
  return "queue put (full: " + std::to_string(occupied) + " of " + std::to_string(capacity) + ")";
}

void queue_waiter_without_outcome() {
  throw RuntimeError("aio::Queue: a waiter resumed with nothing to report (runtime bug)");
}

}  // namespace detail
}  // namespace aio
