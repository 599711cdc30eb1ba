// Graders of chapter 02 — waiting with co_await.
//
// Everything runs on the simulated clock: a 2 s aio::sleep costs no real time, so every
// timeline below is compared exactly, and each run must also finish in well under 1 s of real
// time (a blocking sleep cannot hide).
#include <grading/grading.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

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

// The lines of a run, one per row, for messages that show what was printed.
std::string printed_lines(const grading::Timeline& lines) {
  if (lines.empty()) return "  (nothing)\n";
  std::string text;
  for (const auto& line : lines) text += "  " + grading::format_line(line) + "\n";
  return text;
}

// Whether two_steps slept its own parameters: "Step 1 done" `first` after it started, "Step 2
// done" `second` after that. Explains what it slept instead (the tutorial's 1 s and 2 s, say).
// Lines that are missing altogether are left to timeline_is.
template <class T>
::testing::AssertionResult slept_its_parameters(const grading::Run<T>& run, aio::Duration start,
                                                aio::Duration first, aio::Duration second,
                                                const grading::Timeline& expected) {
  if (run.error) return grading::finished(run);
  grading::Timeline actual = run.timeline();
  auto at = [&](const std::string& text) {
    return std::find_if(actual.begin(), actual.end(),
                        [&](const grading::Line& line) { return line.text == text; });
  };
  auto step1 = at("Step 1 done");
  auto step2 = at("Step 2 done");
  if (step1 == actual.end() || step2 == actual.end()) return ::testing::AssertionSuccess();
  aio::Duration slept1 = step1->time - start;
  aio::Duration slept2 = step2->time - step1->time;
  if (slept1 == first && slept2 == second) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "two_steps(" << format_duration(first) << ", " << format_duration(second)
          << ") waited " << format_duration(slept1) << " before \"Step 1 done\" and "
          << format_duration(slept2) << " more before \"Step 2 done\"";
  if (slept1 == 1s && slept2 == 2s) {
    failure << ": the tutorial's 1 s and 2 s, not the durations it was called with.\n"
            << "What you missed: the durations are two_steps' parameters. Sleep for `first`, "
               "then for `second`: co_await aio::sleep(first), not aio::sleep(1s).\n";
  } else {
    failure << ".\nWhat you missed: " << add_up_lesson(first, second) << "\n";
  }
  return failure << grading::side_by_side(expected, actual) << grading::hints_pointer();
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

// The grader's own process, handed to main_flow instead of long_process: it takes a random time,
// prints lines of its own and gives back a random value, so main_flow passes only by awaiting it
// and using what it gave back. Its frames are counted by name: "stand_in_process".
aio::Task<std::string> stand_in_process(aio::Duration takes, std::string value) {
  aio::print("(grader's process) started");
  co_await aio::sleep(takes);
  aio::print("(grader's process) finished");
  co_return value;
}

ch02::Process stand_in(aio::Duration takes, std::string value) {
  return [takes, value] { return stand_in_process(takes, value); };
}

// main_flow awaited the process it was given, once. Says what happened otherwise: it called
// ch02::long_process by name, it printed the process's lines itself, it never awaited anything.
template <class T>
::testing::AssertionResult awaited_the_process(const grading::Run<T>& run) {
  if (run.error) return grading::finished(run);
  const int stand_in_runs = run.started("stand_in_process");
  if (stand_in_runs == 1) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (stand_in_runs > 1) {
    failure << "main_flow awaited the process it was given " << stand_in_runs
            << " times.\nWhat you missed: await long_process() once; the co_await expression is "
               "its value, so keep that in a variable and use it.\n";
  } else if (run.started("long_process") > 0) {
    failure << "main_flow ran ch02::long_process, but never the process the grader passed as "
               "its parameter `long_process`: it called the function by its full name, which "
               "the parameter cannot replace.\nWhat you missed: write co_await long_process(). "
               "The parameter is ch02::long_process unless the caller passes another process, "
               "as here.\n";
  } else {
    std::vector<aio::TranscriptLine> lines = run.transcript();
    bool typed_in = std::any_of(lines.begin(), lines.end(), [](const aio::TranscriptLine& line) {
      return line.text == "Start process..." || line.text == "Process finished!";
    });
    failure << "main_flow never awaited a process: not the one the grader passed, not "
               "ch02::long_process";
    if (typed_in) failure << ", yet it printed the process's lines itself";
    failure << ".\nWhat you missed: long_process does the work (its lines, its 2 s, its value); "
               "main_flow awaits it with co_await long_process() and uses the value it gives "
               "back.\n";
  }
  return failure << "What was printed:\n"
                 << printed_lines(run.timeline()) << grading::hints_pointer();
}

// main_flow printed "Got: <value>" once the process it awaited had finished, with the value that
// process returned. Says which of the two went wrong.
template <class T>
::testing::AssertionResult printed_got(const grading::Run<T>& run, const std::string& finished_text,
                                       const std::string& value) {
  if (run.error) return grading::finished(run);
  grading::Timeline lines = run.timeline();
  auto got = std::find_if(lines.begin(), lines.end(), [](const grading::Line& line) {
    return line.text.rfind("Got: ", 0) == 0;
  });
  auto finished = std::find_if(lines.begin(), lines.end(), [&](const grading::Line& line) {
    return line.text == finished_text;
  });
  auto failure = ::testing::AssertionFailure();
  if (got == lines.end()) {
    failure << "main_flow printed no line starting with \"Got: \".\nWhat you missed: after "
               "co_await long_process() has given its value, print it: aio::print(\"Got: \", "
               "value).\n";
  } else if (finished == lines.end()) {
    // The process never said it finished: its own fault (and its tests'), which the timeline
    // check below shows. Nothing to say about main_flow's order here.
    return ::testing::AssertionSuccess();
  } else if (got < finished) {
    failure << "main_flow printed \"" << got->text << "\" at "
            << grading::format_duration(got->time)
            << ", before the process it awaits had finished (\"" << finished_text << "\" at "
            << grading::format_duration(finished->time) << ").\nWhat you missed: " << got_lesson
            << "\n";
  } else if (got->text != "Got: " + value) {
    failure << "main_flow printed \"" << got->text << "\", but the process it awaited returned \""
            << value << "\".\nWhat you missed: print the value that co_await long_process() "
            << "gave back, not a text of your own: \"Got: \" followed by that value.\n";
  } else {
    return ::testing::AssertionSuccess();
  }
  return failure << "What was printed:\n" << printed_lines(lines) << grading::hints_pointer();
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
  grading::Timeline expected = {{first, "Step 1 done"}, {first + second, "Step 2 done"}};
  ASSERT_TRUE(slept_its_parameters(run, 0s, first, second, expected));
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
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
  grading::uses_learners("long_process");
  auto run = grading::run(ch02::main_flow());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(printed_got(run, "Process finished!", "Result"));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Start process..."}, {2s, "Process finished!"}, {2s, "Got: Result"}}, got_lesson));
  EXPECT_TRUE(grading::printed_by(
      run, "long_process", {"Start process...", "Process finished!"},
      "long_process prints its own two lines; main_flow awaits it and prints only \"Got: ...\"."));
  EXPECT_TRUE(grading::printed_by(run, "main_flow", {"Got: Result"},
                                  "main_flow prints \"Got: \" + the value after its co_await."));
  EXPECT_TRUE(grading::ran_times(run, "long_process", 1,
                                 "main_flow awaits long_process() once and uses its value."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(MainFlow, TakesTwoSecondsAndReturnsTheResult) {
  grading::uses_learners("long_process");
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

// The grader's own process: a random duration and value that no typed-in main_flow can match.
TEST(MainFlow, PrintsAndReturnsWhatItAwaited) {
  aio::Duration takes = milliseconds(grading::random_int(1, 5000));
  std::string value = "value #" + std::to_string(grading::random_int(100, 9999));
  auto run = grading::run(ch02::main_flow(stand_in(takes, value)));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(awaited_the_process(run));
  ASSERT_TRUE(printed_got(run, "(grader's process) finished", value));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "(grader's process) started"},
                                    {takes, "(grader's process) finished"},
                                    {takes, "Got: " + value}},
                                   got_lesson));
  EXPECT_TRUE(grading::elapsed_is(
      run, takes,
      "awaiting a process takes exactly as long as the process: co_await adds no time."));
  EXPECT_TRUE(grading::returned(
      run, value,
      "main_flow returns the value that co_await long_process() gave back (here the grader's "
      "process returned " +
          grading::show_value(value) + "), not a literal."));
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
  grading::Timeline expected = {{delay, "(grader) calling two_steps"},
                                {delay + first, "Step 1 done"},
                                {delay + first + second, "Step 2 done"}};
  ASSERT_TRUE(slept_its_parameters(run, delay, first, second, expected));
  EXPECT_TRUE(grading::timeline_is(run, expected, add_up_lesson(first, second)));
  std::string clock_lesson =
      "aio::now() is the loop's clock, counted from when the loop started, not from when "
      "two_steps was called: here the grader called two_steps at " +
      format_duration(delay) + ", so return aio::now(), not first + second.";
  EXPECT_TRUE(grading::returned(run, delay + first + second, clock_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(TwoSteps, ZeroDurations) {
  // Fixed edge values: a zero wait is still a wait of its own, and adds nothing.
  expect_two_steps(0s, 0s);
  if (HasFailure()) return;
  expect_two_steps(0s, 1500ms);
  if (HasFailure()) return;
  expect_two_steps(1500ms, 0s);
}

TEST(TwoSteps, EachCallReturnsItsOwnLoopsClock) {
  // Two calls in one process, each on a fresh loop whose clock starts at 0: nothing may carry
  // over from the first call to the second (as a static variable would).
  aio::Duration first_call = milliseconds(grading::random_int(1, 3000)) + 1s;
  aio::Duration second_call = milliseconds(grading::random_int(1, 3000));
  expect_two_steps(first_call, 2s);
  if (HasFailure()) return;
  auto run = grading::run(ch02::two_steps(second_call, 1s));
  ASSERT_TRUE(grading::finished(run));
  aio::Duration expected = second_call + 1s;
  std::ostringstream carried;
  if (*run.value == first_call + 2s + expected) {
    carried << "the second call, two_steps(" << format_duration(second_call)
            << ", 1.000 s), ran on a fresh loop (its clock started at 0) and returned "
            << format_duration(*run.value) << ": the first call's "
            << format_duration(first_call + 2s) << " plus this call's " << format_duration(expected)
            << ". Something carried over from the first call.\nWhat you missed: return aio::now(), "
               "the loop's own clock, and keep nothing between calls: a static (or global) "
               "variable is shared by every call and keeps its value from one to the next.\n"
            << grading::hints_pointer();
  }
  ASSERT_TRUE(carried.str().empty() ? ::testing::AssertionSuccess()
                                    : ::testing::AssertionFailure() << carried.str());
  EXPECT_TRUE(grading::returned(
      run, expected,
      "each call of two_steps returns aio::now() of its own loop: a fresh loop starts at 0, so "
      "this one ends at the sum of its two sleeps."));
}
