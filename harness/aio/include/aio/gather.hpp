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
#pragma once

#include <memory>
#include <tuple>
#include <variant>
#include <vector>

#include "aio/loop.hpp"

namespace aio {

namespace detail {

template <class T>
using GatherValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class T>
GatherValue<T> take_gather_value(TaskState<T>& child) {
  if constexpr (std::is_void_v<T>) {
    child.take_result();
    return {};
  } else {
    return child.take_result();
  }
}

// Waits for a set of child tasks; the awaiting task parks on it.
class GatherWait final : public Wait, public DoneListener {
 public:
  GatherWait() = default;
  GatherWait(const GatherWait&) = delete;
  GatherWait& operator=(const GatherWait&) = delete;
  ~GatherWait();

  // Start every child (argument order), then suspend until all are done.
  void start(std::vector<TaskStateBase*> children);
  bool all_done() const noexcept { return remaining_ == 0; }
  bool suspend(SourceLocation where);
  void resume();  // throws a pending cancellation of the awaiting task, else the first failure

  void task_done(TaskStateBase& child) override;
  void cancel() override;
  std::string describe() const override;

 private:
  void cancel_children() noexcept;

  std::vector<TaskStateBase*> children_;
  std::size_t remaining_ = 0;
  std::exception_ptr first_error_;
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

template <class... Ts>
Task<std::tuple<GatherValue<Ts>...>> gather_tuple(std::unique_ptr<TupleGather<Ts...>> input) {
  Loop& loop = running_task().loop();
  auto children = std::apply(
      [&](auto&... tasks) { return std::make_tuple(make_task_state(loop, std::move(tasks))...); },
      input->tasks);
  GatherWait wait;
  wait.start(std::apply([](auto&... c) { return std::vector<TaskStateBase*>{c.get()...}; }, children));
  co_await GatherAwaiter{wait};
  co_return std::apply([](auto&... c) { return std::make_tuple(take_gather_value(*c)...); },
                       children);
}

template <class T>
Task<std::vector<GatherValue<T>>> gather_vector(std::vector<Task<T>> tasks) {
  Loop& loop = running_task().loop();
  std::vector<std::shared_ptr<TaskState<T>>> children;
  std::vector<TaskStateBase*> raw;
  children.reserve(tasks.size());
  raw.reserve(tasks.size());
  for (auto& task : tasks) {
    children.push_back(make_task_state(loop, std::move(task)));
    raw.push_back(children.back().get());
  }
  GatherWait wait;
  wait.start(std::move(raw));
  co_await GatherAwaiter{wait};
  std::vector<GatherValue<T>> results;
  results.reserve(children.size());
  for (auto& child : children) results.push_back(take_gather_value(*child));
  co_return results;
}

}  // namespace detail

// Plain functions, not coroutines, on purpose: the Task arguments are moved into heap storage
// before any coroutine frame sees them (GCC 12 mishandles prvalue arguments of a coroutine called
// inside a co_await expression; see the runtime README).
template <class... Ts>
[[nodiscard]] Task<std::tuple<detail::GatherValue<Ts>...>> gather(Task<Ts>... tasks) {
  auto input = std::make_unique<detail::TupleGather<Ts...>>(
      detail::TupleGather<Ts...>{std::tuple<Task<Ts>...>{std::move(tasks)...}});
  auto gathered = detail::gather_tuple<Ts...>(std::move(input));
  gathered.promise().where.function = "aio::gather";  // diagnostics name it, not the helper
  return gathered;
}

template <class T>
[[nodiscard]] Task<std::vector<detail::GatherValue<T>>> gather(std::vector<Task<T>> tasks) {
  auto gathered = detail::gather_vector<T>(std::move(tasks));
  gathered.promise().where.function = "aio::gather";  // diagnostics name it, not the helper
  return gathered;
}

}  // namespace aio
