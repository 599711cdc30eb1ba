// aio::gather: run several Tasks concurrently and wait for all of them (asyncio.gather).
//
//   auto [a, b] = co_await aio::gather(fetch("a"), fetch("b"));     // std::tuple
//   std::vector<std::string> all = co_await aio::gather(std::move(tasks));  // std::vector
//
// Children start in argument order and results come back in argument order, whatever order they
// finish in. A Task<void> child contributes std::monostate to the tuple.
//
// If a child throws, gather cancels the others, waits until they have finished, and rethrows the
// first exception. That is *structured*: no child outlives the gather. (asyncio.gather differs:
// it leaves the other children running.) Cancelling the task awaiting a gather cancels every child.
//
// aio::gather_settled: the same, but a failure is a result, not a reason to stop (asyncio's
// gather(..., return_exceptions=True)). Every child runs to its end, and each one's value or
// exception comes back as an aio::Outcome<T>, in argument order:
//
//   auto [a, b] = co_await aio::gather_settled(fetch("a"), fetch("b"));
//   if (a.ok()) use(a.value()); else log(a.error());                 // std::exception_ptr
//   std::vector<aio::Outcome<std::string>> all = co_await aio::gather_settled(std::move(tasks));
//
// Cancelling the task awaiting a gather_settled still cancels every child and waits for them;
// the awaiting task then gets its CancelledError (there are no results to hand back).
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "aio/loop.hpp"

namespace aio {

namespace detail {
// What Outcome<T> and Outcome<void> share: the exception of a failed child.
class OutcomeError {
 public:
  bool ok() const noexcept { return !error_; }
  // The child ended with aio::CancelledError (it was cancelled, or let a cancellation through).
  bool cancelled() const noexcept { return cancelled_; }
  // The exception the child ended with; null if it succeeded.
  const std::exception_ptr& error() const noexcept { return error_; }

 protected:
  OutcomeError() = default;
  explicit OutcomeError(std::exception_ptr error);
  void rethrow_if_failed() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr error_;
  bool cancelled_ = false;
};
}  // namespace detail

// The outcome of one child of gather_settled: the value it returned, or the exception it threw.
//   outcome.ok()         it returned normally
//   outcome.value()      its value; rethrows its exception if it failed
//   outcome.error()      its exception (std::exception_ptr), null if it succeeded
//   outcome.cancelled()  it ended with aio::CancelledError
template <class T>
class Outcome : public detail::OutcomeError {
 public:
  static Outcome success(T value) { return Outcome(std::move(value)); }
  // `error` must not be null.
  static Outcome failure(std::exception_ptr error) { return Outcome(Failed{std::move(error)}); }

  T& value() & {
    rethrow_if_failed();
    return *value_;
  }
  const T& value() const& {
    rethrow_if_failed();
    return *value_;
  }
  // On a temporary, the value is moved out (a T, not a T&& that would dangle).
  T value() && {
    rethrow_if_failed();
    return std::move(*value_);
  }

 private:
  struct Failed {
    std::exception_ptr error;
  };
  explicit Outcome(T value) : value_(std::in_place, std::move(value)) {}
  explicit Outcome(Failed failed) : detail::OutcomeError(std::move(failed.error)) {}

  std::optional<T> value_;
};

template <>
class Outcome<void> : public detail::OutcomeError {
 public:
  static Outcome success() { return Outcome(); }
  static Outcome failure(std::exception_ptr error) { return Outcome(std::move(error)); }

  // Nothing to return; rethrows the child's exception if it failed.
  void value() const { rethrow_if_failed(); }

 private:
  Outcome() = default;
  explicit Outcome(std::exception_ptr error) : detail::OutcomeError(std::move(error)) {}
};

namespace detail {

// The one difference between gather and gather_settled.
enum class GatherPolicy {
  CancelOnFailure,  // gather: the first failure cancels the siblings and is rethrown
  Settle,           // gather_settled: every child runs to its end; failures are results
};

template <class T>
using GatherValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// What one child contributes to the result: its value (gather) or its Outcome (gather_settled).
template <GatherPolicy P, class T>
using GatherResult = std::conditional_t<P == GatherPolicy::Settle, Outcome<T>, GatherValue<T>>;

template <class T>
GatherValue<T> take_gather_value(TaskState<T>& child) {
  if constexpr (std::is_void_v<T>) {
    child.take_result();
    return {};
  } else {
    return child.take_result();
  }
}

template <class T>
Outcome<T> take_outcome(TaskState<T>& child) {
  if (auto error = child.error()) {
    child.result_retrieved = true;
    return Outcome<T>::failure(std::move(error));
  }
  if constexpr (std::is_void_v<T>) {
    child.take_result();
    return Outcome<T>::success();
  } else {
    return Outcome<T>::success(child.take_result());
  }
}

template <GatherPolicy P, class T>
GatherResult<P, T> take_gathered(TaskState<T>& child) {
  if constexpr (P == GatherPolicy::Settle) {
    return take_outcome(child);
  } else {
    return take_gather_value(child);
  }
}

// Waits for a set of child tasks; the awaiting task parks on it.
class GatherWait final : public Wait, public DoneListener {
 public:
  explicit GatherWait(GatherPolicy policy = GatherPolicy::CancelOnFailure) noexcept
      : policy_(policy) {}
  GatherWait(const GatherWait&) = delete;
  GatherWait& operator=(const GatherWait&) = delete;
  ~GatherWait();

