// co_await aio::to_thread(fn, args...): run a plain, blocking or CPU-heavy function on a worker
// thread, and wait for it without blocking the loop. asyncio's `await asyncio.to_thread(fn,
// *args)`.
//
//   std::uint64_t sum = co_await aio::to_thread(checksum, data);   // other tasks run meanwhile
//
// - fn runs on the loop's worker pool (RunOptions::workers threads, by default one per core). In
//   C++ the workers really run in parallel; Python's to_thread only helps with I/O, because of
//   the GIL.
// - The awaiting task resumes on the loop's thread, with fn's value or the exception fn threw.
// - fn and the arguments are moved (or copied) into the job before anything runs, as
//   std::thread does: the job owns them, so they are still there when a worker gets to it. Pass
//   std::ref(x) only for data that outlives the job (see "cancellation" below).
// - It gives a Task<R>, so it composes: aio::gather(aio::to_thread(f, a), aio::to_thread(f, b)),
//   aio::wait_for(aio::to_thread(f), 1s), aio::create_task(aio::to_thread(f)).
//
// Cancellation. Cancelling the awaiting task cancels it at once (CancelledError at this
// co_await), as in asyncio. The function itself cannot be interrupted — C++ has no way to stop a
// thread from outside — so it runs to its end on the worker, and its result is dropped. A
// function whose first parameter is a std::stop_token gets one; cancellation requests a stop
// through it, and the function can check `token.stop_requested()` and return early:
//
//   co_await aio::to_thread([](std::stop_token stop, Data d) { ... if (stop.stop_requested())
//   return ...; }, data);
//
// Because the function may still be running after its awaiter was cancelled and has moved on,
// it must not use references into the awaiting coroutine's locals: give it its data by value
// (it is moved into the job) or through a std::shared_ptr.
//
// aio::run does not return while a job is still running: it waits for every job in flight, so
// no worker outlives its loop. On the virtual clock, a job costs no simulated time: while one
// runs and nothing else can, the loop waits for it without moving time.
//
// Threads and the runtime: a worker runs only fn. It never touches a task, a TaskHandle or a
// coroutine frame (they are single-threaded by design); it posts the finished job to the loop,
// and the loop thread delivers the result (detail/thread_jobs.hpp). So fn must not call aio::
// functions that need the loop (aio::sleep, aio::print, aio::now): it is not on the loop.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "aio/detail/thread_jobs.hpp"
#include "aio/loop.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

// What calling a job's function gives, and whether it takes a std::stop_token first. F and
// Args are the decayed types stored in the job; they are invoked as rvalues (moved in).
template <class F, class... Args>
struct ThreadCall {
  static constexpr bool takes_stop_token = std::is_invocable_v<F, std::stop_token, Args...>;
  using Raw =
      typename std::conditional_t<takes_stop_token, std::invoke_result<F, std::stop_token, Args...>,
                                  std::invoke_result<F, Args...>>::type;
  using Result = std::remove_cvref_t<Raw>;  // a reference result is copied: no dangling
};

template <class R>
class ThreadJobAwaiter;

// A job that knows its result type: the outcome slot the worker writes, and the link to the
// awaiter still waiting for it (loop thread only; null once that awaiter has gone).
template <class R>
class TypedThreadJob : public ThreadJob {
 public:
  using Value = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

  void finish() noexcept override;

  std::stop_source stop;                   // asked to stop when the awaiter is cancelled
  ThreadJobAwaiter<R>* awaiter = nullptr;  // loop thread only
  // Written by run() on the worker; read on the loop thread after finish_completed() took the
  // job (the pool's mutex orders the two).
  std::optional<Value> value;
  std::exception_ptr error;
};

// The function and its arguments, owned by the job.
template <class R, class F, class... Args>
class CallOnThread final : public TypedThreadJob<R> {
 public:
  template <class G, class... A>
  explicit CallOnThread(G&& fn, A&&... args)
      : fn_(std::forward<G>(fn)), args_(std::forward<A>(args)...) {}

  void run() noexcept override {
    try {
      if constexpr (std::is_void_v<R>) {
        call();
        this->value.emplace();
      } else {
        this->value.emplace(call());
      }
    } catch (...) {
      this->error = std::current_exception();
    }
  }

 private:
  decltype(auto) call() {
    return std::apply(
        [this](Args&... args) -> decltype(auto) {
          if constexpr (ThreadCall<F, Args...>::takes_stop_token) {
            return std::invoke(std::move(fn_), token_, std::move(args)...);
          } else {
            return std::invoke(std::move(fn_), std::move(args)...);
          }
        },
        args_);
  }

