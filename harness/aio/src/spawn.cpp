#include "aio/spawn.hpp"

namespace aio::detail {

TaskStateBase& require_running_task(const char* api) {
  Loop* loop = Loop::current();
  if (!loop || !loop->running_task()) {
    throw RuntimeError(std::string(api) +
                       "() needs a running event loop: call it from a coroutine run by aio::run");
  }
  return *loop->running_task();
}

TaskDoneWait::~TaskDoneWait() {
  if (listening_) target_.remove_listener(*this);
}

bool TaskDoneWait::suspend(SourceLocation where) {
  waiter_ = &running_task();
  if (!waiter_->park(*this, where)) return false;
  target_.add_listener(*this);
  listening_ = true;
  return true;
}

void TaskDoneWait::resume() {
  if (waiter_) waiter_->throw_if_cancel_requested();
}

void TaskDoneWait::task_done(TaskStateBase&) {
  listening_ = false;  // the target removed us from its list before calling
  waiter_->wake();
}

void TaskDoneWait::cancel() {
  // Like asyncio: cancelling a task that awaits another cancels that one too. We stay parked
  // until it has finished, then resume() delivers our own CancelledError.
  target_.cancel();
}

std::string TaskDoneWait::describe() const {
  return "task '" + target_.name() + "' to finish";
}

}  // namespace aio::detail
