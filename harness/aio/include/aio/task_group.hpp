// aio::task_group: structured concurrency (asyncio.TaskGroup, Trio's nursery).
//
//   auto body = [&](aio::TaskGroup& group) -> aio::Task<> {
//     auto a = group.spawn(fetch("a"));          // a child task, starts when the body suspends
//     group.spawn([&] { return fetch("b"); });   // a callable, kept alive with its task
//     co_await aio::sleep(1s);                   // the body runs concurrently with its children
//     co_return;
//   };
//   co_await aio::task_group(body);              // here every child has finished
//
// The body is a named lambda, created in its own statement: a lambda written inside the co_await
// statement is a temporary of that statement, which GCC 12 destroys twice (see below).
//
// Why a helper taking a coroutine, and not an RAII object: leaving the scope must *wait* for the
// children, and a destructor cannot suspend (C++ has no async destructor). So the scope is a
// coroutine: task_group awaits the body inline (it runs in the awaiting task, like the block of
// Python's `async with TaskGroup() as tg:`), then waits for every child.
//
// The rules:
//   1. group.spawn(task, name) starts a child task (like aio::create_task: it begins when the
//      spawner next suspends) and returns its aio::TaskHandle<T>. Children may spawn siblings
//      through the same group, as long as the group has not finished.
//   2. Leaving the scope waits for every child. After it, every handle is done: handle.result()
//      gives the value without waiting.
//   3. The first failure, of a child or of the body, cancels everything else: every other child
//      and, if it is still running, the body (its current suspension point throws
//      aio::CancelledError). When all have finished, that first exception is rethrown unchanged
//      (same type, same object): `catch (const std::runtime_error&)` works.
//   4. Later failures are not lost: aio::other_errors(first) returns them (see below).
//   5. A child that ends with aio::CancelledError (the group cancelled it, or the body called
//      handle.cancel()) is not a failure.
//   6. Cancelling the task that awaits the group cancels every child (and the body, if running)
//      and waits for them; the group then ends with aio::CancelledError. If a child fails while
//      they are being cancelled, that failure wins (as in asyncio): an error is never dropped.
//   7. spawn() on a group that is cancelling (after a failure) creates the child already
//      cancelled: it never runs, its handle reports cancelled(). spawn() on a finished group
//      throws aio::RuntimeError.
//
// Differences from asyncio.TaskGroup: asyncio wraps every failure in an ExceptionGroup, so you
// catch with `except*`; C++ has no exception groups, and wrapping would change the type callers
// catch (and would turn a CancelledError into something else). So the first error travels as it
// is, and the others hang off it through aio::other_errors.
//
// task_group() is a plain function, not a coroutine: it moves the body callable into heap
// storage owned by the scope before any coroutine runs (see "GCC 12" in the runtime README).
// Capturing by reference ([&]) is safe: the scope is awaited where it is written, so the
// enclosing frame outlives it. Whatever it captures, write the body (or the scope) in its own
// statement, never as a lambda inside the co_await statement: GCC 12 destroys such a temporary
// twice, which is harmless only by luck for a [&] closure (nothing to destroy) and a double free
// for one that captures a std::string by value.
#pragma once

#include <concepts>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "aio/spawn.hpp"

namespace aio {

class TaskGroup;

namespace detail {
// A callable returning a Task (spawn's second overload), and a task-group body. (Formatting off:
// clang-format 14 splits `F&>` in a concept definition.)
// clang-format off
template <class F>
concept TaskFactory = std::invocable<std::decay_t<F>&>;
template <class F>
concept GroupBody = std::invocable<std::decay_t<F>&, TaskGroup&>;
// clang-format on

struct GroupScopeBase;
template <class R, class Body>
Task<R> run_task_group(std::shared_ptr<GroupScopeBase> scope, Body* body);
class GroupJoinAwaiter;
}  // namespace detail

// The scope's handle for spawning children. Only reachable as the body's parameter; it lives
// until the scope has finished.
class TaskGroup final : private detail::Wait, private detail::DoneListener {
 public:
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup();

  // Start `task` as a child of this group. `name` shows in diagnostics and transcripts; by
  // default it is the coroutine function's name.
  template <class T>
  TaskHandle<T> spawn(Task<T> task, std::string name = {}) {
    return spawn_with(std::move(task), std::move(name), nullptr);
  }

  // Overload for a callable returning a Task (e.g. a capturing coroutine lambda). The callable
  // is moved into the child and lives until the child's frame is done, so captures cannot
  // dangle. Write it in its own statement, not inside a co_await (GCC 12, see the README).
  template <detail::TaskFactory F>
  auto spawn(F&& make_task, std::string name = {}) {
    auto callable = std::make_shared<std::decay_t<F>>(std::forward<F>(make_task));
    auto task = (*callable)();
    return spawn_with(std::move(task), std::move(name), std::move(callable));
  }

  // How many children are still running.
  std::size_t running() const noexcept { return running_; }
  // True once a failure (or a cancellation of the scope) has started cancelling everything.
  bool cancelling() const noexcept { return cancelling_; }

 private:
  template <class R, class Body>
  friend Task<R> detail::run_task_group(std::shared_ptr<detail::GroupScopeBase>, Body*);
  friend class detail::GroupJoinAwaiter;
  friend struct detail::GroupScopeBase;
  TaskGroup() = default;  // only aio::task_group makes one

  template <class T>
  TaskHandle<T> spawn_with(Task<T> task, std::string name, std::shared_ptr<void> keep_alive) {
    if (const char* reason = spawn_refusal()) {
      // Refused, not forgotten: no "never awaited" report for the task on top of the error.
      if (task.valid() && !task.promise().awaited) (void)task.claim();
      refuse(reason);
    }
    auto state = detail::make_task_state(*loop_, std::move(task), std::move(name));
    state->keep_alive = std::move(keep_alive);
    adopt(state);
    return TaskHandle<T>{std::move(state)};
  }

