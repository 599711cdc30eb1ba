#include "aio/mutex.hpp"

namespace aio {

Mutex::Mutex() : state_(new detail::SemaphoreState(1)) {
  state_->is_mutex = true;
}

std::optional<Mutex::Guard> Mutex::try_lock(SourceLocation where) {
  if (state_->free == 0) return std::nullopt;
  --state_->free;  // free means nobody waits: no one is overtaken
  return take(Semaphore::Permit{state_}, where);
}

Mutex::Guard Mutex::take(Semaphore::Permit permit, SourceLocation where) {
  detail::SemaphoreState& state = state_of(permit);
  state.holder = detail::ref_to(detail::running_task());
  state.locked_at = where;
  return Guard{std::move(permit)};
}

void Mutex::Guard::unlock() noexcept {
  if (!permit_) return;
  // Forget the holder first: release() may hand the lock straight to the next waiter, which
  // records itself when it resumes.
  state_of(permit_).holder.reset();
  permit_.release();
}

}  // namespace aio