  // Start every child (argument order), then suspend until all are done.
  void start(std::vector<TaskStateBase*> children);
  bool all_done() const noexcept { return remaining_ == 0; }
  bool suspend(SourceLocation where);
  // Throws a pending cancellation of the awaiting task, else (CancelOnFailure) the first failure.
  void resume();

  void task_done(TaskStateBase& child) override;
  void cancel() override;
  std::string describe() const override;

 private:
  void cancel_children() noexcept;

  GatherPolicy policy_;
  std::vector<TaskStateBase*> children_;
  std::size_t remaining_ = 0;
  std::exception_ptr first_error_;  // CancelOnFailure only: the failure to rethrow
  TaskStateBase* waiter_ = nullptr;
  // Children are cancelled at most once: a second cancel() would interrupt the async cleanup
  // they are doing in response to the first (cancellation is edge-triggered).
  bool children_cancelled_ = false;
};

class GatherAwaiter {
 public:
  explicit GatherAwaiter(GatherWait& wait) noexcept : wait_(wait) {}
  bool await_ready() const noexcept { return wait_.all_done(); }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current()) {
    return wait_.suspend(where);
  }
  void await_resume() { wait_.resume(); }

 private:
  GatherWait& wait_;
};

template <class... Ts>
struct TupleGather {
  std::tuple<Task<Ts>...> tasks;
};

template <GatherPolicy P, class... Ts>
Task<std::tuple<GatherResult<P, Ts>...>> gather_tuple(std::unique_ptr<TupleGather<Ts...>> input) {
  Loop& loop = running_task().loop();
  auto children = std::apply(
      [&](auto&... tasks) { return std::make_tuple(make_task_state(loop, std::move(tasks))...); },
      input->tasks);
  GatherWait wait(P);
  wait.start(
      std::apply([](auto&... c) { return std::vector<TaskStateBase*>{c.get()...}; }, children));
  co_await GatherAwaiter{wait};
  // Braced init: the children's results are taken in argument order.
  co_return std::apply(
      [](auto&... c) { return std::tuple<GatherResult<P, Ts>...>{take_gathered<P>(*c)...}; },
      children);
}

template <GatherPolicy P, class T>
Task<std::vector<GatherResult<P, T>>> gather_vector(std::vector<Task<T>> tasks) {
  Loop& loop = running_task().loop();
  std::vector<TaskRef<TaskState<T>>> children;
  std::vector<TaskStateBase*> raw;
  children.reserve(tasks.size());
  raw.reserve(tasks.size());
  for (auto& task : tasks) {
    children.push_back(make_task_state(loop, std::move(task)));
    raw.push_back(children.back().get());
  }
  GatherWait wait(P);
  wait.start(std::move(raw));
  co_await GatherAwaiter{wait};
  std::vector<GatherResult<P, T>> results;
  results.reserve(children.size());
  for (auto& child : children) results.push_back(take_gathered<P>(*child));
  co_return results;
}

// Plain functions, not coroutines, on purpose: the Task arguments are moved into heap storage
// before any coroutine frame sees them (GCC 12 mishandles prvalue arguments of a coroutine called
// inside a co_await expression; see the runtime README).
template <GatherPolicy P, class... Ts>
Task<std::tuple<GatherResult<P, Ts>...>> start_tuple_gather(const char* name, Task<Ts>... tasks) {
  auto input = std::make_unique<TupleGather<Ts...>>(
      TupleGather<Ts...>{std::tuple<Task<Ts>...>{std::move(tasks)...}});
  auto gathered = gather_tuple<P, Ts...>(std::move(input));
  gathered.promise().where.function = name;  // diagnostics name it, not the helper
  return gathered;
}

template <GatherPolicy P, class T>
Task<std::vector<GatherResult<P, T>>> start_vector_gather(const char* name,
                                                          std::vector<Task<T>> tasks) {
  auto gathered = gather_vector<P, T>(std::move(tasks));
  gathered.promise().where.function = name;  // diagnostics name it, not the helper
  return gathered;
}

}  // namespace detail

template <class... Ts>
[[nodiscard]] Task<std::tuple<detail::GatherValue<Ts>...>> gather(Task<Ts>... tasks) {
  return detail::start_tuple_gather<detail::GatherPolicy::CancelOnFailure>("aio::gather",
                                                                           std::move(tasks)...);
}

template <class T>
[[nodiscard]] Task<std::vector<detail::GatherValue<T>>> gather(std::vector<Task<T>> tasks) {
  return detail::start_vector_gather<detail::GatherPolicy::CancelOnFailure>("aio::gather",
                                                                            std::move(tasks));
}

template <class... Ts>
[[nodiscard]] Task<std::tuple<Outcome<Ts>...>> gather_settled(Task<Ts>... tasks) {
  return detail::start_tuple_gather<detail::GatherPolicy::Settle>("aio::gather_settled",
                                                                  std::move(tasks)...);
}

template <class T>
[[nodiscard]] Task<std::vector<Outcome<T>>> gather_settled(std::vector<Task<T>> tasks) {
  return detail::start_vector_gather<detail::GatherPolicy::Settle>("aio::gather_settled",
                                                                   std::move(tasks));
}

}  // namespace aio
