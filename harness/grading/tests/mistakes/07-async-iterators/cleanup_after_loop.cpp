// Mistake: count_up prints its cleanup line after the loop instead of from a destructor, so it
// never runs when the consumer stops early (the generator is destroyed at its co_yield).
// test: CountUp.CleanupRunsOnceWhenTheConsumerStopsEarly
// expect: the cleanup never ran: .*RAII guard
#include "exercise.hpp"

namespace ch07 {

using namespace std::chrono_literals;

aio::AsyncGenerator<int> count_up(int max) {
  for (int n = 1; n <= max; ++n) {
    co_await aio::sleep(500ms);
    co_yield n;
  }
  aio::print("Counter closed");  // the mistake: only reached when the loop runs to its end
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
