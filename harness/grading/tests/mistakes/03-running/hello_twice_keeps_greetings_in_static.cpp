// Mistake: hello_twice collects the greetings in a static vector, which every call shares: the
// second call returns the first call's greetings as well as its own.
// test: HelloTwice.EachCallReturnsOnlyItsOwnGreetings
// expect: the second call returned the first call's greetings too
#include <vector>

#include "exercise.hpp"

namespace ch03 {

using namespace std::chrono_literals;

aio::Task<std::string> hello() {
  co_await aio::sleep(1s);
  co_return "Hello!";
}

// The top level: no loop is running yet, so start one. aio::run creates a fresh loop, runs the
// task to completion, returns its value (or rethrows its exception), and destroys the loop.
// `hello` is the parameter (ch03::hello unless the caller passed another job): it hides the
// function of the same name.
std::string run_hello(Job hello) {
  return aio::run(hello());
}

// Inside the loop: the loop is already running, so wait with co_await. (aio::run here would be
// refused: a second loop would block the first one for as long as it ran.)
aio::Task<std::string> hello_twice(Job hello) {
  static std::vector<std::string> greetings;  // the mistake: shared by every call, never cleared
  aio::print("Saying hello twice...");
  greetings.push_back(co_await hello());
  aio::print("First: ", greetings.back());
  greetings.push_back(co_await hello());
  aio::print("Second: ", greetings.back());
  std::string all;
  for (const std::string& greeting : greetings) all += (all.empty() ? "" : " ") + greeting;
  co_return all;
}

std::string run_or_explain(Job make_job) {
  try {
    // The job's exception leaves aio::run exactly as it was thrown inside the loop.
    return aio::run(make_job());
  } catch (const std::exception& error) {
    // Only real errors: aio::CancelledError is not a std::exception, so it passes through.
    return std::string("failed: ") + error.what();
  }
}

}  // namespace ch03