  F fn_;
  std::tuple<Args...> args_;
  // Taken on the loop thread when the job is made: the worker only reads its own copy.
  std::stop_token token_ = this->stop.get_token();
};

// The suspension point: parks the task, hands the job to the pool, resumes with the outcome.
template <class R>
class ThreadJobAwaiter final : public Wait {
 public:
  explicit ThreadJobAwaiter(std::unique_ptr<TypedThreadJob<R>> job) noexcept
      : unsubmitted_(std::move(job)) {}
  ThreadJobAwaiter(const ThreadJobAwaiter&) = delete;
  ThreadJobAwaiter& operator=(const ThreadJobAwaiter&) = delete;
  // The frame is destroyed while its job still runs (shutdown): the job must not deliver to it.
  ~ThreadJobAwaiter() { let_go(); }

  bool await_ready() const noexcept { return false; }

  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current()) {
    task_ = &running_task();
    // A cancellation already pending: do not even start the job; await_resume throws.
    if (!task_->park(*this, where)) return false;
    running_ = unsubmitted_.get();
    running_->awaiter = this;
    task_->loop().submit_thread_job(std::move(unsubmitted_));  // the loop owns it from here
    return true;
  }

  R await_resume() {
    if (task_) task_->throw_if_cancel_requested();
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<R>) return std::move(*value_);
  }

  // Loop thread, from the job's finish(): take the outcome and wake the task.
  void job_finished(TypedThreadJob<R>& job) noexcept {
    running_ = nullptr;
    error_ = std::move(job.error);
    if constexpr (!std::is_void_v<R>) {
      if (job.value) value_.emplace(std::move(*job.value));
    }
    task_->wake();
  }

  // The awaiting task is cancelled: resume it now (await_resume throws CancelledError) and let
  // the job run on alone. Its result will be dropped.
  void cancel() override {
    if (running_) running_->stop.request_stop();
    let_go();
    task_->wake();
  }

  std::string describe() const override {
    return "its aio::to_thread job, which is running on a worker thread";
  }

 private:
  void let_go() noexcept {
    if (running_) running_->awaiter = nullptr;
    running_ = nullptr;
  }

  TaskStateBase* task_ = nullptr;
  std::unique_ptr<TypedThreadJob<R>> unsubmitted_;  // until await_suspend hands it over
  TypedThreadJob<R>* running_ = nullptr;            // submitted, not finished, still ours
  std::exception_ptr error_;
  std::conditional_t<std::is_void_v<R>, std::monostate, std::optional<R>> value_{};
};

template <class R>
void TypedThreadJob<R>::finish() noexcept {
  if (awaiter) awaiter->job_finished(*this);
}

// The coroutine behind to_thread's Task. It receives the job already built: the callable was
// moved into it by the plain function to_thread, before any coroutine frame existed (the GCC 12
// trap with prvalue arguments of coroutines, harness/aio/README.md).
template <class R>
Task<R> await_thread_job(std::unique_ptr<TypedThreadJob<R>> job) {
  ThreadJobAwaiter<R> awaiter(std::move(job));
  if constexpr (std::is_void_v<R>) {
    co_await awaiter;
  } else {
    co_return co_await awaiter;
  }
}

}  // namespace detail

template <class F, class... Args>
requires(std::is_invocable_v<std::decay_t<F>, std::decay_t<Args>...> ||
         std::is_invocable_v<std::decay_t<F>, std::stop_token, std::decay_t<Args>...>)
    [[nodiscard]] auto to_thread(F&& fn, Args&&... args)
        -> Task<typename detail::ThreadCall<std::decay_t<F>, std::decay_t<Args>...>::Result> {
  using Call = detail::ThreadCall<std::decay_t<F>, std::decay_t<Args>...>;
  using R = typename Call::Result;
  static_assert(!detail::IsTask<R>::value,
                "aio::to_thread runs a plain function on another thread; this one returns an "
                "aio::Task (a coroutine), which must run on the loop: co_await it instead");
  auto job = std::make_unique<detail::CallOnThread<R, std::decay_t<F>, std::decay_t<Args>...>>(
      std::forward<F>(fn), std::forward<Args>(args)...);
  return detail::await_thread_job<R>(std::move(job));
}

}  // namespace aio
