// Timeouts: aio::wait_for (asyncio.wait_for) and timeout scopes (asyncio.timeout, Trio's
// fail_after / move_on_after).
//
//   std::string page = co_await aio::wait_for(fetch(url), 2s);   // throws aio::TimeoutError
//
//   auto body = [&]() -> aio::Task<Report> { ... };              // several awaits, one deadline
//   Report r = co_await aio::timeout(10s, body);                 // throws aio::TimeoutError
//   std::optional<Report> r = co_await aio::move_on_after(10s, body);  // empty if too late
//
//   aio::timeout_at(deadline, body), aio::move_on_at(deadline, body): the same with an absolute
//   deadline on the loop's clock (aio::now() + ...), e.g. one deadline shared by several steps.
//
// A body is a Task<T> or a callable returning one (a coroutine lambda). A callable may take an
// aio::TimeoutScope& to read or move its deadline (asyncio's `cm.when()` / `cm.reschedule()`):
//
//   auto body = [&](aio::TimeoutScope& scope) -> aio::Task<> {
//     co_await connect();
//     scope.reschedule(aio::now() + 5s);   // connected: give the transfer 5 s from now
//     co_await transfer();
//   };
//
// What happens at the deadline:
//   1. the body (it runs as a task of its own, a child of the awaiting task) is cancelled: its
//      current co_await throws aio::CancelledError, its destructors and cleanup run now;
//   2. the scope waits until the body has finished cancelling (cleanup that awaits included);
//   3. then it throws aio::TimeoutError (timeout, wait_for) or returns std::nullopt
//      (move_on_after; for a Task<void> body it returns false, and true when the body finished).
// So no part of the body is left running after the scope, as with asyncio.timeout.
//
// The rules (the tests in tests/test_timeout.cpp check each one):
// - A result and the deadline at the same instant: the result wins. The scope only decides
//   that the time is up once nothing else can run at that instant (Loop::at_instant_end).
// - A timeout of 0 (or a deadline already past): the body still starts and runs until its
//   first real suspension; if it finishes without waiting, its result is returned.
// - Cancelling the task that awaits the scope cancels the body, waits for it, and gives
//   aio::CancelledError, never aio::TimeoutError, even when the deadline falls on that instant.
// - Nested scopes: the earliest deadline fires. Only the scope whose deadline expired turns the
//   cancellation into a timeout; the scopes inside it see a plain cancellation, which travels
//   out to it (Trio's cancel scopes). Equal deadlines: the outer scope is the one that expires.
// - A body that catches the CancelledError and returns normally after the deadline: its value
//   is returned (as asyncio 3.12 does), and the loop records a SwallowedCancellation diagnostic,
//   so the graders can tell the learner. Catch CancelledError only to clean up, then `throw;`.
// - An error the body throws while cancelling (its cleanup failed) is rethrown as it is.
//
// Differences from asyncio: asyncio.timeout runs the block inside the current task and uses
// Task.uncancel() bookkeeping; here the body is a child task, so an outer cancellation and the
// scope's own can never be confused. aio::TimeoutError is a std::runtime_error (asyncio's is the
// built-in TimeoutError); aio::CancelledError is not a std::exception (see errors.hpp).
//
// These are plain functions, not coroutines: the body (and a callable's captures) is moved into
// storage owned by the scope before any coroutine starts (the GCC 12 trap, runtime README).
// Still, write a lambda body in its own statement, as above, never inside the co_await
// statement: GCC 12 destroys a temporary of a co_await statement twice (see task_group.hpp).
#pragma once

#include <concepts>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "aio/detail/frame_allocator.hpp"
#include "aio/loop.hpp"

