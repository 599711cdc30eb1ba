// The loop's timers: a binary min-heap of the sleeping awaiters themselves.
//
// Why not std::map<deadline, target>: every sleep would allocate a tree node (about 64 bytes)
// and free it when it fires. Here the awaiter (in the sleeping coroutine's frame) carries its
// own key and its position in the heap, so arming a timer costs one 8-byte slot in a vector
// that is reused, and cancelling one (the sleep was cancelled, or its frame destroyed) removes
// it in O(log n) without searching.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aio {
using Duration = std::chrono::nanoseconds;  // the same alias as in loop.hpp
}

namespace aio::detail {

// Timers fire in (deadline, sequence) order: equal deadlines fire in the order they were set.
struct TimerKey {
  Duration deadline{};
  std::uint64_t sequence = 0;
  friend bool operator<(const TimerKey& a, const TimerKey& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence;
  }
};

class TimerHeap;

// Something a timer wakes (a sleep, a timeout).
class TimerTarget {
 public:
  virtual void on_timer() = 0;
  bool timer_armed() const noexcept { return slot_ != unarmed; }
  Duration timer_deadline() const noexcept { return key_.deadline; }

 protected:
  TimerTarget() = default;
  TimerTarget(const TimerTarget&) = delete;
  TimerTarget& operator=(const TimerTarget&) = delete;
  ~TimerTarget() = default;

 private:
  friend class TimerHeap;
  static constexpr std::size_t unarmed = static_cast<std::size_t>(-1);
  TimerKey key_;
  std::size_t slot_ = unarmed;  // index in the heap's vector while armed
};

class TimerHeap {
 public:
  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  // The earliest timer. Only when not empty.
  TimerTarget& earliest() const noexcept { return *heap_.front(); }
  Duration earliest_deadline() const noexcept { return heap_.front()->key_.deadline; }

  void arm(TimerTarget& target, TimerKey key);
  void disarm(TimerTarget& target) noexcept;  // no-op if not armed
  TimerTarget& pop_earliest() noexcept;       // disarms and returns the earliest timer

 private:
  void place(std::size_t slot, TimerTarget* target) noexcept;
  void sift_up(std::size_t slot) noexcept;
  void sift_down(std::size_t slot) noexcept;

  std::vector<TimerTarget*> heap_;
};

}  // namespace aio::detail
