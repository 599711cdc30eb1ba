#include "aio/gather.hpp"

#include <exception>
#include <utility>

namespace aio::detail {

GatherWait::~GatherWait() {
  // Normally every child is done by now; if the gather's frame is destroyed early (shutdown),
  // stop listening so no child calls back into freed memory.
  for (TaskStateBase* child : children_) {
    if (!child->done()) child->remove_listener(*this);
  }
}

void GatherWait::start(std::vector<TaskStateBase*> children) {
  children_ = std::move(children);
  remaining_ = children_.size();
  Loop& loop = running_task().loop();
  for (TaskStateBase* child : children_) {
    child->add_listener(*this);
    loop.start(child->shared_from_this());  // queued in argument order: they start in order
  }
}

bool GatherWait::suspend(SourceLocation where) {
  waiter_ = &running_task();
  // Structured: even when our task is already cancelled, the children must finish first.
  if (waiter_->cancel_requested()) cancel_children();
  waiter_->park(*this, where, /*always=*/true);
  return true;
}

void GatherWait::resume() {
  if (waiter_) waiter_->throw_if_cancel_requested();
  if (first_error_) std::rethrow_exception(first_error_);
}

void GatherWait::task_done(TaskStateBase& child) {
  --remaining_;
  child.result_retrieved = true;  // the gather owns its children's outcomes
  if (!first_error_ && child.error()) {
    first_error_ = child.error();
    cancel_children();  // first failure: stop the siblings, then wait for them
  }
  if (remaining_ == 0 && waiter_) waiter_->wake();
}

void GatherWait::cancel() { cancel_children(); }

void GatherWait::cancel_children() noexcept {
  if (std::exchange(children_cancelled_, true)) return;
  for (TaskStateBase* child : children_) child->cancel();
}

std::string GatherWait::describe() const {
  std::string names;
  for (TaskStateBase* child : children_) {
    if (child->done()) continue;
    names += (names.empty() ? "'" : ", '") + child->name() + "'";
  }
  return "gather of " + std::to_string(children_.size()) + " tasks (still running: " + names +
         ")";
}

}  // namespace aio::detail
