// Chapter 12 on the real clock: items through a pipeline, consumers sharing a queue, and a chat
// room broadcasting to 1,000 clients.
//
//   ./build/bench/benchmarks/ch12_bench
//
// - pipeline_throughput: N items through run_pipeline with stages that take no time: what the
//   queues and the three stage tasks cost per item (items_per_second).
// - pipeline_overlap: N items through stages of 1 ms, 1 ms and 2 ms with queues of 4: the stages
//   overlap, so the line runs at the pace of its slowest stage. One after another would take
//   N x 4 ms (speedup 1); the best is 4 ms + (N-1) x 2 ms (ideal, about 2).
// - produce_consume: 64 items of 1 ms handled by 1, 4 or 16 consumers (ideal = consumers).
// - chat_fanout: 1,000 clients with your read_inbox, 10 messages broadcast to all of them:
//   deliveries per second (items_per_second = 10,000 deliveries per iteration).
//
// They run your exercise.cpp (chapters/12-queues/, or the solutions' with
// -DWORKBOOK_SOLUTIONS=ON); an exercise not written yet is skipped. Counters: bench_support.hpp.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

const bench::Exercise kPipeline{"12-queues", "run_pipeline"};

std::vector<std::string> make_urls(std::int64_t count) {
  std::vector<std::string> urls;
  urls.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) urls.push_back("site" + std::to_string(i));
  return urls;
}

// Stages that only pass values on (the cost of the plumbing), or that also wait.
aio::Task<std::string> pass_on(std::string value, aio::Duration takes) {
  if (takes > 0s) co_await aio::sleep(takes);
  co_return value;
}

aio::Task<> count_stored(std::shared_ptr<std::int64_t> stored, aio::Duration takes) {
  if (takes > 0s) co_await aio::sleep(takes);
  ++*stored;
}

// One iteration: `count` urls through run_pipeline, each stage taking its time.
auto pipeline_run(std::int64_t count, std::size_t capacity, aio::Duration fetch_takes,
                  aio::Duration parse_takes, aio::Duration store_takes) {
  return [=]() -> aio::Task<> {
    auto stored = std::make_shared<std::int64_t>(0);
    ch12::Fetch fetch = [fetch_takes](std::string url) {
      return pass_on(std::move(url), fetch_takes);
    };
    ch12::Parse parse = [parse_takes](std::string page) {
      return pass_on(std::move(page), parse_takes);
    };
    ch12::Store store = [stored, store_takes](std::string) {
      return count_stored(stored, store_takes);
    };
    const int result = co_await ch12::run_pipeline(make_urls(count), capacity, fetch, parse, store);
    bench::expect(result == count && *stored == count,
                  "run_pipeline returned " + std::to_string(result) + " and stored " +
                      std::to_string(*stored) + " of " + std::to_string(count) + " items");
  };
}

void bm_pipeline_throughput(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  auto measured = bench::run_iterations(state, kPipeline, pipeline_run(count, 16, 0s, 0s, 0s));
  if (!measured) return;
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(bm_pipeline_throughput)
    ->Arg(1000)
    ->Arg(10000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void bm_pipeline_overlap(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  constexpr aio::Duration fetch = 1ms, parse = 1ms, store = 2ms;
  auto measured =
      bench::run_iterations(state, kPipeline, pipeline_run(count, 4, fetch, parse, store));
  if (!measured) return;
  // One item after another: the sum of the stages per item. Overlapped: one item's full time,
  // then one item per slowest-stage time.
  bench::report(state, count, *measured, count * (fetch + parse + store),
                (fetch + parse + store) + (count - 1) * store);
}
BENCHMARK(bm_pipeline_overlap)->Arg(10)->Arg(100)->UseRealTime()->Unit(benchmark::kMillisecond);

aio::Task<std::string> instant_reading(int producer, int index) {
  co_return std::to_string(producer) + ":" + std::to_string(index);
}

aio::Task<> slow_handling(std::shared_ptr<std::int64_t> handled, std::string) {
  co_await aio::sleep(1ms);
  ++*handled;
}

void bm_produce_consume(benchmark::State& state) {
  constexpr std::int64_t items = 64;
  const int consumers = static_cast<int>(state.range(0));
  auto work = [consumers]() -> aio::Task<> {
    auto handled = std::make_shared<std::int64_t>(0);
    ch12::Consume consume = [handled](std::string item) {
      return slow_handling(handled, std::move(item));
    };
    // Two producers of 32 items each, into a queue of 8. (The vector is built in a statement
    // of its own: GCC 12 mishandles a braced list inside a co_await expression.)
    std::vector<int> items_per_producer{32, 32};
    co_await ch12::produce_consume(std::move(items_per_producer), consumers, 8, instant_reading,
                                   consume);
    bench::expect(*handled == items, "handled " + std::to_string(*handled) + " of " +
                                         std::to_string(items) + " items");
  };
  auto measured = bench::run_iterations(state, {"12-queues", "produce_consume"}, work);
  if (!measured) return;
  const aio::Duration sequential = items * 1ms;
  bench::report(state, items, *measured, sequential,
                sequential / std::min<std::int64_t>(consumers, items));
}
BENCHMARK(bm_produce_consume)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

aio::Task<> count_shown(std::shared_ptr<std::int64_t> shown, ch12::Message) {
  ++*shown;
  co_return;
}

void bm_chat_fanout(benchmark::State& state) {
  const std::int64_t clients = state.range(0);
  constexpr std::int64_t messages = 10;
  auto work = [clients]() -> aio::Task<> {
    ch12::ChatRoom room(messages);  // room for every message: nothing is dropped
    auto shown = std::make_shared<std::int64_t>(0);
    ch12::Show show = [shown](ch12::Message m) { return count_shown(shown, std::move(m)); };
    std::vector<aio::TaskHandle<int>> readers;
    readers.reserve(static_cast<std::size_t>(clients));
    for (std::int64_t i = 0; i < clients; ++i) {
      ch12::Inbox inbox = room.join("client" + std::to_string(i));
      readers.push_back(aio::create_task(ch12::read_inbox(inbox, show)));
    }
    std::size_t delivered = 0;
    for (std::int64_t m = 0; m < messages; ++m) {
      delivered += co_await room.broadcast("host", "message " + std::to_string(m));
    }
    for (std::int64_t i = 0; i < clients; ++i) room.leave("client" + std::to_string(i));
    for (auto& reader : readers) co_await reader;
    bench::expect(
        delivered == static_cast<std::size_t>(clients * messages) && *shown == clients * messages,
        "delivered " + std::to_string(delivered) + ", shown " + std::to_string(*shown) + " of " +
            std::to_string(clients * messages));
  };
  auto measured = bench::run_iterations(state, {"12-queues", "ChatRoom::broadcast"}, work);
  if (!measured) return;
  state.SetItemsProcessed(state.iterations() * clients * messages);
}
BENCHMARK(bm_chat_fanout)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
