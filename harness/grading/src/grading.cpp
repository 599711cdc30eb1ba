#include "grading/grading.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace grading {

namespace {
std::string& chapter_storage() {
  static std::string name = "unknown-chapter";
  return name;
}

std::uint64_t initial_seed() {
  if (const char* text = std::getenv("AWAITLINGS_SEED")) return std::strtoull(text, nullptr, 10);
  return std::random_device{}();
}
}  // namespace

const std::string& chapter() {
  return chapter_storage();
}
void set_chapter(std::string name) {
  chapter_storage() = std::move(name);
}

std::uint64_t seed() {
  static const std::uint64_t value = initial_seed();
  return value;
}

std::mt19937_64& rng() {
  static std::mt19937_64 engine(seed());
  return engine;
}

int random_int(int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng());
}

std::string hints_pointer() {
  return "Hints, gentlest first: chapters/" + chapter() + "/HINTS.md";
}

namespace {
std::function<void(const std::string&)>& stuck_step_reporter() {
  static std::function<void(const std::string&)> reporter;
  return reporter;
}
}  // namespace

void set_stuck_step_reporter(std::function<void(const std::string& message)> reporter) {
  stuck_step_reporter() = std::move(reporter);
}

namespace {
// The transcripts of the last few graded runs (a test usually checks the run it just made), so
// that side_by_side can draw the per-call chart for a timeline a grader passes it.
std::deque<std::vector<aio::TranscriptLine>>& recent_transcripts() {
  static std::deque<std::vector<aio::TranscriptLine>> transcripts;
  return transcripts;
}
void remember_transcript(const std::vector<aio::TranscriptLine>& transcript) {
  auto& recent = recent_transcripts();
  recent.push_front(transcript);
  if (recent.size() > 8) recent.pop_back();
}

Timeline timeline_of(const std::vector<aio::TranscriptLine>& transcript) {
  Timeline lines;
  for (const auto& line : transcript) lines.push_back({line.time, line.text});
  return lines;
}
}  // namespace

aio::RunOptions options_for(const Settings& settings, std::vector<aio::RunReport>& reports) {
  aio::RunOptions options;
  options.clock = settings.clock;
  options.debug = true;
  options.quiet = true;
  options.slow_step = settings.slow_step;
  options.watchdog = settings.watchdog;
  options.virtual_limit = settings.virtual_limit;
  options.stuck_step = settings.stuck_step;
  options.workers = settings.workers;
  options.on_stuck_step = [](const std::string& message) {
    if (auto& reporter = stuck_step_reporter()) {
      reporter(message);
    } else {
      std::cerr << message << std::endl;
    }
  };
  options.on_diagnostic = [](const aio::Diagnostic&) {};  // kept in the report, shown on failure
  options.on_finish = [&reports](const aio::RunReport& report) {
    reports.push_back(report);
    remember_transcript(report.transcript);
  };
  return options;
}

namespace detail {
std::chrono::steady_clock::time_point real_now() {
  return std::chrono::steady_clock::now();
}
}  // namespace detail

std::string format_duration(Duration d) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(3) << std::chrono::duration<double>(d).count() << " s";
  return out.str();
}

std::string format_line(const Line& line) {
  return "[" + aio::format_seconds(line.time) + "s] " + line.text;
}

namespace {
std::string lines_side_by_side(const Timeline& expected, const Timeline& actual) {
  std::size_t width = std::string("expected").size();
  for (const auto& line : expected) width = std::max(width, format_line(line).size());
  // Missing expected lines show as "(nothing)", which is wider than "expected".
  if (actual.size() > expected.size()) width = std::max(width, std::string("(nothing)").size());
  std::ostringstream out;
  out << "       " << std::left << std::setw(static_cast<int>(width)) << "expected"
      << " | actual\n";
  std::size_t rows = std::max(expected.size(), actual.size());
  for (std::size_t i = 0; i < rows; ++i) {
    std::string left = i < expected.size() ? format_line(expected[i]) : "(nothing)";
    std::string right = i < actual.size() ? format_line(actual[i]) : "(nothing)";
    bool same = i < expected.size() && i < actual.size() && expected[i] == actual[i];
    out << (same ? "    ok " : "  >>>  ") << std::left << std::setw(static_cast<int>(width)) << left
        << " | " << right << '\n';
  }
  return out.str();
}
}  // namespace

