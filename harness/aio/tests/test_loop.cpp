// aio::run and the three clocks (Real, Virtual, Manual), default options, DemoClock.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <aio/demo.hpp>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using aio_test::stamp;
using namespace std::chrono_literals;

aio::RunOptions virtual_clock() {
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  options.quiet = true;
  return options;
}

// ---- aio::run -----------------------------------------------------------------------------

TEST(Run, ReturnsTheMainTasksValue) {
  EXPECT_EQ(aio::run(aio_test::after(2s, std::string("done")), virtual_clock()), "done");
  EXPECT_NO_THROW(aio::run([]() -> aio::Task<> { co_await aio::sleep(1s); }, virtual_clock()));
}

struct CustomError : std::runtime_error {
  CustomError(std::string message, int code) : std::runtime_error(message), code(code) {}
  int code;
};

aio::Task<int> fails_two_frames_down() {
  co_await aio::sleep(1s);
  throw CustomError("custom failure", 17);
}
aio::Task<int> fails_one_frame_down() {
  co_return co_await fails_two_frames_down();
}

TEST(Run, RethrowsTheExceptionUnchangedSameTypeAndMessage) {
  try {
    aio::run(fails_one_frame_down(), virtual_clock());
    FAIL() << "aio::run did not throw";
  } catch (const CustomError& e) {
    EXPECT_STREQ(e.what(), "custom failure");
    EXPECT_EQ(e.code, 17);
  }
}

TEST(Run, RethrowsNonStandardExceptionsToo) {
  auto throws_int = []() -> aio::Task<> {
    co_await aio::sleep(1ms);
    throw 42;
  };
  try {
    aio::run(throws_int, virtual_clock());
    FAIL() << "aio::run did not throw";
  } catch (int value) {
    EXPECT_EQ(value, 42);
  }
  // CancelledError is not a std::exception: it must still come out as itself.
  auto cancels_itself = []() -> aio::Task<> {
    co_await aio::sleep(1ms);
    throw aio::CancelledError{};
  };
  EXPECT_THROW(aio::run(cancels_itself, virtual_clock()), aio::CancelledError);
}

TEST(Run, NestedRunInsideARunningLoopThrowsRuntimeError) {
  Recorder rec;
  std::string task_message;
  std::string callable_message;
  int after = 0;
  rec.run([&]() -> aio::Task<> {
    co_await aio::sleep(1s);
    try {
      aio::run(aio_test::after(1s, 1), virtual_clock());
    } catch (const aio::RuntimeError& e) {
      task_message = e.what();
    }
    try {
      aio::run([]() -> aio::Task<int> { co_return 2; }, virtual_clock());
    } catch (const aio::RuntimeError& e) {
      callable_message = e.what();
    }
    after = co_await aio_test::after(1s, 3);  // the outer loop still works
  });
  EXPECT_NE(task_message.find("already running"), std::string::npos) << task_message;
  EXPECT_NE(callable_message.find("already running"), std::string::npos) << callable_message;
  EXPECT_EQ(after, 3);
  EXPECT_EQ(rec.elapsed(), 2s);
  // The refused Task was not "forgotten": no never-awaited warning for it.
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::NeverAwaited).empty());
}

TEST(Run, ConstructingALoopInsideARunningLoopThrows) {
  bool threw = false;
  aio::run(
      [&]() -> aio::Task<> {
        try {
          aio::Loop inner(virtual_clock());
        } catch (const aio::RuntimeError&) {
          threw = true;
        }
        co_return;
      },
      virtual_clock());
  EXPECT_TRUE(threw);
}

