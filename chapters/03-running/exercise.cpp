// Chapter 03 — running coroutines. This is the file you edit.
// Read chapters/03-running/README.md first; stuck? chapters/03-running/HINTS.md.
#include "exercise.hpp"

namespace ch03 {

using namespace std::chrono_literals;

aio::Task<std::string> hello() {
  // TODO 1: suspend this coroutine for one second of loop time (an aio awaitable, not a
  //         thread sleep).
  // TODO 2: hand "Hello!" back to whoever awaits (or runs) this task.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("hello");
  co_return "";
}

std::string run_hello([[maybe_unused]] Job hello) {
  // `hello` is a parameter: it is your hello() above unless the caller passes another job (the
  // graders do), so call it just like the function: hello().
  // This is a plain function: no event loop is running when it is called, so co_await is not
  // available here (and would turn it into a coroutine). You are at the top level.
  // TODO 1: create the task by calling hello() — that alone runs nothing.
  // TODO 2: start a fresh event loop that runs the task to completion, and take its value.
  // TODO 3: return that value.
  aio::todo("run_hello");
}

aio::Task<std::string> hello_twice([[maybe_unused]] Job hello) {
  // `hello` is a parameter, as in run_hello: call it as hello().
  // You are inside the loop now: this coroutine only runs while an event loop drives it.
  // TODO 1: print "Saying hello twice..." with aio::print (it stamps the loop's time).
  // TODO 2: wait for hello() to finish and keep its value; print "First: " followed by it.
  // TODO 3: wait for hello() a second time; print "Second: " followed by that value.
  // TODO 4: return both values separated by one space: "Hello! Hello!".
  // Which way of waiting belongs inside a coroutine? (Not the one run_hello uses.)
  aio::todo("hello_twice");
  co_return "";
}

std::string run_or_explain([[maybe_unused]] Job make_job) {
  // A plain function again, at the top level.
  // TODO 1: run the task that make_job() creates on a fresh event loop and return its value.
  // TODO 2: if that run fails with a std::exception, return "failed: " followed by the
  //         exception's what() instead.
  // TODO 3: let everything else through untouched — in particular aio::CancelledError, which is
  //         deliberately not a std::exception (the README explains why).
  aio::todo("run_or_explain");
}

}  // namespace ch03
