// Chapter 10 on the real clock: 100 downloads of 10 ms each through download_limited, with at
// most 1, 3, 10 or all 100 in flight at once.
//
//   ./build/bench/benchmarks/ch10_bench
//
// It uses your download_limited and download_file (chapters/10-semaphore/exercise.cpp), or the
// solutions' with -DWORKBOOK_SOLUTIONS=ON. A limit of L lets the downloads run in ceil(100 / L)
// rounds of 10 ms, so expect about 1000 ms with limit 1 (the sequential time, speedup ~1),
// 340 ms with limit 3, 100 ms with limit 10 and 10 ms with no limit (speedup close to
// ideal = 100). Counters: see bench_support.hpp; here ideal = 1000 ms / (ceil(100 / L) x 10 ms).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration download_time = 10ms;
constexpr std::int64_t file_count = 100;

std::vector<ch10::FileToDownload> make_files() {
  std::vector<ch10::FileToDownload> files;
  for (std::int64_t i = 0; i < file_count; ++i)
    files.push_back({"file_" + std::to_string(i) + ".txt", download_time});
  return files;
}

// download_file returns the file's name: every result, in the order of the files.
void check_results(const std::vector<ch10::FileToDownload>& files,
                   const std::vector<std::string>& results) {
  bench::expect(results.size() == files.size(), std::to_string(results.size()) + " results for " +
                                                    std::to_string(files.size()) + " files");
  for (std::size_t i = 0; i < files.size(); ++i)
    bench::expect(results[i] == files[i].name, "result " + std::to_string(i) + " is \"" +
                                                   results[i] + "\", expected \"" + files[i].name +
                                                   "\"");
}

// state.range(0): the limit (100 = as many permits as files, i.e. unlimited).
void bm_download_limited(benchmark::State& state) {
  const auto files = make_files();
  const int limit = static_cast<int>(state.range(0));
  state.SetLabel(limit >= file_count ? "unlimited" : "limit " + std::to_string(limit));
  auto work = [&files, limit]() -> aio::Task<> {
    // download_limited takes the files by value: each iteration downloads a fresh copy.
    std::vector<std::string> results = co_await ch10::download_limited(files, limit);
    check_results(files, results);
  };
  auto measured = bench::run_iterations(state, {"10-semaphore", "download_limited"}, work);
  if (!measured) return;
  // ceil(100 / limit) rounds of one download each: the best this limit allows.
  const std::int64_t rounds = (file_count + limit - 1) / limit;
  bench::report(state, file_count, *measured, file_count * download_time, rounds * download_time);
}
BENCHMARK(bm_download_limited)
    ->ArgName("limit")
    ->Arg(1)
    ->Arg(3)
    ->Arg(10)
    ->Arg(file_count)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
