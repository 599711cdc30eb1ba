// Mistake: greet_all() prints the greetings with std::cout: they reach the terminal, but not the
// event loop's transcript.
// test: GreetAll.GreetsEveryNameInOrder
// expect: your code wrote this with std::cout.*Print with aio::print
#include <iostream>

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

aio::Task<int> greet_all(std::vector<std::string> names, Greeter greet) {
  int greeted = 0;
  for (const std::string& name : names) {
    std::string text = co_await greet(name);
    std::cout << text << '\n';  // the mistake: the loop never sees this line
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
