// Chapter 05 on the real clock: background tasks vs doing the same work one piece at a time.
//
//   ./build/bench/benchmarks/ch05_bench
//
// - download_while_working: N downloads of 10 ms started as tasks (aio::create_task) while the
//   caller does 10 ms of work of its own, vs awaiting each download and then the work in turn.
// - run_all: N jobs of 10 ms in one aio::task_group vs awaiting each job in turn.
//
// Chapter 05 has no sequential exercise, so the two baselines (`sequentially_*`) are this
// program's own few lines with the same downloads, work and jobs. They do not call your code:
// they run even before you start the chapter, and show the time your tasks should beat.
// The concurrent variants run your download_while_working and run_all
// (chapters/05-tasks/exercise.cpp, or the solutions' with -DWORKBOOK_SOLUTIONS=ON). Counters:
// see bench_support.hpp.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration download_time = 10ms;
constexpr aio::Duration work_time = 10ms;
constexpr aio::Duration job_time = 10ms;

// The stand-ins the graders would hand in, without their prints: only the waiting is measured.
aio::Task<std::string> fake_download(std::string url) {
  co_await aio::sleep(download_time);
  co_return "page of " + url;
}

aio::Task<> fake_work() {
  co_await aio::sleep(work_time);
}

aio::Task<int> fake_job(int number) {
  co_await aio::sleep(job_time);
  co_return number;
}

std::vector<std::string> make_urls(std::int64_t count) {
  std::vector<std::string> urls;
  urls.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) urls.push_back("site" + std::to_string(i) + ".example");
  return urls;
}

void check_pages(const std::vector<std::string>& urls, const std::vector<std::string>& pages) {
  bench::expect(pages.size() == urls.size(), std::to_string(pages.size()) + " pages for " +
                                                 std::to_string(urls.size()) + " urls");
  for (std::size_t i = 0; i < urls.size(); ++i)
    bench::expect(pages[i] == "page of " + urls[i], "page " + std::to_string(i) + " is \"" +
                                                        pages[i] + "\", expected \"page of " +
                                                        urls[i] + "\"");
}

std::vector<ch05::Job> make_jobs(std::int64_t count) {
  std::vector<ch05::Job> jobs;
  jobs.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i)
    jobs.push_back([number = static_cast<int>(i)] { return fake_job(number); });
  return jobs;
}

void check_numbers(std::size_t count, const std::vector<int>& numbers) {
  bench::expect(numbers.size() == count,
                std::to_string(numbers.size()) + " results for " + std::to_string(count) + " jobs");
  for (std::size_t i = 0; i < count; ++i)
    bench::expect(numbers[i] == static_cast<int>(i),
                  "result " + std::to_string(i) + " is " + std::to_string(numbers[i]));
}

// ---- downloads while working ------------------------------------------------------------

// The baseline: each download, then the work, each awaited before the next starts.
void bm_sequentially_download_then_work(benchmark::State& state) {
  const auto urls = make_urls(state.range(0));
  auto work = [&urls]() -> aio::Task<> {
    std::vector<std::string> pages;
    for (const auto& url : urls) pages.push_back(co_await fake_download(url));
    co_await fake_work();
    check_pages(urls, pages);
  };
  auto measured = bench::run_iterations(state, {"05-tasks", "sequential baseline"}, work);
  if (!measured) return;
  bench::report_sequential(state, state.range(0), *measured,
                           state.range(0) * download_time + work_time);
}
// Up to 100 (1 s per iteration): one iteration always runs in full, so 1000 (10 s) would make a
// quick run slow. The concurrent variant's speedup is computed without it.
BENCHMARK(bm_sequentially_download_then_work)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void bm_download_while_working(benchmark::State& state) {
  const auto urls = make_urls(state.range(0));
  // Built once, outside any co_await (GCC 12 mishandles lambda temporaries there: README 04).
  const ch05::Download download = fake_download;
  const ch05::Work own_work = fake_work;
  auto work = [&]() -> aio::Task<> {
    std::vector<std::string> pages =
        co_await ch05::download_while_working(urls, download, own_work);
    check_pages(urls, pages);
  };
  auto measured = bench::run_iterations(state, {"05-tasks", "download_while_working"}, work);
  if (!measured) return;
  // Downloads and work all overlap: the best is one 10 ms wait, so ideal = N + 1.
  bench::report(state, state.range(0), *measured, state.range(0) * download_time + work_time,
                std::max(download_time, work_time));
}
BENCHMARK(bm_download_while_working)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- a batch of jobs --------------------------------------------------------------------

// The baseline: each job awaited before the next starts.
void bm_sequentially_run_jobs(benchmark::State& state) {
  const auto jobs = make_jobs(state.range(0));
  auto work = [&jobs]() -> aio::Task<> {
    std::vector<int> numbers;
    for (const auto& job : jobs) numbers.push_back(co_await job());
    check_numbers(jobs.size(), numbers);
  };
  auto measured = bench::run_iterations(state, {"05-tasks", "sequential baseline"}, work);
  if (!measured) return;
  bench::report_sequential(state, state.range(0), *measured, state.range(0) * job_time);
}
// Up to 100, like the other baseline.
BENCHMARK(bm_sequentially_run_jobs)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void bm_run_all(benchmark::State& state) {
  const auto jobs = make_jobs(state.range(0));
  auto work = [&jobs]() -> aio::Task<> {
    std::vector<int> numbers = co_await ch05::run_all(jobs);
    check_numbers(jobs.size(), numbers);
  };
  auto measured = bench::run_iterations(state, {"05-tasks", "run_all"}, work);
  if (!measured) return;
  // All jobs overlap: the best is one job's time, so ideal = N.
  bench::report(state, state.range(0), *measured, state.range(0) * job_time, job_time);
}
BENCHMARK(bm_run_all)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
