// What the loop knows about each step in debug mode: which lines a slow step ran between, a
// blocked loop told apart from a preempted process, the stuck-step watchdog, which coroutine
// printed each line, how many frames of each coroutine ran, and the main frame destroyed inside
// the loop.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using aio::detail::ThreadUsage;
using aio_test::Recorder;
using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- blocked or preempted ------------------------------------------------------------------

TEST(StepMonitor, AStepThatSleptBlockedTheLoop) {
  // 300 ms of wall time, almost no CPU, and the thread went to sleep of its own accord.
  EXPECT_TRUE(aio::detail::step_blocked_the_loop(300ms, ThreadUsage{1ms, 1, 0}, 100ms));
}

TEST(StepMonitor, AStepThatComputedBlockedTheLoop) {
  EXPECT_TRUE(aio::detail::step_blocked_the_loop(300ms, ThreadUsage{250ms, 0, 4}, 100ms));
}

TEST(StepMonitor, AStepThatWasOnlyPreemptedDidNotBlockTheLoop) {
  // A busy machine took the CPU away (involuntary switches) from a step that needed 2 ms.
  EXPECT_FALSE(aio::detail::step_blocked_the_loop(300ms, ThreadUsage{2ms, 0, 7}, 100ms));
}

TEST(StepMonitor, AQuickStepNeverBlockedTheLoop) {
  EXPECT_FALSE(aio::detail::step_blocked_the_loop(50ms, ThreadUsage{50ms, 1, 0}, 100ms));
}

TEST(StepMonitor, ThreadUsageCountsThisThreadsCpuTime) {
  ThreadUsage before = ThreadUsage::now();
  auto until = std::chrono::steady_clock::now() + 30ms;
  volatile unsigned spin = 0;
  while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  ThreadUsage after = ThreadUsage::now();
  EXPECT_GT(after.cpu, before.cpu);  // one-sided: the machine may be busy
}

// ---- where a slow step was -----------------------------------------------------------------

aio::Task<> sleeps_between_two_awaits(unsigned& first_await, unsigned& second_await) {
  first_await = __LINE__ + 1;
  co_await aio::sleep(1s);
  std::this_thread::sleep_for(250ms);  // the mistake: blocks the loop
  second_await = __LINE__ + 1;
  co_await aio::sleep(1s);
}

TEST(StepMonitor, ASlowStepSaysBetweenWhichLinesItRan) {
  Recorder rec;
  rec.options().debug = true;
  rec.options().slow_step = 50ms;
  unsigned first = 0, second = 0;
  rec.run(sleeps_between_two_awaits(first, second));
  auto slow = rec.diagnostics(aio::Diagnostic::Kind::SlowStep);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_TRUE(contains(slow[0], "in sleeps_between_two_awaits")) << slow[0];
  EXPECT_TRUE(contains(slow[0], "from the co_await at line " + std::to_string(first))) << slow[0];
  EXPECT_TRUE(contains(slow[0], "to the co_await at line " + std::to_string(second))) << slow[0];
  EXPECT_TRUE(contains(slow[0], "the event loop was blocked")) << slow[0];
}

const unsigned blocks_then_returns_line = __LINE__ + 1;
aio::Task<int> blocks_then_returns() {
  std::this_thread::sleep_for(250ms);
  co_return 1;
}

TEST(StepMonitor, ASlowFirstStepNamesTheFunctionsFirstLine) {
  Recorder rec;
  rec.options().debug = true;
  rec.options().slow_step = 50ms;
  rec.run(blocks_then_returns());
  auto slow = rec.diagnostics(aio::Diagnostic::Kind::SlowStep);
  ASSERT_EQ(slow.size(), 1u);
  // Not the closing brace, where GCC records the coroutine's position.
  EXPECT_TRUE(contains(slow[0], "from line " + std::to_string(blocks_then_returns_line) +
                                    " (the start of blocks_then_returns)"))
      << slow[0];
  EXPECT_TRUE(contains(slow[0], "to the end of blocks_then_returns")) << slow[0];
}

