// The graders' toolkit: run learner code on the virtual clock, compare what happened with what
// should have happened, and explain the difference in terms of the lesson that was missed.
//
//   auto run = grading::run(ch02::main_flow());
//   ASSERT_TRUE(grading::finished(run));                 // errors, TODOs, blocked loop, deadlock
//   EXPECT_TRUE(grading::timeline_is(run, {{0s, "Start process..."}, {2s, "Process finished!"}},
//                                    "co_await aio::sleep(2s) suspends for exactly 2 s"));
//   EXPECT_TRUE(grading::elapsed_is(run, 2s, "..."));
//
// Each check returns a ::testing::AssertionResult whose message says what was expected, what
// happened (side by side), which lesson explains the difference, and where the hints are.
#pragma once

#include <gtest/gtest.h>

#include <aio/aio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace grading {

using aio::Duration;
using namespace std::chrono_literals;

// One expected (or observed) line of output: when, and what.
struct Line {
  Duration time{};
  std::string text;
  friend bool operator==(const Line&, const Line&) = default;
};
using Timeline = std::vector<Line>;

// Settings for a graded run. Defaults: simulated time, every diagnostic on, nothing printed.
struct Settings {
  aio::Clock clock = aio::Clock::Virtual;
  Duration slow_step = std::chrono::milliseconds(100);
  Duration watchdog = std::chrono::seconds(5);
  // One step running this long never returns (a loop with no co_await): the test is ended with
  // an explanation, well before ctest's timeout.
  Duration stuck_step = std::chrono::seconds(3);
  Duration virtual_limit = std::chrono::hours(1);
  // aio::to_thread's worker threads (aio::RunOptions::workers). 0: the runtime's default, one per
  // core, which is only two on a small machine: a grader that must see N jobs run at once asks
  // for N.
  std::size_t workers = 0;
};

// What a graded run left behind.
template <class T>
struct Run {
  using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  std::optional<Value> value;         // set when the code returned normally
  std::exception_ptr error;           // set when it threw
  Duration elapsed{};                 // simulated (or real, on the real clock) loop time
  Duration real_elapsed{};            // wall-clock time the whole run took
  std::vector<aio::RunReport> loops;  // one report per aio::run (usually exactly one)

  Timeline timeline() const;  // every print of every loop, as {time, text}
  std::vector<aio::Diagnostic> diagnostics() const;
  // Every print with who printed it: the task, and the coroutine function whose code printed.
  std::vector<aio::TranscriptLine> transcript() const;
  // How many frames of coroutine `function` ran (all loops): "download_file" -> 3.
  int started(const std::string& function) const;
};

aio::RunOptions options_for(const Settings& settings, std::vector<aio::RunReport>& reports);

// A step that never returns (a loop without co_await) cannot fail a check: the runtime's watchdog
// thread reports it, then ends the process. The graders' main registers what to do first (print
// the explanation, record the test as failed).
void set_stuck_step_reporter(std::function<void(const std::string& message)> reporter);

namespace detail {
template <class T>
std::optional<typename Run<T>::Value> capture(auto&& body, std::exception_ptr& error) {
  try {
    if constexpr (std::is_void_v<T>) {
      body();
      return std::monostate{};
    } else {
      return body();
    }
  } catch (...) {
    error = std::current_exception();
    return std::nullopt;
  }
}
std::chrono::steady_clock::time_point real_now();
}  // namespace detail

// Run a Task on a fresh loop (simulated clock, diagnostics on). Never throws: an exception from
// the learner's code ends up in Run::error.
template <class T>
Run<T> run(aio::Task<T> task, Settings settings = {}) {
  Run<T> result;
  auto start = detail::real_now();
  result.value = detail::capture<T>(
      [&]() -> T { return aio::run(std::move(task), options_for(settings, result.loops)); },
      result.error);
  result.real_elapsed = detail::real_now() - start;
  if (!result.loops.empty()) result.elapsed = result.loops.back().elapsed;
  return result;
}

// Run a plain function that starts its own loop(s) with aio::run (chapter 03): every loop it
// starts uses the grading settings, and every loop's report is collected.
template <class F>
auto run_plain(F&& function, Settings settings = {}) {
  using T = std::invoke_result_t<F&>;
  Run<T> result;
  auto start = detail::real_now();
  {
    aio::ScopedDefaultRunOptions defaults(options_for(settings, result.loops));
    result.value = detail::capture<T>([&]() -> T { return function(); }, result.error);
  }
  result.real_elapsed = detail::real_now() - start;
  if (!result.loops.empty()) result.elapsed = result.loops.back().elapsed;
  return result;
}

// ---- checks -------------------------------------------------------------------------------

// The code ran to the end: no exception, no TODO left, no blocked loop, no forgotten Task,
// no deadlock, nothing left running. Every grader test starts with ASSERT_TRUE(finished(run)).
template <class T>
::testing::AssertionResult finished(const Run<T>& run);

