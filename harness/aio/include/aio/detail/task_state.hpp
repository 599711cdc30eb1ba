// A task: the unit the event loop schedules (asyncio.Task). Internal; learners use
// aio::create_task / aio::TaskHandle (spawn.hpp) and aio::gather (gather.hpp).
//
// A task owns one root Task<T> frame and runs it, and whatever that frame awaits inline, through
// the trampoline in step(). It is either:
//   created  -> queued (in the loop's ready queue) -> running -> waiting (parked on a Wait)
//            -> queued -> running -> ... -> done
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "aio/detail/frame.hpp"
#include "aio/task.hpp"

namespace aio {
class Loop;
}

namespace aio::detail {

// What a parked task waits for (a timer, another task, a gather...). The loop calls cancel() when
// the waiting task is cancelled: the Wait either wakes the task at once (a sleep) or forwards the
// cancellation to what it waits on and wakes the task when that has finished (a task, a gather).
class Wait {
 public:
  virtual void cancel() = 0;
  virtual std::string describe() const = 0;  // e.g. "a timer at 3.000s", "task 'download'"

 protected:
  ~Wait() = default;
};

// Notified when a task finishes (awaiting handles, gather).
class DoneListener {
 public:
  virtual void task_done(TaskStateBase& task) = 0;

 protected:
  ~DoneListener() = default;
};

template <class State>
class TaskRef;

class TaskStateBase {
 public:
  // Task states come from the frame pool too (frame_allocator.hpp). The destructor is virtual,
  // so the sized delete receives the size of the TaskState<T> actually being destroyed.
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* state, std::size_t size) noexcept {
    deallocate_frame(state, size);
  }

  TaskStateBase(Loop& loop, std::string name, PromiseBase& root);
  virtual ~TaskStateBase();
  TaskStateBase(const TaskStateBase&) = delete;
  TaskStateBase& operator=(const TaskStateBase&) = delete;

  // The name given to create_task, or else the coroutine function's ("download_file").
  std::string name() const;
  Loop& loop() const noexcept { return *loop_; }
  bool done() const noexcept { return done_; }
  bool cancelled() const noexcept { return cancelled_; }
  bool started() const noexcept { return started_; }
  bool waiting() const noexcept { return wait_ != nullptr; }

  // asyncio's Task.cancel(): request a CancelledError at the current or next suspension point.
  // Returns false if the task is already done.
  bool cancel();

  // --- used by the loop ---
  void step();              // resume frames until the task parks or finishes
  void abandon() noexcept;  // last resort at shutdown: destroy the frames without running them
  std::string describe_wait() const;     // "waits at exercise.cpp:12 (in main_flow) for task 'a'"
  std::string wait_description() const;  // what it is parked on ("a timer at 2.000s"), or ""
  std::size_t live_index = 0;            // position in the loop's list of unfinished tasks
  const PromiseBase* current_frame() const noexcept { return current_; }  // running now, or null
  const char* root_function() const noexcept { return function_; }
  // name() without building a string: the given name's characters, or the root's function name.
  const char* name_chars() const noexcept { return given_name_ ? given_name_->c_str() : function_; }
  SourceLocation wait_site() const noexcept { return wait_site_; }
  // Once done: move the outcome out of the frame and destroy the frame while the loop still
  // runs, so that what the frame's destructors print is stamped and recorded, and what they
  // release is released now (see settle_when_done).
  virtual void settle() noexcept = 0;

  // --- used by awaiters (the suspension points) ---
  // Park the running frame on `wait`. Returns false (do not suspend) if a cancellation is
  // already pending: the awaiter's await_resume will then throw it. A Wait that must finish
  // something first (gather waits for its cancelled children) parks anyway with `always`.
  bool park(Wait& wait, SourceLocation where, bool always = false);
  bool cancel_requested() const noexcept { return cancel_requested_; }
  void wake();                       // the wait is over: queue the parked frame to resume
  void throw_if_cancel_requested();  // in await_resume: deliver a pending cancellation, once
  void resume_next(PromiseBase& frame) noexcept { next_ = &frame; }
  void finish_root() noexcept { root_finished_ = true; }

