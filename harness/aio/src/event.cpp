#include "aio/event.hpp"

namespace aio {

Event::Event() : state_(new detail::EventState) {}

void Event::set() noexcept {
  state_->set = true;
  // wake() only queues a task, it runs nothing: the list cannot change under us.
  while (!state_->waiters.empty()) state_->waiters.pop_front().notify();
}

namespace detail {

EventWait::~EventWait() {
  if (linked()) state_->waiters.remove(*this);
}

bool EventWait::await_suspend(std::coroutine_handle<>, SourceLocation where) {
  task_ = &running_task();
  if (!task_->park(*this, where)) return false;  // cancelled already: await_resume throws
  state_->waiters.push_back(*this);
  return true;
}

void EventWait::cancel() {
  state_->waiters.remove(*this);
  task_->wake();  // await_resume throws the CancelledError
}

std::string EventWait::describe() const {
  if (state_->purpose) return state_->purpose;
  return state_->set ? "event (set)" : "event (not set)";
}

}  // namespace detail
}  // namespace aio
