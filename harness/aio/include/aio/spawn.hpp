// aio::create_task: run a coroutine concurrently, as its own task (asyncio.create_task).
//
//   aio::TaskHandle<int> h = aio::create_task(compute(), "compute");
//   ...                      // compute() starts the next time this task suspends
//   int v = co_await h;      // wait for it; rethrows its exception (CancelledError if cancelled)
//   h.cancel();              // request cancellation; h.done(), h.cancelled() tell the state
//
// Dropping the handle detaches the task: the loop keeps running it. When the main task finishes,
// tasks still running are cancelled and reported ("pending at end").
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <type_traits>

#include "aio/loop.hpp"

namespace aio {

namespace detail {

// Parks the awaiting task until another task is done.
class TaskDoneWait final : public Wait, public DoneListener {
 public:
  explicit TaskDoneWait(TaskStateBase& target) noexcept : target_(target) {}
  TaskDoneWait(const TaskDoneWait&) = delete;
  TaskDoneWait& operator=(const TaskDoneWait&) = delete;
  ~TaskDoneWait();

  bool ready() const noexcept { return target_.done(); }
  bool suspend(SourceLocation where);
  void resume();  // throws the awaiting task's own pending cancellation, if any

  void task_done(TaskStateBase& task) override;
  void cancel() override;  // cancelling the waiter cancels the task it waits for (as asyncio)
  std::string describe() const override;

 private:
  TaskStateBase& target_;
  TaskStateBase* waiter_ = nullptr;
  bool listening_ = false;
};

TaskStateBase& require_running_task(const char* api);

}  // namespace detail

template <class T>
class TaskHandle {
 public:
  TaskHandle() = default;
  explicit TaskHandle(detail::TaskRef<detail::TaskState<T>> state) : state_(std::move(state)) {}

  bool valid() const noexcept { return static_cast<bool>(state_); }
  bool done() const { return state().done(); }
  bool cancelled() const { return state().cancelled(); }
  std::string name() const { return state().name(); }

  // Request cancellation (see the lesson of chapter 05). Returns false if already done.
  bool cancel() { return state().cancel(); }

  // The result of a finished task, without waiting (asyncio's Task.result()).
  T result() {
    if (!state().done()) throw RuntimeError("TaskHandle::result(): task '" + name() + "' is not done");
    return state_->share_result();
  }

  class Awaiter {
   public:
    explicit Awaiter(detail::TaskState<T>& state) noexcept : state_(state), wait_(state) {}
    bool await_ready() const noexcept { return wait_.ready(); }
    bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current()) {
      return wait_.suspend(where);
    }
    T await_resume() {
      wait_.resume();
      return state_.share_result();
    }

   private:
    detail::TaskState<T>& state_;
    detail::TaskDoneWait wait_;
  };
  // `co_await handle` waits until the task is done. The handle keeps the task's state alive
  // while the awaiter refers to it.
  Awaiter operator co_await() const { return Awaiter{state()}; }

 private:
  detail::TaskState<T>& state() const {
    if (!state_) throw RuntimeError("aio::TaskHandle: empty handle");
    return *state_;
  }
  detail::TaskRef<detail::TaskState<T>> state_;
};

namespace detail {
template <class T>
TaskHandle<T> spawn(Task<T> task, std::string name, std::shared_ptr<void> keep_alive) {
  Loop* loop = nullptr;
  try {
    loop = &require_running_task("aio::create_task").loop();
  } catch (...) {
    if (task.valid()) (void)task.claim();  // refused, not forgotten: no "never awaited" warning
    throw;
  }
  auto state = make_task_state(*loop, std::move(task), std::move(name));
  state->keep_alive = std::move(keep_alive);
  loop->start(state);
  return TaskHandle<T>{std::move(state)};
}
}  // namespace detail

// Schedule `task` to run concurrently on the running loop. `name` shows in diagnostics and
// transcripts; by default it is the coroutine function's name.
template <class T>
TaskHandle<T> create_task(Task<T> task, std::string name = {}) {
  return detail::spawn(std::move(task), std::move(name), nullptr);
}

// Overload for a callable returning a Task, e.g. a capturing coroutine lambda:
//   aio::create_task([id]() -> aio::Task<> { co_await work(id); });
// The callable is moved into the task and lives until the task's frame is destroyed, so its
// captures cannot dangle. (`create_task([id]() -> aio::Task<> {...}())` - note the call - would
// dangle: the lambda object dies at the end of the statement while the coroutine still reads
// its captures later.) This is a plain function on purpose: see "GCC 12 and prvalue arguments"
// in the runtime README.
template <class F>
  requires std::invocable<std::decay_t<F>&>
auto create_task(F&& make_task, std::string name = {}) {
  auto callable = std::make_shared<std::decay_t<F>>(std::forward<F>(make_task));
  auto task = (*callable)();
  return detail::spawn(std::move(task), std::move(name), std::move(callable));
}

template <class T>
auto Loop::spawn(Task<T> task, std::string name) {
  auto state = detail::make_task_state(*this, std::move(task), std::move(name));
  start(state);
  return TaskHandle<T>{std::move(state)};
}

}  // namespace aio
