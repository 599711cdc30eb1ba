#include "aio/semaphore.hpp"

namespace aio {

Semaphore::Semaphore(std::size_t permits) : state_(new detail::SemaphoreState(permits)) {}

std::optional<Semaphore::Permit> Semaphore::try_acquire() noexcept {
  if (state_->free == 0) return std::nullopt;
  --state_->free;  // free > 0 means nobody waits: no one is overtaken
  return Permit{state_};
}

namespace detail {

void SemaphoreState::hand_to_first_waiter() noexcept {
  waiters.pop_front().grant();
}

std::string SemaphoreState::describe() const {
  if (is_mutex) {
    if (free) return "mutex (unlocked)";
    if (!holder) return "mutex (being handed to the next waiter)";
    return "mutex held by task '" + holder->name() + "' (locked at " + locked_at.short_str() + ")";
  }
  return "semaphore (" + std::to_string(free) + " of " + std::to_string(total) + " free)";
}

SemaphoreAcquire::~SemaphoreAcquire() {
  if (linked()) {
    state_->waiters.remove(*this);
  } else if (granted_) {
    state_->release();
  }
}

bool SemaphoreAcquire::await_suspend(std::coroutine_handle<>, SourceLocation where) {
  task_ = &running_task();
  if (!task_->park(*this, where)) return false;  // cancelled already: await_resume throws
  state_->waiters.push_back(*this);
  return true;
}

void SemaphoreAcquire::grant() noexcept {
  granted_ = true;
  task_->wake();
}

Semaphore::Permit SemaphoreAcquire::await_resume() {
  if (granted_) {
    granted_ = false;
    // Handed a permit, then cancelled before this task could run (task_ is null when the permit
    // was free and we never parked): the cancellation wins, as for a sleep whose timer fired,
    // and the permit goes on to the next waiter as if we had never queued.
    if (task_ && task_->cancel_requested()) {
      state_->release();
      task_->throw_if_cancel_requested();
    }
    return Semaphore::Permit{std::move(state_)};
  }
  // Not handed a permit: we were cancelled while waiting, or before we could park.
  task_->throw_if_cancel_requested();
  throw RuntimeError("aio::Semaphore: a waiter resumed without a permit (runtime bug)");
}

void SemaphoreAcquire::cancel() {
  state_->waiters.remove(*this);
  task_->wake();  // await_resume throws the CancelledError
}

std::string SemaphoreAcquire::describe() const {
  return state_->describe();
}

}  // namespace detail
}  // namespace aio
