// Mistake: sum_until compares only after adding a value, so it always asks for a first value,
// even when the limit is 0 or less and the empty sum has already reached it.
// test: SumUntil.AZeroOrNegativeLimitIsReachedBeforeAnyValue
// expect: sum_until asked for a value although the limit \(0\) was already reached
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
  while (auto value = co_await gen.next()) {
    sum += *value;
    if (sum >= limit) break;  // the mistake: the only check, after a value was already pulled
  }
  // `gen` is a parameter, so it lives as long as this coroutine's frame: it is destroyed (and
  // its cleanup runs) when the caller's co_await of this Task completes. Until then it stays
  // paused where it is.
  co_return sum;
}

aio::AsyncGenerator<int> evens(aio::AsyncGenerator<int> source) {
  // One value in, at most one value out: `source` only runs when our consumer asks.
  while (auto value = co_await source.next()) {
    if (*value % 2 == 0) co_yield *value;
  }
}

}  // namespace ch07
