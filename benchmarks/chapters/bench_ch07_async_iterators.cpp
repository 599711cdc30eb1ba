// Chapter 07 on the real clock: a lazy generator pipeline vs collecting everything first.
//
//   ./build/bench/benchmarks/ch07_bench
//
// The source is count_up's shape scaled down: values 1..N, each arriving 5 ms after the previous
// one (count_up's own 0.5 s is fixed by its exercise, and 100 values would take 50 s). Measured:
// your collect, evens and sum_until (chapters/07-async-iterators/exercise.cpp, or the solutions'
// with -DWORKBOOK_SOLUTIONS=ON).
//
// The honest story: a generator is NOT concurrency. It runs inline in its consumer's task and
// never runs ahead, so draining all N values takes N x 5 ms however it is written: the lazy
// pipeline and collect-then-filter both show speedup ~1 and ideal = 1. What laziness buys is:
// - latency: `first_ms`, the time until the first even value is in the consumer's hands, is
//   two values (10 ms) for the pipeline and all N values for collect-then-filter;
// - stopping early: sum_until(evens(source), 12) needs 2 + 4 + 6, i.e. six source values
//   (30 ms), and stops asking; the eager way must collect all N values before it can add them
//   up, which is exactly the collect-then-filter row. So its speedup is against that row's sum
//   (N x 5 ms), and ideal = N / 6.
// Counters: see bench_support.hpp.
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration item_time = 5ms;
constexpr int sum_limit = 12;        // 2 + 4 + 6: the first three even values...
constexpr int values_for_limit = 6;  // ...need the source's first six values

// count_up's shape, without the prints: wait, then hand over the next value.
aio::AsyncGenerator<int> source(int max) {
  for (int n = 1; n <= max; ++n) {
    co_await aio::sleep(item_time);
    co_yield n;
  }
}

void check_evens(int max, const std::vector<int>& evens) {
  bench::expect(evens.size() == static_cast<std::size_t>(max / 2),
                std::to_string(evens.size()) + " even values out of 1.." + std::to_string(max));
  for (std::size_t i = 0; i < evens.size(); ++i)
    bench::expect(evens[i] == 2 * static_cast<int>(i + 1),
                  "even value " + std::to_string(i) + " is " + std::to_string(evens[i]));
}

// Milliseconds from `start` to now, on the steady clock (the loop's real clock is the same one).
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The eager way: every value first (collect), then keep the even ones.
void bm_collect_then_filter(benchmark::State& state) {
  const int max = static_cast<int>(state.range(0));
  double first_ms_total = 0;
  auto work = [max, &first_ms_total]() -> aio::Task<> {
    auto start = std::chrono::steady_clock::now();
    // Generators made in their own statements, not inside the co_await (GCC 12: README 04).
    auto values_source = source(max);
    std::vector<int> values = co_await ch07::collect(std::move(values_source));
    first_ms_total += ms_since(start);  // the first even value exists only now
    bench::expect(
        values.size() == static_cast<std::size_t>(max),
        "collect returned " + std::to_string(values.size()) + " values of " + std::to_string(max));
    std::vector<int> evens;
    for (int value : values)
      if (value % 2 == 0) evens.push_back(value);
    check_evens(max, evens);
  };
  auto measured = bench::run_iterations(state, {"07-async-iterators", "collect"}, work);
  if (!measured) return;
  bench::report_sequential(state, state.range(0), *measured, state.range(0) * item_time);
  state.counters["first_ms"] =
      benchmark::Counter(first_ms_total, benchmark::Counter::kAvgIterations);
}
BENCHMARK(bm_collect_then_filter)->Arg(10)->Arg(100)->UseRealTime()->Unit(benchmark::kMillisecond);

// The lazy way: evens(source) consumed value by value.
void bm_evens_lazily(benchmark::State& state) {
  const int max = static_cast<int>(state.range(0));
  double first_ms_total = 0;
  auto work = [max, &first_ms_total]() -> aio::Task<> {
    auto start = std::chrono::steady_clock::now();
    auto pipeline = ch07::evens(source(max));
    std::vector<int> evens;
    while (auto value = co_await pipeline.next()) {
      if (evens.empty()) first_ms_total += ms_since(start);
      evens.push_back(*value);
    }
    check_evens(max, evens);
  };
  auto measured = bench::run_iterations(state, {"07-async-iterators", "evens"}, work);
  if (!measured) return;
  // No overlap to gain: the best is the sum itself (ideal = 1), as for collect-then-filter.
  bench::report_sequential(state, state.range(0), *measured, state.range(0) * item_time);
  state.counters["first_ms"] =
      benchmark::Counter(first_ms_total, benchmark::Counter::kAvgIterations);
}
BENCHMARK(bm_evens_lazily)->Arg(10)->Arg(100)->UseRealTime()->Unit(benchmark::kMillisecond);

// Stopping early: sum_until stops pulling once 2 + 4 + 6 >= 12.
void bm_sum_until_lazily(benchmark::State& state) {
  const int max = static_cast<int>(state.range(0));
  auto work = [max]() -> aio::Task<> {
    auto pipeline = ch07::evens(source(max));
    int sum = co_await ch07::sum_until(std::move(pipeline), sum_limit);
    bench::expect(sum == sum_limit, "sum_until returned " + std::to_string(sum) +
                                        ", expected 2 + 4 + 6 = " + std::to_string(sum_limit));
  };
  auto measured = bench::run_iterations(state, {"07-async-iterators", "sum_until"}, work);
  if (!measured) return;
  // items: the six values actually pulled (items/s stays the source's pace: laziness does not
  // make values come faster, it asks for fewer). speedup: against the N values the eager way
  // waits for; best: the six.
  bench::report(state, values_for_limit, *measured, state.range(0) * item_time,
                values_for_limit * item_time);
}
BENCHMARK(bm_sum_until_lazily)->Arg(10)->Arg(100)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