TEST(StepMonitor, ABusyLoopIsASlowStepToo) {
  Recorder rec;
  rec.options().debug = true;
  rec.options().slow_step = 50ms;
  rec.run([]() -> aio::Task<> {
    ThreadUsage start = ThreadUsage::now();
    volatile unsigned spin = 0;
    // Burn 200 ms of this thread's CPU time, however busy the machine is.
    while (ThreadUsage::now().cpu - start.cpu < 200ms) spin = spin + 1;
    co_return;
  });
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::SlowStep).size(), 1u);
}

// ---- the stuck-step watchdog ---------------------------------------------------------------

aio::RunOptions stuck_options() {
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  options.quiet = true;
  options.debug = true;
  options.stuck_step = 200ms;
  options.on_diagnostic = [](const aio::Diagnostic&) {};
  return options;
}

aio::Task<> spins_forever() {
  volatile bool forever = true;
  while (forever) {
  }
  co_return;
}

TEST(StepMonitorDeathTest, AnEndlessLoopWithoutCoAwaitEndsTheProcessWithAnExplanation) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(aio::run(spins_forever(), stuck_options()), testing::ExitedWithCode(1),
              "one step of task 'main' has run for .* without returning to the event loop: it "
              "is in spins_forever\\(\\).*a loop with no co_await");
}

TEST(StepMonitorDeathTest, ABlockingWaitIsToldApartFromAnEndlessLoop) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(aio::run(
                  []() -> aio::Task<> {
                    std::this_thread::sleep_for(30s);
                    co_return;
                  },
                  stuck_options()),
              testing::ExitedWithCode(1), "waiting without a co_await");
}

TEST(StepMonitorDeathTest, TheHandlerIsCalledBeforeTheProcessEnds) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto options = stuck_options();
  options.on_stuck_step = [](const std::string& message) {
    std::fprintf(stderr, "handler got: %s\n", message.substr(0, 20).c_str());
  };
  EXPECT_EXIT(aio::run(spins_forever(), options), testing::ExitedWithCode(1),
              "handler got: one step of task");
}

TEST(StepMonitor, QuickRunsEndWithoutWaitingForTheWatchdog) {
  auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    aio::run([]() -> aio::Task<> { co_await aio::sleep(1s); }, stuck_options());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);  // generous: 20 runs, 20 threads
}

// ---- who printed, what ran ------------------------------------------------------------------

aio::Task<std::string> leaf_prints() {
  aio::print("from the leaf");
  co_return "leaf";
}

aio::Task<> parent_prints() {
  aio::print("from the parent");
  std::string value = co_await leaf_prints();
  co_await leaf_prints();
  aio::print("parent again: ", value);
}

TEST(StepMonitor, EachLineNamesTheCoroutineThatPrintedIt) {
  Recorder rec;
  rec.options().debug = true;
  rec.run(parent_prints());
  const auto& lines = rec.report().transcript;
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].coroutine, "parent_prints");
  EXPECT_EQ(lines[1].coroutine, "leaf_prints");
  EXPECT_EQ(lines[2].coroutine, "leaf_prints");
  EXPECT_EQ(lines[3].coroutine, "parent_prints");
  // Awaited inline, the leaf runs in the parent's task.
  EXPECT_EQ(lines[1].task, "main");
}

TEST(StepMonitor, TheReportCountsTheFramesOfEachCoroutine) {
  Recorder rec;
  rec.options().debug = true;
  rec.run(parent_prints());
  const auto& started = rec.report().coroutines_started;
  ASSERT_TRUE(started.count("leaf_prints"));
  EXPECT_EQ(started.at("leaf_prints"), 2);
  EXPECT_EQ(started.at("parent_prints"), 1);
}

