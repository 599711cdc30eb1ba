// co_await aio::sleep(2s): suspend this task for a while; other tasks run meanwhile.
// co_await aio::sleep(0s): just yield — go to the back of the ready queue, let others run.
// aio::now(): the loop's clock, time since the loop started.
#pragma once

#include "aio/loop.hpp"

namespace aio {

Duration now();

namespace detail {
class SleepAwaiter final : public Wait, public TimerTarget {
 public:
  explicit SleepAwaiter(Duration delay) noexcept : delay_(delay) {}
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;
  // If the frame is destroyed while asleep (shutdown), the timer must not fire into freed memory.
  ~SleepAwaiter();

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current());
  void await_resume();

  void on_timer() override;
  void cancel() override;
  std::string describe() const override;

 private:
  Duration delay_;
  TaskStateBase* task_ = nullptr;  // the timer's key and heap slot live in TimerTarget
};
}  // namespace detail

// Returns an awaitable; nothing happens until you co_await it.
[[nodiscard]] inline detail::SleepAwaiter sleep(Duration delay) noexcept {
  return detail::SleepAwaiter{delay};
}

}  // namespace aio
