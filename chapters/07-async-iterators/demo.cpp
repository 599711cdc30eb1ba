// Chapter 07 demo: the tutorial's async iterator (`async for num in AsyncCounter(5)`) through
// your count_up(), then sum_until stopping early and the evens pipeline.
//
//   ./build/workbook/chapters/07-async-iterators/ch07_demo             real time: about 9 s
//   ./build/workbook/chapters/07-async-iterators/ch07_demo --virtual   same output, instantly
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <aio/demo.hpp>

#include "exercise.hpp"

namespace {

// The tutorial's main(): print every number the counter yields.
aio::Task<> count_to_five() {
  auto counter = ch07::count_up(5);
  while (auto number = co_await counter.next()) aio::print("Count: ", *number);
}

// Stops after 1 + 2 + 3: the counter is closed at once, its remaining numbers never computed.
// (The generators are created and awaited inside a coroutine, so that their cleanup lines are
// printed while the loop runs, with a timestamp.)
aio::Task<> sum_to_six() {
  int sum = co_await ch07::sum_until(ch07::count_up(10), 6);
  aio::print("sum_until(count_up(10), 6) returned ", sum);
}

// A pipeline: evens pulls from count_up, the loop below pulls from evens.
aio::Task<> print_evens() {
  auto even = ch07::evens(ch07::count_up(6));
  while (auto number = co_await even.next()) aio::print("Even: ", *number);
}

// Python's `[n async for n in AsyncCounter(3)]`.
aio::Task<> collect_three() {
  std::vector<int> numbers = co_await ch07::collect(ch07::count_up(3));
  std::string text;
  for (int n : numbers) text += (text.empty() ? "" : ", ") + std::to_string(n);
  aio::print("collect(count_up(3)) returned {", text, "}");
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    std::cout << "async for num in AsyncCounter(5): print(f\"Count: {num}\")\n";
    aio::run(count_to_five());
    std::cout << "\nStopping early: the generator's cleanup runs when it is dropped\n";
    aio::run(sum_to_six());
    std::cout << "\nA pipeline: evens(count_up(6))\n";
    aio::run(print_evens());
    std::cout << "\nAll values at once: collect(count_up(3))\n";
    aio::run(collect_three());
  } catch (const std::exception& error) {
    std::cout << error.what()
              << "\nSee chapters/07-async-iterators/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
