// aio::Queue<T>: hand items from producer tasks to consumer tasks (asyncio.Queue).
//
//   aio::Queue<Job> jobs(10);                    // bounded: at most 10 items waiting
//   // producer:                                  // consumer:
//   co_await jobs.put(std::move(job));           while (auto job = co_await jobs.get()) {
//   ...                                            co_await handle(*job);
//   jobs.close();  // no more items              }  // get() gave std::nullopt: closed, drained
//
// aio::Queue<T>() is unbounded (asyncio's maxsize=0); aio::Queue<T>(n) holds at most n items,
// and put() waits while it is full: that is back-pressure, a fast producer is slowed down to the
// pace of its consumers. try_put / try_get never wait (asyncio's put_nowait / get_nowait).
// close() ends the stream (asyncio 3.13's Queue.shutdown()): consumers drain what is left, then
// get() returns std::nullopt; a put() waiting at that moment, or started later, throws
// aio::QueueClosed. T may be move-only (std::unique_ptr, ...).
//
// Work tracking, as asyncio's: every item put counts as unfinished until a consumer calls
// task_done() for it; `co_await q.join()` waits until no item is unfinished (at once if none
// is). So a producer can wait until everything it queued has been *processed*, not merely taken:
//
//   for (auto& job : jobs) co_await q.put(job);      // consumer:
//   co_await q.join();  // every job handled          while (auto job = co_await q.get()) {
//                                                       co_await handle(*job);
//                                                       q.task_done();
//                                                     }
//
// task_done() more often than items were put throws aio::RuntimeError (asyncio: ValueError).
// A cancelled get() took nothing, so it needs no task_done(); a cancelled put() added nothing.
//
// Guarantees:
// - FIFO for items, for waiting getters and for waiting putters; no barging: an item or a free
//   slot goes straight to the first waiter, never to a task that comes along later.
// - An item handed to a waiting getter still counts in size() (and against the capacity) until
//   that getter runs, as in asyncio; it is no longer available to try_get().
// - get() on a non-empty queue and put() on a queue with room complete without suspending (as in
//   asyncio, they are not suspension points then: a pending cancellation is not delivered there).
// - Cancellation: a get() or put() that throws aio::CancelledError did not happen. A waiter leaves
//   the line; an item already handed to a getter that is cancelled before it runs goes to the next
//   getter or back to the FRONT of the queue; a slot already promised to a cancelled putter goes
//   to the next putter. Nothing is lost, duplicated or reordered.
// - The state is shared with the waiters: tasks still waiting when the Queue is destroyed are
//   cancelled safely at shutdown.
//
// GCC 12 note: inside a co_await statement, GCC 12 destroys an *aggregate* temporary twice
// (see the runtime README). `co_await q.put(Job{1, "x"})` is fine only if Job has a constructor;
// with a plain struct, build the item in its own statement: `Job job{1, "x"};
// co_await q.put(std::move(job));`.
#pragma once

#include <cstddef>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "aio/detail/waiters.hpp"
#include "aio/event.hpp"
#include "aio/loop.hpp"

namespace aio {

// put() on a closed queue (or a put() that was waiting when the queue was closed).
class QueueClosed : public RuntimeError {
 public:
  QueueClosed();
  using RuntimeError::RuntimeError;
};

namespace detail {

template <class T>
class QueueGet;
template <class T>
class QueuePut;

// Non-template pieces (queue.cpp).
void check_queue_capacity(std::size_t capacity);
std::string describe_queue_get(bool closed);
std::string describe_queue_put(std::size_t occupied, std::size_t capacity);
[[noreturn]] void queue_waiter_without_outcome();
[[noreturn]] void too_many_task_done();
void prepare_join_event(Event& all_done) noexcept;

inline constexpr std::size_t unbounded_capacity = std::numeric_limits<std::size_t>::max();

template <class T>
struct QueueState final : RefCounted {
  explicit QueueState(std::size_t capacity) : capacity(capacity) { prepare_join_event(all_done); }

  // Slots in use: buffered items, items handed to getters that have not run yet, and slots
  // promised to putters that have not run yet.
  std::size_t occupied() const noexcept { return items.size() + handed + reserved; }
  bool has_room() const noexcept { return occupied() < capacity; }

  // A new item: to the first waiting getter, else to the back of the buffer.
  void deliver(T&& item) {
    if (unfinished++ == 0) all_done.clear();
    if (getters.empty()) {
      items.push_back(std::move(item));
    } else {
      hand_to_first_getter(std::move(item));
    }
  }
  // An item a getter was handed but will not take (cancelled): it was first in line, so it goes
  // to the next waiting getter, else back to the front of the buffer.
  void give_back(T&& item) {
    --handed;
    if (getters.empty()) {
      items.push_front(std::move(item));
    } else {
      hand_to_first_getter(std::move(item));
    }
  }
  // A getter took its handed item: that slot is free now.
  void collected() noexcept {
    --handed;
    make_room();
    finish_drained_getters();
  }
  // Room appeared: promise it to waiting putters, first come first served.
  void make_room() noexcept {
    while (!putters.empty() && has_room()) {
      ++reserved;
      putters.pop_front().grant_room();
    }
  }
  // Closed, and no handed item can come back: every waiting getter gets std::nullopt.
  void finish_drained_getters() noexcept {
    if (!closed || handed != 0) return;
    while (!getters.empty()) getters.pop_front().finish();
  }
  void close() noexcept {
    if (closed) return;
    closed = true;
    while (!putters.empty()) putters.pop_front().refuse();
    finish_drained_getters();
  }

