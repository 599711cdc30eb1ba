// Mistake: greeting() is a plain function that prints, then returns another coroutine's Task, so
// "Hello!" appears when greeting() is called, not when its Task is awaited.
// test: Greeting.DoesNothingUntilAwaited
// expect: calling greeting.. already printed something
#include "exercise.hpp"

namespace ch01 {

namespace {
aio::Task<std::string> finish_greeting() {
  co_return "Done";
}
}  // namespace

// No co_ keyword here: this is an ordinary function, and its body runs at the call.
aio::Task<std::string> greeting() {
  aio::print("Hello!");  // mistake: runs eagerly, before anyone awaits the Task
  return finish_greeting();
}

aio::Task<std::string> greet(std::string name) {
  co_return "Hello, " + name + "!";
}

aio::Task<int> greet_all(std::vector<std::string> names, Greeter greet) {
  int greeted = 0;
  for (const std::string& name : names) {
    std::string text = co_await greet(name);
    aio::print(text);
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
