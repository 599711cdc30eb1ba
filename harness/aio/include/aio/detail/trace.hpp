// The loop's life as a trace file, in Chrome's Trace Event Format: open it in
// https://ui.perfetto.dev or chrome://tracing. Internal; turned on by RunOptions::trace_file or
// the AWAITLINGS_TRACE=<file> environment variable (any grader or demo).
//
// What it shows:
//   - a track (a "thread") per task, named like the task ("main", "download_file");
//   - on it, a span per step (one resume of the task: dur 0 on the simulated clock, where code
//     takes no time) and a span per wait, named after what the task waited for ("wait: a timer
//     at 2.000s", "wait: gather of 3 tasks"), with the co_await's file:line;
//   - instant events for prints, cancellation requests, task ends and diagnostics;
//   - time as the loop measured it: simulated or real, in microseconds.
// Every aio::run of the process is a "process" of the trace (pid 1, 2, ...); the file is
// rewritten at the end of each run with every run so far, so a grader's trace holds all its
// tests' runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace aio::detail {

class TaskStateBase;

class Tracer {
 public:
  // `file`: where to write; `clock`: a word for the process name ("virtual", "real").
  Tracer(std::string file, const char* clock);
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  using Duration = std::chrono::nanoseconds;

  // A step's track is taken before it runs: the task may finish during the step, and a
  // finished task's address may be reused by the next one, which gets a track of its own.
  std::uint64_t track_of(const TaskStateBase& task);  // names the track on first use
  void step(std::uint64_t track, const std::string& task_name, Duration start, Duration end);
  void wait_began(const TaskStateBase& task, Duration at, std::string what, std::string site);
  void wait_ended(const TaskStateBase& task, Duration at);
  void print(const TaskStateBase* task, Duration at, const std::string& text);
  void cancel_requested(const TaskStateBase& task, Duration at);
  void task_done(const TaskStateBase& task, Duration at, const char* how);
  void diagnostic(Duration at, const std::string& message);
  // The run is over: add its events to the process's trace and rewrite the file.
  void finish();

 private:
  struct OpenWait {
    Duration start{};
    std::string what;
    std::string site;
  };
  void event(const std::string& json);

  std::string file_;
  std::uint64_t pid_;
  std::string events_;  // this run's events, comma-separated JSON objects
  std::unordered_map<const TaskStateBase*, std::uint64_t> tracks_;
  std::unordered_map<const TaskStateBase*, OpenWait> waits_;
  std::uint64_t next_track_ = 1;
};

}  // namespace aio::detail