  std::deque<T> items;
  std::size_t capacity;
  std::size_t handed = 0;    // items moved into a getter's awaiter, getter not resumed yet
  std::size_t reserved = 0;  // slots promised to a putter, putter not resumed yet
  bool closed = false;
  std::size_t unfinished = 0;     // items put and not yet marked task_done()
  Event all_done;                 // set while unfinished == 0: what join() waits for
  WaitList<QueueGet<T>> getters;  // waiting for an item; invariant: items is empty
  WaitList<QueuePut<T>> putters;  // waiting for room; invariant: !has_room()

 private:
  void hand_to_first_getter(T&& item) {
    QueueGet<T>& getter = getters.front();
    getter.receive(std::move(item));  // if T's move throws, nothing has changed yet
    getters.pop_front();
    ++handed;
    getter.wake();
  }
};

// The awaiter of queue.get().
template <class T>
class QueueGet final : public Wait, public WaitListNode<QueueGet<T>> {
 public:
  explicit QueueGet(StateRef<QueueState<T>> state) noexcept : state_(std::move(state)) {}
  QueueGet(const QueueGet&) = delete;
  QueueGet& operator=(const QueueGet&) = delete;
  // Destroyed while parked (frame destroyed at shutdown): leaves the line. Destroyed holding an
  // item it never returned to its task: the item goes back to the queue.
  ~QueueGet() {
    if (this->linked()) {
      state_->getters.remove(*this);
    } else if (status_ == Status::Handed) {
      state_->give_back(std::move(*slot_));
    }
  }

  bool await_ready() {
    QueueState<T>& state = *state_;
    if (!state.items.empty()) {  // nobody waits while items are buffered: no one is overtaken
      slot_.emplace(std::move(state.items.front()));
      state.items.pop_front();
      status_ = Status::Taken;
      state.make_room();
      return true;
    }
    if (state.closed && state.handed == 0) {
      status_ = Status::Closed;
      return true;
    }
    return false;
  }

  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current()) {
    task_ = &running_task();
    if (!task_->park(*this, where)) return false;  // cancelled already: await_resume throws
    state_->getters.push_back(*this);
    return true;
  }

  std::optional<T> await_resume() {
    switch (status_) {
      case Status::Taken:
        return std::move(slot_);
      case Status::Handed:
        if (task_->cancel_requested()) {
          // Handed an item, then cancelled before this task could run: the cancellation wins
          // (as for a sleep whose timer fired) and the item goes back, first in line.
          status_ = Status::Pending;
          state_->give_back(std::move(*slot_));
          task_->throw_if_cancel_requested();
        }
        status_ = Status::Taken;
        state_->collected();
        return std::move(slot_);
      case Status::Closed:
        if (task_) task_->throw_if_cancel_requested();
        return std::nullopt;
      case Status::Pending:
        break;
    }
    task_->throw_if_cancel_requested();  // cancelled while waiting, or before parking
    queue_waiter_without_outcome();
  }

  void cancel() override {
    state_->getters.remove(*this);
    task_->wake();  // await_resume throws the CancelledError
  }
  std::string describe() const override { return describe_queue_get(state_->closed); }

 private:
  friend struct QueueState<T>;
  enum class Status { Pending, Taken, Handed, Closed };

  void receive(T&& item) {
    slot_.emplace(std::move(item));
    status_ = Status::Handed;
  }
  void wake() noexcept { task_->wake(); }
  void finish() noexcept {
    status_ = Status::Closed;
    task_->wake();
  }

  StateRef<QueueState<T>> state_;
  TaskStateBase* task_ = nullptr;  // set once parked
  std::optional<T> slot_;
  Status status_ = Status::Pending;
};

// The awaiter of queue.put(item): carries the item until it is in the queue.
template <class T>
class QueuePut final : public Wait, public WaitListNode<QueuePut<T>> {
 public:
  QueuePut(StateRef<QueueState<T>> state, T&& item)
      : state_(std::move(state)), item_(std::move(item)) {}
  QueuePut(const QueuePut&) = delete;
  QueuePut& operator=(const QueuePut&) = delete;
  // Destroyed while parked: leaves the line. Destroyed after a slot was promised to it: the slot
  // goes to the next putter.
  ~QueuePut() {
    if (this->linked()) {
      state_->putters.remove(*this);
    } else if (status_ == Status::Room) {
      --state_->reserved;
      state_->make_room();
    }
  }

