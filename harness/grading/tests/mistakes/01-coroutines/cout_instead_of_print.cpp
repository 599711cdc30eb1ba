// Mistake: greeting() prints with std::cout, which the event loop never records. Graded by the
// laziness test: its message must name std::cout, not laziness, for the missing line.
// test: Greeting.DoesNothingUntilAwaited
// expect: std::cout goes straight to the terminal
#include <iostream>

#include "exercise.hpp"

namespace ch01 {

aio::Task<std::string> greeting() {
  std::cout << "Hello!\n";  // mistake: bypasses the loop's transcript; use aio::print
  co_return "Done";
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
