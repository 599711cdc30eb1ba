// aio::Mutex: one task at a time in a critical section (asyncio.Lock).
//
//   aio::Mutex mutex;
//   {
//     auto guard = co_await mutex.lock();   // waits while another task holds the lock
//     int balance = account.balance;
//     co_await aio::sleep(10ms);            // other tasks run here, but not in this section
//     account.balance = balance + amount;
//   }                                       // unlocked here (RAII), even on an exception
//
// Why a lock in single-threaded code: tasks only switch at a co_await, so code *between* two
// co_awaits is never interrupted, but a read-modify-write that spans a co_await is. Two tasks
// that both read the balance, both sleep, both write it back lose one of the updates. That is a
// race, without any thread.
//
// asyncio writes `async with lock:`. Unlocking never waits, so here a plain RAII object does it:
// aio::Mutex::Guard, move-only, unlocks when destroyed or when you call guard.unlock().
//
// Guarantees (it is a Semaphore of one permit, see semaphore.hpp, plus the holder's name):
// - FIFO, no barging: the lock goes to waiters in the order they started waiting, even if the
//   task that unlocks asks again at once.
// - lock() does not suspend when the mutex is free (then it is not a suspension point, as in
//   asyncio: a pending cancellation is not delivered there).
// - A cancelled waiter leaves the line: it does not take the lock, and if the lock had just been
//   handed to it, it passes on to the next waiter. A lock() that throws took nothing.
// - Not re-entrant: a task that locks a mutex it already holds waits for itself forever, and the
//   deadlock report says "mutex held by task 'x'" (x being the same task).
// - Deadlock reports name the holder and where it locked: "mutex held by task 'deposit'
//   (locked at exercise.cpp:31)".
#pragma once

#include <optional>

#include "aio/semaphore.hpp"

namespace aio {

namespace detail {
class MutexLock;
}

class Mutex {
 public:
  // The lock, held by the task that took it. Move-only; empty once moved from or unlocked.
  class Guard {
   public:
    Guard() noexcept = default;
    Guard(Guard&&) noexcept = default;
    Guard& operator=(Guard&& other) noexcept {
      if (this != &other) {
        unlock();
        permit_ = std::move(other.permit_);
      }
      return *this;
    }
    ~Guard() { unlock(); }

    // Unlock now (does nothing if this Guard is empty).
    void unlock() noexcept;
    bool owns_lock() const noexcept { return permit_.held(); }
    explicit operator bool() const noexcept { return owns_lock(); }

   private:
    friend class Mutex;
    explicit Guard(Semaphore::Permit permit) noexcept : permit_(std::move(permit)) {}
    Semaphore::Permit permit_;
  };

  Mutex();
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // `auto guard = co_await mutex.lock();` waits for the lock. `where` is recorded for deadlock
  // reports (leave it defaulted).
  [[nodiscard]] detail::MutexLock lock(SourceLocation where = SourceLocation::current()) noexcept;
  // The lock if it is free right now, else std::nullopt; never waits. Inside a task only.
  [[nodiscard]] std::optional<Guard> try_lock(SourceLocation where = SourceLocation::current());

  bool locked() const noexcept { return state_->free == 0; }
  std::size_t waiting() const noexcept { return state_->waiters.size(); }

 private:
  friend class detail::MutexLock;
  // A permit just taken becomes the lock of the running task.
  static Guard take(Semaphore::Permit permit, SourceLocation where);
  static detail::SemaphoreState& state_of(const Semaphore::Permit& permit) noexcept {
    return *permit.state_;
  }

  detail::StateRef<detail::SemaphoreState> state_;
};

namespace detail {

// The awaiter of mutex.lock(): a semaphore acquire that records the holder when it succeeds.
class MutexLock {
 public:
  MutexLock(StateRef<SemaphoreState> state, SourceLocation where) noexcept
      : acquire_(std::move(state)), where_(where) {}

  bool await_ready() noexcept { return acquire_.await_ready(); }
  bool await_suspend(std::coroutine_handle<> self,
                     SourceLocation where = SourceLocation::current()) {
    return acquire_.await_suspend(self, where);
  }
  Mutex::Guard await_resume() { return Mutex::take(acquire_.await_resume(), where_); }

 private:
  SemaphoreAcquire acquire_;
  SourceLocation where_;
};

}  // namespace detail

inline detail::MutexLock Mutex::lock(SourceLocation where) noexcept {
  return detail::MutexLock{state_, where};
}

}  // namespace aio
