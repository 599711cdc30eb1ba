// Mistake: hello_twice sleeps and prints the greetings itself and returns a literal, without
// awaiting hello(): right for the tutorial's hello, but nothing came from hello.
// test: HelloTwice.AwaitsTheHelloItIsGivenTwice
// expect: hello_twice never ran a hello: not the one the grader passed
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
aio::Task<std::string> hello_twice([[maybe_unused]] Job hello) {
  aio::print("Saying hello twice...");
  co_await aio::sleep(1s);  // the mistake: hello() is what waits and gives the greeting
  aio::print("First: Hello!");
  co_await aio::sleep(1s);
  aio::print("Second: Hello!");
  co_return "Hello! Hello!";
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
