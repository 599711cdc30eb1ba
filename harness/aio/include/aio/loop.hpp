// The event loop and aio::run.
//
//   std::string r = aio::run(main_flow());                            // real time
//   std::string r = aio::run(main_flow(), {.clock = aio::Clock::Virtual});  // simulated, instant
//
// One loop per aio::run call, on the calling thread; every coroutine it runs is resumed on that
// thread only. See DESIGN.md §3 (in the repository's shared notes) and the lessons for the rules.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <deque>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "aio/detail/reactor.hpp"
#include "aio/detail/step_monitor.hpp"
#include "aio/detail/task_state.hpp"
#include "aio/detail/timer_heap.hpp"
#include "aio/detail/trace.hpp"
#include "aio/detail/waiters.hpp"
#include "aio/errors.hpp"
#include "aio/task.hpp"

namespace aio {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

enum class Clock {
  Real,     // std::chrono::steady_clock: sleeps take real time (demos, benchmarks)
  Virtual,  // simulated: when nothing is ready, time jumps to the next timer (graders)
  Manual,   // simulated, and only moves when a test calls Loop::advance()
};

// One aio::print() line: when, by which task, from which coroutine, what.
struct TranscriptLine {
  Duration time{};
  std::string task;  // the task that printed ("main", "download_file", a create_task name)
  std::string text;
  std::string coroutine{};  // the coroutine function whose code called aio::print
  // Debug mode: which call of that coroutine printed (lines printed by the same frame share the
  // number; each new frame gets a new one). 0 when not recorded. Graders draw a row per call.
  std::uint64_t frame = 0;
};

struct Diagnostic {
  enum class Kind {
    SlowStep,               // one resume blocked the loop for longer than RunOptions::slow_step
    NeverAwaited,           // a Task was destroyed without ever running
    UnretrievedException,   // a task failed and nobody awaited it to see the error
    PendingAtEnd,           // a task was still running when the main task finished
    SuppressedException,    // a clean-up (aio::with's close) failed while another error was
                            // propagating: the other error was rethrown, this one is kept here
    SwallowedCancellation,  // a timeout cancelled a task, which returned normally instead of
                            // ending with CancelledError (its value was used)
    ThreadJobStillRunning,  // an aio::to_thread job did not return within the watchdog after
                            // the run ended; it was left running
  };
  Kind kind;
  std::string message;
};

// Everything a finished run leaves behind: the graders read it.
struct RunReport {
  std::vector<TranscriptLine> transcript;
  Duration elapsed{};  // loop time when the main task finished
  std::vector<Diagnostic> diagnostics;
  // Debug mode: how many frames of each coroutine function started running ("download_file"
  // -> 3). Graders use it to check that the work was done by the coroutine meant to do it.
  std::map<std::string, int> coroutines_started{};
};

struct RunOptions {
  Clock clock = Clock::Real;
  // Diagnostics that cost time on every step: slow-step detection and the real-time watchdog.
  // The cheap ones (never awaited, unretrieved exception, pending at end) are always on.
  bool debug = false;
  std::ostream* sink = nullptr;  // where aio::print writes; nullptr means std::cout
  bool quiet = false;            // true: record the transcript but print nothing
  bool timestamps = true;        // prefix printed lines with "[  2.000s] "
  Duration slow_step = std::chrono::milliseconds(100);
  Duration watchdog = std::chrono::seconds(10);  // debug only: real time allowed for the run
  // Debug only: a single step (one resume) running this long will never return — typically a
  // loop with no co_await. A watchdog thread then reports it (on_stuck_step, or std::cerr) and
  // ends the process: the loop itself is stuck inside the step and cannot. Zero turns it off.
  Duration stuck_step = std::chrono::seconds(3);
  Duration virtual_limit = std::chrono::hours(24);  // simulated time allowed (Virtual/Manual)
  // aio::to_thread's worker threads (started when first needed). 0: one per core.
  std::size_t workers = 0;
  // Sockets (aio/net.hpp): the reactor backend, and on the simulated clocks how long the loop
  // waits in real time for socket traffic before it moves time to the next timer. Loopback
  // delivery is fast but not instant; without the grace, time would jump past a reply that was
  // already on its way.
  ReactorKind reactor = ReactorKind::Automatic;
  Duration io_grace = std::chrono::milliseconds(2);
  // The `{}` initializers let `{.clock = aio::Clock::Virtual}` compile without GCC's
  // -Wmissing-field-initializers warning (it flags members without a default initializer).
  std::function<void(const RunReport&)> on_finish{};  // called with the report, even on failure
  std::function<void(const Diagnostic&)> on_diagnostic{};   // default: print to std::cerr
  std::function<void(const std::string&)> on_stuck_step{};  // called on the watchdog thread
  // Write the run as a trace file (Chrome's Trace Event Format: open it in ui.perfetto.dev).
  // Empty: the AWAITLINGS_TRACE environment variable, if set, names the file. See
  // aio/detail/trace.hpp.
  std::string trace_file{};
};

// The options aio::run uses when none are passed. Demos and graders change them (e.g. `--virtual`)
// so that exercise code calling plain aio::run(task) runs on their clock.
RunOptions default_run_options();

class ScopedDefaultRunOptions {
 public:
  explicit ScopedDefaultRunOptions(RunOptions options);
  ~ScopedDefaultRunOptions();
  ScopedDefaultRunOptions(const ScopedDefaultRunOptions&) = delete;
  ScopedDefaultRunOptions& operator=(const ScopedDefaultRunOptions&) = delete;