  // --- the scope's life (called by run_task_group) ---
  void open(detail::TaskStateBase& owner) noexcept;
  void body_finished(std::exception_ptr error);  // null: the body returned normally
  void finish(bool owner_cancelled);             // after the join: rethrow the outcome, if any

  // --- spawning ---
  const char* spawn_refusal() const noexcept;  // why spawn() is refused right now, or nullptr
  [[noreturn]] void refuse(const char* reason) const;
  void adopt(const detail::TaskRef<detail::TaskStateBase>& child);

  // --- failure and cancellation ---
  void fail(std::exception_ptr error);
  void cancel_everything() noexcept;

  // detail::DoneListener: a child finished.
  void task_done(detail::TaskStateBase& child) override;
  // detail::Wait: the owner waits at the end of the scope (the join).
  void cancel() override;  // the owner was cancelled while joining
  std::string describe() const override;

  Loop* loop_ = nullptr;
  detail::TaskStateBase* owner_ = nullptr;  // the task running the body (and the join)
  std::vector<detail::TaskRef<detail::TaskStateBase>> children_;
  std::size_t running_ = 0;
  std::exception_ptr first_error_;
  std::vector<std::exception_ptr> other_errors_;
  std::exception_ptr body_cancelled_;  // the body ended with CancelledError, no failure
  bool body_running_ = false;
  bool joining_ = false;
  bool cancelling_ = false;
  bool closed_ = false;
};

// The failures of a task group that were not rethrown, given the one that was: the children
// (and the body) that failed after the first failure, in the order they failed. Empty if
// `error` did not come out of a task group, or nothing else failed.
//
//   catch (const std::runtime_error& e) {
//     for (const std::exception_ptr& other : aio::other_errors(std::current_exception())) ...
//   }
//
// Keyed by the identity of the exception object (exception_ptr equality; for the reference
// overload, its address): catch by reference and rethrow with `throw;` to keep it. A nested
// group whose error is rethrown by an outer group adds to the same list. The runtime remembers
// the errors of the last 64 groups that had more than one failure (process-wide, thread-safe),
// so storage stays bounded.
std::vector<std::exception_ptr> other_errors(const std::exception_ptr& error);
std::vector<std::exception_ptr> other_errors(const std::exception& error);

namespace detail {

// Owns what the scope needs at a stable address: the group and the body callable.
struct GroupScopeBase {
  TaskGroup group;
  virtual ~GroupScopeBase() = default;
};

template <class Body>
struct GroupScope final : GroupScopeBase {
  template <class F>
  explicit GroupScope(F&& f) : body(std::forward<F>(f)) {}
  Body body;
};

// The end of the scope: parks the owner until every child is done. Nothing to unregister when
// its frame is destroyed while parked (shutdown): the loop forgets the owner's wait first, and
// ~TaskGroup stops listening to the children.
class GroupJoinAwaiter {
 public:
  explicit GroupJoinAwaiter(TaskGroup& group) noexcept : group_(group) {}
  GroupJoinAwaiter(const GroupJoinAwaiter&) = delete;
  GroupJoinAwaiter& operator=(const GroupJoinAwaiter&) = delete;

  bool await_ready() const noexcept { return group_.running_ == 0; }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current());
  // true if the owner was cancelled while it waited (the CancelledError is consumed here and
  // rethrown by TaskGroup::finish unless a failure wins).
  bool await_resume();

 private:
  TaskGroup& group_;
  bool parked_ = false;
};

template <class Body>
using GroupBodyTask = std::invoke_result_t<Body&, TaskGroup&>;

template <class T>
struct GroupTaskValue {
  static constexpr bool is_task = false;
};
template <class T>
struct GroupTaskValue<Task<T>> {
  static constexpr bool is_task = true;
  using type = T;
};

template <class R, class Body>
Task<R> run_task_group(std::shared_ptr<GroupScopeBase> scope, Body* body) {
  TaskGroup& group = scope->group;
  group.open(running_task());
  using Value = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
  std::optional<Value> value;
  std::exception_ptr body_error;
  try {
    auto body_task = (*body)(group);
    if constexpr (std::is_void_v<R>) {
      co_await std::move(body_task);
      value.emplace();
    } else {
      value.emplace(co_await std::move(body_task));
    }
  } catch (...) {
    body_error = std::current_exception();  // C++ forbids co_await in a handler: join below
  }
  group.body_finished(body_error);
  bool owner_cancelled = co_await GroupJoinAwaiter{group};
  group.finish(owner_cancelled);  // rethrows the first failure, or the cancellation
  if constexpr (!std::is_void_v<R>) co_return std::move(*value);
}

}  // namespace detail

// Run `body(group)` as a structured scope: see the rules at the top of this file. Returns the
// body's value once every child has finished.
template <detail::GroupBody F>
[[nodiscard]] auto task_group(F&& body) {
  using Body = std::decay_t<F>;
  using BodyTask = detail::GroupBodyTask<Body>;
  static_assert(detail::GroupTaskValue<BodyTask>::is_task,
                "aio::task_group: the body must return an aio::Task, e.g. "
                "[&](aio::TaskGroup& group) -> aio::Task<> { ... }");
  using R = typename detail::GroupTaskValue<BodyTask>::type;
  auto scope = std::make_shared<detail::GroupScope<Body>>(std::forward<F>(body));
  Body* stored = &scope->body;
  auto task = detail::run_task_group<R, Body>(std::move(scope), stored);
  task.promise().where.function = "aio::task_group";  // diagnostics name it, not the helper
  return task;
}

}  // namespace aio
