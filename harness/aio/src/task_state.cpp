// A task's life: the trampoline (step), parking on a Wait, cancellation, completion.
#include <algorithm>
#include <chrono>

#include "aio/loop.hpp"
#include "aio/print.hpp"

namespace aio::detail {

TaskStateBase::TaskStateBase(Loop& loop, std::string name, PromiseBase& root)
    : loop_(&loop),
      given_name_(name.empty() ? nullptr : std::make_unique<const std::string>(std::move(name))),
      function_(root.where.function),
      root_(&root) {}

std::string TaskStateBase::name() const {
  return given_name_ ? *given_name_ : task_name_for(function_);
}

TaskStateBase::~TaskStateBase() = default;

bool TaskStateBase::cancel() {
  if (done_) return false;
  if (cancel_requested_) return true;  // already on its way: cancellation is edge-triggered
  cancel_requested_ = true;
  if (detail::Tracer* tracer = loop_->tracer()) tracer->cancel_requested(*this, loop_->now());
  // Parked? Tell what it waits on. A sleep wakes the task now; a wait on other tasks forwards
  // the cancellation to them and wakes the task once they are done. Queued or not started yet:
  // nothing to do, the flag is seen when it next runs.
  if (wait_) wait_->cancel();
  return true;
}

void TaskStateBase::step() {
  queued = false;
  if (done_) return;  // e.g. abandoned at shutdown while still queued
  if (!started_) {
    started_ = true;
    if (cancel_requested_) {
      // Cancelled before it ever ran (asyncio does the same): the body never starts.
      cancelled_ = true;
      set_forced_error(std::make_exception_ptr(CancelledError{}));
      complete();
      return;
    }
    next_ = root_;
  } else {
    next_ = std::exchange(woken_, nullptr);
  }
  run_frames(next_);  // the root's first resume, or the frame a Wait woke
  if (root_finished_) complete();
}

// The trampoline. Each resume() runs one frame until it suspends; the frame has then told us
// what runs next (its child, its parent) or parked itself on a Wait (next_ stays null).
// `woken` is the frame that parked on a Wait and is resumed after it (its co_await site is
// wait_site_); debug mode uses it to say where a slow step began.
void TaskStateBase::run_frames(const PromiseBase* woken) {
  const bool timed = loop_->debug();
  while (PromiseBase* frame = std::exchange(next_, nullptr)) {
    current_ = frame;
    if (timed) {
      auto start = loop_->begin_step(*this, *frame, frame == woken);
      frame->self.resume();
      loop_->end_step(*this, *frame, start);
    } else {
      frame->self.resume();
    }
  }
  current_ = nullptr;
}

bool TaskStateBase::park(Wait& wait, SourceLocation where, bool always) {
  if (cancel_requested_ && !always)
    return false;  // deliver the pending cancellation instead of waiting
  wait_ = &wait;
  wait_site_ = where;
  parked_ = current_;
  loop_->note_suspension(where);
  return true;
}

void TaskStateBase::wake() {
  if (!wait_) return;  // already woken
  wait_ = nullptr;
  // Resumed by the loop, from the back of the ready queue: never inline, even when a task wakes
  // itself (sleep(0) must yield to every task already queued).
  woken_ = std::exchange(parked_, nullptr);
  loop_->schedule(*this);
}

void TaskStateBase::throw_if_cancel_requested() {
  if (cancel_requested_) {
    cancel_requested_ = false;  // delivered once; a later cancel() can request again
    throw CancelledError{};
  }
}

void TaskStateBase::complete() {
  done_ = true;
  if (settle_when_done) settle();  // the frame's destructors run here, inside the task's step
  if (is_cancellation(error())) cancelled_ = true;
  // A listener may drop the last handle to this task: no matter, the loop's list of live tasks
  // still holds it (every task runs only after Loop::start) until task_finished() below, the
  // last thing we do. (Taking one more reference here would be safe too, but costs on every
  // task.)
  // A listener usually removes itself (and may add others); take them one at a time, in the
  // order they started listening: tasks awaiting one handle wake in the order they awaited.
  while (DoneListener* listener = first_listener_) {
    remove_listener(*listener);
    listener->task_done(*this);
  }
  // The frame has finished with the callable that created it (its result lives in the promise):
  // release it now, which also breaks reference cycles through captured handles.
  keep_alive.reset();
  loop_->task_finished(*this);
}

void TaskStateBase::abandon() noexcept {
  if (done_) return;
  wait_ = nullptr;
  destroy_frames();  // runs the frames' destructors: awaiters unregister their timers/listeners
  started_ = true;
  cancelled_ = true;
  set_forced_error(std::make_exception_ptr(CancelledError{}));
  complete();
}

void TaskStateBase::add_listener(DoneListener& listener) {
  if (!first_listener_) {
    first_listener_ = &listener;
  } else {
    more_listeners_.push_back(&listener);
  }
}

void TaskStateBase::remove_listener(DoneListener& listener) noexcept {
  if (first_listener_ == &listener) {
    // The next in line (the oldest of the others) moves up: the order stays first-come.
    first_listener_ = nullptr;
    if (!more_listeners_.empty()) {
      first_listener_ = more_listeners_.front();
      more_listeners_.erase(more_listeners_.begin());
    }
    return;
  }
  auto it = std::find(more_listeners_.begin(), more_listeners_.end(), &listener);
  if (it != more_listeners_.end()) more_listeners_.erase(it);
}

std::string TaskStateBase::wait_description() const {
  return wait_ ? wait_->describe() : std::string{};
}

std::string TaskStateBase::describe_wait() const {
  std::string text = "task '" + name() + "'";
  if (!started_) return text + " has not started yet";
  if (!wait_) return text + " is ready to run";
  text += " waits at " + wait_site_.short_str();
  if (parked_) text += std::string(" (in ") + task_name_for(*parked_) + ")";
  return text + " for " + wait_->describe();
}

}  // namespace aio::detail
