// aio::Task<T>: the coroutine type of the workbook. Write `aio::Task<int> f() { ... co_return 1;
// }`.
//
// - Lazy: calling f() only creates the frame; nothing runs until the Task is awaited
//   (`co_await f()`), handed to aio::create_task / aio::gather, or run by aio::run.
// - `co_await task` runs the child inline in the awaiting task, like `await coro()` in Python:
//   no trip through the event loop, no new task.
// - [[nodiscard]] and move-only: a Task dropped without being awaited did nothing, so the
//   compiler warns, and the runtime reports "coroutine 'f' was never awaited".
#pragma once

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "aio/detail/frame.hpp"
#include "aio/errors.hpp"

namespace aio {

template <class T = void>
class Task;

namespace detail {

template <class T>
class TaskPromise;

// Result storage shared by Task<T> and Task<void>: nothing yet, a value, or an exception.
template <class T>
class TaskPromiseResult : public PromiseBase {
 public:
  using PromiseBase::PromiseBase;
  void unhandled_exception() noexcept { result_.template emplace<2>(std::current_exception()); }

  template <class U>
  void return_value(U&& value) {
    result_.template emplace<1>(std::forward<U>(value));
  }

  T take_result() {
    if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
    return std::move(std::get<1>(result_));
  }
  // The value without consuming it (several readers of one task's result).
  T copy_result() const {
    if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
    return std::get<1>(result_);
  }
  std::exception_ptr error() const noexcept {
    return result_.index() == 2 ? std::get<2>(result_) : nullptr;
  }

 private:
  std::variant<std::monostate, T, std::exception_ptr> result_;
};

template <>
class TaskPromiseResult<void> : public PromiseBase {
 public:
  using PromiseBase::PromiseBase;
  void unhandled_exception() noexcept { error_ = std::current_exception(); }
  void return_void() noexcept {}
  void take_result() {
    if (error_) std::rethrow_exception(error_);
  }
  std::exception_ptr error() const noexcept { return error_; }

 private:
  std::exception_ptr error_;
};

template <class T>
class TaskPromise final : public TaskPromiseResult<T> {
 public:
  // The default argument records which coroutine function this frame belongs to.
  explicit TaskPromise(SourceLocation where = SourceLocation::current()) noexcept
      : TaskPromiseResult<T>(where) {}

  Task<T> get_return_object() noexcept;
  InitialAwaiter initial_suspend() noexcept { return {*this}; }
  FinalAwaiter final_suspend() noexcept { return {*this}; }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;
  using Handle = std::coroutine_handle<promise_type>;

  Task() noexcept = default;
  explicit Task(Handle frame) noexcept : frame_(frame) {}
  Task(Task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { destroy(); }

  bool valid() const noexcept { return static_cast<bool>(frame_); }

  // `co_await task`: suspend the awaiting frame, run this one inline (see detail/frame.hpp),
  // then hand its value back or rethrow its exception.
  class Awaiter {
   public:
    explicit Awaiter(Task& task) noexcept : task_(task) {}
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    void await_suspend(std::coroutine_handle<Promise> awaiting,
                       SourceLocation where = SourceLocation::current()) {
      static_assert(std::is_base_of_v<detail::PromiseBase, Promise>,
                    "aio::Task can only be awaited from aio coroutines (Task, AsyncGenerator)");
      detail::await_child(awaiting.promise(), task_.claim(), where);
    }
    T await_resume() { return task_.frame_.promise().take_result(); }

   private:
    Task& task_;
  };
  Awaiter operator co_await() & noexcept { return Awaiter{*this}; }
  Awaiter operator co_await() && noexcept { return Awaiter{*this}; }

  // Runtime internals: the frame's promise, marked as handed over (to a parent or a task).
  promise_type& claim() {
    if (!frame_) throw RuntimeError("aio::Task: awaiting an empty (moved-from) Task");
    auto& promise = frame_.promise();
    if (promise.awaited) throw RuntimeError("aio::Task: a Task can be awaited only once");
    promise.awaited = true;
    return promise;
  }
  promise_type& promise() const noexcept { return frame_.promise(); }

 private:
  void destroy() noexcept {
    if (!frame_) return;
    if (!frame_.promise().started) {
      if (!frame_.promise().awaited) detail::report_never_awaited(frame_.promise());
      detail::NeverAwaitedScope quiet;  // Tasks owned by this frame need not report again
      std::exchange(frame_, {}).destroy();
      return;
    }
    std::exchange(frame_, {}).destroy();
  }

  Handle frame_;
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  auto frame = std::coroutine_handle<TaskPromise>::from_promise(*this);
  this->self = frame;
  return Task<T>{frame};
}

// Is T a Task, and of what value (for APIs that take a Task or a callable making one).
template <class T>
struct IsTask : std::false_type {};
template <class T>
struct IsTask<Task<T>> : std::true_type {};

template <class T>
struct TaskValue;
template <class T>
struct TaskValue<Task<T>> {
  using type = T;
};
}  // namespace detail

}  // namespace aio
