// Mistake: run_hello() keeps one aio::Loop alive between calls (aio::run makes a fresh one).
// test: RunHello.EachCallStartsAFreshLoopAtTimeZero
// expect: loop 2: expected 1.000 s, actual 2.000 s.*fresh loop whose clock starts at 0
#include "exercise.hpp"

namespace ch03 {

using namespace std::chrono_literals;

aio::Task<std::string> hello() {
  co_await aio::sleep(1s);
  co_return "Hello!";
}

// The top level: no loop is running yet, so start one. aio::run creates a fresh loop, runs the
// task to completion, returns its value (or rethrows its exception), and destroys the loop.
std::string run_hello(Job hello) {
  static aio::Loop loop;  // "why build a new loop every time?"
  return loop.run_until_complete(hello());
}

// Inside the loop: the loop is already running, so wait with co_await. (aio::run here would be
// refused: a second loop would block the first one for as long as it ran.)
aio::Task<std::string> hello_twice(Job hello) {
  aio::print("Saying hello twice...");
  std::string first = co_await hello();
  aio::print("First: ", first);
  std::string second = co_await hello();
  aio::print("Second: ", second);
  co_return first + " " + second;
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
