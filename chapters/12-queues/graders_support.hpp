// What the graders of chapter 12 share (you do not need to read this to do the exercises).
//
// Timelines are compared exactly, time for time, but lines printed at the same simulated instant
// are compared in alphabetical order: when two tasks wake at the same moment, which one prints
// first depends on details of your code (which task was started first, ...) that the lesson does
// not care about. Every time is still exact.
#pragma once

#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <string>
#include <vector>

namespace ch12_graders {

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

// Sorted by time, and within one instant by text.
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

// Expected and actual side by side, each instant's lines in alphabetical order.
template <class T>
std::string side_by_side(const Timeline& expected, const Run<T>& run) {
  return grading::side_by_side(canonical(expected), canonical(run.timeline()));
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

// The text of a std::exception the run ended with ("" if none).
template <class T>
std::string error_text(const Run<T>& run) {
  if (!run.error) return "";
  try {
    std::rethrow_exception(run.error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "";
  }
}

// The deadlock report, if the run ended in one ("" otherwise).
template <class T>
std::string deadlock_report(const Run<T>& run) {
  return failed_with<aio::DeadlockError>(run) ? error_text(run) : "";
}

// A step blocked the loop (std::this_thread::sleep_for...): grading::finished explains that first.
template <class T>
bool blocked_the_loop(const Run<T>& run) {
  for (const auto& d : run.diagnostics()) {
    if (d.kind == aio::Diagnostic::Kind::SlowStep) return true;
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

inline std::string indented(const std::string& text) {
  std::string out = "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "    ";
  }
  return out + "\n";
}

// Lines of the running loop's transcript so far that start with `prefix`.
inline int printed_so_far(const std::string& prefix) {
  int count = 0;
  for (const auto& line : aio::Loop::current()->report().transcript) {
    if (line.text.rfind(prefix, 0) == 0) ++count;
  }
  return count;
}

// The first line (of the run, in time order) that starts with `prefix`; nullptr if none.
inline const Line* first_line(const Timeline& lines, const std::string& prefix) {
  for (const auto& line : lines) {
    if (line.text.rfind(prefix, 0) == 0) return &line;
  }
  return nullptr;
}

// The last line that starts with `prefix`; nullptr if none.
inline const Line* last_line(const Timeline& lines, const std::string& prefix) {
  const Line* found = nullptr;
  for (const auto& line : lines) {
    if (line.text.rfind(prefix, 0) == 0) found = &line;
  }
  return found;
}

inline std::string quoted_list(const std::vector<std::string>& items, std::size_t at_most = 4) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < at_most; ++i) {
    if (i > 0) text += i + 1 == items.size() ? " and " : ", ";
    text += "\"" + items[i] + "\"";
  }
  if (items.size() > at_most) text += " and " + std::to_string(items.size() - at_most) + " more";
  return text;
}

// How the time limits of these graders are set: no scenario takes more than a few minutes of
// simulated time, so a run that would go on for an hour is stuck in a loop of sleeps.
inline grading::Settings capped() {
  grading::Settings settings;
  settings.virtual_limit = std::chrono::minutes(10);
  return settings;
}

}  // namespace ch12_graders
