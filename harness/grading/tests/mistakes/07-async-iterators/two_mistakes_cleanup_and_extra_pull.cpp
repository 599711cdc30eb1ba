// Mistake: two at once, on purpose (the catalogue's only file with two): count_up's cleanup line
// is after its loop, and sum_until pulls one value more than it needs. The extra 0.5 s is
// sum_until's; the missing "Counter closed" is count_up's: the message must name both.
// test: SumUntil.StopsOnceTheSumReachesTheLimit
// expect: 2 things are wrong here.*sum_until asked for one value.*count_up's own mistake
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
  while (auto value = co_await gen.next()) {
    if (sum >= limit) break;  // the second mistake: this value was pulled for nothing
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
