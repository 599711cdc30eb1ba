// The runtime's memory plumbing: the frame pool (detail/frame_allocator.hpp) and the timer heap
// (detail/timer_heap.hpp). Behaviour visible to learners is tested elsewhere; these pin down
// the internals the benchmarks rely on.
#include <gtest/gtest.h>

#include <aio/aio.hpp>
#include <algorithm>
#include <random>
#include <vector>

namespace {

using namespace std::chrono_literals;

aio::Task<int> answer() {
  co_return 42;
}

// What the build configured, not what the runtime reports: a pool switched off by a bug must
// fail these tests, not skip them. (Off under AddressSanitizer by design: a use-after-free must
// still be caught there.)
bool pool_available() {
  return AIO_TEST_FRAME_POOL_EXPECTED != 0;
}

TEST(FramePool, IsOnExactlyWhenTheBuildSaysSo) {
  EXPECT_EQ(aio::detail::frame_recycling(), pool_available());
}

TEST(FramePool, AFreedFrameIsReusedForTheNextFrameOfTheSameSize) {
  if (!pool_available()) GTEST_SKIP() << "frame pool is off in this build (sanitizer)";
  {
    auto warm = answer();
    (void)warm.claim();
  }  // one block of this size is now cached
  auto before = aio::detail::frame_pool_stats();
  {
    auto again = answer();
    (void)again.claim();
  }
  auto after = aio::detail::frame_pool_stats();
  EXPECT_EQ(after.reused, before.reused + 1);
  EXPECT_EQ(after.allocated, before.allocated);
}

TEST(FramePool, WithRecyclingOffEveryFrameComesFromOperatorNew) {
  if (!pool_available()) GTEST_SKIP() << "frame pool is off in this build (sanitizer)";
  {
    auto warm = answer();
    (void)warm.claim();
  }
  aio::detail::set_frame_recycling(false);
  auto before = aio::detail::frame_pool_stats();
  {
    auto task = answer();
    (void)task.claim();
  }
  auto after = aio::detail::frame_pool_stats();
  aio::detail::set_frame_recycling(true);
  EXPECT_EQ(after.reused, before.reused);
  EXPECT_EQ(after.allocated, before.allocated + 1);
}

// Fills every live block with its own byte, then checks every block still holds it: two blocks
// that overlap (a pool handing out the same memory twice) overwrite each other's pattern.
void fill_blocks(const std::vector<std::pair<void*, std::size_t>>& blocks, unsigned salt) {
  for (std::size_t i = 0; i < blocks.size(); ++i)
    std::fill_n(static_cast<unsigned char*>(blocks[i].first), blocks[i].second,
                static_cast<unsigned char>(i * 7 + salt));
}

bool blocks_hold_their_patterns(const std::vector<std::pair<void*, std::size_t>>& blocks,
                                unsigned salt) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    auto* bytes = static_cast<const unsigned char*>(blocks[i].first);
    auto expected = static_cast<unsigned char>(i * 7 + salt);
    if (!std::all_of(bytes, bytes + blocks[i].second,
                     [&](unsigned char b) { return b == expected; }))
      return false;
  }
  return true;
}

TEST(FramePool, BlocksOfEverySizeRoundTrip) {
  // Sizes across and beyond the pooled range, several of each, all alive at once.
  std::vector<std::pair<void*, std::size_t>> blocks;
  for (int copy = 0; copy < 3; ++copy)
    for (std::size_t size = 1; size <= 2048; size += 37)
      blocks.emplace_back(aio::detail::allocate_frame(size), size);
  fill_blocks(blocks, 1);
  EXPECT_TRUE(blocks_hold_their_patterns(blocks, 1)) << "two live blocks overlap";
  // Free them all, then take them again (now from the pool): still no overlap.
  for (auto [block, size] : blocks) aio::detail::deallocate_frame(block, size);
  for (auto& [block, size] : blocks) block = aio::detail::allocate_frame(size);
  fill_blocks(blocks, 3);
  EXPECT_TRUE(blocks_hold_their_patterns(blocks, 3)) << "two recycled blocks overlap";
  for (auto [block, size] : blocks) aio::detail::deallocate_frame(block, size);
}

TEST(FramePool, TasksStillRunCorrectlyOnRecycledFrames) {
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  for (int round = 0; round < 3; ++round) {
    int sum = aio::run(
        []() -> aio::Task<int> {
          std::vector<aio::Task<int>> tasks;
          for (int i = 0; i < 1000; ++i) tasks.push_back(answer());
          auto values = co_await aio::gather(std::move(tasks));
          int total = 0;
          for (int v : values) total += v;
          co_return total;
        },
        options);
    EXPECT_EQ(sum, 42000);
  }
}

// A stand-in for a sleeping awaiter: records the order it fired in.
struct FakeTimer final : aio::detail::TimerTarget {
  int id = 0;
  std::vector<int>* fired = nullptr;
  void on_timer() override { fired->push_back(id); }
};

TEST(TimerHeap, FiresByDeadlineThenByArmingOrderEvenWithRemovalsInTheMiddle) {
  std::mt19937 rng(7);
  constexpr int count = 500;
  std::vector<FakeTimer> timers(count);
  std::vector<int> fired;
  aio::detail::TimerHeap heap;
  for (int i = 0; i < count; ++i) {
    timers[i].id = i;
    timers[i].fired = &fired;
    auto deadline = aio::Duration(std::chrono::milliseconds(rng() % 50));  // many ties
    heap.arm(timers[i], {deadline, static_cast<std::uint64_t>(i)});
  }
  // Disarm every third timer: the heap must stay a heap.
  for (int i = 0; i < count; i += 3) heap.disarm(timers[i]);
  for (int i = 0; i < count; i += 3) EXPECT_FALSE(timers[i].timer_armed());
  while (!heap.empty()) heap.pop_earliest().on_timer();

  std::vector<int> expected;
  for (int i = 0; i < count; ++i) {
    if (i % 3 != 0) expected.push_back(i);
  }
  std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) {
    return timers[a].timer_deadline() < timers[b].timer_deadline();
  });
  EXPECT_EQ(fired, expected);
  for (const auto& timer : timers) EXPECT_FALSE(timer.timer_armed());
}

TEST(TimerHeap, DisarmingTwiceOrAnUnarmedTimerIsHarmless) {
  FakeTimer a;
  aio::detail::TimerHeap heap;
  heap.disarm(a);
  heap.arm(a, {1ms, 0});
  heap.disarm(a);
  heap.disarm(a);
  EXPECT_TRUE(heap.empty());
}

}  // namespace
