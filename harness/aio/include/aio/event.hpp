// aio::Event: a flag tasks can wait for (asyncio.Event).
//
//   aio::Event ready;
//   // waiter:                        // setter:
//   co_await ready.wait();            co_await load_config();
//   use_config();                     ready.set();   // wakes every waiter
//
// set() raises the flag and wakes every task waiting in wait(); while the flag is up, wait()
// returns at once. clear() lowers it again; is_set() reads it.
//
// Guarantees:
// - set() wakes all waiters, in the order they started waiting (they run in that order).
// - A waiter woken by set() returns normally even if clear() runs before it gets to resume: the
//   wake-up is not lost.
// - wait() does not suspend when the flag is already up (like asyncio, it is then not a
//   suspension point: a pending cancellation is not delivered there).
// - Cancelling a waiting task removes it from the waiters and throws aio::CancelledError from its
//   co_await, also if set() had already woken it but it had not run yet. The other waiters are
//   not affected.
// - The state is shared with the waiters: tasks still waiting when the Event is destroyed are
//   cancelled safely at shutdown.
#pragma once

#include <string>

#include "aio/detail/waiters.hpp"
#include "aio/loop.hpp"

namespace aio {

namespace detail {

class EventWait;

struct EventState final : RefCounted {
  bool set = false;
  WaitList<EventWait> waiters;
  // What a waiter waits for, in deadlock reports, when the event serves another primitive
  // (Queue::join); null for a plain Event.
  const char* purpose = nullptr;
};

// The awaiter of event.wait().
class EventWait final : public Wait, public WaitListNode<EventWait> {
 public:
  explicit EventWait(StateRef<EventState> state) noexcept : state_(std::move(state)) {}
  EventWait(const EventWait&) = delete;
  EventWait& operator=(const EventWait&) = delete;
  ~EventWait();  // destroyed while parked (frame destroyed at shutdown): leaves the waiters

  bool await_ready() const noexcept { return state_->set; }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current());
  void await_resume() {
    if (task_) task_->throw_if_cancel_requested();
  }

  void cancel() override;
  std::string describe() const override;

  void notify() noexcept { task_->wake(); }  // set() took us off the list: resume

 private:
  StateRef<EventState> state_;
  TaskStateBase* task_ = nullptr;  // set once parked
};

}  // namespace detail

class Event {
 public:
  Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Raise the flag and wake every waiter (FIFO). Setting a set event does nothing.
  void set() noexcept;
  // Lower the flag: later wait()s suspend until the next set().
  void clear() noexcept { state_->set = false; }
  bool is_set() const noexcept { return state_->set; }

  // `co_await event.wait();` returns once the flag is up.
  [[nodiscard]] detail::EventWait wait() noexcept { return detail::EventWait{state_}; }

  // Tasks parked in wait() right now.
  std::size_t waiting() const noexcept { return state_->waiters.size(); }

  // For primitives built on an Event: how deadlock reports describe a waiter (static storage).
  void describe_waiters_as(const char* purpose) noexcept { state_->purpose = purpose; }

 private:
  detail::StateRef<detail::EventState> state_;
};

}  // namespace aio
