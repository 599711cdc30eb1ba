// Tests of the grading library itself: a grader is only as good as the checks and explanations
// it is built from. (Whether each chapter's graders reject typical mistakes with the right
// message is tested by the mistaken solutions under mistakes/.)
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <grading/grading.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using grading::Line;
using grading::Timeline;

// `needle` occurs in `text`; on failure, shows the whole text.
::testing::AssertionResult contains(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << needle << "\" not found in:\n" << text;
}

// Every test runs as if it graded chapter 99-sample, so the hints pointer is predictable.
class Grading : public ::testing::Test {
 protected:
  void SetUp() override { grading::set_chapter("99-sample"); }
};

// ---- learner code stand-ins --------------------------------------------------------------

aio::Task<std::string> long_process() {
  aio::print("Start process...");
  co_await aio::sleep(2s);
  aio::print("Process finished!");
  co_return "Result";
}

aio::Task<int> unfinished() {
  aio::todo("unfinished");
  co_return 0;
}

aio::Task<void> throws_runtime_error() {
  co_await aio::sleep(1s);
  throw std::runtime_error("boom");
}

aio::Task<void> wait_for(aio::TaskHandle<void>* other) {
  co_await *other;
}

// Two tasks, each waiting for the other to finish: nothing can ever wake either.
aio::Task<void> deadlock() {
  aio::TaskHandle<void> first;
  aio::TaskHandle<void> second;
  first = aio::create_task(wait_for(&second), "first");
  second = aio::create_task(wait_for(&first), "second");
  co_await first;
}

aio::Task<void> blocks_the_thread() {
  aio::print("about to block");
  std::this_thread::sleep_for(60ms);  // what a learner must not do inside a coroutine
  co_return;
}

aio::Task<void> forgets_to_await() {
  auto forgotten = long_process();  // a Task is lazy: this runs nothing
  (void)forgotten;
  co_return;
}

aio::Task<void> sleeps_forever() {
  for (;;) co_await aio::sleep(1s);
}

aio::Task<void> cancels_itself_child() {
  co_await aio::sleep(10s);
}

aio::Task<void> awaits_cancelled_task() {
  auto child = aio::create_task(cancels_itself_child(), "child");
  co_await aio::sleep(1s);
  child.cancel();
  co_await child;  // throws CancelledError: nobody catches it
}

// A Run<int> with the given transcript and simulated time, as if the code had run.
grading::Run<int> fake_run(Timeline lines, aio::Duration elapsed) {
  grading::Run<int> run;
  run.value = 0;
  aio::RunReport report;
  for (auto& line : lines) report.transcript.push_back({line.time, "main", line.text});
  report.elapsed = elapsed;
  run.loops.push_back(report);
  run.elapsed = elapsed;
  return run;
}

// ---- side_by_side ------------------------------------------------------------------------

TEST_F(Grading, SideBySideMarksMismatchingLinesAndShowsBothColumns) {
  Timeline expected{{0s, "Start"}, {2s, "Done"}};
  Timeline actual{{0s, "Start"}, {3s, "Done"}, {3s, "Extra"}};
  std::string table = grading::side_by_side(expected, actual);

  EXPECT_TRUE(contains(table, "expected")) << table;
  EXPECT_TRUE(contains(table, "| actual")) << table;
  // Row by row: the equal first line is "ok", the others are marked, both columns shown.
  EXPECT_TRUE(contains(table, "    ok [  0.000s] Start | [  0.000s] Start\n"));
  EXPECT_TRUE(contains(table, "  >>>  [  2.000s] Done  | [  3.000s] Done\n"));
  EXPECT_TRUE(contains(table, "  >>>  (nothing)        | [  3.000s] Extra\n"));
}

TEST_F(Grading, SideBySideShowsMissingActualLines) {
  std::string table = grading::side_by_side({{0s, "a"}, {1s, "b"}}, {{0s, "a"}});
  EXPECT_TRUE(contains(table, "  >>>  [  1.000s] b | (nothing)\n"));
}

