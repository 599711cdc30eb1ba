// Chapter 04 on the real clock: N downloads of 10 ms each, one after another
// (download_sequentially) vs all at once (download_all, with aio::gather).
//
//   ./build/bench/benchmarks/ch04_bench
//
// Both use your download_file (chapters/04-gather/exercise.cpp), or the solutions' with
// -DWORKBOOK_SOLUTIONS=ON. Expect download_sequentially to take N x 10 ms (speedup ~1) and
// download_all about 10 ms whatever N is (speedup close to ideal = N). Counters: see
// bench_support.hpp.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration download_time = 10ms;

std::vector<ch04::FileToDownload> make_files(std::int64_t count) {
  std::vector<ch04::FileToDownload> files;
  files.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i)
    files.push_back({"file" + std::to_string(i) + ".txt", download_time});
  return files;
}

// Both variants must give every result, in the order of the files.
void check_results(const std::vector<ch04::FileToDownload>& files,
                   const std::vector<std::string>& results) {
  bench::expect(results.size() == files.size(), std::to_string(results.size()) + " results for " +
                                                    std::to_string(files.size()) + " files");
  for (std::size_t i = 0; i < files.size(); ++i)
    bench::expect(results[i] == files[i].name + " downloaded",
                  "result " + std::to_string(i) + " is \"" + results[i] + "\", expected \"" +
                      files[i].name + " downloaded\"");
}

void bm_download_sequentially(benchmark::State& state) {
  const auto files = make_files(state.range(0));
  auto work = [&files]() -> aio::Task<> {
    // download_sequentially takes the files by value: each iteration downloads a fresh copy.
    std::vector<std::string> results = co_await ch04::download_sequentially(files);
    check_results(files, results);
  };
  auto measured = bench::run_iterations(state, {"04-gather", "download_sequentially"}, work);
  if (!measured) return;
  bench::report_sequential(state, state.range(0), *measured, state.range(0) * download_time);
}
// Up to 100 only: one iteration always runs in full, and 1000 downloads one after another take
// 10 s, too long for a quick run (CI runs every program once). download_all's speedup needs no
// sequential measurement: it is computed from the sum of the durations.
BENCHMARK(bm_download_sequentially)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void bm_download_all(benchmark::State& state) {
  const auto files = make_files(state.range(0));
  auto work = [&files]() -> aio::Task<> {
    std::vector<std::string> results = co_await ch04::download_all(files);
    check_results(files, results);
  };
  auto measured = bench::run_iterations(state, {"04-gather", "download_all"}, work);
  if (!measured) return;
  // All downloads overlap: the best is one download's time, so ideal = N.
  bench::report(state, state.range(0), *measured, state.range(0) * download_time, download_time);
}
BENCHMARK(bm_download_all)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