  void add_listener(DoneListener& listener);
  void remove_listener(DoneListener& listener) noexcept;

  // The task's outcome once done: null, or the exception it finished with.
  virtual std::exception_ptr error() const noexcept = 0;

  // Keeps a callable (e.g. a capturing lambda) alive as long as the frame it created.
  std::shared_ptr<void> keep_alive;

  // (The flags are declared together, here and at the top of the private part, so that they
  // share one word: a task state is allocated for every task.)
  bool queued = false;            // in the loop's ready queue (a task is queued at most once)
  bool result_retrieved = false;  // someone awaited / gathered the outcome
  // Destroy the frame as soon as the task finishes (its outcome is moved out first), so that
  // what its parameters and locals hold (a Semaphore permit, a Mutex guard, a socket) goes back
  // then, not when the last handle dies. Off only for the main task: tasks still running when
  // it finishes may use its parameters while they are cancelled (Loop::settle_main).
  bool settle_when_done = true;

 protected:
  void set_forced_error(std::exception_ptr error) noexcept { forced_error_ = std::move(error); }
  std::exception_ptr forced_error() const noexcept { return forced_error_; }
  virtual void destroy_frames() noexcept = 0;

 private:
  template <class State>
  friend class TaskRef;

  void run_frames(const PromiseBase* woken);
  void complete();

  std::uint32_t refs_ = 0;  // TaskRefs pointing here; the last one deletes the state
  bool started_ = false;
  bool root_finished_ = false;
  bool cancel_requested_ = false;
  bool done_ = false;
  bool cancelled_ = false;
  Loop* loop_;
  // Only a name given explicitly is stored (most tasks have none): the default name is derived
  // from the coroutine's function name when a message needs it, not computed for every task.
  std::unique_ptr<const std::string> given_name_;
  const char* function_;  // the root coroutine's function name (static storage)
  PromiseBase* root_;
  PromiseBase* next_ = nullptr;     // frame the trampoline resumes next
  PromiseBase* current_ = nullptr;  // frame running now
  PromiseBase* parked_ = nullptr;   // frame suspended on wait_
  // Frame to resume at the task's next step, set by wake(). Not next_: wake() may run inside
  // this task's own step (sleep(0)), and the trampoline must not pick the frame up at once.
  PromiseBase* woken_ = nullptr;
  Wait* wait_ = nullptr;
  SourceLocation wait_site_;
  std::exception_ptr forced_error_;  // outcome when the frame never ran (cancelled first)
  // Most tasks have exactly one listener (the task awaiting them, or their gather): it lives
  // inline, and only further listeners cost an allocation.
  DoneListener* first_listener_ = nullptr;
  std::vector<DoneListener*> more_listeners_;
};

