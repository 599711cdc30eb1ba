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

void too_many_task_done() {
  throw RuntimeError(
      "aio::Queue::task_done() called more times than items were put: call it once per item a "
      "consumer got, after handling it");
}

void prepare_join_event(Event& all_done) noexcept {
  all_done.set();  // nothing put yet: join() returns at once
  all_done.describe_waiters_as("queue join (items put but not yet marked task_done)");
}

}  // namespace detail
}  // namespace aio
