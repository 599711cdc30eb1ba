// Mistake: count_up yields first and waits afterwards, so the first value comes at once.
// test: CountUp.DoesNotRunAheadOfASlowConsumer
// expect: the first value came at once: count_up must wait 0.5 s \*before\* each value
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
    co_yield n;
    co_await aio::sleep(500ms);  // the mistake: the wait belongs before the value
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
    if (*value % 2 == 0) co_yield *value;
  }
}

}  // namespace ch07