namespace aio {

// A timeout scope's deadline passed before its body finished (asyncio.TimeoutError).
class TimeoutError : public std::runtime_error {
 public:
  explicit TimeoutError(Duration deadline);
  using std::runtime_error::runtime_error;
};

// No deadline: a scope whose deadline is aio::no_deadline never times out (asyncio's
// timeout(None)), until it is rescheduled.
inline constexpr Duration no_deadline = Duration::max();

// The running scope, as its body sees it. Lives until the scope has finished: do not keep the
// reference beyond the body.
class TimeoutScope final : private detail::Wait,
                           private detail::DoneListener,
                           private detail::TimerTarget,
                           private detail::InstantEndHook {
 public:
  explicit TimeoutScope(Duration deadline) noexcept : deadline_(deadline) {}
  TimeoutScope(const TimeoutScope&) = delete;
  TimeoutScope& operator=(const TimeoutScope&) = delete;
  ~TimeoutScope();

  // The absolute deadline on the loop's clock (compare with aio::now()); no_deadline if none.
  Duration deadline() const noexcept { return deadline_; }
  // Move the deadline (earlier, later, or to no_deadline). Throws aio::RuntimeError once the
  // deadline has expired: the body is being cancelled, it is too late to change one's mind.
  void reschedule(Duration deadline);
  // The deadline has passed and the body is being (or was) cancelled because of it.
  bool expired() const noexcept { return expired_; }

  // --- used by the scope's coroutine (below) ---
  bool start(detail::TaskStateBase& body, SourceLocation where);  // false: already finished
  void finish();  // after the wait: throws a cancellation of the awaiting task, if any
  bool cancelled_by_deadline(detail::TaskStateBase& body);  // the body ended by our expiry
  void report_swallowed(detail::TaskStateBase& body);

 private:
  void arm() noexcept;
  void disarm() noexcept;

  // detail::Wait: the awaiting task was cancelled from outside.
  void cancel() override;
  std::string describe() const override;
  // detail::DoneListener: the body finished.
  void task_done(detail::TaskStateBase& body) override;
  // detail::TimerTarget: the deadline is reached; decide once this instant is over.
  void on_timer() override;
  // detail::InstantEndHook: nothing else can run at this instant and the body is not done.
  void at_instant_end() override;

  Duration deadline_;
  Loop* loop_ = nullptr;
  detail::TaskStateBase* body_ = nullptr;    // while started and not done
  detail::TaskStateBase* waiter_ = nullptr;  // the task awaiting the scope
  bool expired_ = false;
  bool cancelled_from_outside_ = false;
};

namespace detail {

// The body, moved out of the caller's expression: a Task, or a callable that makes one.
template <class T>
struct ScopeBody {
  // From the frame pool, like task states: a wait_for allocates one of these per call.
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* body, std::size_t size) noexcept {
    deallocate_frame(body, size);
  }
  virtual ~ScopeBody() = default;
  virtual Task<T> make(TimeoutScope& scope) = 0;
};

template <class T>
struct TaskScopeBody final : ScopeBody<T> {
  explicit TaskScopeBody(Task<T> t) noexcept : task(std::move(t)) {}
  Task<T> make(TimeoutScope&) override { return std::move(task); }
  Task<T> task;
};

template <class T, class F>
struct CallableScopeBody final : ScopeBody<T> {
  explicit CallableScopeBody(F f) : callable(std::move(f)) {}
  Task<T> make(TimeoutScope& scope) override {
    if constexpr (std::is_invocable_v<F&, TimeoutScope&>) {
      return callable(scope);
    } else {
      return callable();
    }
  }
  F callable;  // lives in the scope's frame, so it outlives the body's frame and its captures
};

// What the body's callable returns: Task<T> for some T.
template <class F>
using ScopeBodyTask = typename std::conditional_t<std::is_invocable_v<F&, TimeoutScope&>,
                                                  std::invoke_result<F&, TimeoutScope&>,
                                                  std::invoke_result<F&>>::type;

template <class Body>
struct ScopeBodyValue {
  using type = typename TaskValue<ScopeBodyTask<std::decay_t<Body>>>::type;
};
template <class T>
struct ScopeBodyValue<Task<T>> {
  using type = T;
};

template <class Body>
std::unique_ptr<ScopeBody<typename ScopeBodyValue<std::decay_t<Body>>::type>> make_scope_body(
    Body&& body) {
  using T = typename ScopeBodyValue<std::decay_t<Body>>::type;
  if constexpr (std::is_same_v<std::decay_t<Body>, Task<T>>) {
    return std::make_unique<TaskScopeBody<T>>(std::move(body));
  } else {
    return std::make_unique<CallableScopeBody<T, std::decay_t<Body>>>(std::forward<Body>(body));
  }
}

// The one difference between timeout and move_on_after: what an expired deadline becomes.
enum class OnExpiry { Throw, Empty };

template <class T, OnExpiry E>
using ScopeResult =
    std::conditional_t<E == OnExpiry::Throw, T,
                       std::conditional_t<std::is_void_v<T>, bool, std::optional<T>>>;

// Parks the awaiting task on the scope until the body has finished.
class ScopeAwaiter {
 public:
  ScopeAwaiter(TimeoutScope& scope, TaskStateBase& body) noexcept : scope_(scope), body_(body) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current()) {
    return scope_.start(body_, where);
  }
  void await_resume() { scope_.finish(); }