TEST(StepMonitor, GatheredChildrenAreCountedAndNamed) {
  Recorder rec;
  rec.options().debug = true;
  rec.run([]() -> aio::Task<> { co_await aio::gather(leaf_prints(), leaf_prints()); });
  EXPECT_EQ(rec.report().coroutines_started.at("leaf_prints"), 2);
  for (const auto& line : rec.report().transcript) EXPECT_EQ(line.coroutine, "leaf_prints");
}

// ---- the main frame ends inside the loop ------------------------------------------------------

struct PrintsWhenDestroyed {
  bool armed = true;
  PrintsWhenDestroyed() = default;
  PrintsWhenDestroyed(PrintsWhenDestroyed&& other) noexcept
      : armed(std::exchange(other.armed, false)) {}
  ~PrintsWhenDestroyed() {
    if (armed) aio::print("parameter destroyed");
  }
};

aio::Task<int> main_with_a_parameter(PrintsWhenDestroyed) {
  co_await aio::sleep(2s);
  co_return 7;
}

TEST(MainFrame, ItsParametersAreDestroyedInsideTheLoopAndRecorded) {
  Recorder rec;
  int value = rec.run(main_with_a_parameter(PrintsWhenDestroyed{}));
  EXPECT_EQ(value, 7);
  ASSERT_EQ(rec.timeline(), (std::vector<std::string>{"2000ms parameter destroyed"}));
}

aio::Task<int> main_that_throws(PrintsWhenDestroyed) {
  co_await aio::sleep(1s);
  throw std::runtime_error("boom");
}

TEST(MainFrame, AFailedMainStillRethrowsAfterItsFrameIsGone) {
  Recorder rec;
  EXPECT_THROW(rec.run(main_that_throws(PrintsWhenDestroyed{})), std::runtime_error);
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms parameter destroyed"}));
}

TEST(MainFrame, AMoveOnlyResultSurvivesTheFrame) {
  Recorder rec;
  auto value =
      rec.run([]() -> aio::Task<std::unique_ptr<int>> { co_return std::make_unique<int>(5); });
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 5);
}

// A task left running refers to a parameter of main; when main finishes, the task is cancelled
// and its cleanup reads the parameter. The frame (with the parameter) must still be alive then:
// under ASan a use-after-free would stop this test.
aio::Task<> main_leaving_a_task_behind(std::string name, std::vector<std::string>* log) {
  const std::string* borrowed = &name;
  auto leftover = aio::create_task([borrowed, log]() -> aio::Task<> {
    try {
      co_await aio::sleep(1h);
    } catch (const aio::CancelledError&) {
      log->push_back("cleanup read " + *borrowed);
      throw;
    }
  });
  co_await aio::sleep(1s);
}

TEST(MainFrame, OutlivesTheCleanupOfTasksLeftRunning) {
  Recorder rec;
  std::vector<std::string> log;
  rec.run(main_leaving_a_task_behind(std::string(40, 'x'), &log));
  EXPECT_EQ(log, (std::vector<std::string>{"cleanup read " + std::string(40, 'x')}));
}

// ---- never awaited: where -------------------------------------------------------------------

const unsigned never_awaited_line = __LINE__ + 1;
aio::Task<int> made_and_dropped() {
  co_return 1;
}

const unsigned dropper_line = __LINE__ + 1;
aio::Task<> drops_a_task() {
  { auto forgotten = made_and_dropped(); }
  co_return;
}

TEST(StepMonitor, NeverAwaitedGivesTheFirstLineAndWhoDroppedIt) {
  Recorder rec;
  rec.options().debug = true;
  rec.run(drops_a_task());
  auto never = rec.diagnostics(aio::Diagnostic::Kind::NeverAwaited);
  ASSERT_EQ(never.size(), 1u);
  EXPECT_TRUE(contains(never[0], "test_step_monitor.cpp:" + std::to_string(never_awaited_line)))
      << never[0];
  EXPECT_TRUE(
      contains(never[0], "created and dropped in drops_a_task (tests/test_step_monitor.cpp:" +
                             std::to_string(dropper_line)))
      << never[0];
}

}  // namespace
