// Diagnostics: slow steps, deadlocks, never-awaited Tasks, unretrieved exceptions, tasks pending
// at the end of a run, the simulated-time limit and the real-time watchdog.
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Diagnostics, SlowStepNamesTheTaskAndSaysTheLoopWasBlocked) {
  Recorder rec;
  rec.options().debug = true;
  // A wide margin on both sides: a busy machine can stretch any step, but a step that was only
  // preempted is not reported (test_step_monitor.cpp), so exactly one report is expected.
  rec.options().slow_step = 50ms;
  rec.run([]() -> aio::Task<> {
    auto blocker = aio::create_task(
        []() -> aio::Task<> {
          std::this_thread::sleep_for(250ms);  // the mistake: a blocking sleep inside a coroutine
          co_return;
        },
        "download");
    co_await blocker;
  });
  auto slow = rec.diagnostics(aio::Diagnostic::Kind::SlowStep);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_TRUE(contains(slow[0], "Executing task 'download'")) << slow[0];
  EXPECT_TRUE(contains(slow[0], "the event loop was blocked")) << slow[0];
  EXPECT_TRUE(contains(slow[0], "test_diagnostics.cpp")) << slow[0];
  EXPECT_TRUE(contains(slow[0], "aio::sleep")) << slow[0];
}

TEST(Diagnostics, SlowStepIsOnlyCheckedInDebugMode) {
  Recorder rec;
  rec.options().slow_step = 20ms;
  rec.run([]() -> aio::Task<> {
    std::this_thread::sleep_for(30ms);
    co_return;
  });
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::SlowStep).empty());
}

TEST(Diagnostics, QuickStepsAreNotReported) {
  Recorder rec;
  rec.options().debug = true;
  rec.run([]() -> aio::Task<> {
    for (int i = 0; i < 100; ++i) co_await aio::sleep(1s);
  });
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

// Two tasks awaiting each other's handles: nothing can ever wake either.
TEST(Diagnostics, DeadlockNamesEveryWaitingTaskAndWhereItWaits) {
  Recorder rec;
  unsigned line_a = 0;
  unsigned line_b = 0;
  std::string message;
  try {
    rec.run([&]() -> aio::Task<> {
      aio::TaskHandle<void> a;
      aio::TaskHandle<void> b;
      a = aio::create_task(
          [&]() -> aio::Task<> {
            co_await aio::sleep(1s);
            line_a = __LINE__ + 1;
            co_await b;
          },
          "alpha");
      b = aio::create_task(
          [&]() -> aio::Task<> {
            line_b = __LINE__ + 1;
            co_await a;
          },
          "beta");
      co_await a;
    });
    FAIL() << "expected a DeadlockError";
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "deadlock")) << message;
  EXPECT_TRUE(contains(
      message, "task 'alpha' waits at tests/test_diagnostics.cpp:" + std::to_string(line_a)))
      << message;
  EXPECT_TRUE(contains(message, "for task 'beta' to finish")) << message;
  EXPECT_TRUE(contains(message,
                       "task 'beta' waits at tests/test_diagnostics.cpp:" + std::to_string(line_b)))
      << message;
  EXPECT_TRUE(contains(message, "for task 'alpha' to finish")) << message;
  EXPECT_TRUE(contains(message, "task 'main' waits at")) << message;
  EXPECT_TRUE(rec.finished());
  EXPECT_EQ(rec.elapsed(), 1s);
}

TEST(Diagnostics, DeadlockIsADeadlockErrorAndARuntimeError) {
  EXPECT_THROW(aio::run(
                   []() -> aio::Task<> {
                     auto self = std::make_shared<aio::TaskHandle<void>>();
                     *self =
                         aio::create_task([self]() -> aio::Task<> { co_await *self; }, "ouroboros");
                     co_await *self;
                   },
                   {.clock = aio::Clock::Virtual, .on_diagnostic = [](const aio::Diagnostic&) {}}),
               aio::RuntimeError);
}

