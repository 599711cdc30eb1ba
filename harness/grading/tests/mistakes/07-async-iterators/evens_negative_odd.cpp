// Mistake: evens skips the values whose remainder is 1; in C++ a negative odd value has the
// remainder -1, so -3 and -1 get through.
// test: Evens.ZeroAndNegativeEvenValuesAreEven
// expect: evens passed on -3, -1, which are odd: in C\+\+, -3 % 2 is -1, not 1
#include "exercise.hpp"

namespace ch07 {

using namespace std::chrono_literals;

namespace {
// Prints "Counter closed" when count_up's body is left, whichever way: run to its end, thrown
// out of, or destroyed while paused at a co_yield because the consumer stopped early. A line
// after the loop would only cover the first case.
struct CounterCleanup {
  CounterCleanup() = default;
  CounterCleanup(const CounterCleanup&) = delete;
  CounterCleanup& operator=(const CounterCleanup&) = delete;
  ~CounterCleanup() { aio::print("Counter closed"); }
};
}  // namespace

aio::AsyncGenerator<int> count_up(int max) {
  CounterCleanup cleanup;
  for (int n = 1; n <= max; ++n) {
    co_await aio::sleep(500ms);
    // Hands n to the consumer and pauses here until it asks again (or drops us).
    co_yield n;
  }
}

aio::Task<std::vector<int>> collect(aio::AsyncGenerator<int> gen) {
  std::vector<int> values;
  // No range-for over an async generator in C++20: a while loop around co_await next().
  while (auto value = co_await gen.next()) values.push_back(*value);
  co_return values;
}

aio::Task<int> sum_until(aio::AsyncGenerator<int> gen, int limit) {
  int sum = 0;
  // The limit is checked before each next(), so no value is asked for once it is reached - not
  // even the first one, when the limit is 0 or less (the empty sum, 0, already reaches it).
  while (sum < limit) {
    auto value = co_await gen.next();
    if (!value) break;  // the generator ended first: the sum of everything
    sum += *value;
  }
  // `gen` is a parameter, so it lives as long as this coroutine's frame: it is destroyed (and
  // its cleanup runs) when the caller's co_await of this Task completes. Until then it stays
  // paused where it is.
  co_return sum;
}

aio::AsyncGenerator<int> evens(aio::AsyncGenerator<int> source) {
  // One value in, at most one value out: `source` only runs when our consumer asks.
  while (auto value = co_await source.next()) {
    if (*value % 2 != 1) co_yield *value;  // the mistake: -3 % 2 is -1, not 1
  }
}

}  // namespace ch07
