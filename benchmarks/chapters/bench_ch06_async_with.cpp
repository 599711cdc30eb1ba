// Chapter 06 on the real clock: N database connections, each opened, queried and closed inside
// its own aio::with scope, one after another (run_query N times) vs all at once
// (run_queries_concurrently). N = 2 is the tutorial's example; N = 10 shows the trend.
//
//   ./build/bench/benchmarks/ch06_bench
//
// Your AsyncDatabaseConnection takes the tutorial's 1 s / 0.5 s / 0.5 s, fixed by its exercise,
// so the benchmark hands your run_query and run_queries_concurrently an opener of its own, as the
// graders do: the same steps scaled to milliseconds (open 10 ms, query 5 ms, close 5 ms: 20 ms
// per connection). Measured: your run_query and run_queries_concurrently
// (chapters/06-async-with/exercise.cpp, or the solutions' with -DWORKBOOK_SOLUTIONS=ON).
// Counters: see bench_support.hpp.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration open_time = 10ms;
constexpr aio::Duration query_time = 5ms;
constexpr aio::Duration close_time = 5ms;
constexpr aio::Duration connection_time = open_time + query_time + close_time;

// Counts what happened, so a scope that skips close() (and so looks faster) is caught.
struct Counts {
  std::int64_t opened = 0;
  std::int64_t closed = 0;
};

// The tutorial's connection with millisecond durations, printing nothing.
class FastConnection final : public ch06::Connection {
 public:
  explicit FastConnection(Counts& counts) : counts_(counts) {}

  aio::Task<ch06::Rows> query(std::string sql) override {
    co_await aio::sleep(query_time);
    co_return ch06::Rows{"rows of " + sql};
  }

  aio::Task<> close() override {
    co_await aio::sleep(close_time);
    ++counts_.closed;
  }

 private:
  Counts& counts_;
};

aio::Task<std::unique_ptr<ch06::Connection>> open_fast(Counts& counts) {
  co_await aio::sleep(open_time);
  ++counts.opened;
  co_return std::make_unique<FastConnection>(counts);
}

std::vector<std::string> make_queries(std::int64_t count) {
  std::vector<std::string> queries;
  queries.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) queries.push_back("SELECT * FROM t" + std::to_string(i));
  return queries;
}

// Every query answered in order, and every connection opened and closed exactly once.
void check_results(const std::vector<std::string>& queries, const std::vector<ch06::Rows>& rows,
                   const Counts& counts) {
  const auto n = static_cast<std::int64_t>(queries.size());
  bench::expect(rows.size() == queries.size(), std::to_string(rows.size()) + " results for " +
                                                   std::to_string(queries.size()) + " queries");
  for (std::size_t i = 0; i < queries.size(); ++i)
    bench::expect(rows[i] == ch06::Rows{"rows of " + queries[i]},
                  "the rows of query " + std::to_string(i) + " are " + ch06::format_rows(rows[i]));
  bench::expect(counts.opened == n && counts.closed == n,
                std::to_string(counts.opened) + " connections opened and " +
                    std::to_string(counts.closed) + " closed for " + std::to_string(n) +
                    " queries");
}

// The baseline: run_query on each query in turn, each connection closed before the next opens.
void bm_run_query_sequentially(benchmark::State& state) {
  const auto queries = make_queries(state.range(0));
  auto work = [&queries]() -> aio::Task<> {
    Counts counts;
    // Built in its own statement, outside any co_await (GCC 12 and lambda temporaries: README 04).
    const ch06::Opener open = [&counts] { return open_fast(counts); };
    std::vector<ch06::Rows> rows;
    for (const auto& sql : queries) rows.push_back(co_await ch06::run_query(open, sql));
    check_results(queries, rows, counts);
  };
  auto measured = bench::run_iterations(state, {"06-async-with", "run_query"}, work);
  if (!measured) return;
  bench::report_sequential(state, state.range(0), *measured, state.range(0) * connection_time);
}
BENCHMARK(bm_run_query_sequentially)->Arg(2)->Arg(10)->UseRealTime()->Unit(benchmark::kMillisecond);

void bm_run_queries_concurrently(benchmark::State& state) {
  const auto queries = make_queries(state.range(0));
  auto work = [&queries]() -> aio::Task<> {
    Counts counts;
    const ch06::Opener open = [&counts] { return open_fast(counts); };
    std::vector<ch06::Rows> rows = co_await ch06::run_queries_concurrently(open, queries);
    check_results(queries, rows, counts);
  };
  auto measured = bench::run_iterations(state, {"06-async-with", "run_queries_concurrently"}, work);
  if (!measured) return;
  // Every connection's open-query-close overlaps the others: the best is one connection's time.
  bench::report(state, state.range(0), *measured, state.range(0) * connection_time,
                connection_time);
}
BENCHMARK(bm_run_queries_concurrently)
    ->Arg(2)
    ->Arg(10)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
