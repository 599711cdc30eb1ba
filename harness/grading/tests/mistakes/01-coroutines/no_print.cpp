// Mistake: greeting() hands back "Done" but forgets to print "Hello!".
// test: Greeting.PrintsHelloAtTimeZero
// expect: greeting.. printed nothing at all: it ran and gave back its value
#include "exercise.hpp"

namespace ch01 {

aio::Task<std::string> greeting() {
  co_return "Done";  // mistake: no aio::print("Hello!") before handing back the value
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
