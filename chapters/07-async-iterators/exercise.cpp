// Chapter 07 — async iterators. This is the file you edit.
//
// Read chapters/07-async-iterators/README.md first. Check your work with
// `ctest --preset workbook -L ch07`. Stuck? chapters/07-async-iterators/HINTS.md has hints,
// gentlest first.
#include "exercise.hpp"

namespace ch07 {

using namespace std::chrono_literals;

aio::AsyncGenerator<int> count_up([[maybe_unused]] int max) {
  // TODO 1: make sure "Counter closed" is printed whenever this generator's body is left —
  //         at its end, but also when the consumer stops early and destroys the generator while
  //         it is paused. Code written after the loop is NOT enough (why? README, "Stopping
  //         early"). What in C++ runs when a scope is left, whichever way?
  // TODO 2: for each number from 1 to max: wait half a second without blocking, then hand the
  //         number to the consumer (the generator keyword, not co_return) and pause there.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("count_up");
  co_return;
}

aio::Task<std::vector<int>> collect([[maybe_unused]] aio::AsyncGenerator<int> gen) {
  // TODO 1: ask `gen` for its next value until it says there are no more (std::nullopt).
  //         There is no range-for over an async generator in C++20: use a while loop.
  // TODO 2: keep every value, in order, and return them all.
  aio::todo("collect");
  co_return std::vector<int>{};
}

aio::Task<int> sum_until([[maybe_unused]] aio::AsyncGenerator<int> gen,
                         [[maybe_unused]] int limit) {
  // TODO 1: pull values from `gen` one at a time and add each to a running sum (from 0).
  // TODO 2: as soon as the sum reaches `limit`, stop asking for values: every extra next()
  //         makes the producer work (and wait) for a value nobody uses. Compare before each
  //         next(): with a limit of 0 or less, the sum 0 has reached it before the first value.
  // TODO 3: return the sum (also when `gen` runs out before the limit is reached).
  aio::todo("sum_until");
  co_return 0;
}

aio::AsyncGenerator<int> evens([[maybe_unused]] aio::AsyncGenerator<int> source) {
  // TODO 1: pull values from `source` one at a time — only when a value is needed, never all
  //         of them up front (this generator must stay lazy).
  // TODO 2: pass each even value on to this generator's own consumer; skip the odd ones.
  aio::todo("evens");
  co_return;
}

}  // namespace ch07
