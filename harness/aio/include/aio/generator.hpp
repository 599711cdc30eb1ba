// aio::AsyncGenerator<T>: a coroutine that produces a sequence of values over time (Python's
// async generator, `async def f(): ... yield x`).
//
//   aio::AsyncGenerator<int> count_up(int max) {
//     for (int i = 1; i <= max; ++i) {
//       co_await aio::sleep(500ms);   // may await anything a Task can
//       co_yield i;                   // hand i to the consumer, pause here until asked again
//     }
//   }
//
//   auto counter = count_up(5);
//   while (auto value = co_await counter.next()) {   // std::optional<int>; nullopt at the end
//     aio::print("Count: ", *value);
//   }
//
// - Pull-based and lazy: creating the generator runs nothing. Each `co_await gen.next()` runs the
//   producer from where it paused to its next co_yield (or its end), and no further: the producer
//   never runs ahead of its consumer.
// - Inline: the producer runs in the consumer's task, like an awaited Task. Its sleeps are the
//   consumer task's suspension points, so cancelling the consumer's task cancels whatever the
//   producer is awaiting (it sees aio::CancelledError there), and a long run of synchronous
//   yields goes through the trampoline (detail/frame.hpp): no stack growth.
// - End: next() gives std::nullopt once the producer returns (falls off its end or `co_return;`),
//   and again on every later call.
// - Errors: an exception escaping the producer is rethrown by the next() that was running it;
//   the generator is finished after that (later next() calls give std::nullopt).
// - Early exit: destroying the generator while it is paused at a co_yield destroys its frame, so
//   the producer's locals (RAII guards) are destroyed exactly once, right then. This is C++'s
//   form of Python's aclose(): it cannot await, so cleanup that needs to await must be done by
//   the consumer before it lets the generator go. A generator that never started has no locals
//   yet: only its parameters are destroyed.
// - Move-only and [[nodiscard]], like Task. One consumer at a time: calling next() while the
//   producer is already running (from another task, or from inside itself) throws
//   aio::RuntimeError, as Python's "anext(): asynchronous generator is already running".
//
// What can be yielded: T is an object type that can be moved (int, std::string,
// std::unique_ptr<X>...). `co_yield expr` moves an rvalue into the generator and copies an
// lvalue (the producer's variable is left intact), then next() moves the value out to the
// consumer: the consumer owns what it receives. For a move-only T, yield an rvalue
// (`co_yield std::move(item);`). References are not supported (std::optional<T&> does not
// exist); yield a pointer or std::reference_wrapper<X> instead, and make sure the object it
// refers to outlives the consumer's use of it (a producer's local is only guaranteed to live
// until the next call of next()).
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "aio/detail/frame.hpp"
#include "aio/errors.hpp"

namespace aio {

template <class T>
class AsyncGenerator;

namespace detail {

// The non-template half of a generator's promise: its error, and whether it is running.
class GeneratorPromiseBase : public PromiseBase {
 public:
  using PromiseBase::PromiseBase;

  // An exception escaping the producer ends the generator; next() rethrows it, once.
  void unhandled_exception() noexcept { error_ = std::current_exception(); }
  void return_void() noexcept {}
  void rethrow_if_failed() {
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

  bool running = false;  // between next()'s suspension and the consumer's resumption

 private:
  std::exception_ptr error_;
};

// `co_yield value` suspends the producer and hands control back to the frame awaiting next().
struct YieldAwaiter {
  PromiseBase& producer;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>,
                     SourceLocation where = SourceLocation::current()) const noexcept {
    yield_to_consumer(producer, where);
  }
  void await_resume() const noexcept {}

  static void yield_to_consumer(PromiseBase& producer, SourceLocation where) noexcept;
};

// next() checks, out of line: they only build error messages.
[[noreturn]] void throw_empty_generator();
[[noreturn]] void throw_generator_running(const PromiseBase& producer);

template <class T>
class GeneratorPromise final : public GeneratorPromiseBase {
 public:
  // The default argument records which coroutine function this frame belongs to (diagnostics).
  explicit GeneratorPromise(SourceLocation where = SourceLocation::current()) noexcept
      : GeneratorPromiseBase(where) {}