// A counted reference to a task state (the loop's list of live tasks, a TaskHandle, a gather's
// children, a TaskGroup's). The last reference deletes the state, and with it the frames.
// Like std::shared_ptr, but the count is a plain integer, not an atomic: every task of a loop
// lives on the loop's thread, and the atomic increments of shared_ptr were the most expensive
// instructions of a short task (see benchmarks/README.md).
template <class State>
class TaskRef {
 public:
  TaskRef() noexcept = default;
  explicit TaskRef(State* state) noexcept : state_(state) { acquire(); }
  TaskRef(const TaskRef& other) noexcept : TaskRef(other.state_) {}
  TaskRef(TaskRef&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  template <class Derived>
  requires std::is_convertible_v<Derived*, State*> TaskRef(const TaskRef<Derived>& other)
  noexcept : TaskRef(other.get()) {}
  template <class Derived>
  requires std::is_convertible_v<Derived*, State*> TaskRef(TaskRef<Derived>&& other)
  noexcept : state_(other.release()) {}
  TaskRef& operator=(TaskRef other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~TaskRef() { reset(); }

  void reset() noexcept {
    TaskStateBase* state = std::exchange(state_, nullptr);
    if (state && --state->refs_ == 0) delete state;
  }
  // Hands the reference over without counting (the converting move above).
  State* release() noexcept { return std::exchange(state_, nullptr); }

  State* get() const noexcept { return state_; }
  State* operator->() const noexcept { return state_; }
  State& operator*() const noexcept { return *state_; }
  explicit operator bool() const noexcept { return state_ != nullptr; }
  friend bool operator==(const TaskRef& a, const TaskRef& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  void acquire() noexcept {
    if (state_) ++static_cast<TaskStateBase*>(state_)->refs_;
  }
  State* state_ = nullptr;
};

// A new reference to a state some other reference already keeps alive.
inline TaskRef<TaskStateBase> ref_to(TaskStateBase& state) noexcept {
  return TaskRef<TaskStateBase>(&state);
}

// A task running a Task<T>; holds the frame, and with it the result, until the state dies.
template <class T>
class TaskState final : public TaskStateBase {
 public:
  TaskState(Loop& loop, std::string name, Task<T> task)
      : TaskStateBase(loop, std::move(name), task.claim()), task_(std::move(task)) {}

  std::exception_ptr error() const noexcept override {
    if (auto forced = forced_error()) return forced;
    if (settled_) return settled_error_;
    return task_.valid() ? task_.promise().error() : nullptr;
  }

  // The value, or rethrows the exception. Only once done.
  T take_result() {
    result_retrieved = true;
    if (auto forced = forced_error()) std::rethrow_exception(forced);
    if (settled_) {
      if (settled_error_) std::rethrow_exception(settled_error_);
      if constexpr (!std::is_void_v<T>)
        return std::move(*settled_value_);
      else
        return;
    }
    return task_.promise().take_result();
  }

  void settle() noexcept override {
    if (settled_ || !task_.valid() || forced_error()) return;
    if (auto failed = task_.promise().error()) {
      settled_error_ = std::move(failed);  // no need to rethrow it to keep it
    } else
      try {
        if constexpr (std::is_void_v<T>) {
          task_.promise().take_result();
        } else {
          settled_value_.emplace(task_.promise().take_result());
        }
      } catch (...) {
        settled_error_ = std::current_exception();
      }
    settled_ = true;
    task_ = Task<T>{};  // destroys the frame: its parameters' destructors run now
  }

  // For TaskHandle, which many tasks may await: each reader gets the outcome. A copyable value
  // is copied; a move-only value (std::unique_ptr...) can be taken once, and a second reader
  // gets a RuntimeError rather than a silently moved-from object.
  T share_result() {
    if constexpr (std::is_void_v<T> || !std::is_copy_constructible_v<T>) {
      if (value_taken_ && !error()) {
        throw RuntimeError("task '" + name() +
                           "': its move-only result was already taken by an earlier co_await "
                           "or result()");
      }
      value_taken_ = !std::is_void_v<T>;
      return take_result();
    } else {
      result_retrieved = true;
      if (auto forced = forced_error()) std::rethrow_exception(forced);
      if (settled_) {
        if (settled_error_) std::rethrow_exception(settled_error_);
        return *settled_value_;
      }
      return task_.promise().copy_result();
    }
  }

 private:
  void destroy_frames() noexcept override { task_ = Task<T>{}; }
  Task<T> task_;
  bool value_taken_ = false;
  bool settled_ = false;
  // The outcome once settled (see settle()).
  std::conditional_t<std::is_void_v<T>, std::monostate, std::optional<T>> settled_value_{};
  std::exception_ptr settled_error_;
};

// A readable task name from a coroutine's function name ("long_process", "lambda").
std::string task_name_for(const PromiseBase& frame);
std::string task_name_for(const char* function);

template <class T>
TaskRef<TaskState<T>> make_task_state(Loop& loop, Task<T> task, std::string name = {}) {
  if (!task.valid()) throw RuntimeError("aio: cannot start an empty (moved-from) Task");
  return TaskRef<TaskState<T>>(new TaskState<T>(loop, std::move(name), std::move(task)));
}

}  // namespace aio::detail
