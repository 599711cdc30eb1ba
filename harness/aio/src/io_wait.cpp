#include "aio/detail/io_wait.hpp"

#include "aio/loop.hpp"

namespace aio::detail {

IoWait::~IoWait() {
  if (watching_) task_->loop().reactor().unwatch(fd_, interest_, *this);
}

bool IoWait::await_suspend(std::coroutine_handle<>, SourceLocation where) {
  task_ = &running_task();
  // Watch first: if the reactor refuses (a second reader, a descriptor epoll rejects), the
  // exception leaves the task unparked, with nothing pointing at this awaiter.
  task_->loop().reactor().watch(fd_, interest_, *this);
  watching_ = true;
  if (!task_->park(*this, where)) {  // cancelled already: await_resume throws
    task_->loop().reactor().unwatch(fd_, interest_, *this);
    watching_ = false;
    return false;
  }
  return true;
}

void IoWait::await_resume() {
  if (task_) task_->throw_if_cancel_requested();
}

void IoWait::io_ready() {
  watching_ = false;  // the reactor has forgotten this waiter already (one-shot)
  task_->wake();
}

void IoWait::cancel() {
  task_->loop().reactor().unwatch(fd_, interest_, *this);
  watching_ = false;
  task_->wake();
}

}  // namespace aio::detail
