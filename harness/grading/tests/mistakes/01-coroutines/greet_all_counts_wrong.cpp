// Mistake: greet_all() hands back the index of the last name instead of how many were greeted.
// test: GreetAll.GreetsEveryNameInOrder
// expect: must co_return how many names it greeted
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
  int last = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string text = co_await greet(names[i]);
    aio::print(text);
    last = static_cast<int>(i);  // mistake: off by one — the count is i + 1
  }
  co_return last;
}

}  // namespace ch01