TEST(Run, EachRunIsAFreshLoopStartingAtZero) {
  Recorder rec;
  aio::Duration first_start{-1};
  aio::Duration second_start{-1};
  rec.run([&]() -> aio::Task<> {
    first_start = aio::now();
    co_await aio::sleep(5s);
  });
  EXPECT_EQ(rec.elapsed(), 5s);
  rec.run([&]() -> aio::Task<> {
    second_start = aio::now();
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(first_start, 0s);
  EXPECT_EQ(second_start, 0s);
  EXPECT_EQ(rec.elapsed(), 1s);
  EXPECT_EQ(aio::Loop::current(), nullptr);
}

TEST(Run, CurrentLoopAndNowOnlyInsideARun) {
  EXPECT_EQ(aio::Loop::current(), nullptr);
  EXPECT_THROW((void)aio::now(), aio::RuntimeError);
  aio::Loop* inside = nullptr;
  aio::run(
      [&]() -> aio::Task<> {
        inside = aio::Loop::current();
        co_return;
      },
      virtual_clock());
  EXPECT_NE(inside, nullptr);
  EXPECT_EQ(aio::Loop::current(), nullptr);
}

TEST(Run, TheCallableOverloadKeepsACapturingLambdaAlive) {
  // The lambda is a temporary; its capture is read after several suspensions.
  std::string result = aio::run(
      [text = std::string(64, 'x'), count = std::make_unique<int>(3)]() -> aio::Task<std::string> {
        std::string out;
        for (int i = 0; i < *count; ++i) {
          co_await aio::sleep(1s);
          out += text.substr(0, 2);
        }
        co_return out;
      },
      virtual_clock());
  EXPECT_EQ(result, "xxxxxx");
}

TEST(Run, OnFinishGetsTheReportEvenWhenTheRunFails) {
  Recorder rec;
  EXPECT_THROW(rec.run([]() -> aio::Task<> {
    aio::print("before");
    co_await aio::sleep(3s);
    throw std::logic_error("late");
  }),
               std::logic_error);
  EXPECT_TRUE(rec.finished());
  EXPECT_EQ(rec.elapsed(), 3s);
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms before"}));
}

// ---- Virtual clock ------------------------------------------------------------------------

TEST(VirtualClock, JumpsExactlyToEachDeadlineWithoutRounding) {
  Recorder rec;
  std::vector<aio::Duration> seen;
  rec.run([&]() -> aio::Task<> {
    co_await aio::sleep(1ns);
    seen.push_back(aio::now());
    co_await aio::sleep(1500ms);
    seen.push_back(aio::now());
    co_await aio::sleep(1h);
    seen.push_back(aio::now());
    co_await aio::sleep(999'999'999ns);
    seen.push_back(aio::now());
  });
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], 1ns);
  EXPECT_EQ(seen[1], 1500ms + 1ns);
  EXPECT_EQ(seen[2], 1h + 1500ms + 1ns);
  EXPECT_EQ(seen[3], 1h + 2500ms);
  EXPECT_EQ(rec.elapsed(), 1h + 2500ms);
}

TEST(VirtualClock, AnHourOfSleepingTakesNoRealTime) {
  Recorder rec;
  auto begin = std::chrono::steady_clock::now();
  rec.run([]() -> aio::Task<> {
    for (int i = 0; i < 60; ++i) co_await aio::sleep(1min);
  });
  EXPECT_EQ(rec.elapsed(), 1h);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);  // generous: it is instant
}

TEST(VirtualClock, ConcurrentSleepsOverlap) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto a = aio::create_task(aio_test::after(1s, 1));
    auto b = aio::create_task(aio_test::after(3s, 3));
    auto c = aio::create_task(aio_test::after(2s, 2));
    aio::print(co_await a + co_await b + co_await c);
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"3000ms 6"}));
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(VirtualClock, TimeStopsWhenTheMainTaskFinishes) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::create_task([]() -> aio::Task<> { co_await aio::sleep(10s); }, "sleeper");
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(rec.elapsed(), 1s);
}

TEST(VirtualClock, ALoopOfSleepsEndsAtTheirSum) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    for (int i = 1; i <= 10; ++i) co_await aio::sleep(std::chrono::milliseconds(i));
  });
  EXPECT_EQ(rec.elapsed(), 55ms);
}

// ---- Real clock ---------------------------------------------------------------------------

TEST(RealClock, SleepsTakeRealTime) {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  auto begin = std::chrono::steady_clock::now();
  aio::Duration seen = aio::run(
      []() -> aio::Task<aio::Duration> {
        co_await aio::sleep(20ms);
        co_return aio::now();
      },
      options);
  EXPECT_GE(seen, 20ms);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 20ms);
}