 private:
  RunOptions previous_;
};

namespace detail {
[[noreturn]] void refuse_nested_run();
class ThreadJob;  // thread_jobs.hpp
class ThreadJobs;

// Something to do once the current instant is over: when no task is ready any more, before time
// moves on (a timeout deciding that its deadline has passed, see timeout.hpp).
class InstantEndHook : public WaitListNode<InstantEndHook> {
 public:
  virtual void at_instant_end() = 0;

 protected:
  ~InstantEndHook() = default;
};

}  // namespace detail

class Loop {
 public:
  explicit Loop(RunOptions options = default_run_options());
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // The loop currently running on this thread, or nullptr.
  static Loop* current() noexcept;

  Duration now() const { return clock_now(); }
  const RunOptions& options() const noexcept { return options_; }
  const RunReport& report() const noexcept { return report_; }

  // Run `task` as the main task until it finishes; return its value or rethrow its exception.
  template <class T>
  T run_until_complete(Task<T> task) {
    auto main = detail::make_task_state(*this, std::move(task), "main");
    drive(*main);  // also settles the main task: its frame is destroyed inside the loop
    return main->take_result();
  }

  // Start `task` as a task of this loop from outside it (tests on the manual clock).
  template <class T>
  auto spawn(Task<T> task, std::string name = {});  // -> TaskHandle<T>, defined in spawn.hpp

  // Manual clock: run what is ready, then move time forward by `d`, firing timers deadline by
  // deadline (a timer due exactly at now + d fires) and running what each one wakes.
  void advance(Duration d);
  // Run ready tasks until none is ready, without moving time.
  void run_ready();

  // --- runtime internals (used by the primitives) ---
  void start(detail::TaskRef<detail::TaskStateBase> task);  // schedule a new task
  void schedule(detail::TaskStateBase& task);               // queue a task to resume
  detail::TaskStateBase* running_task() const noexcept { return running_; }
  void add_timer(Duration deadline, detail::TimerTarget& target);
  void cancel_timer(detail::TimerTarget& target) noexcept;
  // Call hook.at_instant_end() once every task that can still run at this instant has run.
  // Registering twice does nothing; a hook destroyed before then must call forget_instant_end.
  void at_instant_end(detail::InstantEndHook& hook) noexcept;
  void forget_instant_end(detail::InstantEndHook& hook) noexcept;
  void record_print(std::string text);
  void diagnose(Diagnostic::Kind kind, std::string message);
  void task_finished(detail::TaskStateBase& task) noexcept;
  // aio::to_thread: run `job` on the worker pool (started on first use). Its finish() is called
  // on this thread once a worker has run it.
  void submit_thread_job(std::unique_ptr<detail::ThreadJob> job);
  // Sockets: the loop's reactor, created on first use.
  detail::Reactor& reactor();
  detail::Reactor* reactor_if_created() noexcept { return reactor_.get(); }
  bool debug() const noexcept { return options_.debug; }
  detail::Tracer* tracer() const noexcept { return tracer_.get(); }  // null unless tracing
  // Where the running frame suspends (its co_await), or {} when it finished: slow-step messages
  // say which lines a step ran between.
  void note_suspension(SourceLocation where) noexcept { step_end_ = where; }

