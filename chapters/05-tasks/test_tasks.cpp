// Graders of chapter 05 — tasks: create_task, handles, cancellation, aio::task_group.
//
// Everything runs on the simulated clock, so timelines are compared exactly. Several exercises
// involve a task that would run forever if never stopped; the graders cap simulated time at
// 60 s so that such a mistake ends quickly, and explain it before the generic checks do.
//
// supervise() is graded mostly with the graders' own background task, passed as its parameter:
// it prints lines of its own (so a supervise that prints the ticks itself is caught), and its
// cleanup takes 0.5 s (so only awaiting its handle waits long enough: giving it "a moment" with
// sleep(0) or a short sleep does not). One test keeps the default, the learner's
// background_task, and says so first. The jobs of run_all clean up for 0.5 s too when they are
// cancelled, for the same reason. Edge cases are fixed, on top of the random ones: no urls, no
// jobs, zero durations, repeated urls, results of 0 and below, two calls in one program.
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using aio::Duration;
using grading::format_duration;
using grading::Line;
using grading::Run;
using grading::Timeline;
using std::chrono::milliseconds;

const std::string kTick = "Background task running...";
const std::string kCleanup = "Background task cleaning up";
const std::string kCancelled = "Task cancelled";

// A forgotten (or unstoppable) background task ticks forever: stop the run at 60 s.
grading::Settings capped() {
  grading::Settings settings;
  settings.virtual_limit = 60s;
  return settings;
}

Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

// Index of the first line with this text, or npos.
std::size_t find_line(const Timeline& timeline, const std::string& text, std::size_t from = 0) {
  for (std::size_t i = from; i < timeline.size(); ++i) {
    if (timeline[i].text == text) return i;
  }
  return std::string::npos;
}

// Did a line with this text appear in the running loop's transcript so far?
bool printed_so_far(const std::string& text) {
  for (const auto& line : aio::Loop::current()->report().transcript) {
    if (line.text == text) return true;
  }
  return false;
}

// The lines of a run, one per row, for messages that show what was printed.
std::string printed_lines(const Timeline& lines) {
  if (lines.empty()) return "  (nothing)\n";
  std::string text;
  for (const auto& line : lines) text += "  " + grading::format_line(line) + "\n";
  return text;
}

template <class T>
std::string pending_messages(const Run<T>& run) {
  std::string text;
  for (const auto& d : run.diagnostics()) {
    if (d.kind == aio::Diagnostic::Kind::PendingAtEnd) text += "    \"" + d.message + "\"\n";
  }
  return text;
}