  bool await_ready() {
    QueueState<T>& state = *state_;
    if (state.closed) {
      status_ = Status::Closed;
      return true;
    }
    if (state.putters.empty() && state.has_room()) {
      state.deliver(std::move(item_));
      status_ = Status::Done;
      return true;
    }
    return false;
  }

  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current()) {
    task_ = &running_task();
    if (!task_->park(*this, where)) return false;  // cancelled already: await_resume throws
    state_->putters.push_back(*this);
    return true;
  }

  void await_resume() {
    switch (status_) {
      case Status::Done:
        return;
      case Status::Room:
        // A slot was promised to us; the item goes in only now, so a cancelled put is a put
        // that did not happen, and the slot goes on to the next putter.
        status_ = Status::Pending;
        --state_->reserved;
        if (task_->cancel_requested()) {
          state_->make_room();
          task_->throw_if_cancel_requested();
        }
        if (state_->closed) throw QueueClosed();  // closed since: refused like any later put
        state_->deliver(std::move(item_));
        status_ = Status::Done;
        return;
      case Status::Closed:
        if (task_) task_->throw_if_cancel_requested();
        throw QueueClosed();
      case Status::Pending:
        break;
    }
    task_->throw_if_cancel_requested();  // cancelled while waiting, or before parking
    queue_waiter_without_outcome();
  }

  void cancel() override {
    state_->putters.remove(*this);
    task_->wake();  // await_resume throws the CancelledError
  }
  std::string describe() const override {
    return describe_queue_put(state_->occupied(), state_->capacity);
  }

 private:
  friend struct QueueState<T>;
  enum class Status { Pending, Done, Room, Closed };

  void grant_room() noexcept {
    status_ = Status::Room;
    task_->wake();
  }
  void refuse() noexcept {
    status_ = Status::Closed;
    task_->wake();
  }

  StateRef<QueueState<T>> state_;
  TaskStateBase* task_ = nullptr;  // set once parked
  T item_;
  Status status_ = Status::Pending;
};

}  // namespace detail

template <class T>
class Queue {
 public:
  // Unbounded: put() never waits.
  Queue() : state_(new detail::QueueState<T>(detail::unbounded_capacity)) {}
  // Bounded: at most `capacity` items (at least 1); put() waits while the queue is full.
  explicit Queue(std::size_t capacity)
      : state_((detail::check_queue_capacity(capacity), new detail::QueueState<T>(capacity))) {}
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // `co_await q.put(item);` waits while the queue is full; throws aio::QueueClosed once closed.
  [[nodiscard]] detail::QueuePut<T> put(T item) {
    return detail::QueuePut<T>{state_, std::move(item)};
  }
  // `std::optional<T> item = co_await q.get();` waits while the queue is empty; std::nullopt once
  // the queue is closed and drained.
  [[nodiscard]] detail::QueueGet<T> get() noexcept { return detail::QueueGet<T>{state_}; }

  // Put without waiting: false (and `item` untouched) if the queue is full; throws
  // aio::QueueClosed if it is closed.
  bool try_put(T&& item) {
    if (!admits_now()) return false;
    state_->deliver(std::move(item));
    return true;
  }
  bool try_put(const T& item) {
    if (!admits_now()) return false;
    state_->deliver(T(item));
    return true;
  }
  // Take the first item without waiting; std::nullopt if none is buffered.
  std::optional<T> try_get() {
    detail::QueueState<T>& state = *state_;
    if (state.items.empty()) return std::nullopt;
    std::optional<T> item(std::move(state.items.front()));
    state.items.pop_front();
    state.make_room();
    return item;
  }

  // A consumer has finished with an item it got (see "Work tracking" above).
  void task_done() {
    detail::QueueState<T>& state = *state_;
    if (state.unfinished == 0) detail::too_many_task_done();
    if (--state.unfinished == 0) state.all_done.set();
  }
  // `co_await q.join();` waits until every item put so far has been marked task_done().
  [[nodiscard]] detail::EventWait join() noexcept { return state_->all_done.wait(); }
  // Items put and not yet marked task_done() (asyncio's private _unfinished_tasks).
  std::size_t unfinished() const noexcept { return state_->unfinished; }

  // No more items: waiting getters get std::nullopt once the queue is drained, waiting and later
  // putters get aio::QueueClosed. Closing twice does nothing.
  void close() noexcept { state_->close(); }

  // Items in the queue, including those handed to a getter that has not run yet.
  std::size_t size() const noexcept { return state_->items.size() + state_->handed; }
  bool empty() const noexcept { return size() == 0; }
  bool full() const noexcept { return !state_->has_room(); }
  // The bound given to the constructor; std::nullopt for an unbounded queue.
  std::optional<std::size_t> capacity() const noexcept {
    if (state_->capacity == detail::unbounded_capacity) return std::nullopt;
    return state_->capacity;
  }
  bool closed() const noexcept { return state_->closed; }
  std::size_t waiting_getters() const noexcept { return state_->getters.size(); }
  std::size_t waiting_putters() const noexcept { return state_->putters.size(); }

 private:
  bool admits_now() const {
    if (state_->closed) throw QueueClosed();
    return state_->putters.empty() && state_->has_room();
  }

  detail::StateRef<detail::QueueState<T>> state_;
};

}  // namespace aio