TEST_F(Grading, SideBySideKeepsColumnsAlignedWhenExpectedIsShort) {
  // "(nothing)" is wider than "expected": the divider must still line up on every row.
  std::string table = grading::side_by_side({}, {{0s, "x"}});
  auto header_bar = table.find('|');
  auto row_start = table.find('\n') + 1;
  auto row_bar = table.find('|', row_start);
  EXPECT_EQ(header_bar, row_bar - row_start) << table;
}

TEST_F(Grading, FormatsLinesAndDurations) {
  EXPECT_EQ(grading::format_line({2500ms, "x"}), "[  2.500s] x");
  EXPECT_EQ(grading::format_duration(3s), "3.000 s");
  EXPECT_EQ(grading::hints_pointer(), "Hints, gentlest first: chapters/99-sample/HINTS.md");
}

// ---- run / run_plain -----------------------------------------------------------------------

TEST_F(Grading, RunUsesTheSimulatedClock) {
  auto run = grading::run(long_process());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_EQ(run.value, "Result");
  EXPECT_EQ(run.elapsed, 2s);
  EXPECT_LT(run.real_elapsed, 1s);  // simulated sleeps cost no real time
  ASSERT_EQ(run.loops.size(), 1u);
  EXPECT_EQ(run.timeline(), (Timeline{{0s, "Start process..."}, {2s, "Process finished!"}}));
}

TEST_F(Grading, RunKeepsTheExceptionInsteadOfThrowing) {
  auto run = grading::run(throws_runtime_error());
  EXPECT_FALSE(run.value.has_value());
  ASSERT_TRUE(run.error);
  EXPECT_EQ(run.elapsed, 1s);  // the report is kept even when the run fails
}

TEST_F(Grading, RunPlainCollectsOneReportPerLoop) {
  auto run = grading::run_plain([] {
    aio::run(long_process());
    return aio::run(long_process());
  });
  ASSERT_TRUE(grading::finished(run));
  EXPECT_EQ(run.value, "Result");
  ASSERT_EQ(run.loops.size(), 2u);
  // Each aio::run is a fresh loop whose time starts at 0; both transcripts are kept, in order.
  EXPECT_EQ(run.timeline(), (Timeline{{0s, "Start process..."},
                                      {2s, "Process finished!"},
                                      {0s, "Start process..."},
                                      {2s, "Process finished!"}}));
  EXPECT_EQ(run.elapsed, 2s);
  EXPECT_LT(run.real_elapsed, 1s);
}

TEST_F(Grading, RunPlainOnVoidFunctions) {
  auto run = grading::run_plain([] { aio::run(long_process()); });
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(run.value.has_value());
  EXPECT_EQ(run.loops.size(), 1u);
}

TEST_F(Grading, RunPlainRestoresTheDefaultOptions) {
  (void)grading::run_plain([] { return aio::run(long_process()); });
  // Outside run_plain, aio::run uses the real clock again.
  EXPECT_EQ(aio::default_run_options().clock, aio::Clock::Real);
}

// ---- finished --------------------------------------------------------------------------------

TEST_F(Grading, FinishedPassesACleanRun) {
  EXPECT_TRUE(grading::finished(grading::run(long_process())));
}

TEST_F(Grading, FinishedExplainsATodoAsNotStarted) {
  auto result = grading::finished(grading::run(unfinished()));
  ASSERT_FALSE(result);
  std::string message = result.message();
  EXPECT_TRUE(contains(message, "not started: unfinished() still has its TODO"));
  EXPECT_TRUE(contains(message, "chapters/99-sample/exercise.cpp"));
  EXPECT_TRUE(contains(message, "chapters/99-sample/HINTS.md"));
}

TEST_F(Grading, FinishedExplainsAnException) {
  auto result = grading::finished(grading::run(throws_runtime_error()));
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "your code threw an exception: boom"));
}

TEST_F(Grading, FinishedExplainsADeadlock) {
  auto run = grading::run(deadlock());
  ASSERT_TRUE(run.error);
  auto result = grading::finished(run);
  ASSERT_FALSE(result);
  std::string message = result.message();
  EXPECT_TRUE(contains(message, "deadlock"));
  EXPECT_TRUE(contains(message, "'first'"));
  EXPECT_TRUE(contains(message, "'second'"));
  EXPECT_TRUE(contains(message, "only another waiting task could provide"));
}

