// Runtime micro-benchmarks (Google Benchmark): what each basic operation of aio costs.
//
//   ./build/bench/benchmarks/bench_runtime --benchmark_filter=Gather
//
// Everything but the timer benchmark runs on the real clock, one aio::run per benchmark, with
// the benchmark loop inside the coroutine.
#include <benchmark/benchmark.h>

#include <aio/aio.hpp>
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

// Counts heap bytes, so BM_FrameBytes can report what one suspended task costs. Replacing the
// global operator new is allowed by the standard; it only adds a relaxed counter increment.
namespace {
std::atomic<std::size_t> allocated_bytes{0};
}
void* operator new(std::size_t size) {
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace std::chrono_literals;

aio::RunOptions options(aio::Clock clock = aio::Clock::Real) {
  aio::RunOptions result;
  result.clock = clock;
  result.quiet = true;
  return result;
}

aio::Task<int> one() {
  co_return 1;
}
aio::Task<> noop() {
  co_return;
}

// Create a Task and await it inline: frame allocation, two trampoline hops, result.
void BM_TaskCreateAwait(benchmark::State& state) {
  aio::run(
      [&]() -> aio::Task<> {
        for (auto _ : state) benchmark::DoNotOptimize(co_await one());
      },
      options());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TaskCreateAwait);

// Turns the frame pool off for one benchmark (the "before" of aio/detail/frame_allocator.hpp).
class FramePoolSetting {
 public:
  explicit FramePoolSetting(bool on) : previous_(aio::detail::frame_recycling()) {
    aio::detail::set_frame_recycling(on);
  }
  ~FramePoolSetting() { aio::detail::set_frame_recycling(previous_); }
  FramePoolSetting(const FramePoolSetting&) = delete;
  FramePoolSetting& operator=(const FramePoolSetting&) = delete;

 private:
  bool previous_;
};

// Gather N no-op tasks: each child becomes a task of the loop. Second argument: frame pool on
// (1) or off (0), to show what recycling frames saves.
void BM_Gather(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  FramePoolSetting pool(state.range(1) != 0);
  aio::run(
      [&]() -> aio::Task<> {
        for (auto _ : state) {
          std::vector<aio::Task<>> tasks;
          tasks.reserve(n);
          for (std::size_t i = 0; i < n; ++i) tasks.push_back(noop());
          co_await aio::gather(std::move(tasks));
        }
      },
      options());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Gather)
    ->ArgNames({"n", "pool"})
    ->ArgsProduct({{10, 100, 1000, 10000}, {1}})
    ->Args({10000, 0});

aio::Task<> sleep_for(aio::Duration d) {
  co_await aio::sleep(d);
}

// N timers set and fired (simulated clock: measures the timer structure, not waiting).
void BM_TimerChurn(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  aio::run(
      [&]() -> aio::Task<> {
        for (auto _ : state) {
          std::vector<aio::Task<>> tasks;
          tasks.reserve(n);
          for (std::size_t i = 0; i < n; ++i)
            tasks.push_back(sleep_for(std::chrono::milliseconds(i % 97)));
          co_await aio::gather(std::move(tasks));
        }
      },
      options(aio::Clock::Virtual));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TimerChurn)->Arg(1000)->Arg(10000);

aio::Task<> produce(aio::Queue<int>& queue, int n) {
  for (int i = 0; i < n; ++i) co_await queue.put(i);
}
aio::Task<> consume(aio::Queue<int>& queue, int n) {
  for (int i = 0; i < n; ++i) benchmark::DoNotOptimize(co_await queue.get());
}

// Two tasks hand messages through a queue of capacity 1.
void BM_QueuePingPong(benchmark::State& state) {
  const int n = 10'000;
  aio::run(
      [&]() -> aio::Task<> {
        for (auto _ : state) {
          aio::Queue<int> queue(1);
          co_await aio::gather(produce(queue, n), consume(queue, n));
        }
      },
      options());
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_QueuePingPong);

aio::Task<> hold_permit(aio::Semaphore& semaphore) {
  auto permit = co_await semaphore.acquire();
  co_await aio::sleep(0s);
}

// Tasks contend for a Semaphore(100): acquire, yield, release.
void BM_Semaphore(benchmark::State& state) {
  const int n = 10'000;
  aio::run(
      [&]() -> aio::Task<> {
        for (auto _ : state) {
          aio::Semaphore semaphore(100);
          std::vector<aio::Task<>> tasks;
          tasks.reserve(n);
          for (int i = 0; i < n; ++i) tasks.push_back(hold_permit(semaphore));
          co_await aio::gather(std::move(tasks));
        }
      },
      options());
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Semaphore);

aio::Task<> sleep_an_hour() {
  co_await aio::sleep(1h);
}

// Heap bytes per task suspended on a sleep (frame + task state + the loop's bookkeeping), as a
// counter. The frame pool is off here so that every block is counted (a recycled block would
// not pass through operator new); its blocks are rounded up to 16 bytes either way.
void BM_FrameBytes(benchmark::State& state) {
  const int n = 10'000;
  FramePoolSetting pool(false);
  double bytes_per_task = 0;
  aio::run(
      [&]() -> aio::Task<> {
        for (auto _ : state) {
          std::vector<aio::TaskHandle<void>> handles;
          handles.reserve(n);
          std::size_t before = allocated_bytes.load(std::memory_order_relaxed);
          for (int i = 0; i < n; ++i) handles.push_back(aio::create_task(sleep_an_hour()));
          co_await aio::sleep(0s);
          bytes_per_task = static_cast<double>(allocated_bytes.load() - before) / n;
          for (auto& handle : handles) handle.cancel();
          for (auto& handle : handles) {
            try {
              co_await handle;
            } catch (const aio::CancelledError&) {
            }
          }
        }
      },
      options());
  state.counters["bytes_per_task"] = bytes_per_task;
}
BENCHMARK(BM_FrameBytes)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
