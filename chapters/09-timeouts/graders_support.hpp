// What the graders of chapter 09 share (you do not need to read this to do the exercises).
//
// Every grader runs on the simulated clock and compares exact times. The graders' operations,
// jobs and downloads print lines of their own, return values drawn from the seeded generator, and
// take time to clean up when they are cancelled (a co_await after their catch block), so that
// only really waiting for them (aio::wait_for, a timeout scope, a task group, gather) gets the
// order right: giving them "a moment" (sleep(0), a short sleep) does not.
#pragma once

#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "exercise.hpp"

namespace ch09_graders {

using namespace std::chrono_literals;
using aio::Duration;
using grading::format_duration;
using grading::holds;
using grading::Line;
using grading::Run;
using grading::Timeline;
using std::chrono::milliseconds;

inline Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

// A value no literal in an exercise can guess.
inline std::string random_word(const std::string& stem) {
  return stem + "-" + std::to_string(grading::random_int(10000, 99999));
}

// Scenarios take at most minutes of simulated time: a run that goes on for an hour is a loop of
// retries that never ends, or a wait for an operation that was never cancelled.
inline grading::Settings capped() {
  grading::Settings settings;
  settings.virtual_limit = std::chrono::minutes(30);
  return settings;
}

template <class E, class T>
bool failed_with(const Run<T>& run) {
  if (!run.error) return false;
  try {
    std::rethrow_exception(run.error);
  } catch (const E&) {
    return true;
  } catch (...) {
    return false;
  }
}

// The run stopped at an aio::todo: grading::finished() reports it as "not started".
template <class T>
bool hit_a_todo(const Run<T>& run) {
  return failed_with<aio::NotImplemented>(run);
}

template <class T>
std::string pending_messages(const Run<T>& run) {
  std::string text;
  for (const auto& d : run.diagnostics()) {
    if (d.kind == aio::Diagnostic::Kind::PendingAtEnd) text += "    \"" + d.message + "\"\n";
  }
  return text;
}

// Tasks still running when the main task finished: the loop cancels and reports them.
template <class T>
::testing::AssertionResult nothing_left_running(const Run<T>& run, const std::string& lesson) {
  const std::string pending = pending_messages(run);
  if (pending.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "a task was still running when the main task finished. The loop reported:\n"
         << pending << "What you missed: " << lesson << "\n"
         << grading::hints_pointer();
}

// Index of the first line with exactly this text at or after `from`; npos if none.
inline std::size_t find_line(const Timeline& lines, const std::string& text, std::size_t from = 0) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (lines[i].text == text) return i;
  }
  return std::string::npos;
}

inline bool has_line(const Timeline& lines, const std::string& text) {
  return find_line(lines, text) != std::string::npos;
}

// When the first line with this text was printed; nullopt if never.
inline std::optional<Duration> time_of(const Timeline& lines, const std::string& text) {
  const std::size_t i = find_line(lines, text);
  if (i == std::string::npos) return std::nullopt;
  return lines[i].time;
}

// Was a line with this text printed so far, in the running loop?
inline bool printed_so_far(const std::string& text) {
  for (const auto& line : aio::Loop::current()->report().transcript) {
    if (line.text == text) return true;
  }
  return false;
}

// Sorted by time, and within one instant by text: for timelines where the order of lines printed
// at the same instant by different tasks is a detail of the solution, not of the lesson.
inline Timeline canonical(Timeline lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return a.time != b.time ? a.time < b.time : a.text < b.text;
  });
  return lines;
}

template <class T>
Run<T> canonical_run(const Run<T>& run) {
  Run<T> copy = run;
  for (auto& loop : copy.loops) {
    std::stable_sort(loop.transcript.begin(), loop.transcript.end(),
                     [](const aio::TranscriptLine& a, const aio::TranscriptLine& b) {
                       return a.time != b.time ? a.time < b.time : a.text < b.text;
                     });
  }
  return copy;
}

inline const std::string kSameInstant =
    " (Lines printed at the same instant are compared in alphabetical order: their order within "
    "one instant is not graded, every time is.)";

// grading::timeline_is, with the lines of each instant in alphabetical order on both sides.
template <class T>
::testing::AssertionResult timeline_matches(const Run<T>& run, const Timeline& expected,
                                            const std::string& lesson) {
  return grading::timeline_is(canonical_run(run), canonical(expected), lesson + kSameInstant);
}

// How a piece of learner code ended, seen from the grader's coroutine that awaited it: what came
// out (a value, or the error's type and message) and when.
struct Ending {
  std::string how = "(did not end)";
  Duration at{};
};

// Describes the exception in flight (call inside a catch block). aio::NotImplemented and the
// runtime's own errors (a deadlock, a watchdog) are rethrown by the callers instead, so that
// grading::finished() explains them.
inline std::string describe_current_error() {
  try {
    throw;
  } catch (const aio::CancelledError&) {
    return "aio::CancelledError";
  } catch (const aio::TimeoutError& e) {
    return e.what();  // "aio::TimeoutError: the deadline (...) passed ..."
  } catch (const ch09::TransientError& e) {
    return std::string("TransientError: ") + e.what();
  } catch (const ch09::PermanentError& e) {
    return std::string("PermanentError: ") + e.what();
  } catch (const std::invalid_argument& e) {
    return std::string("std::invalid_argument: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("an exception: ") + e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

// Awaits `task` and reports how it ended in `ending` (and as the value of the run). A TODO, a
// deadlock or a watchdog passes through, for grading::finished() to explain.
template <class T>
aio::Task<std::string> ending_of(aio::Task<T> task, Ending* ending,
                                 std::optional<T>* value = nullptr) {
  std::string how;
  try {
    T result = co_await std::move(task);
    how = "returned";
    if (value) *value = std::move(result);
  } catch (const aio::NotImplemented&) {
    throw;
  } catch (const aio::RuntimeError&) {
    throw;
  } catch (...) {
    how = describe_current_error();
  }
  ending->how = how;
  ending->at = aio::now();
  co_return how;
}

// Starts `task` as a task of its own, cancels it at `at`, and reports how it ended.
template <class T>
aio::Task<std::string> cancelled_at(aio::Task<T> task, Duration at, Ending* ending,
                                    std::optional<T>* value = nullptr) {
  aio::Task<std::string> awaited = ending_of(std::move(task), ending, value);
  auto handle = aio::create_task(std::move(awaited), "cancelled_by_grader");
  co_await aio::sleep(at);
  handle.cancel();
  // ending_of catches the cancellation itself and reports it; a TODO comes out of here.
  co_return co_await handle;
}

// An Ending's `how`, in a sentence: "returned normally" or "ended with <the error>".
inline std::string said(const std::string& how) {
  return how == "returned" ? "returned normally" : "ended with " + how;
}

inline std::string list_times(const std::vector<Duration>& times) {
  std::string text;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i > 0) text += i + 1 == times.size() ? " and " : ", ";
    text += format_duration(times[i]);
  }
  return text.empty() ? "(none)" : text;
}

}  // namespace ch09_graders