TEST_F(Grading, FinishedExplainsASlowStep) {
  grading::Settings settings;
  settings.slow_step = 20ms;  // keeps the test fast: the step blocks for 60 ms
  auto result = grading::finished(grading::run(blocks_the_thread(), settings));
  ASSERT_FALSE(result);
  std::string message = result.message();
  EXPECT_TRUE(contains(message, "the event loop was blocked"));
  EXPECT_TRUE(contains(message, "co_await aio::sleep"));
  EXPECT_TRUE(contains(message, "about to block"));  // what was printed is shown
}

TEST_F(Grading, FinishedExplainsANeverAwaitedTask) {
  auto result = grading::finished(grading::run(forgets_to_await()));
  ASSERT_FALSE(result);
  std::string message = result.message();
  EXPECT_TRUE(contains(message, "'long_process'"));
  EXPECT_TRUE(contains(message, "was never awaited"));
  EXPECT_TRUE(contains(message, "Did you forget a co_await?"));
  EXPECT_TRUE(contains(message, "(your code printed nothing)"));
}

TEST_F(Grading, FinishedExplainsAnEscapedCancellation) {
  auto result = grading::finished(grading::run(awaits_cancelled_task()));
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "CancelledError"));
}

TEST_F(Grading, FinishedExplainsARunThatNeverEnds) {
  grading::Settings settings;
  settings.virtual_limit = 10s;
  auto result = grading::finished(grading::run(sleeps_forever(), settings));
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "never finishes"));
}

// Jobs that each wait (bounded) until `count` of them run at the same time, and report the most
// they saw running: all `count` only if the pool had a worker for each.
struct Meeting {
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0;
  int peak = 0;
};

int wait_for_the_others(std::shared_ptr<Meeting> meeting, int count,
                        std::chrono::milliseconds bound) {
  std::unique_lock lock(meeting->mutex);
  meeting->peak = std::max(meeting->peak, ++meeting->running);
  meeting->changed.notify_all();
  // The peak, not the number still running: the last to arrive may have left already.
  meeting->changed.wait_for(lock, bound, [&] { return meeting->peak >= count; });
  --meeting->running;
  return meeting->peak;
}

aio::Task<int> jobs_that_meet(int count, std::chrono::milliseconds bound) {
  auto meeting = std::make_shared<Meeting>();
  std::vector<aio::Task<int>> jobs;
  for (int i = 0; i < count; ++i)
    jobs.push_back(aio::to_thread(wait_for_the_others, meeting, count, bound));
  auto peaks = co_await aio::gather(std::move(jobs));
  co_return *std::max_element(peaks.begin(), peaks.end());
}

TEST_F(Grading, SettingsWorkersSizesTheThreadPool) {
  // Three workers: the three jobs meet (a generous bound, never reached when they do).
  auto three = grading::run(jobs_that_meet(3, 5000ms), {.workers = 3});
  ASSERT_TRUE(grading::finished(three));
  EXPECT_EQ(*three.value, 3);
  // One worker: the jobs run one after another, each waiting the short bound in vain.
  auto one = grading::run(jobs_that_meet(3, 30ms), {.workers = 1});
  ASSERT_TRUE(grading::finished(one));
  EXPECT_EQ(*one.value, 1);
}

TEST_F(Grading, ExplainErrorWithoutAnError) {
  EXPECT_FALSE(grading::explain_error(nullptr).empty());
}

// ---- timeline_is / elapsed_is / real_time_below ----------------------------------------------

TEST_F(Grading, TimelineIsPassesOnTheSameTimeline) {
  auto run = fake_run({{0s, "a"}, {2s, "b"}}, 2s);
  EXPECT_TRUE(grading::timeline_is(run, {{0s, "a"}, {2s, "b"}}, "lesson"));
}

TEST_F(Grading, TimelineIsFailsWithTheLessonAndBothColumns) {
  auto run = fake_run({{0s, "a"}, {3s, "b"}}, 3s);
  auto result =
      grading::timeline_is(run, {{0s, "a"}, {2s, "b"}}, "awaits in sequence add their durations");
  ASSERT_FALSE(result);
  std::string message = result.message();
  EXPECT_TRUE(contains(message, "What you missed: awaits in sequence add their durations"));
  EXPECT_TRUE(contains(message, "  >>>  [  2.000s] b | [  3.000s] b"));
  EXPECT_TRUE(contains(message, "chapters/99-sample/HINTS.md"));
}

TEST_F(Grading, TimelineIsComparesTimesNotOnlyTexts) {
  auto run = fake_run({{1s, "a"}}, 1s);
  EXPECT_FALSE(grading::timeline_is(run, {{0s, "a"}}, "lesson"));
  EXPECT_FALSE(grading::timeline_is(run, {{1s, "a"}, {1s, "a"}}, "lesson"));
}

TEST_F(Grading, TimelineIsExplainsAFailedRun) {
  auto result = grading::timeline_is(grading::run(unfinished()), {{0s, "x"}}, "lesson");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "not started: unfinished() still has its TODO"));
}

TEST_F(Grading, ElapsedIsPassesOnTheSameTime) {
  EXPECT_TRUE(grading::elapsed_is(fake_run({}, 3s), 3s, "lesson"));
  EXPECT_TRUE(grading::elapsed_is(grading::run(long_process()), 2s, "lesson"));
}

TEST_F(Grading, ElapsedIsFailsWithTheLessonAndWhatWasPrinted) {
  auto run = fake_run({{0s, "a"}, {6s, "b"}}, 6s);
  auto result = grading::elapsed_is(run, 3s, "start all three, then wait for all");
  ASSERT_FALSE(result);
  std::string message = result.message();
  EXPECT_TRUE(contains(message, "took 6.000 s of simulated time, expected 3.000 s"));
  EXPECT_TRUE(contains(message, "What you missed: start all three, then wait for all"));
  EXPECT_TRUE(contains(message, "[  6.000s] b"));
}

TEST_F(Grading, ElapsedIsExactToTheNanosecond) {
  EXPECT_FALSE(grading::elapsed_is(fake_run({}, 3s + 1ns), 3s, "lesson"));
}

TEST_F(Grading, RealTimeBelow) {
  auto run = fake_run({}, 2s);
  run.real_elapsed = 10ms;
  EXPECT_TRUE(grading::real_time_below(run, 1s));
  run.real_elapsed = 2s;
  auto result = grading::real_time_below(run, 1s);
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "blocked the thread"));
}

// ---- threw -----------------------------------------------------------------------------------

TEST_F(Grading, ThrewPassesOnTheExpectedException) {
  EXPECT_TRUE(grading::threw<std::runtime_error>(grading::run(throws_runtime_error()), "l"));
  EXPECT_TRUE(grading::threw<std::exception>(grading::run(throws_runtime_error()), "l"));
}

TEST_F(Grading, ThrewFailsWhenTheRunReturned) {
  auto result = grading::threw<std::runtime_error>(grading::run(long_process()),
                                                   "errors must propagate out of aio::run");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "returned normally"));
  EXPECT_TRUE(contains(result.message(), "errors must propagate out of aio::run"));
}

TEST_F(Grading, ThrewFailsOnAnotherException) {
  auto result = grading::threw<aio::RuntimeError>(grading::run(throws_runtime_error()), "l");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "another error"));
  EXPECT_TRUE(contains(result.message(), "boom"));
}

TEST_F(Grading, ThrewDoesNotMistakeATodoForTheExpectedError) {
  // NotImplemented is a std::logic_error: a stub must still fail, as "not started".
  auto result = grading::threw<std::exception>(grading::run(unfinished()), "l");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "not started: unfinished() still has its TODO"));
}

TEST_F(Grading, ThrewCatchesCancellation) {
  EXPECT_TRUE(grading::threw<aio::CancelledError>(grading::run(awaits_cancelled_task()), "l"));
}

// ---- seeds -----------------------------------------------------------------------------------

