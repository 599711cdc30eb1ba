// Graders of chapter 05 — tasks: create_task, handles, cancellation, aio::task_group.
//
// Everything runs on the simulated clock, so timelines are compared exactly. Several exercises
// involve a task that would run forever if never stopped; the graders cap simulated time at
// 60 s so that such a mistake ends quickly, and explain it before the generic checks do.
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
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
::testing::AssertionResult kept_ticking_after_cleanup(const Run<T>& run) {
  Timeline timeline = run.timeline();
  std::size_t cleanup = find_line(timeline, kCleanup);
  if (cleanup == std::string::npos) return ::testing::AssertionSuccess();
  std::size_t tick = find_line(timeline, kTick, cleanup + 1);
  if (tick == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the background task kept ticking after it was cancelled: it printed \"" << kCleanup
         << "\" at " << format_duration(timeline[cleanup].time) << ", then \"" << kTick
         << "\" again at " << format_duration(timeline[tick].time) << ".\n"
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

TEST(BackgroundTask, TicksEverySecondFromTimeZeroUntilCancelled) {
  Duration after = random_ms(1000, 6999);
  SCOPED_TRACE("cancelled at " + format_duration(after));
  TickerSeen seen;
  auto run = grading::run(cancel_ticker_after(after, &seen), capped());
  ASSERT_TRUE(stopped_when_cancelled(run, after));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(
      run, ticker_timeline(after),
      "loop forever: print first (the first tick is at 0 s), then co_await aio::sleep(1s). When "
      "the grader cancels the task, that sleep throws aio::CancelledError at once: catch it by "
      "name and print \"" +
          kCleanup + "\" right then."));
  EXPECT_TRUE(grading::elapsed_is(
      run, after, "a cancelled sleep ends at once: the task stops when it is cancelled"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(BackgroundTask, CleansUpThenLetsTheCancellationThrough) {
  Duration after = random_ms(1000, 4999);
  SCOPED_TRACE("cancelled at " + format_duration(after));
  TickerSeen seen;
  auto run = grading::run(cancel_ticker_after(after, &seen), capped());
  ASSERT_TRUE(stopped_when_cancelled(run, after));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_FALSE(seen.returned_normally)
      << "background_task() finished normally after it was cancelled: awaiting its handle "
         "returned instead of throwing aio::CancelledError.\n"
      << "What you missed: it caught aio::CancelledError and did not rethrow it. To the code "
         "that cancelled it, the task now looks as if it ran to completion, so nobody can tell "
         "it was stopped (and a TaskGroup or gather that cancelled it cannot tell either). "
         "Clean up, then `throw;`.\n"
      << grading::hints_pointer();
  EXPECT_TRUE(seen.threw_cancelled)
      << "awaiting the cancelled background task should throw aio::CancelledError.\n"
      << grading::hints_pointer();
  EXPECT_TRUE(seen.handle_cancelled)
      << "after the cancellation the task's handle should report cancelled(): the task must "
         "end with aio::CancelledError.\n"
      << grading::hints_pointer();
  EXPECT_NE(find_line(run.timeline(), kCleanup), std::string::npos)
      << "background_task() never printed \"" << kCleanup
      << "\": catch aio::CancelledError by name around the loop and print it there.\n"
      << grading::hints_pointer();
}

// ---- supervise ---------------------------------------------------------------------------

struct SuperviseSeen {
  bool returned = false;               // supervise() came back
  bool cleanup_before_return = false;  // ... after the background task's cleanup line
};

aio::Task<> run_supervise(SuperviseSeen* seen) {
  co_await ch05::supervise();
  seen->returned = true;
  seen->cleanup_before_return = printed_so_far(kCleanup);
}

const Timeline kSuperviseTimeline{
    {0s, kTick}, {1s, kTick}, {2s, kTick}, {3s, kCleanup}, {3s, kCancelled}};

// Recognises the typical supervise() mistakes and explains each one.
template <class T>
::testing::AssertionResult supervise_diagnosis(const Run<T>& run, const SuperviseSeen& seen) {
  Timeline timeline = run.timeline();
  std::size_t cleanup = find_line(timeline, kCleanup);
  std::size_t reported = find_line(timeline, kCancelled);
  std::size_t late_tick = std::string::npos;  // a tick at 3 s or later
  for (std::size_t i = 0; i < timeline.size() && late_tick == std::string::npos; ++i) {
    if (timeline[i].text == kTick && timeline[i].time >= 3s) late_tick = i;
  }
  // Still ticking at 3 s, before any cleanup: nobody cancelled it (any cleanup line after that
  // comes from the loop cancelling leftovers at the end of the run).
  if (late_tick != std::string::npos && (cleanup == std::string::npos || late_tick < cleanup)) {
    return ::testing::AssertionFailure()
           << "the background task was never cancelled: it was still printing \"" << kTick
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
           << grading::side_by_side(kSuperviseTimeline, timeline) << grading::hints_pointer();
  }
  if (auto swallowed = kept_ticking_after_cleanup(run); !swallowed) return swallowed;
  if (ended_with_cancellation(run)) {
    return ::testing::AssertionFailure()
           << "aio::CancelledError escaped from supervise().\n"
           << "What you missed: awaiting the handle of a task you cancelled throws "
              "aio::CancelledError once that task has stopped: it is the confirmation you are "
              "waiting for, not a failure of supervise itself. Catch it by name around the "
              "co_await and print \"Task cancelled\" in that handler.\n"
           << grading::hints_pointer();
  }
  if (cleanup != std::string::npos && reported != std::string::npos && reported < cleanup) {
    if (seen.returned && !seen.cleanup_before_return) {
      return ::testing::AssertionFailure()
             << "supervise() returned before the background task had finished: it printed \""
             << kCancelled << "\" and returned while the task had only been *asked* to stop "
             << "(its \"" << kCleanup << "\" came after supervise was already done).\n"
             << "What you missed: cancel() is a request. The task stops later, when the loop "
                "next runs it and its suspension point throws. To know that it has stopped, "
                "and to see how it ended, co_await its handle: that throws "
                "aio::CancelledError once the task is done.\n"
             << grading::side_by_side(kSuperviseTimeline, timeline) << grading::hints_pointer();
    }
    return ::testing::AssertionFailure()
           << "supervise() printed \"" << kCancelled << "\" before the background task had "
           << "stopped: the line came before the task's \"" << kCleanup << "\".\n"
           << "What you missed: print it once the cancellation is a fact, not a plan. First "
              "cancel(), then co_await the handle: the co_await throws aio::CancelledError when "
              "the task has finished cancelling. Print \"Task cancelled\" in that catch.\n"
           << grading::side_by_side(kSuperviseTimeline, timeline) << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

const std::string kTieLesson =
    "create_task starts the background task when supervise first suspends (its 3 s sleep), so "
    "it ticks at 0, 1 and 2 s. At 3 s two timers are due: supervise's (set at 0 s) and the "
    "ticker's (set at 2 s). Timers due at the same instant fire in the order they were set, so "
    "supervise runs first and cancels the ticker before it can tick a fourth time; the ticker "
    "then cleans up, and awaiting its handle lets supervise print \"Task cancelled\".";

TEST(Supervise, TicksThreeTimesThenCancelsTheTaskAtThreeSeconds) {
  SuperviseSeen seen;
  auto run = grading::run(run_supervise(&seen), capped());
  ASSERT_TRUE(supervise_diagnosis(run, seen));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run, kSuperviseTimeline, kTieLesson));
  EXPECT_TRUE(grading::elapsed_is(
      run, 3s, "supervise sleeps 3 s, cancels, and the cancelled task stops at once: 3 s in all"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Supervise, ReportsTheCancellationOnlyOnceTheTaskHasStopped) {
  SuperviseSeen seen;
  auto run = grading::run(run_supervise(&seen), capped());
  ASSERT_TRUE(supervise_diagnosis(run, seen));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  Timeline timeline = run.timeline();
  std::size_t cleanup = find_line(timeline, kCleanup);
  std::size_t reported = find_line(timeline, kCancelled);
  EXPECT_NE(cleanup, std::string::npos)
      << "the background task never printed \"" << kCleanup
      << "\": it did not see aio::CancelledError (was it cancelled? does it catch it?)\n"
      << grading::side_by_side(kSuperviseTimeline, timeline) << grading::hints_pointer();
  EXPECT_NE(reported, std::string::npos)
      << "supervise() never printed \"" << kCancelled
      << "\": print it in the handler that catches the CancelledError from co_await on the "
         "handle.\n"
      << grading::side_by_side(kSuperviseTimeline, timeline) << grading::hints_pointer();
  EXPECT_TRUE(seen.cleanup_before_return)
      << "supervise() returned before the background task had cleaned up: await its handle.\n"
      << grading::hints_pointer();
}

TEST(Supervise, LeavesNothingRunning) {
  SuperviseSeen seen;
  auto run = grading::run(run_supervise(&seen), capped());
  ASSERT_TRUE(supervise_diagnosis(run, seen));
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
  std::vector<Duration> takes;  // per url
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

ch05::Download downloader_for(const DownloadCase& c) {
  std::map<std::string, Duration> takes;
  for (std::size_t i = 0; i < c.urls.size(); ++i) takes[c.urls[i]] = c.takes[i];
  // A plain lambda calling a coroutine function with by-value parameters: nothing can dangle.
  return [takes](std::string url) { return fake_download(url, takes.at(url)); };
}

Timeline download_timeline(const DownloadCase& c) {
  Timeline expected{{0s, "writing the report"}};
  for (const auto& url : c.urls) expected.push_back({0s, "downloading " + url});
  Timeline ends;
  for (std::size_t i = 0; i < c.urls.size(); ++i)
    ends.push_back({c.takes[i], "downloaded " + c.urls[i]});
  ends.push_back({c.work, "report written"});
  std::sort(ends.begin(), ends.end(), [](const Line& a, const Line& b) { return a.time < b.time; });
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
  std::string lesson = "the downloads take ";
  for (std::size_t i = 0; i < c.takes.size(); ++i) {
    if (i > 0) lesson += i + 1 == c.takes.size() ? " and " : ", ";
    lesson += format_duration(c.takes[i]);
  }
  lesson += ", and the work takes " + format_duration(c.work) +
            "; run concurrently, they all overlap, so the whole takes the longest of them, " +
            format_duration(longest) + ". ";
  if (took == sum) {
    lesson +=
        "You took their sum: everything ran one after another. `co_await download(url)` waits "
        "for that download before the next line runs (and so does awaiting each handle right "
        "after creating it). Create all the tasks first, then work, then await the handles.";
  } else if (took == longest_download + c.work) {
    lesson +=
        "You took the longest download plus the work: the work did not overlap with the "
        "downloads. Start the downloads, then do the work, and only then await the handles.";
  } else {
    lesson += "Create every task first, then co_await work(), then await the handles.";
  }
  return lesson;
}

void expect_download_while_working(const DownloadCase& c) {
  auto run = grading::run(ch05::download_while_working(c.urls, downloader_for(c),
                                                       [w = c.work] { return fake_work(w); }));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  Duration longest = c.work;
  for (Duration d : c.takes) longest = std::max(longest, d);
  EXPECT_TRUE(grading::elapsed_is(run, longest, download_lesson(c, run.elapsed)));
  EXPECT_TRUE(grading::timeline_is(
      run, download_timeline(c),
      "create_task does not run anything yet: the tasks start when your coroutine first "
      "suspends. So co_await work() runs first (\"writing the report\" at 0 s), and when it "
      "sleeps, every download starts, in the order you created them, at 0 s too."));
  std::vector<std::string> pages;
  for (const auto& url : c.urls) pages.push_back("<page of " + url + ">");
  EXPECT_TRUE(grading::returned(run, pages,
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

// ---- run_all -------------------------------------------------------------------------------

aio::Task<int> grader_job(std::string name, Duration takes, int value) {
  aio::print(name, " started");
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    aio::print(name, " cancelled");
    throw;
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

// Calls run_all and hands back the message of the std::runtime_error it throws, so that the
// graders can compare the timeline of a run that is meant to fail.
aio::Task<std::string> run_all_expecting_failure(std::vector<ch05::Job> jobs) {
  try {
    (void)co_await ch05::run_all(std::move(jobs));
  } catch (const std::runtime_error& error) {
    co_return error.what();
  }
  co_return "(run_all returned normally)";
}

const std::string kUnstructuredFailure =
    "tasks started with aio::create_task are independent: when one fails, nobody notices until "
    "its handle is awaited, and meanwhile the others run on (or are left running when the error "
    "escapes). Spawn the jobs into an aio::task_group: its first failure cancels every other "
    "child at that instant, waits for them, and rethrows the error.";

const std::string kUnstructuredCancel =
    "cancelling a task that is awaiting one handle cancels that one task only; the other tasks "
    "it created run on. Cancelling the task that waits for an aio::task_group cancels every "
    "child of the group and waits for them.";

// No job may finish after `at` (a failure, or the cancellation of run_all): all were cancelled.
template <class T>
::testing::AssertionResult no_job_finished_after(const Run<T>& run, Duration at,
                                                 const std::string& event,
                                                 const std::string& lesson) {
  for (const auto& line : run.timeline()) {
    if (line.text.ends_with(" finished") && line.time > at) {
      return ::testing::AssertionFailure()
             << "the jobs kept running after " << event << " at " << format_duration(at) << ": \""
             << line.text << "\" at " << format_duration(line.time) << ".\n"
             << "What you missed: " << lesson << "\n"
             << grading::hints_pointer();
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(RunAll, ReturnsEveryResultInJobOrder) {
  int n = grading::random_int(2, 5);
  std::vector<ch05::Job> jobs;
  std::vector<int> values;
  std::vector<Duration> takes;
  std::set<int> used;
  for (int i = 0; i < n; ++i) {
    int ms = 0;
    do ms = grading::random_int(300, 6000);
    while (!used.insert(ms).second);
    takes.push_back(milliseconds(ms));
    values.push_back(grading::random_int(1, 9999));
    jobs.push_back([name = job_name(static_cast<std::size_t>(i)), d = takes.back(),
                    v = values.back()] { return grader_job(name, d, v); });
  }
  auto run = grading::run(ch05::run_all(jobs));
  ASSERT_TRUE(nothing_left_running(run));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (int i = 0; i < n; ++i)
    expected.push_back({0s, job_name(static_cast<std::size_t>(i)) + " started"});
  Timeline ends;
  for (int i = 0; i < n; ++i)
    ends.push_back(
        {takes[static_cast<std::size_t>(i)], job_name(static_cast<std::size_t>(i)) + " finished"});
  std::sort(ends.begin(), ends.end(), [](const Line& a, const Line& b) { return a.time < b.time; });
  expected.insert(expected.end(), ends.begin(), ends.end());
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      "spawn every job into the group, in order: they all start at 0 s and run concurrently"));
  EXPECT_TRUE(grading::elapsed_is(run, *std::max_element(takes.begin(), takes.end()),
                                  "the scope ends when its last child has finished: the "
                                  "longest job, not the sum"));
  EXPECT_TRUE(grading::returned(run, values,
                                "return the results in job order: after the scope every handle "
                                "is done, and handle.result() gives its value"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
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
  SCOPED_TRACE(job_name(failing) + " fails at " + format_duration(fails_at));
  auto run = grading::run(run_all_expecting_failure(jobs), capped());
  ASSERT_TRUE(
      no_job_finished_after(run, fails_at, job_name(failing) + " failed", kUnstructuredFailure));
  ASSERT_TRUE(nothing_left_running(run, kUnstructuredFailure));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, message,
                                "the failing job's exception leaves run_all unchanged (same "
                                "type, same message): do not catch it"));
  Timeline expected;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({0s, job_name(i) + " started"});
  expected.push_back({fails_at, job_name(failing) + " failed"});
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    if (i != failing) expected.push_back({fails_at, job_name(i) + " cancelled"});
  }
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      "the group's first failure cancels every other child at that very instant (in the order "
      "they were spawned); each sees aio::CancelledError at its sleep"));
  EXPECT_TRUE(grading::elapsed_is(
      run, fails_at,
      "nothing is left running after the failure, so run_all ends when the job fails"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// Starts run_all as a task, cancels it after `after`, and reports how it ended.
aio::Task<std::string> cancel_run_all_after(std::vector<ch05::Job> jobs, Duration after) {
  auto handle = aio::create_task(ch05::run_all(std::move(jobs)), "run_all");
  co_await aio::sleep(after);
  handle.cancel();
  try {
    (void)co_await handle;
  } catch (const aio::CancelledError&) {
    co_return "cancelled";
  }
  co_return "finished normally";
}

TEST(RunAll, CancellingItCancelsEveryJob) {
  int n = grading::random_int(2, 4);
  Duration after = random_ms(500, 2000);
  std::vector<ch05::Job> jobs;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    jobs.push_back(
        [name = job_name(i), d = after + random_ms(1000, 4000)] { return grader_job(name, d, 1); });
  }
  SCOPED_TRACE("run_all cancelled at " + format_duration(after));
  auto run = grading::run(cancel_run_all_after(jobs, after), capped());
  ASSERT_TRUE(no_job_finished_after(run, after, "run_all was cancelled", kUnstructuredCancel));
  ASSERT_TRUE(nothing_left_running(run, kUnstructuredCancel));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({0s, job_name(i) + " started"});
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
    expected.push_back({after, job_name(i) + " cancelled"});
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      "cancelling the task that waits for a task group cancels every child of the group at "
      "once, and the scope waits for them to stop"));
  EXPECT_TRUE(grading::returned(run, std::string("cancelled"),
                                "run_all must end with aio::CancelledError when it is "
                                "cancelled: do not catch it"));
  EXPECT_TRUE(grading::elapsed_is(run, after, "every job stops at the cancellation"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace
