// aio::with: a resource with async set-up and async tear-down, used inside a scope (Python's
// `async with`, Trio's async context managers).
//
//   aio::Task<Rows> run_query(Opener open) {
//     auto body = [](Connection& db) -> aio::Task<Rows> { co_return co_await db.query("..."); };
//     co_return co_await aio::with(open, body);  // open, run the body, close: always
//   }
//
// Why a helper and not RAII: a destructor cannot suspend, so `~Connection()` cannot co_await the
// goodbye message to the server, and C++ has no async destructor. The scope is a coroutine that
// owns the resource instead: it awaits the opener, runs the body, and awaits close() whatever
// the body did.
//
// The rules, in order:
//   1. The opener runs first (awaited inline). If it fails, there is nothing to close: its
//      exception propagates and neither the body nor close() runs. A cancellation during open is
//      such a failure. (Like __aenter__, an opener that fails half-way cleans up after itself.)
//   2. The body runs with a reference to the resource, which lives in the scope's frame until
//      close() has finished.
//   3. close() is awaited exactly once, whatever the body did: returned, threw, or was cancelled.
//      Cancellation is edge-triggered (delivered once), so close()'s own co_awaits work normally
//      after the body received its aio::CancelledError.
//   4. Then the outcome:
//        body ok,     close ok      -> the body's value;
//        body ok,     close failed  -> close()'s exception (the work may not be committed);
//        body failed, close ok      -> the body's exception, unchanged;
//        body failed, close failed  -> the body's exception, unchanged, and close()'s failure
//                                      is reported as a loop diagnostic (see below).
//
// Why a diagnostic for the double failure, and not something reachable from the error: C++
// exceptions have no slot for "another error happened while this one was in flight" (Python's
// __context__), and wrapping both into a new type (or std::throw_with_nested, which needs the
// static type) would change what the caller catches: a QueryError must still be caught as a
// QueryError, and an aio::CancelledError must stay a CancelledError, or cancellation stops
// working. So the body's exception travels unchanged, and close()'s goes where the runtime
// already reports exceptions nobody can see (a detached task's failure): the loop's
// diagnostics, on stderr and in the run report, where the graders turn it into a failure. A
// close() interrupted by a cancellation while the body's error is propagating is not reported:
// the task is ending either way, which is what the canceller asked for.
//
// Resources. The opener produces R, one of:
//   - a value type with `aio::Task<> close()` (a small movable handle): the body gets R&;
//   - std::unique_ptr<X> / std::shared_ptr<X> (any pointer-like type) where X has
//     `aio::Task<> close()`: for resources that cannot move (others hold their address), that
//     are polymorphic (an interface with several implementations, fakes in tests), or are
//     shared with other tasks. close() is called on the object pointed to; the body gets X& if it
//     accepts one, else R& (the pointer itself). An empty pointer is an error before the body.
//
// Arguments. `opener` is an aio::Task<R> or a callable returning one (called when the scope
// starts, not before). `body` is a callable `(X& or R&) -> aio::Task<U>`; with() returns
// aio::Task<U>. with() is a plain function, not a coroutine: it moves both into heap storage
// owned by the scope's frame before any coroutine runs, so lambda captures live as long as the
// scope. Still, write a capturing lambda in its own statement, not inside the co_await
// statement: GCC 12 destroys a lambda temporary of a co_await statement twice (see the runtime
// README), and no function signature can prevent that.
#pragma once

#include <concepts>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/loop.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

// R has `aio::Task<> close()`.
template <class R>
concept ClosesItself = requires(R& resource) {
  { resource.close() } -> std::same_as<Task<>>;
};

// R points to something that has `aio::Task<> close()` (std::unique_ptr, std::shared_ptr...).
template <class R>
concept PointsToClosable = !ClosesItself<R> && requires(R & resource) {
  static_cast<bool>(resource);
  { (*resource).close() } -> std::same_as<Task<>>;
};

// The opener's resource type: Task<R> -> R; a callable returning Task<R> -> R.
template <class Opener>
struct OpenedType;
template <class R>
struct OpenedType<Task<R>> {
  using type = R;
};
template <class Opener>
requires(!IsTask<Opener>::value && std::invocable<Opener&>) struct OpenedType<Opener> {
  using Made = std::invoke_result_t<Opener&>;
  static_assert(IsTask<Made>::value,
                "aio::with: the opener callable must return an aio::Task<Resource>");
  using type = typename TaskValue<Made>::type;
};