TEST_F(Grading, SeedIsStableWithinAProcess) {
  EXPECT_EQ(grading::seed(), grading::seed());
  EXPECT_EQ(&grading::rng(), &grading::rng());
}

TEST_F(Grading, RandomIntStaysInItsInclusiveRange) {
  std::set<int> seen;
  for (int i = 0; i < 1000; ++i) {
    int value = grading::random_int(1, 3);
    ASSERT_GE(value, 1);
    ASSERT_LE(value, 3);
    seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 3u);
}

}  // namespace

// ---- who did the work ----------------------------------------------------------------------

namespace who {
aio::Task<std::string> worker() {
  aio::print("working");
  co_return "done";
}
aio::Task<std::string> boss_delegates() {
  co_return co_await worker();
}
aio::Task<std::string> boss_pretends() {
  aio::print("working");  // the lines are right, but the worker never ran
  co_return "done";
}
}  // namespace who

TEST_F(Grading, PrintedByPassesWhenTheRightCoroutinePrinted) {
  auto run = grading::run(who::boss_delegates());
  EXPECT_TRUE(grading::printed_by(run, "worker", {"working"}, "the worker works"));
}

TEST_F(Grading, PrintedByNamesWhoPrintedInstead) {
  auto run = grading::run(who::boss_pretends());
  auto result = grading::printed_by(run, "worker", {"working"}, "the worker works");
  ASSERT_FALSE(result);
  EXPECT_TRUE(
      contains(result.message(), "\"working\" was printed by boss_pretends, not by worker"));
  EXPECT_TRUE(contains(result.message(), "What you missed: the worker works"));
}

TEST_F(Grading, PrintedByReportsAMissingLine) {
  auto run = grading::run(who::boss_delegates());
  auto result = grading::printed_by(run, "worker", {"resting"}, "lesson");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "\"resting\" was not printed at all"));
}

TEST_F(Grading, RanTimesCountsTheFramesOfACoroutine) {
  auto delegated = grading::run(who::boss_delegates());
  EXPECT_TRUE(grading::ran_times(delegated, "worker", 1, "lesson"));
  auto pretended = grading::run(who::boss_pretends());
  auto result = grading::ran_times(pretended, "worker", 1, "the boss must await the worker");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "worker() never ran (expected 1 time)"));
  EXPECT_TRUE(contains(result.message(), "the boss must await the worker"));
}

TEST_F(Grading, RanTimesExplainsATodo) {
  auto run = grading::run(unfinished());
  EXPECT_TRUE(contains(grading::ran_times(run, "worker", 1, "lesson").message(), "not started"));
}

TEST_F(Grading, UsesLearnersKeepsEachFunctionOnce) {
  grading::clear_learner_functions_used();
  grading::uses_learners("count_up");
  grading::uses_learners("count_up");
  EXPECT_EQ(grading::learner_functions_used(), (std::vector<std::string>{"count_up"}));
  grading::clear_learner_functions_used();
}

// Run alone by the ctest test grading.seed-replay (check_seed_replay.cmake), twice with the same
// AWAITLINGS_SEED and once with another: the same seed must give the same draws.
TEST(SeedReplay, PrintsTheSeedAndItsFirstDraws) {
  std::string draws;
  for (int i = 0; i < 8; ++i) draws += " " + std::to_string(grading::random_int(0, 1000000));
  std::printf("seed=%llu draws=%s\n", static_cast<unsigned long long>(grading::seed()),
              draws.c_str());
  if (const char* text = std::getenv("AWAITLINGS_SEED")) {
    EXPECT_EQ(grading::seed(), std::strtoull(text, nullptr, 10));
  }
}

// ---- the per-call chart ---------------------------------------------------------------------

namespace {

aio::Task<> download(std::string name, aio::Duration d) {
  aio::print("Start ", name);
  co_await aio::sleep(d);
  aio::print("Done ", name);
}

aio::Task<> one_after_another() {
  co_await download("a.txt", 1s);
  co_await download("b.txt", 2s);
}

// The rows of the chart in a failure message (after its title and axis).
std::vector<std::string> chart_rows(const std::string& text) {
  std::vector<std::string> rows;
  std::size_t at = text.find("Per call");
  if (at == std::string::npos) return rows;
  std::istringstream in(text.substr(at));
  std::string line;
  std::getline(in, line);  // title
  std::getline(in, line);  // axis
  while (std::getline(in, line) && (line.rfind(' ', 0) == 0 || line.rfind("expected", 0) == 0 ||
                                    line.rfind("actual", 0) == 0))
    rows.push_back(line);
  return rows;
}

}  // namespace

