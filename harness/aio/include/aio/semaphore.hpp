// aio::Semaphore: at most N tasks inside a section at once (asyncio.Semaphore).
//
//   aio::Semaphore sem(3);                        // three permits
//   {
//     auto permit = co_await sem.acquire();       // waits while all three are taken
//     co_await download(url);                     // at most three tasks get here at a time
//   }                                             // the permit goes back here (RAII)
//
// asyncio writes `async with sem:`; C++ has no async destructor, but releasing a permit never
// waits, so a plain RAII object does the job: aio::Semaphore::Permit, move-only, gives its permit
// back when destroyed (also when an exception, or a cancellation, unwinds past it) or when you
// call permit.release(). There is no sem.release(): you cannot give back more than you took.
//
// Guarantees:
// - FIFO, no barging: waiters get permits in the order they started waiting. A permit given back
//   while tasks wait goes straight to the first of them (it is "handed" over), even if the task
//   giving it back asks for one again at once: that task queues behind the others.
// - acquire() does not suspend when a permit is free (nobody can be waiting then): like asyncio,
//   it is not a suspension point in that case, so a pending cancellation is not delivered there.
// - Cancelling a waiting task removes it from the line and throws aio::CancelledError from its
//   co_await. If it was handed a permit but cancelled before it could run, the permit goes on to
//   the next waiter (or back to the count). Either way: an acquire() that throws took nothing.
// - available(): free permits; waiting(): tasks parked in acquire() and not yet handed one.
// - The state is shared with every waiter and permit: a Permit may outlive its Semaphore, and
//   tasks still waiting when the Semaphore is destroyed are cancelled safely at shutdown.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "aio/detail/waiters.hpp"
#include "aio/loop.hpp"

namespace aio {

namespace detail {

class SemaphoreAcquire;

struct SemaphoreState final : RefCounted {
  explicit SemaphoreState(std::size_t permits) noexcept : free(permits), total(permits) {}

  // A permit comes back: it goes to the first waiter if there is one, else it is free.
  void release() noexcept {
    if (waiters.empty()) {
      ++free;
    } else {
      hand_to_first_waiter();
    }
  }
  void hand_to_first_waiter() noexcept;
  std::string describe() const;  // "semaphore (0 of 3 free)", "mutex held by task 'a' (...)"

  std::size_t free;
  std::size_t total;
  WaitList<SemaphoreAcquire> waiters;  // parked, not handed a permit yet; invariant: free == 0

  // Only for an aio::Mutex (a semaphore of one permit that remembers who holds it, so that a
  // deadlock report can name the holder). A counted reference: the holder may finish, or the
  // guard move to another task, while the lock is held.
  bool is_mutex = false;
  TaskRef<TaskStateBase> holder;
  SourceLocation locked_at;
};

}  // namespace detail

class Semaphore {
 public:
  // One permit, held by the task that acquired it. Move-only; empty once moved from or released.
  class Permit {
   public:
    Permit() noexcept = default;
    Permit(Permit&&) noexcept = default;
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        release();
        state_ = std::move(other.state_);
      }
      return *this;
    }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }

    // Give the permit back now (does nothing if this Permit is empty).
    void release() noexcept {
      if (state_) {
        state_->release();
        state_.reset();
      }
    }
    bool held() const noexcept { return static_cast<bool>(state_); }
    explicit operator bool() const noexcept { return held(); }

   private:
    friend class Semaphore;
    friend class Mutex;
    friend class detail::SemaphoreAcquire;
    explicit Permit(detail::StateRef<detail::SemaphoreState> state) noexcept
        : state_(std::move(state)) {}

    detail::StateRef<detail::SemaphoreState> state_;
  };

  explicit Semaphore(std::size_t permits);
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  // `auto permit = co_await sem.acquire();` waits for a permit (see the guarantees above).
  [[nodiscard]] detail::SemaphoreAcquire acquire() noexcept;
  // A permit if one is free right now, else std::nullopt; never waits.
  [[nodiscard]] std::optional<Permit> try_acquire() noexcept;

  std::size_t available() const noexcept { return state_->free; }
  std::size_t waiting() const noexcept { return state_->waiters.size(); }

 private:
  detail::StateRef<detail::SemaphoreState> state_;
};

namespace detail {

// The awaiter of sem.acquire(): a waiter node while parked, then the permit's carrier.
class SemaphoreAcquire final : public Wait, public WaitListNode<SemaphoreAcquire> {
 public:
  explicit SemaphoreAcquire(StateRef<SemaphoreState> state) noexcept : state_(std::move(state)) {}
  SemaphoreAcquire(const SemaphoreAcquire&) = delete;
  SemaphoreAcquire& operator=(const SemaphoreAcquire&) = delete;
  // Destroyed while parked (its frame destroyed at shutdown): leaves the line. Destroyed after
  // being handed a permit it never used: passes the permit on.
  ~SemaphoreAcquire();

  bool await_ready() noexcept {
    if (state_->free == 0) return false;
    --state_->free;  // free > 0 means nobody waits: taking it overtakes no one
    granted_ = true;
    return true;
  }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current());
  Semaphore::Permit await_resume();

  void cancel() override;
  std::string describe() const override;

 private:
  friend struct SemaphoreState;
  void grant() noexcept;  // called by the state: this waiter now holds a permit

  StateRef<SemaphoreState> state_;
  TaskStateBase* task_ = nullptr;  // set once parked
  bool granted_ = false;           // holds a permit not yet turned into a Permit
};

}  // namespace detail

inline detail::SemaphoreAcquire Semaphore::acquire() noexcept {
  return detail::SemaphoreAcquire{state_};
}

}  // namespace aio
