// Chapter 01 demo: runs your greeting(), greet() and greet_all() the way the tutorial runs
// `asyncio.run(greeting())`, and prints what happens.
//   ./build/workbook/chapters/01-coroutines/ch01_demo            (real clock)
//   ./build/workbook/chapters/01-coroutines/ch01_demo --virtual  (simulated clock)
// Nothing in this chapter waits, so both print every line at 0.000s.
#include <aio/demo.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "exercise.hpp"

namespace {

// Another greeter for greet_all: its second parameter decides how each name is greeted.
aio::Task<std::string> cheer(std::string name) {
  co_return "Hooray for " + name + "!";
}

// A coroutine awaiting the exercise coroutines, as any caller would.
aio::Task<> demo() {
  std::string result = co_await ch01::greeting();  // prints "Hello!", gives back "Done"
  aio::print("Got: ", result);

  std::string hello = co_await ch01::greet("World");  // greet() prints nothing itself
  aio::print(hello);

  // A named vector, not a braced list inside the co_await: GCC 12 rejects
  // `co_await f({"a", "b"})` with "array used as initializer" (a compiler bug; see README).
  std::vector<std::string> guests = {"Ada", "Grace", "Linus"};
  int greeted = co_await ch01::greet_all(guests);
  aio::print("greet_all greeted ", greeted, " people");

  // The same guests with a greeter of our own (the graders pass one too).
  ch01::Greeter cheering = cheer;
  co_await ch01::greet_all(guests, cheering);
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    aio::run(demo());
  } catch (const std::exception& e) {
    std::cout << e.what() << "\nSee chapters/01-coroutines/README.md for what to write.\n";
    return 1;
  }
  return 0;
}