TEST(Diagnostics, DeadlockIsAlsoDetectedOnTheRealClock) {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(aio::run(
                   []() -> aio::Task<> {
                     auto self = std::make_shared<aio::TaskHandle<void>>();
                     *self =
                         aio::create_task([self]() -> aio::Task<> { co_await *self; }, "ouroboros");
                     co_await aio::sleep(5ms);
                     co_await *self;
                   },
                   options),
               aio::DeadlockError);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);  // detected, not timed out
}

aio::Task<int> forgotten_step() {
  co_await aio::sleep(1s);
  co_return 1;
}

TEST(Diagnostics, NeverAwaitedNamesTheCoroutine) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    {
      auto task = forgotten_step();  // the mistake: created, never awaited
    }
    co_await aio::sleep(1s);
  });
  auto never = rec.diagnostics(aio::Diagnostic::Kind::NeverAwaited);
  ASSERT_EQ(never.size(), 1u);
  EXPECT_TRUE(contains(never[0], "coroutine 'forgotten_step'")) << never[0];
  EXPECT_TRUE(contains(never[0], "was never awaited")) << never[0];
}

TEST(Diagnostics, NeverAwaitedReportsTheOutermostForgottenTaskOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    { auto forgotten = aio::gather(forgotten_step(), forgotten_step()); }
    co_return;
  });
  auto never = rec.diagnostics(aio::Diagnostic::Kind::NeverAwaited);
  ASSERT_EQ(never.size(), 1u);
  EXPECT_TRUE(contains(never[0], "coroutine 'aio::gather'")) << never[0];
}

TEST(Diagnostics, NeverAwaitedOutsideALoopGoesToStderr) {
  testing::internal::CaptureStderr();
  { auto task = forgotten_step(); }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(err, "coroutine 'forgotten_step'")) << err;
  EXPECT_TRUE(contains(err, "was never awaited")) << err;
}

TEST(Diagnostics, UnretrievedExceptionOfADetachedTask) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::create_task(
        []() -> aio::Task<> {
          co_await aio::sleep(1s);
          throw std::runtime_error("disk full");
        },
        "writer");
    co_await aio::sleep(2s);
  });
  auto lost = rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_TRUE(contains(lost[0], "task 'writer' failed with \"disk full\"")) << lost[0];
  EXPECT_TRUE(contains(lost[0], "nobody awaited it")) << lost[0];
}

TEST(Diagnostics, ATaskThatYieldsThenFailsIsReportedOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::create_task(
        []() -> aio::Task<> {
          co_await aio::sleep(0s);
          throw std::runtime_error("after a yield");
        },
        "yielder");
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).size(), 1u);
}

TEST(Diagnostics, AnExceptionSomeoneAwaitedIsNotReported) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto writer = aio::create_task([]() -> aio::Task<> {
      co_await aio::sleep(1s);
      throw std::runtime_error("disk full");
    });
    co_await aio::sleep(2s);
    try {
      co_await writer;
    } catch (const std::runtime_error&) {
    }
  });
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(Diagnostics, PendingAtEndIsCancelledItsCleanupRunsAndItIsReported) {
  Recorder rec;
  bool cleanup_ran = false;
  rec.run([&]() -> aio::Task<> {
    aio::create_task(
        [&]() -> aio::Task<> {
          try {
            while (true) co_await aio::sleep(1s);  // a background loop nobody stops
          } catch (const aio::CancelledError&) {
            cleanup_ran = true;
            throw;
          }
        },
        "heartbeat");
    co_await aio::sleep(2500ms);
  });
  EXPECT_TRUE(cleanup_ran);
  EXPECT_EQ(rec.elapsed(), 2500ms);
  auto pending = rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_TRUE(contains(pending[0], "task 'heartbeat' was still running")) << pending[0];
  EXPECT_TRUE(contains(pending[0], "cancelled")) << pending[0];
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
}

