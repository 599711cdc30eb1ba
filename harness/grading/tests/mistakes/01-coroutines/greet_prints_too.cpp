// Mistake: greet() prints its greeting as well as returning it.
// test: Greet.ReturnsHelloAndTheName
// expect: printing is the caller's job
#include "exercise.hpp"

namespace ch01 {

aio::Task<std::string> greeting() {
  aio::print("Hello!");
  co_return "Done";
}

aio::Task<std::string> greet(std::string name) {
  std::string text = "Hello, " + name + "!";
  aio::print(text);  // mistake: greet() only returns the text; its caller decides to print it
  co_return text;
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