TEST_F(Grading, AFailedTimelineDrawsOneRowPerCallAsAStaircase) {
  ::setenv("AWAITLINGS_ASCII", "1", 1);
  auto run = grading::run(one_after_another());
  Timeline concurrent{
      {0s, "Start a.txt"}, {0s, "Start b.txt"}, {1s, "Done a.txt"}, {2s, "Done b.txt"}};
  auto result = grading::timeline_is(run, concurrent, "start both, then wait for both");
  ::unsetenv("AWAITLINGS_ASCII");
  ASSERT_FALSE(result);
  std::string text = result.message();
  auto rows = chart_rows(text);
  ASSERT_EQ(rows.size(), 4u) << text;
  // Labelled by the word each call's lines share; expected on top, actual below.
  EXPECT_EQ(rows[0].rfind("expected  a.txt", 0), 0u) << text;
  EXPECT_EQ(rows[2].rfind("actual    a.txt", 0), 0u) << text;
  EXPECT_EQ(rows[3].rfind("          b.txt", 0), 0u) << text;
  // Expected: both bars start at column 0 of the drawing. Actual: b starts where a ends.
  auto start_of = [](const std::string& row) { return row.find('#'); };
  auto end_of = [](const std::string& row) { return row.rfind('#'); };
  EXPECT_EQ(start_of(rows[0]), start_of(rows[1])) << text;
  EXPECT_EQ(start_of(rows[3]), end_of(rows[2])) << text;
  EXPECT_GT(end_of(rows[3]), end_of(rows[1])) << text;  // 3 s instead of 2 s
  EXPECT_EQ(text.find("\u2588"), std::string::npos) << "ASCII asked for, block characters drawn";
  for (const auto& row : rows) EXPECT_LE(row.size(), 100u) << row;
}

TEST_F(Grading, TheChartUsesBlockCharactersOnAUtf8Terminal) {
  ::setenv("LC_ALL", "C.UTF-8", 1);
  auto run = grading::run(one_after_another());
  std::string chart = grading::task_chart(run.transcript(), nullptr);
  ::unsetenv("LC_ALL");
  EXPECT_TRUE(contains(chart, "\u2588"));
  EXPECT_TRUE(contains(chart, "0s"));
  EXPECT_TRUE(contains(chart, "3s"));
}

TEST_F(Grading, AnElapsedTimeFailureDrawsTheActualCalls) {
  auto run = grading::run(one_after_another());
  auto result = grading::elapsed_is(run, 2s, "start both");
  ASSERT_FALSE(result);
  EXPECT_EQ(chart_rows(result.message()).size(), 2u) << result.message();
}

TEST_F(Grading, SideBySideOfARecentRunAlsoDrawsTheChart) {
  auto run = grading::run(one_after_another());
  Timeline expected{{0s, "Start a.txt"}, {1s, "Done a.txt"}};
  EXPECT_TRUE(contains(grading::side_by_side(expected, run.timeline()), "Per call"));
  // A timeline that is not a run's output gets the lines only.
  EXPECT_EQ(grading::side_by_side(expected, expected).find("Per call"), std::string::npos);
}

TEST_F(Grading, NothingToDrawGivesNoChart) {
  auto single = []() -> aio::Task<> { co_await download("a.txt", 1s); };
  auto run = grading::run(single());
  EXPECT_EQ(grading::task_chart(run.transcript(), nullptr), "");  // one row
  auto instant = []() -> aio::Task<> {
    co_await download("a.txt", 0s);
    co_await download("b.txt", 0s);
  };
  auto run0 = grading::run(instant());
  EXPECT_EQ(grading::task_chart(run0.transcript(), nullptr), "");  // no time passed
}
