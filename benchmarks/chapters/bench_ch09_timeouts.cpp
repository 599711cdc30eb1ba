// Chapter 09 on the real clock: what one deadline over a whole batch buys, and what settling every
// download buys.
//
//   ./build/bench/benchmarks/ch09_bench
//
// - Jobs of mixed latency (2 to 30 ms; half of them take longer than 10 ms) under a 10 ms limit:
//   one after another, each under a per-request timeout of 10 ms (aio::wait_for), vs your
//   run_batch with one 10 ms deadline for the whole batch. Both keep the same results (the jobs
//   of at most 8 ms); the per-request version takes the SUM of min(latency, 10 ms), the batch
//   about 10 ms whatever N is.
// - download_report: N downloads of 10 ms, every fifth failing, one after another inside a
//   try/catch vs your download_report (aio::gather_settled): about N x 10 ms vs about 10 ms.
//
// The two baselines are this program's own few lines; they run even before you start the
// chapter. The other variants run your exercise.cpp (or the solutions' with
// -DWORKBOOK_SOLUTIONS=ON). Counters: see bench_support.hpp; `kept` is the share of the jobs
// whose result came back in time (0.5 here for N >= 8).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration time_limit = 10ms;
// Latencies far enough from the limit on both sides that the real clock's few microseconds of
// overhead cannot move a job across it.
constexpr std::array<aio::Duration, 8> latencies = {2ms, 4ms, 6ms, 8ms, 15ms, 20ms, 25ms, 30ms};
constexpr aio::Duration download_time = 10ms;

aio::Duration latency_of(std::int64_t i) {
  return latencies[static_cast<std::size_t>(i) % latencies.size()];
}

aio::Task<std::string> job(std::int64_t i) {
  co_await aio::sleep(latency_of(i));
  co_return "result " + std::to_string(i);
}

std::vector<ch09::Operation> make_jobs(std::int64_t count) {
  std::vector<ch09::Operation> jobs;
  jobs.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) jobs.push_back([i] { return job(i); });
  return jobs;
}

aio::Task<> no_connection() {
  co_return;
}

// Both variants keep exactly the jobs of at most 8 ms.
void check_kept(std::int64_t count, const std::vector<std::optional<std::string>>& results) {
  bench::expect(results.size() == static_cast<std::size_t>(count),
                std::to_string(results.size()) + " slots for " + std::to_string(count) + " jobs");
  for (std::int64_t i = 0; i < count; ++i) {
    const auto& slot = results[static_cast<std::size_t>(i)];
    if (latency_of(i) < time_limit) {
      bench::expect(slot == "result " + std::to_string(i), "job " + std::to_string(i) + " (" +
                                                               std::to_string(latency_of(i) / 1ms) +
                                                               " ms) has no result");
    } else {
      bench::expect(!slot, "job " + std::to_string(i) + " (" + std::to_string(latency_of(i) / 1ms) +
                               " ms) has a result despite the 10 ms limit");
    }
  }
}

double kept_share(std::int64_t count) {
  std::int64_t kept = 0;
  for (std::int64_t i = 0; i < count; ++i) kept += latency_of(i) < time_limit ? 1 : 0;
  return count == 0 ? 0.0 : static_cast<double>(kept) / static_cast<double>(count);
}

aio::Duration sum_of_waits(std::int64_t count) {
  aio::Duration sum{};
  for (std::int64_t i = 0; i < count; ++i) sum += std::min(latency_of(i), time_limit);
  return sum;
}

// ---- a per-request timeout, one request at a time, vs one deadline for the batch --------------

