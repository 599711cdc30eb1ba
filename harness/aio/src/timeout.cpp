// Timeout scopes: the deadline's timer, the instant-end decision, and who cancelled whom.
#include "aio/timeout.hpp"

#include <algorithm>

#include "aio/print.hpp"

namespace aio {

TimeoutError::TimeoutError(Duration deadline)
    : std::runtime_error("aio::TimeoutError: the deadline (" + format_seconds(deadline) +
                         " s) passed before the operation finished; it was cancelled") {}

TimeoutScope::~TimeoutScope() {
  // Normally the body is done by now. If the scope's frame is destroyed early (shutdown), stop
  // listening and disarm, so that nothing calls back into freed memory.
  if (body_) body_->remove_listener(*this);
  if (loop_) disarm();
}

void TimeoutScope::reschedule(Duration deadline) {
  if (expired_) {
    throw RuntimeError(
        "aio::TimeoutScope::reschedule(): the deadline has already expired and the body is "
        "being cancelled; it is too late to move it");
  }
  deadline_ = deadline;
  if (body_) {  // running: move the timer (and forget a decision pending at this instant)
    disarm();
    arm();
  }
}

bool TimeoutScope::start(detail::TaskStateBase& body, SourceLocation where) {
  waiter_ = &detail::running_task();
  loop_ = &waiter_->loop();
  body_ = &body;
  body.add_listener(*this);
  loop_->start(detail::ref_to(body));
  // Park even if the awaiting task is already cancelled: the body has been started, and it must
  // finish (here: be cancelled before it ever runs) before the scope may return.
  waiter_->park(*this, where, /*always=*/true);
  if (waiter_->cancel_requested()) {
    cancelled_from_outside_ = true;
    body.cancel();
  } else {
    arm();
  }
  return true;
}

void TimeoutScope::finish() {
  // A cancellation from outside is delivered as it is, never turned into a timeout.
  if (waiter_) waiter_->throw_if_cancel_requested();
}

bool TimeoutScope::cancelled_by_deadline(detail::TaskStateBase& body) {
  return expired_ && !cancelled_from_outside_ && is_cancellation(body.error());
}

void TimeoutScope::report_swallowed(detail::TaskStateBase& body) {
  if (body.error()) return;  // it failed in its cleanup: that error is rethrown as it is
  loop_->diagnose(Diagnostic::Kind::SwallowedCancellation,
                  "task '" + body.name() + "' was cancelled at its deadline (" +
                      format_seconds(deadline_) + " s) but returned normally at " +
                      format_seconds(loop_->now()) +
                      " s instead of ending with aio::CancelledError: it swallowed the "
                      "cancellation, so its caller got a late result instead of a timeout");
}

void TimeoutScope::arm() noexcept {
  if (deadline_ == no_deadline) return;
  // A deadline already past is due: it fires as soon as the loop next looks at its timers
  // (every clock handles a deadline behind `now`), so no need to read the clock here, which
  // on the real clock is a system call's worth of the cost of a wait_for.
  loop_->add_timer(deadline_, *this);
}

void TimeoutScope::disarm() noexcept {
  if (timer_armed()) loop_->cancel_timer(*this);
  loop_->forget_instant_end(*this);
}

void TimeoutScope::cancel() {
  cancelled_from_outside_ = true;
  disarm();
  // We wake when the body has finished cancelling. If the deadline already cancelled it, do
  // not cancel it again: that would interrupt the async cleanup it is doing (cancellation is
  // edge-triggered). The outcome is a cancellation either way.
  if (body_ && !expired_) body_->cancel();
}

std::string TimeoutScope::describe() const {
  std::string what = body_ ? "task '" + body_->name() + "'" : std::string("its body");
  if (deadline_ == no_deadline) return what + " (a timeout scope with no deadline)";
  return what + " under a timeout (deadline " + format_seconds(deadline_) + " s" +
         (expired_ ? ", expired: cancelling)" : ")");
}

void TimeoutScope::task_done(detail::TaskStateBase&) {
  body_ = nullptr;
  disarm();
  waiter_->wake();
}

void TimeoutScope::on_timer() {
  // Not yet: the body may be about to finish at this very instant (its own timer fired too).
  loop_->at_instant_end(*this);
}

void TimeoutScope::at_instant_end() {
  if (!body_ || cancelled_from_outside_) return;
  expired_ = true;
  body_->cancel();
}

}  // namespace aio