// The output, line by line, at exactly these simulated times. `lesson` says, in a sentence,
// what a learner who fails this has misunderstood.
template <class T>
::testing::AssertionResult timeline_is(const Run<T>& run, const Timeline& expected,
                                       const std::string& lesson);

// The simulated time the run took. `lesson` as above.
template <class T>
::testing::AssertionResult elapsed_is(const Run<T>& run, Duration expected,
                                      const std::string& lesson);

// Real time stayed below `limit` (a generous one-sided bound: simulated sleeps are instant).
template <class T>
::testing::AssertionResult real_time_below(const Run<T>& run, Duration limit);

// The code returned `expected` (compared with ==). `lesson` as above.
template <class T, class V>
::testing::AssertionResult returned(const Run<T>& run, const V& expected,
                                    const std::string& lesson);

// The run threw an exception of type E (e.g. the learner must let an error propagate).
template <class E, class T>
::testing::AssertionResult threw(const Run<T>& run, const std::string& lesson);

// Who did the work. For exercises whose inputs are fixed (the tutorial's three downloads), right
// lines and values do not prove that the right coroutine produced them: the exercise could print
// them itself. These checks look at who printed each line and which coroutines ran.
//
// Each text in `texts` was printed, and by coroutine `coroutine` (the function whose code called
// aio::print: "download_file"), not by someone else.
template <class T>
::testing::AssertionResult printed_by(const Run<T>& run, const std::string& coroutine,
                                      const std::vector<std::string>& texts,
                                      const std::string& lesson);
// The coroutine that printed the first line with exactly this text ("" if no line has it), for
// checks that word their own message.
template <class T>
std::string printer_of(const Run<T>& run, const std::string& text);

// A grader's own condition as a check: passes when `ok`; otherwise fails with `message` (if any)
// and the hints pointer. Text streamed after it (EXPECT_TRUE(holds(x)) << "...") is shown too,
// and the graders' main prints it without gtest's "Value of: ... Actual: false" around it.
::testing::AssertionResult holds(bool ok, const std::string& message = {});

// Coroutine `function` ran exactly `times` times (its frames were started, i.e. awaited).
template <class T>
::testing::AssertionResult ran_times(const Run<T>& run, const std::string& function, int times,
                                     const std::string& lesson);

// The test goes through a function (or a type) the learner wrote besides the one under test
// (supervise uses background_task, sum_until uses count_up). Call at the top of the test: if the
// test fails, its report starts with "This test goes through your background_task(): if
// background_task's own tests fail, fix it first." A bug there is then not mistaken for a bug of
// the caller.
void uses_learners(const std::string& function);
// The notes registered for the running test (read by the graders' main when it reports).
const std::vector<std::string>& learner_functions_used();
void clear_learner_functions_used();

// ---- building blocks (also useful in graders) ----------------------------------------------

// A sentence explaining an exception from learner code: TODO left, deadlock, cancellation...
std::string explain_error(const std::exception_ptr& error);
// A sentence explaining a runtime diagnostic (blocked loop, never awaited...).
std::string explain_diagnostic(const aio::Diagnostic& diagnostic);
// Expected and actual timelines side by side, mismatching lines marked.
std::string side_by_side(const Timeline& expected, const Timeline& actual);
// The same drawn per call as a small Gantt chart (src/chart.cpp): a row per coroutine call
// that printed, a bar from its first line to its last; `expected` (may be null) on the same
// rows above. Empty when there is nothing to draw (fewer than two rows, or no time passed).
std::string task_chart(const std::vector<aio::TranscriptLine>& transcript,
                       const Timeline* expected);
std::string format_line(const Line& line);
std::string format_duration(Duration d);  // "2.000 s"
// "Hints: chapters/02-await/HINTS.md"
std::string hints_pointer();

// How a value appears in messages: strings quoted, durations in seconds, the rest as gtest
// prints it.
template <class V>
std::string show_value(const V& value);

// The chapter this grader belongs to ("02-await"); set by the graders' main.
const std::string& chapter();
void set_chapter(std::string chapter);

// Seeded randomness for graders: the seed is printed with every failure, and AWAITLINGS_SEED=<n>
// replays a run.
std::uint64_t seed();
std::mt19937_64& rng();
int random_int(int low, int high);  // inclusive

// ---- template definitions -----------------------------------------------------------------

template <class T>
Timeline Run<T>::timeline() const {
  Timeline lines;
  for (const auto& loop : loops)
    for (const auto& line : loop.transcript) lines.push_back({line.time, line.text});
  return lines;
}

template <class T>
std::vector<aio::TranscriptLine> Run<T>::transcript() const {
  std::vector<aio::TranscriptLine> lines;
  for (const auto& loop : loops)
    lines.insert(lines.end(), loop.transcript.begin(), loop.transcript.end());
  return lines;
}

template <class T>
int Run<T>::started(const std::string& function) const {
  int count = 0;
  for (const auto& loop : loops) {
    auto it = loop.coroutines_started.find(function);
    if (it != loop.coroutines_started.end()) count += it->second;
  }
  return count;
}

