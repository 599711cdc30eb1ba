// Chapter 01 — reference solution.
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

// A coroutine awaiting coroutines, one after the other: each greet() runs to completion inside
// this coroutine before the next one is created. `greet` is the parameter (ch01::greet unless
// the caller passed another greeter): it hides the function of the same name.
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