template <class T>
bool ended_with_cancellation(const Run<T>& run) {
  if (!run.error) return false;
  try {
    std::rethrow_exception(run.error);
  } catch (const aio::CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

using grading::holds;

// The run stopped at an aio::todo: grading::finished() reports it as "not started".
template <class T>
bool hit_a_todo(const Run<T>& run) {
  if (!run.error) return false;
  try {
    std::rethrow_exception(run.error);
  } catch (const aio::NotImplemented&) {
    return true;
  } catch (...) {
    return false;
  }
}

// Tasks still running when the main task finished: the loop cancels and reports them. Says why
// that is a mistake (`lesson`, for the exercise at hand), then lets grading::finished() list the
// rest.
const std::string kLeftRunning =
    "a task you create with aio::create_task lives on its own; returning from the coroutine "
    "that created it does not stop it. At the end of the run the loop cancels whatever is left "
    "and reports it, because in a real program that work would be cut off half-way. Either "
    "await the task until it finishes, or cancel() it and then await it (or let an "
    "aio::task_group do both for you).";

template <class T>
::testing::AssertionResult nothing_left_running(const Run<T>& run,
                                                const std::string& lesson = kLeftRunning) {
  std::string pending = pending_messages(run);
  if (pending.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "a task was still running when the main task finished. The loop reported:\n"
         << pending << "What you missed: " << lesson << "\n"
         << grading::hints_pointer();
}

// ---- background_task ---------------------------------------------------------------------

struct TickerSeen {
  bool threw_cancelled = false;    // awaiting the cancelled handle threw CancelledError
  bool returned_normally = false;  // ... or it just returned
  bool handle_cancelled = false;   // handle.cancelled() afterwards
};

// Starts the learner's background_task, cancels it after `after`, awaits it.
aio::Task<> cancel_ticker_after(Duration after, TickerSeen* seen) {
  auto handle = aio::create_task(ch05::background_task(), "background_task");
  co_await aio::sleep(after);
  handle.cancel();
  try {
    co_await handle;
    seen->returned_normally = true;
  } catch (const aio::CancelledError&) {
    seen->threw_cancelled = true;
  }
  seen->handle_cancelled = handle.cancelled();
}

// The ticks a correct background_task prints when cancelled at `after`: one per whole second
// strictly before it. At exactly k seconds the canceller's timer (set first) wins the tie.
Timeline ticker_timeline(Duration after) {
  Timeline expected;
  for (Duration t = 0s; t < after; t += 1s) expected.push_back({t, kTick});
  expected.push_back({after, kCleanup});
  return expected;
}

// The background task caught CancelledError and carried on ticking.
template <class T>
::testing::AssertionResult kept_ticking_after_cleanup(const Run<T>& run, const std::string& tick,
                                                      const std::string& cleanup) {
  Timeline timeline = run.timeline();
  std::size_t cleaned = find_line(timeline, cleanup);
  if (cleaned == std::string::npos) return ::testing::AssertionSuccess();
  std::size_t ticked = find_line(timeline, tick, cleaned + 1);
  if (ticked == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the background task kept ticking after it was cancelled: it printed \"" << cleanup
         << "\" at " << format_duration(timeline[cleaned].time) << ", then \"" << tick
         << "\" again at " << format_duration(timeline[ticked].time) << ".\n"
         << "What you missed: it caught aio::CancelledError and went on looping. A cancellation "
            "is delivered once: if you catch it and carry on, the task simply never stops, and "
            "whoever awaits it waits forever (here until the grader's 60 s limit). Catch it "
            "around the whole loop, clean up, and rethrow it with `throw;`.\n"
         << grading::hints_pointer();
}

// No tick at or after the moment the grader cancelled the task (at a whole second the
// canceller's timer, set first, wins the tie, so not even then).
template <class T>
::testing::AssertionResult stopped_when_cancelled(const Run<T>& run, Duration cancelled_at) {
  for (const auto& line : run.timeline()) {
    if (line.text != kTick || line.time < cancelled_at) continue;
    return ::testing::AssertionFailure()
           << "the background task kept ticking after it was cancelled at "
           << format_duration(cancelled_at) << ": \"" << kTick << "\" at "
           << format_duration(line.time) << ".\n"
           << "What you missed: the cancellation arrives as aio::CancelledError at the sleep. "
              "If you catch it and go on looping (a catch inside the loop, or a catch (...)), "
              "the task never stops, and whoever awaits it waits forever (here until the "
              "grader's 60 s limit). Catch it around the whole loop, clean up, and rethrow it "
              "with `throw;`.\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// The first tick came at 0 s: print first, then sleep.
template <class T>
::testing::AssertionResult first_tick_at_zero(const Run<T>& run, Duration cancelled_at) {
  const Timeline timeline = run.timeline();
  std::size_t first = find_line(timeline, kTick);
  if (first != std::string::npos && timeline[first].time == 0s) {
    return ::testing::AssertionSuccess();
  }
  auto failure = ::testing::AssertionFailure();
  if (first == std::string::npos) {
    failure << "background_task printed no \"" << kTick << "\" at all before it was cancelled at "
            << format_duration(cancelled_at) << ".\n";
  } else {
    failure << "background_task's first \"" << kTick << "\" came at "
            << format_duration(timeline[first].time)
            << ", not at 0 s: it waited before its first print.\n";
  }
  return failure << "What you missed: in the loop, print first and then co_await "
                    "aio::sleep(1s): the first tick is at 0 s, the next ones a second apart.\n"
                 << grading::side_by_side(ticker_timeline(cancelled_at), timeline)
                 << grading::hints_pointer();
}

TEST(BackgroundTask, TicksEverySecondFromTimeZeroUntilCancelled) {
  // Fixed cases (exactly on a tick, where the canceller wins the tie; before the second tick),
  // then a random one.
  const Duration cases[] = {2s, 500ms, random_ms(1000, 6999)};
  for (Duration after : cases) {
    SCOPED_TRACE("cancelled at " + format_duration(after));
    TickerSeen seen;
    auto run = grading::run(cancel_ticker_after(after, &seen), capped());
    ASSERT_TRUE(stopped_when_cancelled(run, after));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(first_tick_at_zero(run, after));
    ASSERT_TRUE(grading::timeline_is(
        run, ticker_timeline(after),
        "loop forever: print first (the first tick is at 0 s), then co_await aio::sleep(1s). "
        "When the grader cancels the task, that sleep throws aio::CancelledError at once: "
        "catch it by name and print \"" +
            kCleanup + "\" right then."));
    ASSERT_TRUE(grading::elapsed_is(
        run, after, "a cancelled sleep ends at once: the task stops when it is cancelled"));
    ASSERT_TRUE(grading::real_time_below(run, 1s));
  }
}

TEST(BackgroundTask, CleansUpThenLetsTheCancellationThrough) {
  Duration after = random_ms(1000, 4999);
  SCOPED_TRACE("cancelled at " + format_duration(after));
  TickerSeen seen;
  auto run = grading::run(cancel_ticker_after(after, &seen), capped());
  ASSERT_TRUE(stopped_when_cancelled(run, after));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(
      holds(!seen.returned_normally)
      << "background_task() finished normally after it was cancelled: awaiting its handle "
         "returned instead of throwing aio::CancelledError.\n"
      << "What you missed: it caught aio::CancelledError and did not rethrow it. To the code "
         "that cancelled it, the task now looks as if it ran to completion, so nobody can tell "
         "it was stopped (and a TaskGroup or gather that cancelled it cannot tell either). "
         "Clean up, then `throw;`.\n"
      << grading::hints_pointer());
  ASSERT_TRUE(holds(find_line(run.timeline(), kCleanup) != std::string::npos)
              << "background_task() never printed \"" << kCleanup
              << "\": catch aio::CancelledError by name around the loop and print it there.\n"
              << "What was printed:\n"
              << printed_lines(run.timeline()) << grading::hints_pointer());
  EXPECT_TRUE(
      holds(seen.threw_cancelled && seen.handle_cancelled)
      << "awaiting the cancelled background task should throw aio::CancelledError, and its "
         "handle should then report cancelled(): the task must end with the cancellation it "
         "received.\n"
      << grading::hints_pointer());
}

// ---- the graders' background task, for supervise -------------------------------------------

const std::string kGraderTick = "(grader's background task) running...";
const std::string kGraderCleanupStarts = "(grader's background task) cleaning up...";
const std::string kGraderCleanupDone = "(grader's background task) cleaned up";
constexpr Duration kGraderCleanup = 500ms;

// Ticks like background_task, with lines of its own. Its cleanup awaits (0.5 s after the catch
// block, where co_await is allowed), so only awaiting its handle waits until it has stopped.
aio::Task<> graders_background_task() {
  try {
    while (true) {
      aio::print(kGraderTick);
      co_await aio::sleep(1s);
    }
  } catch (const aio::CancelledError&) {
    aio::print(kGraderCleanupStarts);
  }
  co_await aio::sleep(kGraderCleanup);
  aio::print(kGraderCleanupDone);
  throw aio::CancelledError{};
}

// The background task a supervise run uses, and the lines it prints.
struct Ticker {
  std::string function;  // its coroutine, as the loop counts it
  std::string tick;
  std::string cleanup_starts;
  std::string cleanup_done;  // the same line as cleanup_starts when the cleanup takes no time
  Duration cleanup{};
};

const Ticker kLearnersTicker{"background_task", kTick, kCleanup, kCleanup, 0s};
const Ticker kGradersTicker{"graders_background_task", kGraderTick, kGraderCleanupStarts,
                            kGraderCleanupDone, kGraderCleanup};

Timeline supervise_timeline(const Ticker& ticker) {
  Timeline expected{
      {0s, ticker.tick}, {1s, ticker.tick}, {2s, ticker.tick}, {3s, ticker.cleanup_starts}};
  if (ticker.cleanup_done != ticker.cleanup_starts) {
    expected.push_back({3s + ticker.cleanup, ticker.cleanup_done});
  }
  expected.push_back({3s + ticker.cleanup, kCancelled});
  return expected;
}

struct SuperviseSeen {
  bool returned = false;                    // supervise() came back
  bool cleanup_done_before_return = false;  // ... after the background task's cleanup ended
};

aio::Task<> run_supervise(aio::Task<> supervising, const Ticker* ticker, SuperviseSeen* seen) {
  co_await std::move(supervising);
  seen->returned = true;
  seen->cleanup_done_before_return = printed_so_far(ticker->cleanup_done);
}

// supervise() with the graders' background task as its parameter.
Run<void> run_supervise_with_graders_task(SuperviseSeen& seen) {
  ch05::Background background = [] { return graders_background_task(); };
  aio::Task<> supervising = ch05::supervise(std::move(background));
  return grading::run(run_supervise(std::move(supervising), &kGradersTicker, &seen), capped());
}

// supervise() as the tutorial calls it: with the learner's background_task.
Run<void> run_supervise_with_learners_task(SuperviseSeen& seen) {
  aio::Task<> supervising = ch05::supervise();
  return grading::run(run_supervise(std::move(supervising), &kLearnersTicker, &seen), capped());
}

const std::string kSuperviseRole =
    "background_task does the ticking, as a task of its own; supervise starts it with "
    "aio::create_task(background_task()) (the parameter: your background_task unless the "
    "caller passes another task), sleeps 3 s, cancels it, and waits for it to stop.";

// Recognises the typical supervise() mistakes and explains each one.
template <class T>
::testing::AssertionResult supervise_diagnosis(const Run<T>& run, const SuperviseSeen& seen,
                                               const Ticker& ticker) {
  if (hit_a_todo(run)) return grading::finished(run);
  const Timeline timeline = run.timeline();
  const Timeline expected = supervise_timeline(ticker);
  // Did supervise start the background task it was given, once?
  const int started = run.started(ticker.function);
  if (started != 1) {
    auto failure = ::testing::AssertionFailure();
    // A tick printed by someone: the given task's line, or the tutorial's typed in.
    const std::string tick_text =
        grading::printer_of(run, ticker.tick).empty() ? kTick : ticker.tick;
    const std::string printer = grading::printer_of(run, tick_text);
    if (started > 1) {
      failure << "supervise() started the background task " << started
              << " times.\nWhat you missed: start it once, keep its handle, then cancel and "
                 "await that one task.\n";
    } else if (&ticker == &kGradersTicker && run.started("background_task") > 0) {
      failure << "supervise() started ch05::background_task, but never the background task the "
                 "grader passed as its parameter `background_task`: it named the function in a "
                 "way the parameter cannot replace (ch05::background_task()).\nWhat you missed: "
                 "write aio::create_task(background_task()). The parameter is your "
                 "background_task unless the caller passes another task, as here.\n";
    } else if (!printer.empty()) {
      failure << "the ticks (\"" << tick_text << "\") were printed by " << printer
              << " itself: supervise() never started the background task it was given.\n"
              << "What you missed: " << kSuperviseRole << "\n";
    } else {
      failure << "supervise() never started the background task it was given (its parameter "
                 "`background_task`).\nWhat you missed: "
              << kSuperviseRole << "\n";
    }
    return failure << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  const std::size_t cleanup_starts = find_line(timeline, ticker.cleanup_starts);
  const std::size_t cleanup_done = find_line(timeline, ticker.cleanup_done);
  const std::size_t reported = find_line(timeline, kCancelled);
  std::size_t late_tick = std::string::npos;  // a tick at 3 s or later
  for (std::size_t i = 0; i < timeline.size() && late_tick == std::string::npos; ++i) {
    if (timeline[i].text == ticker.tick && timeline[i].time >= 3s) late_tick = i;
  }
  // Still ticking at 3 s, before any cleanup: nobody cancelled it (any cleanup line after that
  // comes from the loop cancelling leftovers at the end of the run).
  if (late_tick != std::string::npos &&
      (cleanup_starts == std::string::npos || late_tick < cleanup_starts)) {
    return ::testing::AssertionFailure()
           << "the background task was never cancelled: it was still printing \"" << ticker.tick
           << "\" at " << format_duration(timeline[late_tick].time) << ".\n"
           << (pending_messages(run).empty()
                   ? std::string()
                   : "The loop found it still running when supervise() had finished, cancelled "
                     "it itself, and reported:\n" +
                         pending_messages(run))
           << "What you missed: a task started with aio::create_task runs on its own until it "
              "finishes or is cancelled; sleeping 3 s and printing \"Task cancelled\" does not "
              "stop it, and neither does returning. After the 3 s sleep, call cancel() on its "
              "handle, then co_await the handle.\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  if (auto swallowed = kept_ticking_after_cleanup(run, ticker.tick, ticker.cleanup_starts);
      !swallowed) {
    return swallowed;
  }
  if (ended_with_cancellation(run)) {
    return ::testing::AssertionFailure()
           << "aio::CancelledError escaped from supervise().\n"
           << "What you missed: awaiting the handle of a task you cancelled throws "
              "aio::CancelledError once that task has stopped: it is the confirmation you are "
              "waiting for, not a failure of supervise itself. Catch it by name around the "
              "co_await and print \"Task cancelled\" in that handler.\n"
           << grading::hints_pointer();
  }
  if (reported == std::string::npos || cleanup_starts == std::string::npos) {
    return ::testing::AssertionSuccess();  // the checks that follow explain a missing line
  }
  if (reported < cleanup_starts) {
    if (seen.returned && !seen.cleanup_done_before_return) {
      return ::testing::AssertionFailure()
             << "supervise() returned before the background task had finished: it printed \""
             << kCancelled << "\" and returned while the task had only been *asked* to stop "
             << "(its \"" << ticker.cleanup_starts << "\" came after supervise was already "
             << "done).\n"
             << "What you missed: cancel() is a request. The task stops later, when the loop "
                "next runs it and its suspension point throws. To know that it has stopped, "
                "and to see how it ended, co_await its handle: that throws "
                "aio::CancelledError once the task is done.\n"
             << grading::side_by_side(expected, timeline) << grading::hints_pointer();
    }
    return ::testing::AssertionFailure()
           << "supervise() printed \"" << kCancelled << "\" before the background task had "
           << "stopped: the line came before the task's \"" << ticker.cleanup_starts << "\".\n"
           << "What you missed: print it once the cancellation is a fact, not a plan. First "
              "cancel(), then co_await the handle: the co_await throws aio::CancelledError when "
              "the task has finished cancelling. Print \"Task cancelled\" in that catch.\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  // The cleanup has a line of its own for its end (the graders' task): it must come first.
  const bool separate_end = ticker.cleanup_done != ticker.cleanup_starts;
  if (separate_end && (cleanup_done == std::string::npos || reported < cleanup_done)) {
    auto failure = ::testing::AssertionFailure();
    failure << "supervise() printed \"" << kCancelled << "\" at "
            << format_duration(timeline[reported].time)
            << " while the background task was still cleaning up: the task began its cleanup at "
            << format_duration(timeline[cleanup_starts].time) << " (\"" << ticker.cleanup_starts
            << "\") and ";
    if (cleanup_done == std::string::npos) {
      failure << "never got to finish it (\"" << ticker.cleanup_done
              << "\"): supervise had returned, the run ended and the loop stopped the task "
                 "half-way.";
    } else {
      failure << "finished it only at " << format_duration(timeline[cleanup_done].time) << " (\""
              << ticker.cleanup_done << "\").";
    }
    return failure << " So supervise let the task run for a moment after cancel() - a sleep(0), "
                      "a short sleep - but did not wait for it to finish.\n"
                   << "What you missed: yielding lets the cancelled task take one step; awaiting "
                      "its handle waits until it has really finished, however long its cleanup "
                      "takes. co_await the handle, catch the aio::CancelledError it throws, and "
                      "print \""
                   << kCancelled << "\" there.\n"
                   << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

std::string tie_lesson(const Ticker& ticker) {
  std::string lesson =
      "create_task starts the background task when supervise first suspends (its 3 s sleep), "
      "so it ticks at 0, 1 and 2 s. At 3 s two timers are due: supervise's (set at 0 s) and the "
      "background task's (set at 2 s). Timers due at the same instant fire in the order they "
      "were set, so supervise runs first and cancels the task before it can tick a fourth "
      "time. ";
  if (ticker.cleanup > 0s) {
    lesson += "The task's cleanup then takes " + format_duration(ticker.cleanup) +
              ", and awaiting its handle lets supervise print \"" + kCancelled +
              "\" once it has finished.";
  } else {
    lesson += "The task then cleans up, and awaiting its handle lets supervise print \"" +
              kCancelled + "\".";
  }
  return lesson;
}

TEST(Supervise, TicksThreeTimesThenCancelsTheTaskAtThreeSeconds) {
  // The graders' own background task: a bug in your background_task cannot show up here.
  SuperviseSeen seen;
  auto run = run_supervise_with_graders_task(seen);
  ASSERT_TRUE(supervise_diagnosis(run, seen, kGradersTicker));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(
      grading::timeline_is(run, supervise_timeline(kGradersTicker), tie_lesson(kGradersTicker)));
  EXPECT_TRUE(grading::elapsed_is(run, 3s + kGraderCleanup,
                                  "supervise sleeps 3 s and cancels the task, then waits for "
                                  "its cleanup (0.5 s for the grader's task): 3.5 s in all"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Supervise, ReportsTheCancellationOnlyOnceTheTaskHasStopped) {
  // The graders' background task takes 0.5 s to clean up: only awaiting its handle waits that
  // long.
  SuperviseSeen seen;
  auto run = run_supervise_with_graders_task(seen);
  ASSERT_TRUE(supervise_diagnosis(run, seen, kGradersTicker));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  const Timeline timeline = run.timeline();
  ASSERT_TRUE(holds(find_line(timeline, kGraderCleanupDone) != std::string::npos)
              << "the background task never finished its cleanup (\"" << kGraderCleanupDone
              << "\"): was it cancelled?\n"
              << grading::side_by_side(supervise_timeline(kGradersTicker), timeline)
              << grading::hints_pointer());
  ASSERT_TRUE(holds(find_line(timeline, kCancelled) != std::string::npos)
              << "supervise() never printed \"" << kCancelled
              << "\": print it in the handler that catches the CancelledError from co_await on the "
                 "handle.\n"
              << grading::side_by_side(supervise_timeline(kGradersTicker), timeline)
              << grading::hints_pointer());
  EXPECT_TRUE(
      holds(seen.cleanup_done_before_return)
      << "supervise() returned before the background task had finished its cleanup: await its "
         "handle.\n"
      << grading::hints_pointer());
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Supervise, StartsTheBackgroundTaskItIsGiven) {
  SuperviseSeen seen;
  auto run = run_supervise_with_graders_task(seen);
  ASSERT_TRUE(supervise_diagnosis(run, seen, kGradersTicker));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::printed_by(run, "graders_background_task",
                                  {kGraderTick, kGraderCleanupStarts, kGraderCleanupDone},
                                  kSuperviseRole));
  EXPECT_TRUE(grading::printed_by(run, "supervise", {kCancelled},
                                  "supervise prints \"Task cancelled\" itself, in the catch "
                                  "around co_await on the task's handle."));
}

TEST(Supervise, ByDefaultYourBackgroundTaskDoesTheTicking) {
  grading::uses_learners("background_task");
  SuperviseSeen seen;
  auto run = run_supervise_with_learners_task(seen);
  ASSERT_TRUE(supervise_diagnosis(run, seen, kLearnersTicker));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::printed_by(run, "background_task", {kTick, kCleanup}, kSuperviseRole));
  ASSERT_TRUE(grading::ran_times(run, "background_task", 1,
                                 "supervise starts one background task, with the default of "
                                 "its parameter: your background_task."));
  ASSERT_TRUE(
      grading::timeline_is(run, supervise_timeline(kLearnersTicker), tie_lesson(kLearnersTicker)));
  EXPECT_TRUE(grading::elapsed_is(
      run, 3s, "supervise sleeps 3 s, cancels, and your task's cleanup takes no time: 3 s"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Supervise, LeavesNothingRunning) {
  SuperviseSeen seen;
  auto run = run_supervise_with_graders_task(seen);
  ASSERT_TRUE(supervise_diagnosis(run, seen, kGradersTicker));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(seen.returned);
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- download_while_working ----------------------------------------------------------------

aio::Task<std::string> fake_download(std::string url, Duration takes) {
  aio::print("downloading ", url);
  co_await aio::sleep(takes);
  aio::print("downloaded ", url);
  co_return "<page of " + url + ">";
}

aio::Task<> fake_work(Duration takes) {
  aio::print("writing the report");
  co_await aio::sleep(takes);
  aio::print("report written");
}

struct DownloadCase {
  std::vector<std::string> urls;
  std::vector<Duration> takes;  // per url: the i-th download takes takes[i]
  Duration work{};
};

// `n` urls with distinct random names and durations, and a work duration distinct from them
// all (no two events at the same instant: the order of the expected timeline is unambiguous).
DownloadCase random_download_case(int n) {
  DownloadCase c;
  std::set<int> used_ms;
  std::set<int> used_ids;
  auto fresh_ms = [&] {
    int ms = 0;
    do ms = grading::random_int(300, 6000);
    while (!used_ms.insert(ms).second);
    return ms;
  };
  for (int i = 0; i < n; ++i) {
    int id = 0;
    do id = grading::random_int(1, 999);
    while (!used_ids.insert(id).second);
    c.urls.push_back("site" + std::to_string(id) + ".example");
    c.takes.push_back(milliseconds(fresh_ms()));
  }
  c.work = milliseconds(fresh_ms());
  return c;
}

// The urls download was called with, in call order.
struct DownloadCalls {
  std::vector<std::string> urls;
};

// The graders' download: the i-th call takes c.takes[i]. The calls are checked to follow the
// order of `urls`, so the i-th url's download takes takes[i], even when a url repeats.
ch05::Download downloader_for(const DownloadCase& c, std::shared_ptr<DownloadCalls> calls) {
  // A plain lambda calling a coroutine function with by-value parameters: nothing can dangle.
  return [takes = c.takes, calls](std::string url) {
    const std::size_t i = calls->urls.size();
    calls->urls.push_back(url);
    return fake_download(std::move(url), i < takes.size() ? takes[i] : 0s);
  };
}

std::vector<std::string> pages_of(const std::vector<std::string>& urls) {
  std::vector<std::string> pages;
  for (const auto& url : urls) pages.push_back("<page of " + url + ">");
  return pages;
}

// The work starts first (it runs before the tasks do), then every download at 0 s in url order;
// the ends come in time order, and at equal times the work's first (its timer was set first),
// then the downloads in url order.
Timeline download_timeline(const DownloadCase& c) {
  Timeline expected{{0s, "writing the report"}};
  for (const auto& url : c.urls) expected.push_back({0s, "downloading " + url});
  Timeline ends{{c.work, "report written"}};
  for (std::size_t i = 0; i < c.urls.size(); ++i)
    ends.push_back({c.takes[i], "downloaded " + c.urls[i]});
  std::stable_sort(ends.begin(), ends.end(),
                   [](const Line& a, const Line& b) { return a.time < b.time; });
  expected.insert(expected.end(), ends.begin(), ends.end());
  return expected;
}

std::string download_lesson(const DownloadCase& c, Duration took) {
  Duration longest = c.work;
  Duration sum = c.work;
  Duration longest_download = 0s;
  for (Duration d : c.takes) {
    longest = std::max(longest, d);
    longest_download = std::max(longest_download, d);
    sum += d;
  }
  std::string lesson;
  if (c.takes.empty()) {
    lesson = "with no urls there is only the work, " + format_duration(c.work) + ". ";
  } else {
    lesson = "the downloads take ";
    for (std::size_t i = 0; i < c.takes.size(); ++i) {
      if (i > 0) lesson += i + 1 == c.takes.size() ? " and " : ", ";
      lesson += format_duration(c.takes[i]);
    }
    lesson += ", and the work takes " + format_duration(c.work) +
              "; run concurrently, they all overlap, so the whole takes the longest of them, " +
              format_duration(longest) + ". ";
  }
  if (took == sum && sum != longest) {
    lesson +=
        "You took their sum: everything ran one after another. `co_await download(url)` waits "
        "for that download before the next line runs (and so does awaiting each handle right "
        "after creating it). Create all the tasks first, then work, then await the handles.";
  } else if (took == longest_download + c.work && took != longest) {
    lesson +=
        "You took the longest download plus the work: the work did not overlap with the "
        "downloads. Start the downloads, then do the work, and only then await the handles.";
  } else {
    lesson += "Create every task first, then co_await work(), then await the handles.";
  }
  return lesson;
}

// download was called once per url, in the order of `urls`. Says what happened otherwise.
::testing::AssertionResult downloaded_every_url(const DownloadCalls& calls,
                                                const std::vector<std::string>& urls) {
  if (calls.urls == urls) return ::testing::AssertionSuccess();
  const std::set<std::string> distinct(urls.begin(), urls.end());
  const std::set<std::string> distinct_called(calls.urls.begin(), calls.urls.end());
  auto failure = ::testing::AssertionFailure();
  if (calls.urls.empty()) {
    failure << "download_while_working never called `download`: start one task per url with "
               "aio::create_task(download(url)).\n";
  } else if (distinct.size() < urls.size() && calls.urls.size() == distinct.size() &&
             distinct_called == distinct) {
    failure << "download_while_working called download " << calls.urls.size() << " times for "
            << urls.size() << " urls: once per distinct url. A url that appears twice in "
            << "`urls` is two downloads, each with a page of its own in the result: start one "
               "task per element of `urls`, repeated urls included.\n";
  } else if (calls.urls.size() != urls.size()) {
    failure << "download_while_working called download " << calls.urls.size() << " times for "
            << urls.size() << " urls: one download per url.\n";
  } else {
    failure << "download_while_working called download for the right urls but not in the "
               "order of `urls`: create the tasks in that order.\n";
  }
  return failure << grading::hints_pointer();
}

struct DownloadRun {
  Run<std::vector<std::string>> run;
  std::shared_ptr<DownloadCalls> calls;
};

DownloadRun run_download_while_working(const DownloadCase& c) {
  auto calls = std::make_shared<DownloadCalls>();
  ch05::Download download = downloader_for(c, calls);
  ch05::Work work = [w = c.work] { return fake_work(w); };
  return {grading::run(ch05::download_while_working(c.urls, download, work)), calls};
}

void expect_download_while_working(const DownloadCase& c) {
  auto [run, calls] = run_download_while_working(c);
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_url(*calls, c.urls));
  Duration longest = c.work;
  for (Duration d : c.takes) longest = std::max(longest, d);
  ASSERT_TRUE(grading::elapsed_is(run, longest, download_lesson(c, run.elapsed)));
  ASSERT_TRUE(grading::timeline_is(
      run, download_timeline(c),
      "create_task does not run anything yet: the tasks start when your coroutine first "
      "suspends. So co_await work() runs first (\"writing the report\" at 0 s), and when it "
      "waits, every download starts, in the order you created them, at 0 s too."));
  EXPECT_TRUE(grading::returned(run, pages_of(c.urls),
                                "return the pages in the order of `urls` (the order of the "
                                "handles), whatever order the downloads finished in"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(DownloadWhileWorking, TakesAsLongAsTheLongestPartNotTheSum) {
  DownloadCase c = random_download_case(grading::random_int(2, 4));
  expect_download_while_working(c);
}

TEST(DownloadWhileWorking, TakesAsLongAsTheWorkWhenTheWorkIsLongest) {
  DownloadCase c = random_download_case(grading::random_int(2, 4));
  Duration longest = *std::max_element(c.takes.begin(), c.takes.end());
  c.work = longest + random_ms(1, 2000);
  expect_download_while_working(c);
}

TEST(DownloadWhileWorking, ReturnsPagesInUrlOrderWhateverOrderTheyFinish) {
  DownloadCase c = random_download_case(grading::random_int(3, 4));
  // The first url finishes last, the last one first.
  std::sort(c.takes.begin(), c.takes.end(), std::greater<>());
  expect_download_while_working(c);
}

TEST(DownloadWhileWorking, NoUrlsIsJustTheWork) {
  expect_download_while_working({{}, {}, 1500ms});
}

TEST(DownloadWhileWorking, ZeroDurationsTakeNoTime) {
  {
    SCOPED_TRACE("a download of 0 s, work of 0 s");
    expect_download_while_working({{"instant.example", "slow.example"}, {0s, 1200ms}, 0s});
  }
  if (HasFailure()) return;
  SCOPED_TRACE("everything 0 s");
  expect_download_while_working({{"a.example", "b.example"}, {0s, 0s}, 0s});
}

TEST(DownloadWhileWorking, RepeatedUrlsAreDownloadsOfTheirOwn) {
  expect_download_while_working(
      {{"same.example", "other.example", "same.example"}, {2s, 1s, 500ms}, 1500ms});
}

TEST(DownloadWhileWorking, TwoCallsInOneProgramEachGetTheirOwnPages) {
  const DownloadCase first{{"first-a.example", "first-b.example"}, {1s, 2s}, 500ms};
  const DownloadCase second{{"second-a.example"}, {700ms}, 300ms};
  {
    SCOPED_TRACE("first call");
    auto [run, calls] = run_download_while_working(first);
    ASSERT_TRUE(nothing_left_running(run));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(
        grading::returned(run, pages_of(first.urls), "return the pages in the order of `urls`"));
  }
  SCOPED_TRACE("second call, in the same program");
  auto [run, calls] = run_download_while_working(second);
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  const std::vector<std::string> first_pages = pages_of(first.urls);
  for (const auto& page : *run.value) {
    ASSERT_TRUE(
        holds(std::find(first_pages.begin(), first_pages.end(), page) == first_pages.end())
        << "the second call of download_while_working returned "
        << ::testing::PrintToString(*run.value) << ": \"" << page
        << "\" is a page of the FIRST call, which downloaded other urls. Something kept the "
           "first call's pages until the second call (a `static` variable, or one outside the "
           "function, lives as long as the program).\nWhat you missed: each call starts from "
           "nothing: keep the handles and the pages in local variables of the coroutine.\n"
        << grading::hints_pointer());
  }
  EXPECT_TRUE(grading::returned(run, pages_of(second.urls),
                                "return the pages of this call's urls, in their order"));
}

// ---- run_all -------------------------------------------------------------------------------

constexpr Duration kJobCleanup = 500ms;

// A job of the graders': prints, sleeps, returns `value`. Cancelled, it cleans up for
// kJobCleanup (after the catch block, where co_await is allowed) and ends cancelled, so only
// waiting for it (as a task group does) waits until it has stopped.
aio::Task<int> grader_job(std::string name, Duration takes, int value) {
  aio::print(name, " started");
  bool cancelled = false;
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    aio::print(name, " cancelled");
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(kJobCleanup);
    aio::print(name, " cleaned up");
    throw aio::CancelledError{};
  }
  aio::print(name, " finished");
  co_return value;
}

aio::Task<int> failing_job(std::string name, Duration fails_at, std::string message) {
  aio::print(name, " started");
  co_await aio::sleep(fails_at);
  aio::print(name, " failed");
  throw std::runtime_error(message);
}

std::string job_name(std::size_t i) {
  return "job " + std::to_string(i + 1);
}

// "job 3" from "job 3 finished".
std::string job_of(const std::string& line) {
  const std::size_t digits = line.find_first_not_of("0123456789", 4);
  return line.substr(0, digits);
}

// How run_all ended, seen from its caller.
struct Ending {
  std::string how;  // the failure's message, "cancelled", or "returned normally"
  Duration at{};    // when
};

// Calls run_all and hands back the message of the std::runtime_error it throws (and when it
// came out), so that the graders can compare the timeline of a run that is meant to fail.
aio::Task<std::string> run_all_expecting_failure(std::vector<ch05::Job> jobs, Ending* ending) {
  std::string how = "(run_all returned normally)";
  try {
    aio::Task<std::vector<int>> running = ch05::run_all(std::move(jobs));
    (void)co_await std::move(running);
  } catch (const std::runtime_error& error) {
    how = error.what();
  }
  ending->how = how;
  ending->at = aio::now();
  co_return how;
}

const std::string kGroupFailureLesson =
    "spawn every job into one aio::task_group and catch nothing: the group's first failure "
    "cancels every other child at that instant, waits until they have stopped, and then "
    "rethrows the error.";

const std::string kFailureLeftJobsRunning =
    "the error left run_all while other jobs were still running: nothing cancelled them and "
    "nothing waited for them. " +
    kGroupFailureLesson;

const std::string kGroupCancelLesson =
    "cancelling the task that waits for an aio::task_group cancels every child of the group at "
    "once and waits until they have stopped; run_all then ends with aio::CancelledError.";

const std::string kCancelLeftJobsRunning =
    "run_all ended while some jobs were still running: cancelling it did not stop them all. " +
    kGroupCancelLesson;

// Every job still running at `at` (a failure, or the cancellation of run_all) was cancelled at
// that instant. Says which jobs were cancelled then, and what happened to the first one that
// was not: it ran on and finished, it was cancelled only later (by the loop, at the end of the
// run), or it was never cancelled.
template <class T>
::testing::AssertionResult every_job_cancelled_at(const Run<T>& run, Duration at,
                                                  const std::string& event,
                                                  const std::string& consequence,
                                                  const std::string& lesson,
                                                  const Timeline& expected) {
  const Timeline timeline = run.timeline();
  std::vector<std::string> cancelled_then;
  std::string missed;  // the first job not cancelled at `at`, and what it did instead
  for (const auto& started : timeline) {
    if (!started.text.ends_with(" started")) continue;
    const std::string job = job_of(started.text);
    const std::size_t failed = find_line(timeline, job + " failed");
    if (failed != std::string::npos && timeline[failed].time <= at) continue;  // the failure
    const std::size_t cancelled = find_line(timeline, job + " cancelled");
    const std::size_t finished = find_line(timeline, job + " finished");
    if (cancelled != std::string::npos && timeline[cancelled].time == at) {
      cancelled_then.push_back(job);
    } else if (finished != std::string::npos && timeline[finished].time <= at) {
      continue;  // it was over before `at`
    } else if (missed.empty()) {
      missed = job + " was still running after " + event + " at " + format_duration(at) + ": ";
      if (finished != std::string::npos) {
        missed += "it printed \"" + timeline[finished].text + "\" at " +
                  format_duration(timeline[finished].time) + ".";
      } else if (cancelled != std::string::npos) {
        missed += "it was cancelled only at " + format_duration(timeline[cancelled].time);
        missed += pending_messages(run).empty()
                      ? "."
                      : ", by the loop, which stops the tasks still running at the end of the "
                        "run.";
      } else {
        missed += "it was never cancelled.";
      }
    }
  }
  if (missed.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << missed << " ";
  if (cancelled_then.empty()) {
    failure << "No job was cancelled then";
  } else {
    failure << "Only ";
    for (std::size_t i = 0; i < cancelled_then.size(); ++i) {
      if (i > 0) failure << (i + 1 == cancelled_then.size() ? " and " : ", ");
      failure << cancelled_then[i];
    }
    failure << (cancelled_then.size() == 1 ? " was" : " were") << " cancelled then";
  }
  return failure << ": " << consequence << ".\nWhat you missed: " << lesson << "\n"
                 << grading::side_by_side(expected, timeline) << grading::hints_pointer();
}

// `what` came out of run_all at `ended_at`; no job may still have been cleaning up then.
template <class T>
::testing::AssertionResult ended_after_every_cleanup(const Run<T>& run, Duration ended_at,
                                                     const std::string& what,
                                                     const Timeline& expected) {
  const Timeline timeline = run.timeline();
  for (const auto& line : timeline) {
    if (!line.text.ends_with(" cleaned up") || line.time <= ended_at) continue;
    const std::string job = job_of(line.text);
    const std::size_t cancelled = find_line(timeline, job + " cancelled");
    auto failure = ::testing::AssertionFailure();
    failure << what << " came out of run_all at " << format_duration(ended_at) << ", but " << job
            << " was still cleaning up then: ";
    if (cancelled != std::string::npos) {
      failure << "it was cancelled at " << format_duration(timeline[cancelled].time) << " and ";
    }
    return failure
           << "finished its cleanup only at " << format_duration(line.time) << " (\"" << line.text
           << "\").\nWhat you missed: cancelling a job is a request, and a cancelled job may take "
              "time to clean up: run_all must not end before every job has really stopped. An "
              "aio::task_group waits for that; so does awaiting each task. Yielding for a moment "
              "(sleep(0), a short sleep) only lets a job take one step.\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// `n` jobs with distinct random durations and random values, and the timeline they print.
struct JobsCase {
  std::vector<ch05::Job> jobs;
  std::vector<int> values;
  Timeline timeline;
  Duration longest{};
};

JobsCase jobs_case(const std::vector<Duration>& takes, const std::vector<int>& values) {
  JobsCase c;
  c.values = values;
  Timeline ends;
  for (std::size_t i = 0; i < takes.size(); ++i) {
    c.jobs.push_back(
        [name = job_name(i), d = takes[i], v = values[i]] { return grader_job(name, d, v); });
    c.timeline.push_back({0s, job_name(i) + " started"});
    ends.push_back({takes[i], job_name(i) + " finished"});
    c.longest = std::max(c.longest, takes[i]);
  }
  std::stable_sort(ends.begin(), ends.end(),
                   [](const Line& a, const Line& b) { return a.time < b.time; });
  c.timeline.insert(c.timeline.end(), ends.begin(), ends.end());
  return c;
}

const std::string kResultsLesson =
    "return the results in job order: after the scope every handle is done, and "
    "handle.result() gives its value (0 and negative numbers are results like any other)";

void expect_run_all(const JobsCase& c) {
  auto run = grading::run(ch05::run_all(c.jobs));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::timeline_is(
      run, c.timeline,
      "spawn every job into the group, in order: they all start at 0 s and run concurrently"));
  EXPECT_TRUE(grading::elapsed_is(run, c.longest,
                                  "the scope ends when its last child has finished: the "
                                  "longest job, not the sum"));
  EXPECT_TRUE(grading::returned(run, c.values, kResultsLesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunAll, ReturnsEveryResultInJobOrder) {
  int n = grading::random_int(2, 5);
  std::vector<Duration> takes;
  std::vector<int> values;
  std::set<int> used;
  for (int i = 0; i < n; ++i) {
    int ms = 0;
    do ms = grading::random_int(300, 6000);
    while (!used.insert(ms).second);
    takes.push_back(milliseconds(ms));
    values.push_back(grading::random_int(1, 9999));
  }
  expect_run_all(jobs_case(takes, values));
}

TEST(RunAll, NoJobsReturnsNothingAtOnce) {
  auto run = grading::run(ch05::run_all({}));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::returned(run, std::vector<int>{},
                                "no jobs, no results: an empty group ends at once"));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "a group with no children has nothing to wait for"));
}

TEST(RunAll, ZeroAndNegativeResultsAreResultsToo) {
  // Fixed values and durations, a job of 0 s among them.
  expect_run_all(jobs_case({1s, 0s, 500ms, 2s}, {0, -42, 7, -1}));
}

TEST(RunAll, TwoCallsInOneProgramEachGetTheirOwnResults) {
  const std::vector<int> first_values{11, 22};
  const std::vector<int> second_values{-5, 0, 7};
  {
    SCOPED_TRACE("first call");
    auto run = grading::run(ch05::run_all(jobs_case({1s, 2s}, first_values).jobs));
    ASSERT_TRUE(nothing_left_running(run));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::returned(run, first_values, kResultsLesson));
  }
  SCOPED_TRACE("second call, in the same program");
  auto run = grading::run(ch05::run_all(jobs_case({300ms, 100ms, 200ms}, second_values).jobs));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  const std::vector<int>& results = *run.value;
  ASSERT_TRUE(
      holds(!(results.size() > second_values.size() &&
              std::equal(first_values.begin(), first_values.end(), results.begin())))
      << "the second call of run_all returned " << ::testing::PrintToString(results) << " for "
      << second_values.size() << " jobs: it starts with the results of the FIRST call ("
      << ::testing::PrintToString(first_values)
      << "). Something kept the first call's handles or results until the second call (a "
         "`static` variable, or one outside the function, lives as long as the program).\n"
         "What you missed: each call starts from nothing: keep the handles and the results in "
         "local variables of the coroutine.\n"
      << grading::hints_pointer());
  EXPECT_TRUE(grading::returned(run, second_values, kResultsLesson));
}

TEST(RunAll, AFailureCancelsTheOtherJobsAtThatInstant) {
  int n = grading::random_int(3, 5);
  // Not the first job: awaiting handles in order would then wait for job 1 first.
  auto failing = static_cast<std::size_t>(grading::random_int(1, n - 1));
  Duration fails_at = random_ms(500, 2000);
  std::string message = "job " + std::to_string(failing + 1) + " failed: error " +
                        std::to_string(grading::random_int(100, 999));
  std::vector<ch05::Job> jobs;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    if (i == failing) {
      jobs.push_back(
          [name = job_name(i), fails_at, message] { return failing_job(name, fails_at, message); });
    } else {
      jobs.push_back([name = job_name(i), d = fails_at + random_ms(1000, 4000)] {
        return grader_job(name, d, 1);
      });
    }
  }
  Timeline expected;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({0s, job_name(i) + " started"});
  expected.push_back({fails_at, job_name(failing) + " failed"});
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    if (i != failing) expected.push_back({fails_at, job_name(i) + " cancelled"});
  }
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    if (i != failing) expected.push_back({fails_at + kJobCleanup, job_name(i) + " cleaned up"});
  }
  SCOPED_TRACE(job_name(failing) + " fails at " + format_duration(fails_at));
  Ending ending;
  auto run = grading::run(run_all_expecting_failure(jobs, &ending), capped());
  ASSERT_TRUE(every_job_cancelled_at(run, fails_at, job_name(failing) + " failed",
                                     "the failure did not cancel its siblings", kGroupFailureLesson,
                                     expected));
  ASSERT_TRUE(ended_after_every_cleanup(run, ending.at, "the error", expected));
  ASSERT_TRUE(nothing_left_running(run, kFailureLeftJobsRunning));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::returned(run, message,
                                "the failing job's exception leaves run_all unchanged (same "
                                "type, same message): do not catch it"));
  ASSERT_TRUE(grading::timeline_is(
      run, expected,
      "the group's first failure cancels every other child at that very instant (in the order "
      "they were spawned); each sees aio::CancelledError at its sleep and cleans up for 0.5 s"));
  EXPECT_TRUE(grading::elapsed_is(
      run, fails_at + kJobCleanup,
      "the error comes out of run_all once the cancelled jobs have finished their cleanup (0.5 "
      "s after the failure), and nothing is left running"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// Starts run_all as a task, cancels it after `after`, and reports how (and when) it ended.
aio::Task<std::string> cancel_run_all_after(std::vector<ch05::Job> jobs, Duration after,
                                            Ending* ending) {
  auto handle = aio::create_task(ch05::run_all(std::move(jobs)), "run_all");
  co_await aio::sleep(after);
  handle.cancel();
  std::string how = "finished normally";
  try {
    (void)co_await handle;
  } catch (const aio::CancelledError&) {
    how = "cancelled";
  }
  ending->how = how;
  ending->at = aio::now();
  co_return how;
}

TEST(RunAll, CancellingItCancelsEveryJob) {
  int n = grading::random_int(2, 4);
  Duration after = random_ms(500, 2000);
  std::vector<ch05::Job> jobs;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    jobs.push_back(
        [name = job_name(i), d = after + random_ms(1000, 4000)] { return grader_job(name, d, 1); });
  }
  Timeline expected;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({0s, job_name(i) + " started"});
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({after, job_name(i) + " cancelled"});
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({after + kJobCleanup, job_name(i) + " cleaned up"});
  SCOPED_TRACE("run_all cancelled at " + format_duration(after));
  Ending ending;
  auto run = grading::run(cancel_run_all_after(jobs, after, &ending), capped());
  ASSERT_TRUE(every_job_cancelled_at(run, after, "run_all was cancelled",
                                     "cancelling run_all did not reach every job",
                                     kGroupCancelLesson, expected));
  ASSERT_TRUE(ended_after_every_cleanup(run, ending.at, "the cancellation", expected));
  ASSERT_TRUE(nothing_left_running(run, kCancelLeftJobsRunning));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::returned(run, std::string("cancelled"),
                                "run_all must end with aio::CancelledError when it is "
                                "cancelled: do not catch it"));
  ASSERT_TRUE(grading::timeline_is(
      run, expected,
      "cancelling the task that waits for a task group cancels every child of the group at "
      "once, and the scope waits for them to stop (each cleans up for 0.5 s)"));
  EXPECT_TRUE(grading::elapsed_is(
      run, after + kJobCleanup,
      "every job stops at the cancellation, and run_all ends once their cleanup is over"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace
