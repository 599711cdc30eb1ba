// Stack safety of the trampoline (DESIGN.md §3): long loops of synchronously completing awaits
// and very deep recursive await chains must not grow the C++ stack, at -O0 and under ASan, with
// GCC and Clang alike. Each co_await of a Task goes through TaskStateBase::step's loop instead
// of nesting resume() calls.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

constexpr int kMillion = 1'000'000;

aio::Task<int> immediate(int value) {
  co_return value;
}
aio::Task<> immediate_void() {
  co_return;
}

TEST(Stack, AMillionSynchronouslyCompletingAwaitsInALoop) {
  Recorder rec;
  std::int64_t sum = rec.run([]() -> aio::Task<std::int64_t> {
    std::int64_t total = 0;
    for (int i = 0; i < kMillion; ++i) total += co_await immediate(i % 7);
    co_return total;
  });
  std::int64_t expected = 0;
  for (int i = 0; i < kMillion; ++i) expected += i % 7;
  EXPECT_EQ(sum, expected);
}

TEST(Stack, AMillionSynchronouslyCompletingVoidAwaits) {
  Recorder rec;
  int count = rec.run([]() -> aio::Task<int> {
    int n = 0;
    for (int i = 0; i < kMillion; ++i) {
      co_await immediate_void();
      ++n;
    }
    co_return n;
  });
  EXPECT_EQ(count, kMillion);
}

aio::Task<int> depth(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await depth(n - 1);
}

TEST(Stack, AMillionDeepRecursiveAwaitChain) {
  Recorder rec;
  EXPECT_EQ(rec.run(depth(kMillion)), kMillion);
}

// The deepest frame suspends on a timer: the loop parks the whole chain and resumes it later.
aio::Task<int> depth_then_sleep(int n) {
  if (n == 0) {
    co_await aio::sleep(1s);
    co_return 0;
  }
  co_return 1 + co_await depth_then_sleep(n - 1);
}

TEST(Stack, AMillionDeepChainSuspendedAtTheBottom) {
  Recorder rec;
  EXPECT_EQ(rec.run(depth_then_sleep(kMillion)), kMillion);
  EXPECT_EQ(rec.elapsed(), 1s);
}

// An exception (here a cancellation) travels up a deep chain frame by frame.
constexpr int kDeepThrow = 100'000;  // each level rethrows: keep the suite fast under ASan

aio::Task<int> depth_then_fail(int n) {
  if (n == 0) {
    co_await aio::sleep(1s);
    throw std::runtime_error("bottom");
  }
  co_return 1 + co_await depth_then_fail(n - 1);
}

TEST(Stack, AnExceptionTravelsUpADeepChain) {
  Recorder rec;
  EXPECT_THROW(rec.run(depth_then_fail(kDeepThrow)), std::runtime_error);
}

TEST(Stack, CancellingADeepChainUnwindsIt) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto deep = aio::create_task(depth_then_sleep(kDeepThrow));
    co_await aio::sleep(500ms);
    deep.cancel();
    try {
      (void)co_await deep;
    } catch (const aio::CancelledError&) {
      aio::print("unwound");
    }
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"500ms unwound"}));
}

TEST(Stack, ManySequentialTasksThroughTheLoop) {
  // The other path through the loop: each await of a handle parks and resumes via the queue.
  Recorder rec;
  int total = rec.run([]() -> aio::Task<int> {
    int sum = 0;
    for (int i = 0; i < 100'000; ++i) sum += co_await aio::create_task(immediate(1));
    co_return sum;
  });
  EXPECT_EQ(total, 100'000);
}

}  // namespace