TEST(RealClock, TimersFireInDeadlineOrderAndOverlap) {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  std::vector<std::string> order;
  aio::run(
      [&]() -> aio::Task<> {
        // The two timers are set by two task starts, one after the other: 190 ms apart in
        // deadline, so that even a long pause of a busy machine between the starts keeps the
        // order.
        auto slow = aio::create_task([&]() -> aio::Task<> {
          co_await aio::sleep(200ms);
          order.push_back("slow");
        });
        auto fast = aio::create_task([&]() -> aio::Task<> {
          co_await aio::sleep(10ms);
          order.push_back("fast");
        });
        co_await slow;
        co_await fast;
        order.push_back("main at least 200ms: " + std::to_string(aio::now() >= 200ms));
      },
      options);
  EXPECT_EQ(order, (std::vector<std::string>{"fast", "slow", "main at least 200ms: 1"}));
}

TEST(RealClock, NowStartsNearZeroAndGrows) {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  aio::run(
      []() -> aio::Task<> {
        aio::Duration first = aio::now();
        EXPECT_GE(first, 0ns);
        co_await aio::sleep(1ms);
        EXPECT_GE(aio::now(), first + 1ms);
      },
      options);
}

// ---- Manual clock -------------------------------------------------------------------------

aio::RunOptions manual_clock() {
  aio::RunOptions options;
  options.clock = aio::Clock::Manual;
  options.quiet = true;
  return options;
}

aio::Task<> ticker(int ticks, aio::Duration period, std::vector<std::string>& log) {
  for (int i = 1; i <= ticks; ++i) {
    co_await aio::sleep(period);
    log.push_back("tick " + std::to_string(i) + " at " + stamp(aio::now()));
  }
}

TEST(ManualClock, NeverJumpsOnItsOwn) {
  aio::Loop loop(manual_clock());
  std::vector<std::string> log;
  auto handle = loop.spawn(ticker(1, 1s, log), "ticker");
  loop.run_ready();
  loop.run_ready();
  EXPECT_EQ(loop.now(), 0s);
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(handle.done());
  loop.advance(1s);
  EXPECT_TRUE(handle.done());
}

TEST(ManualClock, AdvanceIsInclusiveAndStepsDeadlineByDeadline) {
  aio::Loop loop(manual_clock());
  std::vector<std::string> log;
  auto handle = loop.spawn(ticker(3, 1s, log), "ticker");
  loop.advance(999ms);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(loop.now(), 999ms);
  loop.advance(1ms);  // a timer due exactly at now + d fires
  EXPECT_EQ(log, (std::vector<std::string>{"tick 1 at 1000ms"}));
  // One call that covers two deadlines: each wake sees its own deadline as now(), and the timer
  // set by the first wake (due at 3 s) fires within the same advance.
  loop.advance(2s);
  EXPECT_EQ(log,
            (std::vector<std::string>{"tick 1 at 1000ms", "tick 2 at 2000ms", "tick 3 at 3000ms"}));
  EXPECT_EQ(loop.now(), 3s);
  EXPECT_TRUE(handle.done());
  EXPECT_FALSE(handle.cancelled());
}

TEST(ManualClock, AdvanceEndsExactlyAtTheTargetTime) {
  aio::Loop loop(manual_clock());
  std::vector<std::string> log;
  auto handle = loop.spawn(ticker(2, 3s, log), "ticker");
  loop.advance(4s);
  EXPECT_EQ(loop.now(), 4s);
  EXPECT_EQ(log, (std::vector<std::string>{"tick 1 at 3000ms"}));
  loop.advance(2s);
  EXPECT_EQ(loop.now(), 6s);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_TRUE(handle.done());
}

TEST(ManualClock, SpawnedTasksRunInOrderAndTheirResultsAreReadable) {
  aio::Loop loop(manual_clock());
  std::vector<std::string> log;
  auto a = loop.spawn(aio_test::after(2s, std::string("a")), "a");
  auto b = loop.spawn(aio_test::after(1s, std::string("b")), "b");
  loop.advance(1s);
  EXPECT_TRUE(b.done());
  EXPECT_FALSE(a.done());
  EXPECT_EQ(b.result(), "b");
  EXPECT_THROW(a.result(), aio::RuntimeError);  // not done yet
  loop.advance(1s);
  EXPECT_EQ(a.result(), "a");
}

