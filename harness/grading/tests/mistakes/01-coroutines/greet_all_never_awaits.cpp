// Mistake: greet_all() creates each greet() Task but never awaits it, and prints by hand.
// test: GreetAll.GreetsEveryNameInOrder
// expect: coroutine 'greet' .*was never awaited
#include "exercise.hpp"

namespace ch01 {

aio::Task<std::string> greeting() {
  aio::print("Hello!");
  co_return "Done";
}

aio::Task<std::string> greet(std::string name) {
  co_return "Hello, " + name + "!";
}

aio::Task<int> greet_all(std::vector<std::string> names, Greeter greet) {
  int greeted = 0;
  for (const std::string& name : names) {
    // mistake: as in Python, calling a coroutine without awaiting it runs nothing. The output
    // looks right, but greet() never ran: the runtime reports the forgotten Task.
    aio::Task<std::string> text = greet(name);
    aio::print("Hello, ", name, "!");
    ++greeted;
  }
  co_return greeted;
}

}  // namespace ch01
