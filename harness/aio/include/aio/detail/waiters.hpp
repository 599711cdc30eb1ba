// Building blocks of the synchronisation primitives (Semaphore, Event, Queue). Internal.
//
// - WaitList: the line of tasks parked on a primitive. Intrusive: each waiter's node lives inside
//   its awaiter, which lives in the waiting coroutine's frame, so parking allocates nothing and a
//   cancelled waiter leaves the middle of the line in O(1).
// - StateRef: the primitive's state (counters, buffered items, wait lists) is shared by the
//   primitive object and by every awaiter and permit still using it, through a plain
//   (single-threaded) reference count. So a task still parked on a Semaphore whose owner has
//   returned (a learner forgot to await the workers) is cancelled safely at shutdown instead of
//   touching freed memory, and a Permit may outlive its Semaphore.
#pragma once

#include <cstddef>
#include <utility>

namespace aio::detail {

template <class Node>
class WaitList;

// Base of a waiter that can stand in a WaitList<Node> (Node derives from WaitListNode<Node>).
template <class Node>
class WaitListNode {
 public:
  bool linked() const noexcept { return linked_; }

 private:
  friend class WaitList<Node>;
  Node* prev_ = nullptr;
  Node* next_ = nullptr;
  bool linked_ = false;
};

// A FIFO of waiters: push at the back, pop at the front, remove from anywhere.
template <class Node>
class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }
  std::size_t size() const noexcept { return size_; }
  Node& front() const noexcept { return *head_; }

  void push_back(Node& node) noexcept {
    hook(node).prev_ = tail_;
    hook(node).next_ = nullptr;
    hook(node).linked_ = true;
    if (tail_) {
      hook(*tail_).next_ = &node;
    } else {
      head_ = &node;
    }
    tail_ = &node;
    ++size_;
  }

  Node& pop_front() noexcept {
    Node& node = *head_;
    remove(node);
    return node;
  }

  void remove(Node& node) noexcept {
    auto& h = hook(node);
    if (h.prev_) {
      hook(*h.prev_).next_ = h.next_;
    } else {
      head_ = h.next_;
    }
    if (h.next_) {
      hook(*h.next_).prev_ = h.prev_;
    } else {
      tail_ = h.prev_;
    }
    h.prev_ = h.next_ = nullptr;
    h.linked_ = false;
    --size_;
  }

 private:
  static WaitListNode<Node>& hook(Node& node) noexcept { return node; }

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  std::size_t size_ = 0;
};

// Base of a primitive's shared state: the reference count StateRef maintains.
struct RefCounted {
  std::size_t refs = 0;
};

// A counted reference to a primitive's state; the last one deletes it. Not thread-safe, on
// purpose: every coroutine of a loop runs on the loop's thread, and a plain increment keeps the
// hot paths (queue ping-pong, semaphore churn) cheap.
template <class State>
class StateRef {
 public:
  StateRef() noexcept = default;
  explicit StateRef(State* state) noexcept : state_(state) {
    if (state_) ++state_->refs;
  }
  StateRef(const StateRef& other) noexcept : StateRef(other.state_) {}
  StateRef(StateRef&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  StateRef& operator=(StateRef other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~StateRef() { reset(); }

  void reset() noexcept {
    State* state = std::exchange(state_, nullptr);
    if (state && --state->refs == 0) delete state;
  }

  State* get() const noexcept { return state_; }
  State* operator->() const noexcept { return state_; }
  State& operator*() const noexcept { return *state_; }
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  State* state_ = nullptr;
};

}  // namespace aio::detail
