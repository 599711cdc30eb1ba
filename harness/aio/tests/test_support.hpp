// Helpers shared by the runtime's own tests.
//
// Most tests run on the virtual clock, quietly, and look at what the run left behind: the
// transcript of aio::print lines (who printed what, when) and the diagnostics. Recorder wraps
// that so each test reads as "run this, expect that timeline".
#pragma once

#include <gtest/gtest.h>

#include <aio/aio.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace aio_test {

using namespace std::chrono_literals;

// "1500ms" or "1ns": exact, so a test can tell 1 s from 1 s + 1 ns.
inline std::string stamp(aio::Duration d) {
  if (d % std::chrono::milliseconds(1) == aio::Duration::zero()) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
  }
  return std::to_string(d.count()) + "ns";
}

// Runs tasks quietly and keeps the report of the last run (also when the run threw).
class Recorder {
 public:
  explicit Recorder(aio::Clock clock = aio::Clock::Virtual) {
    options_.clock = clock;
    options_.quiet = true;
    options_.on_finish = [this](const aio::RunReport& report) {
      report_ = report;
      finished_ = true;
    };
    // Diagnostics stay in the report; the tests check them there instead of on stderr.
    options_.on_diagnostic = [](const aio::Diagnostic&) {};
  }
  // on_finish refers to this object: it must stay where it is.
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  aio::RunOptions& options() { return options_; }

  // aio::run with these options: a Task or a callable returning one.
  template <class TaskOrCallable>
  auto run(TaskOrCallable&& task) {
    finished_ = false;
    return aio::run(std::forward<TaskOrCallable>(task), options_);
  }

  bool finished() const { return finished_; }
  const aio::RunReport& report() const { return report_; }
  aio::Duration elapsed() const { return report_.elapsed; }

  // The transcript as "<time> <text>" lines, e.g. "1000ms a done".
  std::vector<std::string> timeline() const {
    std::vector<std::string> lines;
    for (const auto& line : report_.transcript) lines.push_back(stamp(line.time) + " " + line.text);
    return lines;
  }

  std::vector<std::string> diagnostics(aio::Diagnostic::Kind kind) const {
    std::vector<std::string> messages;
    for (const auto& d : report_.diagnostics) {
      if (d.kind == kind) messages.push_back(d.message);
    }
    return messages;
  }

 private:
  aio::RunOptions options_;
  aio::RunReport report_;
  bool finished_ = false;
};

// A coroutine that completes after `d` of loop time with `value`.
template <class T>
aio::Task<T> after(aio::Duration d, T value) {
  co_await aio::sleep(d);
  co_return value;
}

}  // namespace aio_test