void bm_sequential_per_request_timeout(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  const auto jobs = make_jobs(count);
  auto work = [&]() -> aio::Task<> {
    std::vector<std::optional<std::string>> results;
    for (const auto& j : jobs) {
      // The awaited value gets a statement of its own: GCC 12 mishandles temporaries (here a
      // std::optional made from it) in the full-expression of a co_await.
      try {
        std::string result = co_await aio::wait_for(j(), time_limit);
        results.push_back(std::move(result));
      } catch (const aio::TimeoutError&) {
        results.push_back(std::nullopt);
      }
    }
    check_kept(count, results);
  };
  auto measured = bench::run_iterations(state, {"09-timeouts", "sequential baseline"}, work);
  if (!measured) return;
  bench::report_sequential(state, count, *measured, sum_of_waits(count));
  state.counters["kept"] = kept_share(count);
}
// Up to 100 (0.75 s per iteration): one iteration always runs in full.
BENCHMARK(bm_sequential_per_request_timeout)
    ->Arg(1)
    ->Arg(8)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void bm_run_batch_one_deadline(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  const auto jobs = make_jobs(count);
  const ch09::Step connect = no_connection;
  auto work = [&]() -> aio::Task<> {
    std::vector<std::optional<std::string>> results =
        co_await ch09::run_batch(connect, jobs, time_limit);
    check_kept(count, results);
  };
  auto measured = bench::run_iterations(state, {"09-timeouts", "run_batch"}, work);
  if (!measured) return;
  // Everything overlaps: the best is the longest wait that still counts, min(max latency, limit).
  aio::Duration best{};
  for (std::int64_t i = 0; i < count; ++i)
    best = std::max(best, std::min(latency_of(i), time_limit));
  bench::report(state, count, *measured, sum_of_waits(count), best);
  state.counters["kept"] = kept_share(count);
}
BENCHMARK(bm_run_batch_one_deadline)
    ->Arg(1)
    ->Arg(8)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- a report of every download ---------------------------------------------------------------

aio::Task<std::string> download(std::string name) {
  co_await aio::sleep(download_time);
  if (name.back() == '0' || name.back() == '5') throw ch09::PermanentError("404 " + name);
  co_return "contents of " + name;
}

std::vector<std::string> make_files(std::int64_t count) {
  std::vector<std::string> files;
  files.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 1; i <= count; ++i) files.push_back("file" + std::to_string(i));
  return files;
}

void check_report(const std::vector<std::string>& files,
                  const std::vector<ch09::FileReport>& report) {
  bench::expect(report.size() == files.size(), std::to_string(report.size()) + " lines for " +
                                                   std::to_string(files.size()) + " files");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const bool fails = files[i].back() == '0' || files[i].back() == '5';
    bench::expect(report[i].name == files[i] && report[i].ok == !fails,
                  "line " + std::to_string(i) + " of the report is wrong");
  }
}

void bm_sequential_report(benchmark::State& state) {
  const auto files = make_files(state.range(0));
  auto work = [&files]() -> aio::Task<> {
    std::vector<ch09::FileReport> report;
    for (const auto& name : files) {
      try {
        std::string content = co_await download(name);  // no braced list around a co_await
        report.push_back({name, true, std::move(content)});
      } catch (const std::exception& e) {
        report.push_back({name, false, e.what()});
      }
    }
    check_report(files, report);
  };
  auto measured = bench::run_iterations(state, {"09-timeouts", "sequential baseline"}, work);
  if (!measured) return;
  bench::report_sequential(state, state.range(0), *measured, state.range(0) * download_time);
}
BENCHMARK(bm_sequential_report)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void bm_download_report(benchmark::State& state) {
  const auto files = make_files(state.range(0));
  const ch09::Download downloader = download;
  auto work = [&]() -> aio::Task<> {
    std::vector<ch09::FileReport> report = co_await ch09::download_report(files, downloader);
    check_report(files, report);
  };
  // download_report prints its report: the loop is quiet (bench_support.hpp), so it costs little.
  auto measured = bench::run_iterations(state, {"09-timeouts", "download_report"}, work);
  if (!measured) return;
  bench::report(state, state.range(0), *measured, state.range(0) * download_time, download_time);
}
BENCHMARK(bm_download_report)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
