// Mistake: greet_all() counts in a static variable, which every call shares: the second call
// returns the names of both calls.
// test: GreetAll.EachCallCountsOnlyItsOwnNames
// expect: the total of all the calls so far: the count carried over from the earlier calls
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
  static int greeted = 0;  // the mistake: shared by every call, never reset
  for (const std::string& name : names) {
    std::string text = co_await greet(name);
    aio::print(text);
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
