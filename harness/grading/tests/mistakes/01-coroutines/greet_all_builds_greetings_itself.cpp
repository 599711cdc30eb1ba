// Mistake: greet_all() builds "Hello, <name>!" itself and prints it, without awaiting greet():
// the lines are right for the real greet(), but they are typed in, not what greet() returned.
// test: GreetAll.PrintsWhatItsGreeterReturns
// expect: greet_all.. never awaited a greeter.*it made those texts itself
#include "exercise.hpp"

namespace ch01 {

// `co_return` is what makes this a coroutine: the compiler gives it a frame, and because
// aio::Task is lazy, nothing here runs until the Task is awaited.
aio::Task<std::string> greeting() {
  aio::print("Hello!");
  co_return "Done";
}

// `name` lives in the coroutine frame (parameters are copied or moved there), so it is still
// valid whenever the Task finally runs, even if the caller passed a temporary.
aio::Task<std::string> greet(std::string name) {
  co_return "Hello, " + name + "!";
}

aio::Task<int> greet_all(std::vector<std::string> names, [[maybe_unused]] Greeter greet) {
  int greeted = 0;
  for (const std::string& name : names) {
    aio::print("Hello, " + name + "!");  // the mistake: greet() is meant to make this text
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