  // Debug mode, around each resume: timing, the stuck-step watchdog, the coroutine census.
  struct StepStart {
    std::chrono::steady_clock::time_point wall;
    detail::ThreadUsage usage;
    SourceLocation from;  // the co_await the frame resumes after; line 0 with `first`: its start
    bool first = false;   // the frame's first resume
  };
  StepStart begin_step(const detail::TaskStateBase& task, const detail::PromiseBase& frame,
                       bool woken_from_wait);
  void end_step(const detail::TaskStateBase& task, const detail::PromiseBase& frame,
                const StepStart& start);

 private:
  class Running;  // marks this loop as running on the thread (and refuses nesting)

  void drive(detail::TaskStateBase& main);
  void step_traced(detail::TaskStateBase& task);  // run_ready's step, with trace events
  void run_instant();            // run_ready, then the instant-end hooks, until both are done
  bool run_instant_end_hooks();  // false if there were none
  void run_until_done(detail::TaskStateBase& main);
  bool fire_due_timers(Duration up_to);  // Manual/Virtual: fire every timer due at its deadline
  void wait_for_next_timer();            // Real: sleep until the earliest deadline
  // Thread jobs (to_thread). The one place where the loop blocks for something other than a
  // timer; the I/O reactor will take it over, polling the same wake-up descriptor with sockets.
  bool thread_jobs_in_flight() const noexcept;
  bool sockets_waited() const noexcept { return reactor_ && reactor_->watched() > 0; }
  bool poll_sockets_now();             // wake the tasks whose sockets are ready, without blocking
  bool finish_thread_jobs() noexcept;  // true if some finished (their tasks are ready now)
  // Block until a worker posts a job, a watched socket is ready, or `timeout` passes (negative:
  // no limit). True if something happened (a task may be ready now).
  bool wait_for_outside_events(Duration timeout);
  void wait_for_thread_jobs() noexcept;  // shutdown: every job in flight must end first
  void check_limits();
  void settle_main(detail::TaskStateBase& main) noexcept;
  void shut_down(bool main_finished) noexcept;  // cancel what is left, let it finish, report
  [[noreturn]] void throw_deadlock() const;
  Duration clock_now() const;

  RunOptions options_;
  std::chrono::steady_clock::time_point real_start_;
  Duration now_{};
  bool main_done_ = false;
  std::deque<detail::TaskStateBase*> ready_;
  detail::TimerHeap timers_;
  detail::WaitList<detail::InstantEndHook> instant_end_hooks_;
  std::uint64_t next_timer_sequence_ = 0;
  std::vector<detail::TaskRef<detail::TaskStateBase>> live_;    // started, not yet done
  std::vector<detail::TaskRef<detail::TaskStateBase>> failed_;  // finished with an error
  detail::TaskStateBase* running_ = nullptr;
  RunReport report_;
  std::unique_ptr<detail::Tracer> tracer_;
  std::unique_ptr<detail::ThreadJobs> thread_jobs_;  // null until the first to_thread
  std::unique_ptr<detail::Reactor> reactor_;         // null until the first socket wait
  // Debug mode only.
  bool watching_steps_ = false;  // the stuck-step watchdog watches this run's thread
  SourceLocation step_end_{};
  std::unordered_map<const char*, int> started_frames_;  // by the compiler's function name
  // The call number of each running frame (TranscriptLine::frame). Keyed by address, and set
  // at a frame's first resume: a recycled address then gets the new frame's number.
  std::unordered_map<const detail::PromiseBase*, std::uint64_t> frame_calls_;
  std::uint64_t frame_call_count_ = 0;
};

// Run `task` on a fresh loop until it finishes; return its value or rethrow its exception.
// Calling aio::run from inside a running loop throws aio::RuntimeError: use co_await there.
template <class T>
T run(Task<T> task, RunOptions options = default_run_options()) {
  if (Loop::current()) {
    if (task.valid()) (void)task.claim();  // refused, not forgotten: no "never awaited" warning
    detail::refuse_nested_run();
  }
  Loop loop(std::move(options));
  return loop.run_until_complete(std::move(task));
}

// Overload for a callable returning a Task (e.g. a coroutine lambda). The callable is kept alive
// for the whole run, so its captures stay valid while the coroutine uses them.
template <class F>
requires std::invocable<F&>
auto run(F&& make_task, RunOptions options = default_run_options()) {
  auto keep = std::forward<F>(make_task);
  return run(keep(), std::move(options));
}

}  // namespace aio