TEST(ManualClock, RunningAMainTaskThatWaitsForATimerAsksForAdvance) {
  aio::Loop loop(manual_clock());
  try {
    loop.run_until_complete(aio_test::after(1s, 1));
    FAIL() << "expected a RuntimeError";
  } catch (const aio::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("advance"), std::string::npos) << e.what();
  }
}

TEST(ManualClock, AdvanceNeedsTheManualClock) {
  aio::Loop loop(virtual_clock());
  EXPECT_THROW(loop.advance(1s), aio::RuntimeError);
}

TEST(ManualClock, ALoopDestroyedWithPendingTasksCancelsThem) {
  bool cleaned_up = false;
  {
    aio::Loop loop(manual_clock());
    loop.spawn([](bool& flag) -> aio::Task<> {
      try {
        co_await aio::sleep(1h);
      } catch (const aio::CancelledError&) {
        flag = true;
        throw;
      }
    }(cleaned_up));
    loop.run_ready();
  }
  EXPECT_TRUE(cleaned_up);
}

TEST(ManualClock, TheLoopsReportHasTheTranscript) {
  aio::Loop loop(manual_clock());
  auto handle = loop.spawn(
      []() -> aio::Task<> {
        aio::print("at start");
        co_await aio::sleep(2s);
        aio::print("after two seconds");
      }(),
      "printer");
  loop.advance(5s);
  const auto& lines = loop.report().transcript;
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].time, 0s);
  EXPECT_EQ(lines[0].task, "printer");
  EXPECT_EQ(lines[1].time, 2s);
  EXPECT_EQ(lines[1].text, "after two seconds");
}

// ---- threads ------------------------------------------------------------------------------

TEST(Run, LoopsOnTwoThreadsAreIndependent) {
  // Each thread has its own current loop; neither sees the other's tasks or time.
  aio::Duration other_elapsed{};
  std::thread other([&] {
    other_elapsed = aio::run(
        []() -> aio::Task<aio::Duration> {
          for (int i = 0; i < 100; ++i) co_await aio::sleep(1s);
          co_return aio::now();
        },
        virtual_clock());
  });
  aio::Duration mine = aio::run(
      []() -> aio::Task<aio::Duration> {
        for (int i = 0; i < 100; ++i) co_await aio::sleep(2s);
        co_return aio::now();
      },
      virtual_clock());
  other.join();
  EXPECT_EQ(mine, 200s);
  EXPECT_EQ(other_elapsed, 100s);
}

// ---- default options ----------------------------------------------------------------------

TEST(DefaultOptions, ScopedDefaultsApplyToPlainRunAndAreRestored) {
  aio::Clock before = aio::default_run_options().clock;
  {
    aio::ScopedDefaultRunOptions scoped(virtual_clock());
    EXPECT_EQ(aio::default_run_options().clock, aio::Clock::Virtual);
    auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(aio::run(aio_test::after(1h, 5)), 5);  // virtual: instant
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  }
  EXPECT_EQ(aio::default_run_options().clock, before);
}

TEST(DefaultOptions, DemoClockPicksVirtualWithTheFlag) {
  char program[] = "demo";
  char flag[] = "--virtual";
  char* with_flag[] = {program, flag};
  char* without_flag[] = {program};
  EXPECT_TRUE(aio::DemoClock::virtual_requested(2, with_flag));
  EXPECT_FALSE(aio::DemoClock::virtual_requested(1, without_flag));
  testing::internal::CaptureStdout();
  {
    aio::DemoClock clock(2, with_flag);
    EXPECT_EQ(aio::default_run_options().clock, aio::Clock::Virtual);
  }
  {
    aio::DemoClock clock(1, without_flag);
    EXPECT_EQ(aio::default_run_options().clock, aio::Clock::Real);
  }
  std::string banner = testing::internal::GetCapturedStdout();
  EXPECT_NE(banner.find("simulated clock"), std::string::npos) << banner;
  EXPECT_NE(banner.find("real clock"), std::string::npos) << banner;
}

}  // namespace
