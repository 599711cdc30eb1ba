// Chapter 11 on the real clock: 1, 2, 4 and 8 checksums of equal blocks (4 MiB each, about
// 50 ms of computation each in Release), three ways:
//
//   bm_sequential         your checksum_all_blocking: one after another, on the loop thread
//   bm_gather_no_offload  one coroutine per block, all gathered, each computing on the loop: the
//                         coroutines are concurrent, but there is one loop thread, so the work
//                         is as sequential as before (this one is the benchmark's own code)
//   bm_to_thread          your checksum_all_offloaded: to_thread + gather, in parallel on the
//                         loop's workers (one per core)
//
//   ./build/bench/benchmarks/ch11_bench
//
// Counters (bench_support.hpp): speedup = jobs x the time of one checksum (measured once at
// start-up) / the measured time; ideal = min(jobs, cores): computation speeds up only as far as
// there are cores to run it. Expect speedup about 1 for the first two at every size, and close
// to min(jobs, cores) for bm_to_thread.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t block_size = std::size_t{4} << 20;  // 4 MiB

std::vector<ch11::Block> make_blocks(std::int64_t jobs) {
  std::vector<ch11::Block> blocks;
  for (std::int64_t i = 0; i < jobs; ++i)
    blocks.push_back(ch11::make_block("block-" + std::to_string(i), block_size));
  return blocks;
}

std::int64_t cores() {
  return std::max<std::int64_t>(1, std::thread::hardware_concurrency());
}

// The time of one checksum of one block on this machine: the best of five, so that one
// preempted run does not make every speedup look better than it is.
aio::Duration one_checksum_time() {
  static const aio::Duration measured = [] {
    const ch11::Block block = ch11::make_block("calibration", block_size);
    aio::Duration best = aio::Duration::max();
    for (int i = 0; i < 5; ++i) {
      auto start = Clock::now();
      benchmark::DoNotOptimize(ch11::checksum(block));
      best = std::min<aio::Duration>(best, Clock::now() - start);
    }
    return best;
  }();
  return measured;
}

// The counters for `jobs` checksums that took `measured` per iteration.
void report(benchmark::State& state, std::int64_t jobs, aio::Duration measured) {
  const aio::Duration sequential = jobs * one_checksum_time();
  bench::report(state, jobs, measured, sequential, sequential / std::min(jobs, cores()));
}

// The expected sums, computed once per benchmark (outside the timing).
std::vector<std::uint64_t> expected_sums(const std::vector<ch11::Block>& blocks) {
  std::vector<std::uint64_t> sums;
  for (const auto& block : blocks) sums.push_back(ch11::checksum(block));
  return sums;
}

void expect_sums(const std::vector<std::uint64_t>& expected,
                 const std::vector<std::uint64_t>& sums) {
  bench::expect(sums == expected, "the checksums are not ch11::checksum of the blocks, in order");
}

void bm_sequential(benchmark::State& state) {
  const std::int64_t jobs = state.range(0);
  const auto blocks = make_blocks(jobs);
  const auto expected = expected_sums(blocks);
  auto work = [&blocks, &expected]() -> aio::Task<> {
    // checksum_all_blocking takes the blocks by value: each iteration gets a copy. The Task is
    // made in a statement of its own: its arguments (the copy, the default std::function) are
    // temporaries, and GCC 12 mishandles temporaries of a co_await statement.
    auto task = ch11::checksum_all_blocking(blocks);
    std::vector<std::uint64_t> sums = co_await std::move(task);
    expect_sums(expected, sums);
  };
  auto measured = bench::run_iterations(state, {"11-cpu-bound", "checksum_all_blocking"}, work);
  if (measured) report(state, jobs, *measured);
}

// The benchmark's own "concurrent" version without offloading: what gather alone buys for
// computation (nothing).
aio::Task<std::uint64_t> checksum_on_the_loop(const ch11::Block* block) {
  co_return ch11::checksum(*block);
}

void bm_gather_no_offload(benchmark::State& state) {
  const std::int64_t jobs = state.range(0);
  const auto blocks = make_blocks(jobs);
  const auto expected = expected_sums(blocks);
  auto work = [&blocks, &expected]() -> aio::Task<> {
    std::vector<aio::Task<std::uint64_t>> tasks;
    for (const auto& block : blocks) tasks.push_back(checksum_on_the_loop(&block));
    std::vector<std::uint64_t> sums = co_await aio::gather(std::move(tasks));
    expect_sums(expected, sums);
  };
  auto measured = bench::run_iterations(state, {"11-cpu-bound", "gather without offload"}, work);
  if (measured) report(state, jobs, *measured);
}

void bm_to_thread(benchmark::State& state) {
  const std::int64_t jobs = state.range(0);
  const auto blocks = make_blocks(jobs);
  const auto expected = expected_sums(blocks);
  auto work = [&blocks, &expected]() -> aio::Task<> {
    auto task = ch11::checksum_all_offloaded(blocks);  // in its own statement, as above
    std::vector<std::uint64_t> sums = co_await std::move(task);
    expect_sums(expected, sums);
  };
  auto measured = bench::run_iterations(state, {"11-cpu-bound", "checksum_all_offloaded"}, work);
  if (measured) report(state, jobs, *measured);
}

#define CH11_SIZES ArgName("jobs")->Arg(1)->Arg(2)->Arg(4)->Arg(8)
BENCHMARK(bm_sequential)->CH11_SIZES->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bm_gather_no_offload)->CH11_SIZES->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bm_to_thread)->CH11_SIZES->UseRealTime()->Unit(benchmark::kMillisecond);
#undef CH11_SIZES

}  // namespace

BENCHMARK_MAIN();