 private:
  TimeoutScope& scope_;
  TaskStateBase& body_;
};

struct ScopeDeadline {
  Duration value;
  bool relative;  // value is a timeout from the moment the scope starts
};

template <class T, OnExpiry E>
Task<ScopeResult<T, E>> run_scope(std::unique_ptr<ScopeBody<T>> input, ScopeDeadline deadline) {
  Duration start = running_task().loop().now();
  Duration absolute = deadline.value;
  if (deadline.relative) {
    absolute = deadline.value >= no_deadline - start ? no_deadline : start + deadline.value;
  }
  TimeoutScope scope(absolute);
  auto body = make_task_state(running_task().loop(), input->make(scope));
  co_await ScopeAwaiter{scope, *body};
  if (scope.cancelled_by_deadline(*body)) {
    body->result_retrieved = true;
    if constexpr (E == OnExpiry::Throw) {
      throw TimeoutError(scope.deadline());
    } else if constexpr (std::is_void_v<T>) {
      co_return false;
    } else {
      co_return std::nullopt;
    }
  }
  if (scope.expired()) scope.report_swallowed(*body);
  if constexpr (std::is_void_v<T>) {
    body->take_result();
    if constexpr (E == OnExpiry::Empty) co_return true;
  } else {
    co_return body->take_result();
  }
}

template <OnExpiry E, class Body>
auto start_scope(const char* name, Body&& body, ScopeDeadline deadline) {
  using T = typename ScopeBodyValue<std::decay_t<Body>>::type;
  auto scope = run_scope<T, E>(make_scope_body(std::forward<Body>(body)), deadline);
  scope.promise().where.function = name;  // diagnostics name it, not the helper
  return scope;
}

// A Task, or a callable returning one, optionally taking a TimeoutScope&.
// clang-format off
template <class B>
concept ScopeBodyLike = requires { typename ScopeBodyValue<std::decay_t<B>>::type; };
// clang-format on

}  // namespace detail

// `co_await aio::wait_for(task, 2s)`: the task's value, or aio::TimeoutError after 2 s (the task
// is then cancelled and has finished cancelling). asyncio.wait_for.
template <class T>
[[nodiscard]] Task<T> wait_for(Task<T> task, Duration timeout) {
  return detail::start_scope<detail::OnExpiry::Throw>("aio::wait_for", std::move(task),
                                                      {timeout, true});
}

// `co_await aio::timeout(2s, body)`: as wait_for, for a body of several steps.
template <detail::ScopeBodyLike Body>
[[nodiscard]] auto timeout(Duration timeout, Body&& body) {
  return detail::start_scope<detail::OnExpiry::Throw>("aio::timeout", std::forward<Body>(body),
                                                      {timeout, true});
}

// `co_await aio::timeout_at(aio::now() + 2s, body)`: with an absolute deadline.
template <detail::ScopeBodyLike Body>
[[nodiscard]] auto timeout_at(Duration deadline, Body&& body) {
  return detail::start_scope<detail::OnExpiry::Throw>("aio::timeout_at", std::forward<Body>(body),
                                                      {deadline, false});
}

// `co_await aio::move_on_after(2s, body)`: std::optional<T>, empty if the time ran out (a
// Task<void> body gives a bool: true if it finished). Trio's move_on_after.
template <detail::ScopeBodyLike Body>
[[nodiscard]] auto move_on_after(Duration timeout, Body&& body) {
  return detail::start_scope<detail::OnExpiry::Empty>("aio::move_on_after",
                                                      std::forward<Body>(body), {timeout, true});
}

// `co_await aio::move_on_at(deadline, body)`: with an absolute deadline.
template <detail::ScopeBodyLike Body>
[[nodiscard]] auto move_on_at(Duration deadline, Body&& body) {
  return detail::start_scope<detail::OnExpiry::Empty>("aio::move_on_at", std::forward<Body>(body),
                                                      {deadline, false});
}

}  // namespace aio
