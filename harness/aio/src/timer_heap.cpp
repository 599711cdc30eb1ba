// The timer heap (see aio/detail/timer_heap.hpp). A textbook binary heap whose entries record
// where they are, so any entry can be removed, not only the top.
#include "aio/detail/timer_heap.hpp"

namespace aio::detail {

void TimerHeap::arm(TimerTarget& target, TimerKey key) {
  disarm(target);  // re-arming moves the timer
  target.key_ = key;
  heap_.push_back(&target);
  target.slot_ = heap_.size() - 1;
  sift_up(target.slot_);
}

void TimerHeap::disarm(TimerTarget& target) noexcept {
  if (!target.timer_armed()) return;
  std::size_t slot = target.slot_;
  target.slot_ = TimerTarget::unarmed;
  TimerTarget* last = heap_.back();
  heap_.pop_back();
  if (last == &target) return;  // it was the last entry: nothing to refill
  // Move the last entry into the hole, then let it find its place up or down.
  place(slot, last);
  sift_up(slot);
  sift_down(last->slot_);
}

TimerTarget& TimerHeap::pop_earliest() noexcept {
  TimerTarget& first = *heap_.front();
  disarm(first);
  return first;
}

void TimerHeap::place(std::size_t slot, TimerTarget* target) noexcept {
  heap_[slot] = target;
  target->slot_ = slot;
}

void TimerHeap::sift_up(std::size_t slot) noexcept {
  TimerTarget* moving = heap_[slot];
  while (slot > 0) {
    std::size_t parent = (slot - 1) / 2;
    if (!(moving->key_ < heap_[parent]->key_)) break;
    place(slot, heap_[parent]);
    slot = parent;
  }
  place(slot, moving);
}

void TimerHeap::sift_down(std::size_t slot) noexcept {
  TimerTarget* moving = heap_[slot];
  const std::size_t count = heap_.size();
  while (true) {
    std::size_t child = 2 * slot + 1;
    if (child >= count) break;
    if (child + 1 < count && heap_[child + 1]->key_ < heap_[child]->key_) ++child;
    if (!(heap_[child]->key_ < moving->key_)) break;
    place(slot, heap_[child]);
    slot = child;
  }
  place(slot, moving);
}

}  // namespace aio::detail
