// Coalesces a burst of change notifications into one: an editor's save is often several events
// (write, truncate, rename, chmod), and grading each would grade half-written files. Due once the
// file has been quiet for `quiet`. Time is passed in, so tests need no clock.
#pragma once

#include <chrono>
#include <optional>

namespace awaitlings {

class Debouncer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Debouncer(Clock::duration quiet) : quiet_(quiet) {}

  // Something changed at `now`: wait for quiet again.
  void changed(Clock::time_point now) { last_change_ = now; }

  // True once per burst, when `quiet` has passed since its last change.
  bool due(Clock::time_point now) {
    if (!last_change_ || now - *last_change_ < quiet_) return false;
    last_change_.reset();
    return true;
  }

  // How long until due() can be true; nothing when no change is pending.
  std::optional<Clock::duration> time_left(Clock::time_point now) const {
    if (!last_change_) return std::nullopt;
    auto left = *last_change_ + quiet_ - now;
    return left < Clock::duration::zero() ? Clock::duration::zero() : left;
  }

  bool pending() const { return last_change_.has_value(); }

 private:
  Clock::duration quiet_;
  std::optional<Clock::time_point> last_change_;
};

}  // namespace awaitlings
