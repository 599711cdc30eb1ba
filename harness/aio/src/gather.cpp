#include "aio/gather.hpp"

#include <exception>
#include <utility>

namespace aio::detail {

OutcomeError::OutcomeError(std::exception_ptr error)
    : error_(std::move(error)), cancelled_(is_cancellation(error_)) {
  if (!error_) throw RuntimeError("aio::Outcome::failure needs an exception, got a null one");
}

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
    loop.start(ref_to(*child));  // queued in argument order: they start in order
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
  // The only place the two policies differ: gather stops the siblings at the first failure
  // (then waits for them); gather_settled lets every child run to its end.
  if (policy_ == GatherPolicy::CancelOnFailure && !first_error_ && child.error()) {
    first_error_ = child.error();
    cancel_children();
  }
  if (remaining_ == 0 && waiter_) waiter_->wake();
}

void GatherWait::cancel() {
  cancel_children();
}

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
  const char* what = policy_ == GatherPolicy::Settle ? "gather_settled" : "gather";
  return std::string(what) + " of " + std::to_string(children_.size()) +
         " tasks (still running: " + names + ")";
}

}  // namespace aio::detail