template <class T>
std::vector<aio::Diagnostic> Run<T>::diagnostics() const {
  std::vector<aio::Diagnostic> all;
  for (const auto& loop : loops)
    all.insert(all.end(), loop.diagnostics.begin(), loop.diagnostics.end());
  return all;
}

::testing::AssertionResult finished_impl(const std::exception_ptr& error,
                                         const std::vector<aio::Diagnostic>& diagnostics,
                                         const Timeline& actual);
::testing::AssertionResult timeline_impl(const std::exception_ptr& error,
                                         const std::vector<aio::TranscriptLine>& transcript,
                                         const Timeline& expected, const std::string& lesson);
::testing::AssertionResult elapsed_impl(const std::exception_ptr& error,
                                        const std::vector<aio::TranscriptLine>& transcript,
                                        Duration elapsed, Duration expected,
                                        const std::string& lesson);

::testing::AssertionResult printed_by_impl(const std::exception_ptr& error,
                                           const std::vector<aio::TranscriptLine>& actual,
                                           const std::string& coroutine,
                                           const std::vector<std::string>& texts,
                                           const std::string& lesson);
::testing::AssertionResult ran_times_impl(const std::exception_ptr& error, int actual,
                                          const std::string& function, int times,
                                          const std::string& lesson);

template <class T>
std::string printer_of(const Run<T>& run, const std::string& text) {
  for (const auto& loop : run.loops)
    for (const auto& line : loop.transcript)
      if (line.text == text) return line.coroutine;
  return "";
}

template <class T>
::testing::AssertionResult printed_by(const Run<T>& run, const std::string& coroutine,
                                      const std::vector<std::string>& texts,
                                      const std::string& lesson) {
  return printed_by_impl(run.error, run.transcript(), coroutine, texts, lesson);
}

template <class T>
::testing::AssertionResult ran_times(const Run<T>& run, const std::string& function, int times,
                                     const std::string& lesson) {
  return ran_times_impl(run.error, run.started(function), function, times, lesson);
}

template <class T>
::testing::AssertionResult finished(const Run<T>& run) {
  return finished_impl(run.error, run.diagnostics(), run.timeline());
}

template <class T>
::testing::AssertionResult timeline_is(const Run<T>& run, const Timeline& expected,
                                       const std::string& lesson) {
  return timeline_impl(run.error, run.transcript(), expected, lesson);
}

template <class T>
::testing::AssertionResult elapsed_is(const Run<T>& run, Duration expected,
                                      const std::string& lesson) {
  return elapsed_impl(run.error, run.transcript(), run.elapsed, expected, lesson);
}

template <class T>
::testing::AssertionResult real_time_below(const Run<T>& run, Duration limit) {
  if (run.real_elapsed < limit) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the run took " << format_duration(run.real_elapsed) << " of real time (limit "
         << format_duration(limit)
         << "): on the simulated clock, aio::sleep costs no real time, so something blocked the "
            "thread (std::this_thread::sleep_for? a busy loop?)\n"
         << hints_pointer();
}

namespace detail {
template <class V>
struct IsDuration : std::false_type {};
template <class Rep, class Period>
struct IsDuration<std::chrono::duration<Rep, Period>> : std::true_type {};
}  // namespace detail

template <class V>
std::string show_value(const V& value) {
  if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    return "\"" + std::string(std::string_view(value)) + "\"";
  } else if constexpr (detail::IsDuration<V>::value) {
    return format_duration(std::chrono::duration_cast<Duration>(value));
  } else {
    return ::testing::PrintToString(value);
  }
}

template <class T, class V>
::testing::AssertionResult returned(const Run<T>& run, const V& expected,
                                    const std::string& lesson) {
  if (run.error)
    return ::testing::AssertionFailure() << explain_error(run.error) << "\n" << hints_pointer();
  if (run.value && *run.value == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "returned " << (run.value ? show_value(*run.value) : std::string("nothing"))
         << ", expected " << show_value(expected) << ".\nWhat you missed: " << lesson << "\n"
         << hints_pointer();
}

template <class E, class T>
::testing::AssertionResult threw(const Run<T>& run, const std::string& lesson) {
  if (run.error) {
    try {
      std::rethrow_exception(run.error);
    } catch (const aio::NotImplemented&) {
      return ::testing::AssertionFailure() << explain_error(run.error);
    } catch (const E&) {
      return ::testing::AssertionSuccess();
    } catch (...) {
    }
    return ::testing::AssertionFailure()
           << "expected the run to fail with " << ::testing::internal::GetTypeName<E>()
           << ", but it failed with another error: " << explain_error(run.error)
           << "\nWhat you missed: " << lesson << "\n"
           << hints_pointer();
  }
  return ::testing::AssertionFailure()
         << "expected the run to fail with " << ::testing::internal::GetTypeName<E>()
         << ", but it returned normally.\nWhat you missed: " << lesson << "\n"
         << hints_pointer();
}

}  // namespace grading
