// Graders of chapter 02 — waiting with co_await.
//
// Everything runs on the simulated clock: a 2 s aio::sleep costs no real time, so every
// timeline below is compared exactly, and each run must also finish in well under 1 s of real
// time (a blocking sleep cannot hide).
#include <grading/grading.hpp>
#include <string>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using grading::format_duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Why a two_steps timeline or elapsed time is wrong, with the numbers of this run.
std::string add_up_lesson(aio::Duration first, aio::Duration second) {
  return "awaits in sequence add up: two_steps sleeps its `first` parameter, then its `second`, "
         "and the second sleep only starts once the first is over, so " +
         format_duration(first) + " then " + format_duration(second) + " ends " +
         format_duration(first + second) + " later.";
}

const std::string got_lesson =
    "co_await long_process() suspends main_flow until long_process has finished and gives back "
    "its value: print \"Got: \" + that value after the co_await, not before.";

const std::string sleep_lesson =
    "co_await aio::sleep(2s) suspends long_process for exactly 2 s of the loop's time: print "
    "\"Start process...\" before it and \"Process finished!\" after it.";

// Runs long_process() while another task ticks every 0.5 s: the ticks must land *during* the
// 2 s wait, which only happens if long_process suspends instead of blocking the thread.
aio::Task<std::string> long_process_beside_a_ticker() {
  auto ticker = aio::create_task(
      []() -> aio::Task<> {
        for (int tick = 1; tick <= 3; ++tick) {
          co_await aio::sleep(500ms);
          aio::print("(grader) tick ", tick);
        }
      },
      "ticker");
  std::string result = co_await ch02::long_process();
  co_await ticker;
  co_return result;
}

// Calls two_steps only after `delay`, so that "the loop's clock" and "first + second" differ.
aio::Task<aio::Duration> two_steps_after(aio::Duration delay, aio::Duration first,
                                         aio::Duration second) {
  co_await aio::sleep(delay);
  aio::print("(grader) calling two_steps");
  co_return co_await ch02::two_steps(first, second);
}

// Grades one two_steps(first, second) run started at time 0.
void expect_two_steps(aio::Duration first, aio::Duration second) {
  SCOPED_TRACE("two_steps(" + format_duration(first) + ", " + format_duration(second) + ")");
  auto run = grading::run(ch02::two_steps(first, second));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson = add_up_lesson(first, second);
  EXPECT_TRUE(
      grading::timeline_is(run, {{first, "Step 1 done"}, {first + second, "Step 2 done"}}, lesson));
  EXPECT_TRUE(grading::elapsed_is(run, first + second, lesson));
  std::string clock_lesson =
      "two_steps returns aio::now() after both sleeps: started at 0, that is " +
      format_duration(first) + " + " + format_duration(second) + ".";
  EXPECT_TRUE(grading::returned(run, first + second, clock_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace

// ---- long_process -------------------------------------------------------------------------

TEST(LongProcess, PrintsStartThenFinishedTwoSecondsLater) {
  auto run = grading::run(ch02::long_process());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run, {{0s, "Start process..."}, {2s, "Process finished!"}},
                                   sleep_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, 2s, sleep_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(LongProcess, ReturnsResult) {
  auto run = grading::run(ch02::long_process());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(
      grading::returned(run, std::string("Result"),
                        "co_return \"Result\" hands the value to whoever awaits long_process()."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(LongProcess, LetsOtherTasksRunWhileItWaits) {
  auto run = grading::run(long_process_beside_a_ticker());
  ASSERT_TRUE(grading::finished(run));
  std::string lesson =
      "co_await aio::sleep suspends only this coroutine: while long_process waits, the event loop "
      "runs other tasks (here the grader's ticker).";
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "Start process..."},
                                    {500ms, "(grader) tick 1"},
                                    {1s, "(grader) tick 2"},
                                    {1500ms, "(grader) tick 3"},
                                    {2s, "Process finished!"}},
                                   lesson));
  EXPECT_TRUE(grading::elapsed_is(run, 2s, sleep_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- main_flow ----------------------------------------------------------------------------

TEST(MainFlow, PrintsGotResultAfterTheProcessFinishes) {
  auto run = grading::run(ch02::main_flow());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Start process..."}, {2s, "Process finished!"}, {2s, "Got: Result"}}, got_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(MainFlow, TakesTwoSecondsAndReturnsTheResult) {
  auto run = grading::run(ch02::main_flow());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::elapsed_is(
      run, 2s,
      "awaiting long_process() takes as long as long_process itself: 2 s, no more, no less."));
  EXPECT_TRUE(
      grading::returned(run, std::string("Result"),
                        "main_flow returns the value that co_await long_process() produced."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- two_steps ----------------------------------------------------------------------------

TEST(TwoSteps, OneSecondThenTwoSecondsIsThreeSeconds) {
  expect_two_steps(1s, 2s);
}

TEST(TwoSteps, AddsUpRandomWholeSeconds) {
  for (int round = 0; round < 3; ++round) {
    expect_two_steps(seconds(grading::random_int(1, 9)), seconds(grading::random_int(1, 9)));
    if (HasFailure()) return;  // one explained failure is enough
  }
}

TEST(TwoSteps, AddsUpRandomFractionalSeconds) {
  for (int round = 0; round < 3; ++round) {
    expect_two_steps(milliseconds(grading::random_int(1, 4999)),
                     milliseconds(grading::random_int(1, 4999)));
    if (HasFailure()) return;
  }
}

TEST(TwoSteps, ReturnsTheLoopClockNotASum) {
  aio::Duration delay = milliseconds(grading::random_int(1, 5000));
  aio::Duration first = milliseconds(grading::random_int(1, 3000));
  aio::Duration second = milliseconds(grading::random_int(1, 3000));
  auto run = grading::run(two_steps_after(delay, first, second));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{delay, "(grader) calling two_steps"},
                                    {delay + first, "Step 1 done"},
                                    {delay + first + second, "Step 2 done"}},
                                   add_up_lesson(first, second)));
  std::string clock_lesson =
      "aio::now() is the loop's clock, counted from when the loop started, not from when "
      "two_steps was called: here the grader called two_steps at " +
      format_duration(delay) + ", so return aio::now(), not first + second.";
  EXPECT_TRUE(grading::returned(run, delay + first + second, clock_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}
