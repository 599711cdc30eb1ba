// Mistake: greet_all() skips empty names "to be safe", but every entry is a person to greet
// (and to count): greet("") gives "Hello, !".
// test: GreetAll.EmptyAndRepeatedNamesAreGreetedToo
// expect: an empty name, and a name that comes twice, are greeted like any other
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
    if (name.empty()) continue;  // the mistake: an empty name is still an entry of the list
    std::string text = co_await greet(name);
    aio::print(text);
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
