// Chapter 07 — async iterators: generators that produce values over time, consumed one by one
// with `while (auto value = co_await gen.next())`. You implement these in exercise.cpp; the
// graders and the demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <vector>

namespace ch07 {

// The tutorial's AsyncCounter as a generator: yields 1, 2, ..., max, waiting 0.5 s (co_await
// aio::sleep) before each value, and nothing more (nothing at all for a max of 0 or less). Each
// call counts on its own: two counters used at once do not share their count. When the
// generator is destroyed after its body has started — because it ran to its end, or because
// the consumer stopped early — it prints "Counter closed", exactly once (an RAII guard: code
// after the loop does not run when the consumer stops early). A consumer that prints
// "Count: n" for each value sees:
//   [  0.500s] Count: 1
//   [  1.000s] Count: 2
//   ...
//   [  2.500s] Count: 5
//   [  2.500s] Counter closed
// Lazy: each value is produced only when the consumer asks for it (co_await gen.next()).
aio::AsyncGenerator<int> count_up(int max);

// Pulls every value out of `gen`, in order (0 and negative values included: only std::nullopt
// ends it), and returns them. Prints nothing.
// collect(count_up(3)) returns {1, 2, 3} after 1.5 s.
aio::Task<std::vector<int>> collect(aio::AsyncGenerator<int> gen);

// Adds up the values of `gen` in order and stops as soon as the running sum reaches `limit`
// (sum >= limit), without asking `gen` for another value; returns the sum. The sum starts at 0,
// so a limit of 0 or less is reached before any value: sum_until returns 0 without calling
// next() at all. If `gen` ends first, returns the sum of all its values. Values of 0 and
// negative values are added like any other. The generator is destroyed with this coroutine, so
// its cleanup runs before the caller carries on.
// sum_until(count_up(10), 6) takes 1 + 2 + 3, returns 6 at 1.5 s; "Counter closed" at 1.5 s.
aio::Task<int> sum_until(aio::AsyncGenerator<int> gen, int limit);

// A generator built on another one: yields only the even values of `source` (0 and negative
// even values too: value % 2 == 0), in order, pulling from `source` only when its own consumer
// asks for a value (lazy, like count_up). It ends when `source` ends; destroying it destroys
// `source` too.
// evens(count_up(6)) yields 2 at 1.0 s, 4 at 2.0 s, 6 at 3.0 s.
aio::AsyncGenerator<int> evens(aio::AsyncGenerator<int> source);

}  // namespace ch07
