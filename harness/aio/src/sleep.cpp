#include "aio/sleep.hpp"

#include "aio/print.hpp"

namespace aio {

Duration now() {
  Loop* loop = Loop::current();
  if (!loop) throw RuntimeError("aio::now() called outside a running event loop");
  return loop->now();
}

namespace detail {

SleepAwaiter::~SleepAwaiter() {
  if (timer_armed()) task_->loop().cancel_timer(*this);
}

bool SleepAwaiter::await_suspend(std::coroutine_handle<>, SourceLocation where) {
  task_ = &running_task();
  if (!task_->park(*this, where)) return false;  // cancelled already: await_resume throws
  Loop& loop = task_->loop();
  if (delay_ <= Duration::zero()) {
    task_->wake();  // sleep(0): straight to the back of the ready queue
  } else {
    loop.add_timer(loop.now() + delay_, *this);
  }
  return true;
}

void SleepAwaiter::await_resume() {
  // task_ is null if await_suspend never ran; nothing to deliver then.
  if (task_) task_->throw_if_cancel_requested();
}

void SleepAwaiter::on_timer() {
  task_->wake();  // the loop has already disarmed the timer
}

void SleepAwaiter::cancel() {
  // Stop the timer and resume now: await_resume throws CancelledError.
  task_->loop().cancel_timer(*this);
  task_->wake();
}

std::string SleepAwaiter::describe() const {
  if (!timer_armed()) return "its turn to run (sleep 0)";
  return "a timer at " + format_seconds(timer_deadline()) + "s";
}

}  // namespace detail
}  // namespace aio
