// Mistake: greet_all() calls ch01::greet by its qualified name, so the greeter it was given (the
// parameter `greet`) never runs: a caller cannot choose how names are greeted.
// test: GreetAll.PrintsWhatItsGreeterReturns
// expect: never the greeter the grader passed as its parameter `greet`
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
    std::string text = co_await ch01::greet(name);  // the mistake: not the parameter
    aio::print(text);
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