// Which reference the body receives: the object pointed to when it accepts one, else R&.
template <class Body, class R>
decltype(auto) call_body(Body& body, R& resource) {
  if constexpr (PointsToClosable<R>) {
    if constexpr (std::is_invocable_v<Body&, decltype(*resource)>) {
      return body(*resource);
    } else {
      return body(resource);
    }
  } else {
    return body(resource);
  }
}

template <class R>
Task<> close_resource(R& resource) {
  if constexpr (PointsToClosable<R>) {
    return (*resource).close();
  } else {
    return resource.close();
  }
}

// Both callables (or the opener Task), kept by the scope's frame for its whole life.
template <class Opener, class Body>
struct WithState {
  Opener opener;
  Body body;

  auto open() {
    if constexpr (IsTask<Opener>::value) {
      return std::move(opener);
    } else {
      return opener();
    }
  }
};

// An exception as messages show it: "disk full" (quoted what()), or its kind.
inline std::string describe_exception(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return std::string("\"") + e.what() + "\"";
  } catch (const CancelledError&) {
    return "aio::CancelledError";
  } catch (...) {
    return "an exception of unknown type";
  }
}

// Rule 4 of the header comment. Returns normally only when both succeeded.
inline void finish_with(const std::exception_ptr& body_error,
                        const std::exception_ptr& close_error) {
  if (body_error) {
    if (close_error && !is_cancellation(close_error)) {
      if (Loop* loop = Loop::current()) {
        loop->diagnose(Diagnostic::Kind::SuppressedException,
                       "aio::with: close() failed with " + describe_exception(close_error) +
                           " while the body's exception (" + describe_exception(body_error) +
                           ") was propagating; the body's exception was rethrown, close()'s is "
                           "reported here");
      }
    }
    std::rethrow_exception(body_error);
  }
  if (close_error) std::rethrow_exception(close_error);
}

inline void require_resource(bool present) {
  if (!present) {
    throw RuntimeError(
        "aio::with: the opener returned an empty pointer: there is no resource to use or close");
  }
}

template <class R, class U, class State>
Task<U> with_scope(std::unique_ptr<State> state) {
  // Rule 1: an opener failure propagates from here; nothing was opened, nothing to close.
  R resource = co_await state->open();
  if constexpr (PointsToClosable<R>) require_resource(static_cast<bool>(resource));

  // Rule 2. A handler cannot co_await, so remember the body's outcome and close afterwards.
  std::exception_ptr body_error;
  std::optional<std::conditional_t<std::is_void_v<U>, bool, U>> value;
  try {
    auto body = call_body(state->body, resource);
    if constexpr (std::is_void_v<U>) {
      co_await body;
      value.emplace(true);
    } else {
      value.emplace(co_await body);
    }
  } catch (...) {
    body_error = std::current_exception();  // also aio::CancelledError: close first, then rethrow
  }

  // Rule 3: exactly once, whatever happened above.
  std::exception_ptr close_error;
  try {
    co_await close_resource(resource);
  } catch (...) {
    close_error = std::current_exception();
  }

  finish_with(body_error, close_error);  // rule 4
  if constexpr (!std::is_void_v<U>) co_return std::move(*value);
}

}  // namespace detail

// `co_await aio::with(opener, body)`: open, run body(resource), always close; see the top of
// this file for the rules. Plain function: the callables are stored before any coroutine runs.
template <class Opener, class Body>
[[nodiscard]] auto with(Opener&& opener, Body&& body) {
  using OpenerT = std::decay_t<Opener>;
  using BodyT = std::decay_t<Body>;
  using R = typename detail::OpenedType<OpenerT>::type;
  static_assert(detail::ClosesItself<R> || detail::PointsToClosable<R>,
                "aio::with: the resource must have `aio::Task<> close()`, or be a pointer "
                "(std::unique_ptr, std::shared_ptr) to an object that has one");
  using BodyTask = decltype(detail::call_body(std::declval<BodyT&>(), std::declval<R&>()));
  static_assert(detail::IsTask<std::remove_cvref_t<BodyTask>>::value,
                "aio::with: the body must be a callable (Resource&) -> aio::Task<U>");
  using U = typename detail::TaskValue<std::remove_cvref_t<BodyTask>>::type;

  using State = detail::WithState<OpenerT, BodyT>;
  auto state =
      std::unique_ptr<State>(new State{std::forward<Opener>(opener), std::forward<Body>(body)});
  auto scope = detail::with_scope<R, U>(std::move(state));
  scope.promise().where.function = "aio::with";  // diagnostics name it, not the helper
  return scope;
}

}  // namespace aio