  AsyncGenerator<T> get_return_object() noexcept;
  InitialAwaiter initial_suspend() noexcept { return {*this}; }  // lazy: runs on the first next()
  FinalAwaiter final_suspend() noexcept { return {*this}; }      // back to the consumer

  YieldAwaiter yield_value(T&& value) noexcept(std::is_nothrow_move_constructible_v<T>) {
    value_.emplace(std::move(value));
    return {*this};
  }
  // An lvalue is copied, so the producer's own variable is untouched by the consumer.
  YieldAwaiter yield_value(const T& value) noexcept(
      std::is_nothrow_copy_constructible_v<T>) requires std::is_copy_constructible_v<T> {
    value_.emplace(value);
    return {*this};
  }

  // What the consumer's next() receives: the yielded value, nothing (the end), or the exception.
  std::optional<T> take() {
    rethrow_if_failed();
    std::optional<T> out = std::move(value_);
    value_.reset();
    return out;
  }

 private:
  std::optional<T> value_;
};

}  // namespace detail

template <class T>
class [[nodiscard]] AsyncGenerator {
  static_assert(std::is_object_v<T> && !std::is_array_v<T>,
                "aio::AsyncGenerator<T>: T must be an object type; to yield references, yield a "
                "pointer or std::reference_wrapper (see aio/generator.hpp)");
  static_assert(std::is_move_constructible_v<T>, "aio::AsyncGenerator<T>: T must be movable");

 public:
  using promise_type = detail::GeneratorPromise<T>;
  using value_type = T;
  using Handle = std::coroutine_handle<promise_type>;

  AsyncGenerator() noexcept = default;
  explicit AsyncGenerator(Handle frame) noexcept : frame_(frame) {}
  AsyncGenerator(AsyncGenerator&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  AsyncGenerator& operator=(AsyncGenerator&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  AsyncGenerator(const AsyncGenerator&) = delete;
  AsyncGenerator& operator=(const AsyncGenerator&) = delete;
  // Early exit: destroys the paused producer, running its destructors (see the top of the file).
  ~AsyncGenerator() { destroy(); }

  bool valid() const noexcept { return static_cast<bool>(frame_); }

  // `co_await gen.next()`: run the producer inline until its next co_yield (the value), its end
  // (std::nullopt) or an exception (rethrown here).
  class NextAwaiter {
   public:
    explicit NextAwaiter(Handle frame) noexcept : frame_(frame) {}
    // A finished producer is not resumed again: next() gives std::nullopt at once.
    bool await_ready() const {
      if (frame_.promise().running) detail::throw_generator_running(frame_.promise());
      return frame_.done();
    }
    template <class Promise>
    void await_suspend(std::coroutine_handle<Promise> awaiting,
                       SourceLocation where = SourceLocation::current()) {
      static_assert(std::is_base_of_v<detail::PromiseBase, Promise>,
                    "AsyncGenerator::next() can only be awaited from aio coroutines (Task, "
                    "AsyncGenerator)");
      frame_.promise().running = true;
      // The producer becomes the awaiting frame's child: the trampoline resumes it next, and
      // its co_yield / end hands control back to `awaiting`.
      detail::await_child(awaiting.promise(), frame_.promise(), where);
    }
    std::optional<T> await_resume() {
      frame_.promise().running = false;
      return frame_.promise().take();
    }

   private:
    Handle frame_;  // the handle, not the generator: moving the generator meanwhile is harmless
  };

  [[nodiscard]] NextAwaiter next() {
    if (!frame_) detail::throw_empty_generator();
    return NextAwaiter{frame_};
  }

 private:
  void destroy() noexcept {
    if (frame_) std::exchange(frame_, {}).destroy();
  }

  Handle frame_;
};

namespace detail {
template <class T>
AsyncGenerator<T> GeneratorPromise<T>::get_return_object() noexcept {
  auto frame = std::coroutine_handle<GeneratorPromise>::from_promise(*this);
  this->self = frame;
  return AsyncGenerator<T>{frame};
}
}  // namespace detail

}  // namespace aio