std::string side_by_side(const Timeline& expected, const Timeline& actual) {
  std::string text = lines_side_by_side(expected, actual);
  // Draw the chart too when `actual` is the output of a recent graded run: only its transcript
  // knows which call printed which line.
  for (const auto& transcript : recent_transcripts()) {
    if (timeline_of(transcript) == actual) return text + task_chart(transcript, &expected);
  }
  return text;
}

std::string explain_error(const std::exception_ptr& error) {
  if (!error) return "no error: the code returned normally";  // rethrowing null is undefined
  try {
    std::rethrow_exception(error);
  } catch (const aio::NotImplemented& e) {
    return std::string(e.what()) + "\n  Replace the aio::todo(...) call in chapters/" + chapter() +
           "/exercise.cpp with your code.";
  } catch (const aio::DeadlockError& e) {
    return std::string(e.what()) +
           "\n  Every task is waiting for something that only another waiting task could "
           "provide. Look at what each task awaits (file:line above).";
  } catch (const aio::WatchdogError& e) {
    return std::string(e.what());
  } catch (const aio::CancelledError& e) {
    return std::string(e.what()) +
           ": a CancelledError escaped to the top. Was the main task itself cancelled, or did "
           "you await a task that you had cancelled without catching aio::CancelledError?";
  } catch (const aio::RuntimeError& e) {
    return std::string("aio::RuntimeError: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("your code threw an exception: ") + e.what();
  } catch (...) {
    return "your code threw an exception that is not a std::exception";
  }
}

std::string explain_diagnostic(const aio::Diagnostic& diagnostic) {
  using Kind = aio::Diagnostic::Kind;
  switch (diagnostic.kind) {
    case Kind::SlowStep:
      return diagnostic.message +
             "\n  A coroutine that blocks the thread stops every other task too. Wait by "
             "suspending (co_await aio::sleep(...), not a blocking call), and give CPU-heavy "
             "work to a worker thread (co_await aio::to_thread(...)).";
    case Kind::NeverAwaited:
      return diagnostic.message +
             "\n  Calling a coroutine only creates it (Task is lazy): nothing inside runs until "
             "it is awaited. Did you forget a co_await?";
    case Kind::UnretrievedException:
      return diagnostic.message + "\n  Await every task you create so its errors reach you.";
    case Kind::PendingAtEnd:
      return diagnostic.message;
    case Kind::ThreadJobStillRunning:
      return diagnostic.message;
    case Kind::SwallowedCancellation:
      return diagnostic.message +
             "\n  A timeout cancels the operation: catch aio::CancelledError only to clean up, "
             "then rethrow it with `throw;`, so that the timeout can do its job.";
    case Kind::SuppressedException:
      return diagnostic.message +
             "\n  Clean-up failed while another error was already on its way out. Make close() "
             "safe to run after a failed body.";
  }
  return diagnostic.message;
}

namespace {
std::string transcript_text(const Timeline& actual) {
  if (actual.empty()) return "  (your code printed nothing)\n";
  std::string text;
  for (const auto& line : actual) text += "  " + format_line(line) + "\n";
  return text;
}
}  // namespace

::testing::AssertionResult finished_impl(const std::exception_ptr& error,
                                         const std::vector<aio::Diagnostic>& diagnostics,
                                         const Timeline& actual) {
  if (error) {
    return ::testing::AssertionFailure() << explain_error(error) << "\nWhat was printed:\n"
                                         << transcript_text(actual) << hints_pointer();
  }
  if (!diagnostics.empty()) {
    auto failure = ::testing::AssertionFailure();
    for (const auto& diagnostic : diagnostics) failure << explain_diagnostic(diagnostic) << "\n";
    return failure << "What was printed:\n" << transcript_text(actual) << hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult printed_by_impl(const std::exception_ptr& error,
                                           const std::vector<aio::TranscriptLine>& actual,
                                           const std::string& coroutine,
                                           const std::vector<std::string>& texts,
                                           const std::string& lesson) {
  if (error)
    return ::testing::AssertionFailure() << explain_error(error) << "\n" << hints_pointer();
  std::ostringstream wrong;
  bool missing = false;
  for (const auto& text : texts) {
    auto line = std::find_if(actual.begin(), actual.end(),
                             [&](const aio::TranscriptLine& l) { return l.text == text; });
    if (line == actual.end()) {
      missing = true;
      wrong << "  \"" << text << "\" was not printed at all (expected from " << coroutine << ")\n";
    } else if (line->coroutine != coroutine) {
      wrong << "  \"" << text << "\" was printed by "
            << (line->coroutine.empty() ? std::string("code outside any coroutine")
                                        : line->coroutine)
            << ", not by " << coroutine << "\n";
    }
  }
  if (wrong.str().empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << (missing ? "some of these lines are missing, or come from elsewhere than "
                     : "the lines are there, but not all of them come from ")
         << coroutine << ":\n"
         << wrong.str() << "What you missed: " << lesson << "\n"
         << hints_pointer();
}

::testing::AssertionResult ran_times_impl(const std::exception_ptr& error, int actual,
                                          const std::string& function, int times,
                                          const std::string& lesson) {
  if (error)
    return ::testing::AssertionFailure() << explain_error(error) << "\n" << hints_pointer();
  if (actual == times) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (actual == 0) {
    failure << function << "() never ran (expected " << times << " time" << (times == 1 ? "" : "s")
            << ")";
  } else {
    failure << function << "() ran " << actual << " time" << (actual == 1 ? "" : "s")
            << ", expected " << times;
  }
  return failure << ".\nWhat you missed: " << lesson << "\n" << hints_pointer();
}

::testing::AssertionResult holds(bool ok, const std::string& message) {
  if (ok) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (!message.empty()) failure << message << "\n" << hints_pointer();
  return failure;
}

namespace {
std::vector<std::string>& used_functions() {
  static std::vector<std::string> names;
  return names;
}
}  // namespace

void uses_learners(const std::string& function) {
  auto& names = used_functions();
  if (std::find(names.begin(), names.end(), function) == names.end()) names.push_back(function);
}
const std::vector<std::string>& learner_functions_used() {
  return used_functions();
}
void clear_learner_functions_used() {
  used_functions().clear();
}

::testing::AssertionResult timeline_impl(const std::exception_ptr& error,
                                         const std::vector<aio::TranscriptLine>& transcript,
                                         const Timeline& expected, const std::string& lesson) {
  if (error)
    return ::testing::AssertionFailure() << explain_error(error) << "\n" << hints_pointer();
  Timeline actual = timeline_of(transcript);
  if (actual == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the printed timeline is not the expected one.\nWhat you missed: " << lesson << "\n"
         << side_by_side(expected, actual) << task_chart(transcript, &expected) << hints_pointer();
}

::testing::AssertionResult elapsed_impl(const std::exception_ptr& error,
                                        const std::vector<aio::TranscriptLine>& transcript,
                                        Duration elapsed, Duration expected,
                                        const std::string& lesson) {
  if (error)
    return ::testing::AssertionFailure() << explain_error(error) << "\n" << hints_pointer();
  if (elapsed == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "took " << format_duration(elapsed) << " of simulated time, expected "
         << format_duration(expected) << ".\nWhat you missed: " << lesson << "\nWhat was printed:\n"
         << transcript_text(timeline_of(transcript)) << task_chart(transcript, nullptr)
         << hints_pointer();
}

}  // namespace grading