TEST(Diagnostics, PendingAtEndTaskCanDoAsyncCleanup) {
  Recorder rec;
  std::vector<std::string> log;
  rec.run([&]() -> aio::Task<> {
    aio::create_task(
        [&]() -> aio::Task<> {
          bool cancelled = false;
          try {
            co_await aio::sleep(1h);
          } catch (const aio::CancelledError&) {
            cancelled = true;
          }
          if (cancelled) {
            co_await aio::sleep(1s);
            log.push_back("async cleanup done");
          }
        },
        "server");
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(log, (std::vector<std::string>{"async cleanup done"}));
  EXPECT_EQ(rec.elapsed(), 1s);  // shutdown time is not part of the run's elapsed time
}

TEST(Diagnostics, VirtualLimitStopsAnEndlessLoopOfSleepsQuickly) {
  Recorder rec;
  rec.options().virtual_limit = 1h;
  auto begin = std::chrono::steady_clock::now();
  try {
    rec.run([]() -> aio::Task<> {
      while (true) co_await aio::sleep(1min);
    });
    FAIL() << "expected a WatchdogError";
  } catch (const aio::WatchdogError& e) {
    EXPECT_TRUE(contains(e.what(), "simulated time")) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  EXPECT_LE(rec.elapsed(), 1h);
}

TEST(Diagnostics, RealTimeWatchdogStopsAHang) {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  options.debug = true;
  options.watchdog = 50ms;
  options.on_diagnostic = [](const aio::Diagnostic&) {};
  auto begin = std::chrono::steady_clock::now();
  try {
    aio::run(
        []() -> aio::Task<> {
          while (true) co_await aio::sleep(5ms);
        },
        options);
    FAIL() << "expected a WatchdogError";
  } catch (const aio::WatchdogError& e) {
    EXPECT_TRUE(contains(e.what(), "watchdog")) << e.what();
    EXPECT_TRUE(contains(e.what(), "a timer at")) << e.what();  // what each task waits for
  }
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 5s);  // generous
}

TEST(Diagnostics, RealTimeWatchdogAlsoGuardsVirtualRuns) {
  // A virtual run can hang in real time too, e.g. a task that blocks in small steps.
  Recorder rec;
  rec.options().debug = true;
  rec.options().watchdog = 30ms;
  EXPECT_THROW(rec.run([]() -> aio::Task<> {
    while (true) {
      std::this_thread::sleep_for(5ms);
      co_await aio::sleep(1ms);
    }
  }),
               aio::WatchdogError);
}

TEST(Diagnostics, DefaultHandlerWritesToStderr) {
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  options.quiet = true;
  testing::internal::CaptureStderr();
  aio::run(
      []() -> aio::Task<> {
        auto task = forgotten_step();
        co_return;
      },
      options);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(err, "aio warning: coroutine 'forgotten_step'")) << err;
}

TEST(Errors, TodoThrowsNotImplementedWithTheFunctionAndPlace) {
  try {
    aio::todo("long_process");
  } catch (const aio::NotImplemented& e) {
    EXPECT_EQ(e.function(), "long_process");
    EXPECT_TRUE(contains(e.what(), "not started: long_process() still has its TODO")) << e.what();
    EXPECT_TRUE(contains(e.what(), "tests/test_diagnostics.cpp:")) << e.what();
    return;
  }
  FAIL() << "todo did not throw";
}

TEST(Errors, Hierarchy) {
  static_assert(std::is_base_of_v<aio::RuntimeError, aio::DeadlockError>);
  static_assert(std::is_base_of_v<aio::RuntimeError, aio::WatchdogError>);
  static_assert(std::is_base_of_v<std::runtime_error, aio::RuntimeError>);
  static_assert(std::is_base_of_v<std::logic_error, aio::NotImplemented>);
  EXPECT_STREQ(aio::CancelledError{}.what(), "aio::CancelledError: the task was cancelled");
}

}  // namespace
