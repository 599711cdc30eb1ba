// How long one step took, and whether it blocked the loop — the machinery behind the slow-step
// diagnostic and the stuck-step watchdog (debug mode only). Learners need not read this.
//
// Three questions, three tools:
// - Did a step take too long? The wall clock around each resume (Loop::note_step).
// - Did it *block* the loop, or was the process merely descheduled by a busy machine? The
//   thread's own CPU time and context switches (getrusage(RUSAGE_THREAD)): a step that computes
//   burns CPU time, one that sleeps or waits for I/O gives the CPU up voluntarily, and one that
//   was only preempted did neither.
// - Will a step never return (a loop with no co_await)? The loop cannot tell: it is stuck inside
//   that step. A watchdog thread (StuckStepWatchdog) notices that one step has run for seconds
//   and reports it from outside.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <time.h>  // clockid_t (POSIX)

#include "aio/detail/source_location.hpp"

namespace aio::detail {

// What the calling thread has used so far.
struct ThreadUsage {
  std::chrono::nanoseconds cpu{};  // user + system CPU time of this thread
  long voluntary_switches = 0;     // gave the CPU up: sleeping, waiting for I/O or a lock
  long involuntary_switches = 0;   // had the CPU taken away: preempted by the OS
  static ThreadUsage now() noexcept;
};

// A step that took `wall` of real time and used `used` (end minus start) blocked the loop if it
// computed for longer than `bound` itself, or if it waited (gave up the CPU voluntarily) and the
// wait is what made it slow. A step that was only preempted is not the learner's fault.
bool step_blocked_the_loop(std::chrono::nanoseconds wall, const ThreadUsage& used,
                           std::chrono::nanoseconds bound) noexcept;

// The step running right now, published for the watchdog thread and for crash handlers (which
// must not allocate or lock). Every field points to static storage (the compiler's function and
// file names), so a reader never follows a pointer into a frame that might be freed meanwhile.
struct RunningStep {
  const char* task = nullptr;      // the task's root coroutine (its default name)
  const char* function = nullptr;  // the coroutine resumed by this step
  const char* file = nullptr;      // its source file
  unsigned line = 0;               // where the step began: its previous co_await (0: the start)
};

// Set by the loop around every resume in debug mode; cleared between steps.
void publish_running_step(const RunningStep& step) noexcept;
void clear_running_step() noexcept;
// The step running now, if any (`function` is null otherwise). Lock-free: safe in a signal
// handler.
RunningStep running_step() noexcept;

// Watches a loop thread from a thread of its own: if one step runs longer than the bound, calls
// the handler with a teaching message (on the watchdog thread), then ends the process — the step
// will never return, so nothing else can be done.
//
// One watchdog thread serves the whole process, started by the first run that asks for it:
// graders start hundreds of short runs, and a thread per run would cost more than the runs.
// A run arms it for its own thread and disarms it when it ends.
class StuckStepWatchdog {
 public:
  using Handler = std::function<void(const std::string& message)>;
  static StuckStepWatchdog& instance();
  ~StuckStepWatchdog();
  StuckStepWatchdog(const StuckStepWatchdog&) = delete;
  StuckStepWatchdog& operator=(const StuckStepWatchdog&) = delete;

  // Watch the calling thread's steps until disarm().
  void arm(std::chrono::nanoseconds bound, Handler on_stuck);
  void disarm() noexcept;

  // Called by the loop around every resume: counts only on the armed thread (relaxed atomics: a
  // few nanoseconds).
  static void step_began() noexcept;
  static void step_ended() noexcept;

 private:
  StuckStepWatchdog();
  void watch();
  std::string describe_stuck_step(std::chrono::nanoseconds ran_for, double cpu_share) const;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t armed_run_ = 0;  // which arm() is current (0: none); changes wake the thread
  std::chrono::nanoseconds bound_{};
  Handler on_stuck_;
  clockid_t loop_thread_cpu_clock_{};  // the armed thread's CPU clock, where the OS has one
  bool have_cpu_clock_ = false;
  std::thread thread_;
};

// The first line of the function a coroutine frame belongs to. GCC records the position of a
// promise's default argument at the function's closing brace, Clang at its signature; messages
// should point at the top. Reads the source file (messages only, never on a hot path); falls
// back to `where.line` when the file cannot be read.
unsigned definition_line(const SourceLocation& where);

}  // namespace aio::detail
