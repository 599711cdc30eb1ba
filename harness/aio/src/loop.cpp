// The event loop: ready queue, timers, the three clocks, shutdown and diagnostics.
#include "aio/loop.hpp"

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <poll.h>
#include <time.h>

#include "aio/detail/thread_jobs.hpp"
#include "aio/print.hpp"

namespace aio {

namespace {

thread_local Loop* current_loop = nullptr;

std::mutex default_options_mutex;
RunOptions& default_options_storage() {
  static RunOptions options;
  return options;
}

// How long the loop blocks at most in debug mode while it waits for a worker: the watchdog
// must still get to look at the time.
constexpr Duration watchdog_slice = std::chrono::milliseconds(50);

std::string seconds_text(std::chrono::steady_clock::duration d) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(3) << std::chrono::duration<double>(d).count() << " s";
  return out.str();
}

}  // namespace

RunOptions default_run_options() {
  std::lock_guard lock(default_options_mutex);
  return default_options_storage();
}

ScopedDefaultRunOptions::ScopedDefaultRunOptions(RunOptions options) {
  std::lock_guard lock(default_options_mutex);
  previous_ = std::exchange(default_options_storage(), std::move(options));
}

ScopedDefaultRunOptions::~ScopedDefaultRunOptions() {
  std::lock_guard lock(default_options_mutex);
  default_options_storage() = std::move(previous_);
}

// While alive, this thread's current loop is `loop`. Refuses a second loop on the same thread:
// a coroutine calling aio::run would block every other task of the outer loop.
class Loop::Running {
 public:
  explicit Running(Loop& loop) : previous_(current_loop) {
    if (current_loop && current_loop != &loop) {
      detail::refuse_nested_run();
    }
    current_loop = &loop;
  }
  ~Running() { current_loop = previous_; }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

 private:
  Loop* previous_;
};

Loop::Loop(RunOptions options)
    : options_(std::move(options)), real_start_(std::chrono::steady_clock::now()) {
  if (current_loop) detail::refuse_nested_run();
  std::string trace = options_.trace_file;
  if (trace.empty()) {
    if (const char* from_environment = std::getenv("AWAITLINGS_TRACE")) trace = from_environment;
  }
  if (!trace.empty()) {
    tracer_ = std::make_unique<detail::Tracer>(
        trace, options_.clock == Clock::Real ? "real" : "simulated");
  }
}

Loop::~Loop() {
  if (!live_.empty() || thread_jobs_) {
    Running running(*this);
    shut_down(false);
  }
  if (tracer_) tracer_->finish();
}

Loop* Loop::current() noexcept {
  return current_loop;
}

Duration Loop::clock_now() const {
  if (options_.clock != Clock::Real) return now_;
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - real_start_);
}

// ---- tasks --------------------------------------------------------------------------------

void Loop::start(detail::TaskRef<detail::TaskStateBase> task) {
  task->live_index = live_.size();
  schedule(*task);
  live_.push_back(std::move(task));
}

void Loop::schedule(detail::TaskStateBase& task) {
  if (task.queued) return;
  task.queued = true;
  ready_.push_back(&task);
}

void Loop::task_finished(detail::TaskStateBase& task) noexcept {
  if (task.error() && !task.cancelled()) failed_.push_back(detail::ref_to(task));
  if (tracer_) {
    const char* how = task.cancelled() ? "cancelled" : task.error() ? "failed" : "done";
    tracer_->task_done(task, clock_now(), how);
  }
  // Swap-remove from the live list; the state may die here if no handle refers to it.
  std::size_t index = task.live_index;
  if (index < live_.size() && live_[index].get() == &task) {
    std::swap(live_[index], live_.back());
    live_[index]->live_index = index;
    live_.pop_back();
  }
}

void Loop::run_ready() {
  Running running(*this);
  // FIFO: a task woken while we drain goes to the back and still runs in this round.
  while (!ready_.empty()) {
    detail::TaskStateBase* task = ready_.front();
    ready_.pop_front();
    running_ = task;
    if (tracer_) {
      step_traced(*task);
    } else {
      task->step();
    }
    running_ = nullptr;
    // Outside the step, so that starting a thread never counts as the task blocking the loop.
    if (thread_jobs_ && thread_jobs_->wants_workers()) thread_jobs_->start_wanted_workers();
  }
  now_ = clock_now();
}

// A step with its span on the task's track, and the wait it parked on, if any, opened.
void Loop::step_traced(detail::TaskStateBase& task) {
  Duration start = clock_now();
  tracer_->wait_ended(task, start);  // a task resumes: whatever it waited for is over
  std::uint64_t track = tracer_->track_of(task);
  std::string name = task.name();
  task.step();
  Duration end = clock_now();
  tracer_->step(track, name, start, end);
  if (!task.done() && task.waiting()) {
    tracer_->wait_began(task, end, task.wait_description(), task.wait_site().short_str());
  }
}

// ---- timers -------------------------------------------------------------------------------

void Loop::add_timer(Duration deadline, detail::TimerTarget& target) {
  timers_.arm(target, detail::TimerKey{deadline, next_timer_sequence_++});
}

void Loop::cancel_timer(detail::TimerTarget& target) noexcept {
  timers_.disarm(target);
}

void Loop::at_instant_end(detail::InstantEndHook& hook) noexcept {
  if (!hook.linked()) instant_end_hooks_.push_back(hook);
}

void Loop::forget_instant_end(detail::InstantEndHook& hook) noexcept {
  if (hook.linked()) instant_end_hooks_.remove(hook);
}

// Why a second phase after the ready queue: a timeout and the operation it guards may both be
// due at the same instant (the operation's sleep ends exactly at the deadline). Their timers
// fire together, but the operation still has to run to finish. Deciding "too late" only once
// nothing can run any more at this instant lets the result win, as in Tokio.
bool Loop::run_instant_end_hooks() {
  if (instant_end_hooks_.empty()) return false;
  Running running(*this);
  // One at a time from the front: a hook may unlink others (an outer timeout cancelling an inner
  // one removes the inner one's hook).
  while (!instant_end_hooks_.empty()) instant_end_hooks_.pop_front().at_instant_end();
  return true;
}

void Loop::run_instant() {
  do {
    run_ready();
  } while (run_instant_end_hooks());
}

bool Loop::fire_due_timers(Duration up_to) {
  if (timers_.empty() || timers_.earliest_deadline() > up_to) return false;
  // Every timer sharing the earliest deadline fires now, in the order they were set.
  Duration deadline = timers_.earliest_deadline();
  now_ = std::max(now_, deadline);
  while (!timers_.empty() && timers_.earliest_deadline() == deadline) {
    timers_.pop_earliest().on_timer();
  }
  return true;
}

void Loop::wait_for_next_timer() {
  if (thread_jobs_in_flight() || sockets_waited()) {
    // A worker or a socket may be first: wait for them, with the timer as timeout.
    Duration timeout = Duration(-1);
    if (!timers_.empty())
      timeout = std::max(Duration::zero(), timers_.earliest_deadline() - clock_now());
    if (options_.debug && (timeout < Duration::zero() || timeout > watchdog_slice)) {
      timeout = watchdog_slice;
    }
    wait_for_outside_events(timeout);
  } else {
    std::this_thread::sleep_until(real_start_ + timers_.earliest_deadline());
  }
  now_ = clock_now();
  // In real time several deadlines may have passed: fire them all, earliest first.
  while (!timers_.empty() && timers_.earliest_deadline() <= now_) {
    timers_.pop_earliest().on_timer();
  }
}

void Loop::advance(Duration d) {
  if (options_.clock != Clock::Manual) throw RuntimeError("Loop::advance() needs Clock::Manual");
  Duration target = now_ + d;
  run_instant();
  while (true) {
    {
      Running running(*this);
      if (!fire_due_timers(target)) break;
    }
    run_instant();
  }
  now_ = target;
}

// ---- thread jobs (to_thread) --------------------------------------------------------------

void Loop::submit_thread_job(std::unique_ptr<detail::ThreadJob> job) {
  if (!thread_jobs_) {
    std::size_t workers = options_.workers ? options_.workers : std::thread::hardware_concurrency();
    thread_jobs_ = std::make_unique<detail::ThreadJobs>(workers);
    if (reactor_) reactor_->add_wakeup(thread_jobs_->wakeup_fd());
  }
  thread_jobs_->submit(std::move(job));
}

// ---- sockets ------------------------------------------------------------------------------

// The loop blocks in one place only: once there is a reactor, the workers' wake-up descriptor
// joins its wait, so a finished job interrupts a wait for sockets and the other way round.
detail::Reactor& Loop::reactor() {
  if (!reactor_) {
    reactor_ = detail::make_reactor(options_.reactor);
    if (thread_jobs_) reactor_->add_wakeup(thread_jobs_->wakeup_fd());
  }
  return *reactor_;
}

bool Loop::poll_sockets_now() {
  if (!sockets_waited()) return false;
  Running running(*this);
  return reactor_->wait(Duration::zero()) > 0;
}

bool Loop::thread_jobs_in_flight() const noexcept {
  return thread_jobs_ && thread_jobs_->in_flight() > 0;
}

bool Loop::finish_thread_jobs() noexcept {
  if (!thread_jobs_in_flight()) return false;
  Running running(*this);
  return thread_jobs_->finish_completed() > 0;
}

bool Loop::wait_for_outside_events(Duration timeout) {
  if (thread_jobs_in_flight()) {
    // A quick job is often done within microseconds: catch it without going to sleep.
    Duration spin_limit = timeout < Duration::zero() ? Duration::max() : timeout;
    if (thread_jobs_->spin_for_completion(spin_limit)) return true;
  }
  if (reactor_) {
    // Sockets and the workers' wake-up descriptor in one wait (see reactor()).
    Running running(*this);
    return reactor_->wait(timeout) > 0;  // a finished job is taken by finish_thread_jobs
  }
  pollfd wakeup{thread_jobs_->wakeup_fd(), POLLIN, 0};
#ifdef __linux__
  // ppoll takes nanoseconds: a real-clock timer is not rounded up to the next millisecond.
  timespec limit{};
  limit.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  limit.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  return ::ppoll(&wakeup, 1, timeout < Duration::zero() ? nullptr : &limit, nullptr) > 0;
#else
  int ms = -1;
  if (timeout >= Duration::zero()) {
    ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(timeout).count());
  }
  return ::poll(&wakeup, 1, ms) > 0;
#endif
}

// Shutdown: a job cannot be stopped, and its function may still use the data of tasks about to
// be destroyed (or of the main task, settled after this), so the loop waits for every job.
void Loop::wait_for_thread_jobs() noexcept {
  if (!thread_jobs_) return;
  auto began = std::chrono::steady_clock::now();
  while (thread_jobs_->in_flight() > 0) {
    if (options_.debug && std::chrono::steady_clock::now() - began > options_.watchdog) {
      diagnose(Diagnostic::Kind::ThreadJobStillRunning,
               std::to_string(thread_jobs_->in_flight()) + " aio::to_thread job(s) still running " +
                   seconds_text(options_.watchdog) +
                   " after the run ended: a thread cannot be stopped from outside, so they were "
                   "left running (watchdog). A function given to to_thread must return: check "
                   "its loop, or take a std::stop_token and return once stop_requested()");
      detail::ThreadJobs::leave_running(std::move(thread_jobs_));
      return;
    }
    wait_for_outside_events(options_.debug ? watchdog_slice : Duration(-1));
    finish_thread_jobs();  // their awaiters are gone: the results are dropped
  }
  thread_jobs_.reset();  // joins the idle workers: no thread outlives its loop
}

// ---- the main loop ------------------------------------------------------------------------

void Loop::drive(detail::TaskStateBase& main) {
  real_start_ = std::chrono::steady_clock::now();
  main.result_retrieved = true;   // run_until_complete hands the outcome to the caller
  main.settle_when_done = false;  // settled after shutdown instead (settle_main)
  start(detail::ref_to(main));
  if (options_.debug && options_.stuck_step > Duration::zero()) {
    detail::StuckStepWatchdog::instance().arm(options_.stuck_step, options_.on_stuck_step);
    watching_steps_ = true;
  }
  struct ReportOnExit {
    Loop& loop;
    ~ReportOnExit() {
      if (loop.watching_steps_) detail::StuckStepWatchdog::instance().disarm();
      for (const auto& [function, count] : loop.started_frames_)
        loop.report_.coroutines_started[detail::task_name_for(function)] += count;
      if (loop.options_.on_finish) loop.options_.on_finish(loop.report_);
    }
  } report_on_exit{*this};
  try {
    run_until_done(main);
  } catch (...) {
    report_.elapsed = now_;
    shut_down(main.done());
    throw;
  }
  shut_down(true);
  settle_main(main);
}

// The main task's frame (and with it its parameters) is destroyed here, inside the loop, so
// that a destructor that prints is stamped and recorded like any other line. After shut_down:
// a task still running when main finished may refer to main's parameters while it is cancelled
// and cleans up, so they must outlive it.
void Loop::settle_main(detail::TaskStateBase& main) noexcept {
  Running running(*this);
  running_ = &main;
  main.settle();
  running_ = nullptr;
}

void Loop::run_until_done(detail::TaskStateBase& main) {
  while (!main.done()) {
    run_ready();
    if (main.done()) break;
    if (run_instant_end_hooks()) continue;  // they may have woken tasks at this instant
    if (finish_thread_jobs()) continue;     // their tasks resume at this instant
    if (poll_sockets_now()) continue;       // so do those whose sockets are ready
    check_limits();
    Duration unbounded = options_.debug ? watchdog_slice : Duration(-1);
    if (options_.clock == Clock::Real) {
      if (timers_.empty() && !thread_jobs_in_flight() && !sockets_waited()) throw_deadlock();
      wait_for_next_timer();
    } else if (thread_jobs_in_flight()) {
      // Simulated clocks: work on a worker costs no simulated time. Wait for it in real time
      // without moving the clock (in slices in debug mode, so the watchdog still checks).
      wait_for_outside_events(unbounded);
    } else if (sockets_waited() && timers_.empty()) {
      wait_for_outside_events(unbounded);  // only a socket can wake anyone: wait for it
    } else if (sockets_waited() && wait_for_outside_events(options_.io_grace)) {
      continue;  // traffic within the grace: it happens at this instant, time does not move
    } else if (timers_.empty()) {
      throw_deadlock();
    } else if (options_.clock == Clock::Virtual) {
      Running running(*this);
      fire_due_timers(timers_.earliest_deadline());
    } else {
      throw RuntimeError(
          "Clock::Manual: the main task is waiting for a timer; call Loop::advance() to move "
          "time");
    }
  }
  report_.elapsed = now_;  // time stops when the main task finishes
}

void Loop::check_limits() {
  if (options_.clock != Clock::Real && !timers_.empty() &&
      timers_.earliest_deadline() > options_.virtual_limit) {
    std::ostringstream out;
    out << "simulated time would pass " << format_seconds(options_.virtual_limit)
        << " s: the program never finishes (an endless loop of sleeps?)";
    throw WatchdogError(out.str());
  }
  if (options_.debug) {
    auto real = std::chrono::steady_clock::now() - real_start_;
    if (real > options_.watchdog) {
      // What every task waits for: with a socket open (a listening server), tasks waiting on
      // each other are not a provable deadlock, and this list is how to find the cycle.
      std::ostringstream out;
      out << "the run took more than " << seconds_text(options_.watchdog)
          << " of real time: it seems to hang (watchdog). The tasks and what they wait for:";
      for (const auto& task : live_) out << "\n  - " << task->describe_wait();
      throw WatchdogError(out.str());
    }
  }
}

void Loop::throw_deadlock() const {
  std::ostringstream out;
  out << "deadlock: every task is waiting and nothing can wake any of them (no task is ready, "
         "no timer is set):";
  for (const auto& task : live_) out << "\n  - " << task->describe_wait();
  throw DeadlockError(out.str());
}

// After the main task: cancel what is left, let it run its cleanup, report it.
void Loop::shut_down(bool main_finished) noexcept {
  try {
    main_done_ = true;
    for (const auto& task : live_) {
      if (task->done() || !main_finished) continue;
      diagnose(Diagnostic::Kind::PendingAtEnd,
               "task '" + task->name() +
                   "' was still running when the main task finished; it was cancelled "
                   "(await it, cancel it yourself, or use a TaskGroup)");
    }
    // A few rounds: cancel everything live, then run until nothing is ready and no timer is
    // due within the same simulated instant. Tasks that ignore cancellation get more chances.
    for (int round = 0; round < 3 && !live_.empty(); ++round) {
      auto snapshot = live_;
      for (auto& task : snapshot) task->cancel();
      for (int spins = 0; spins < 1000 && !live_.empty(); ++spins) {
        run_instant();
        if (live_.empty()) break;
        // A clean-up may itself wait for a to_thread job (after catching the cancellation).
        if (finish_thread_jobs()) continue;
        if (thread_jobs_in_flight()) {
          wait_for_outside_events(options_.debug ? watchdog_slice : Duration(-1));
          continue;
        }
        if (poll_sockets_now()) continue;
        if (timers_.empty()) break;
        Running running(*this);
        fire_due_timers(timers_.earliest_deadline());
      }
    }
  } catch (...) {
    // fall through to abandoning what is left
  }
  wait_for_thread_jobs();  // before any frame is destroyed: a job may still use its data
  // Whatever still lives (stuck in a cycle, or ignoring cancellation) is destroyed in place.
  Running running(*this);
  while (!live_.empty()) {
    auto task = live_.back();
    task->abandon();
    if (!live_.empty() && live_.back() == task) live_.pop_back();
  }
  ready_.clear();
  // Failures nobody looked at.
  for (const auto& task : failed_) {
    if (task->result_retrieved) continue;
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(task->error());
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    diagnose(Diagnostic::Kind::UnretrievedException,
             "task '" + task->name() + "' failed with \"" + what +
                 "\" and nobody awaited it to see the error");
  }
  failed_.clear();
}

// ---- output and diagnostics ---------------------------------------------------------------

void Loop::record_print(std::string text) {
  Duration at = clock_now();
  if (!options_.quiet) {
    std::ostream& out = options_.sink ? *options_.sink : std::cout;
    if (options_.timestamps) out << '[' << format_seconds(at) << "s] ";
    out << text << '\n';
  }
  if (tracer_) tracer_->print(running_, at, text);
  const detail::PromiseBase* frame = running_ ? running_->current_frame() : nullptr;
  std::uint64_t call = 0;
  if (frame) {
    auto found = frame_calls_.find(frame);
    if (found != frame_calls_.end()) call = found->second;
  }
  report_.transcript.push_back({at, running_ ? running_->name() : std::string{}, std::move(text),
                                frame ? detail::task_name_for(*frame) : std::string{}, call});
}

void Loop::diagnose(Diagnostic::Kind kind, std::string message) {
  if (tracer_) tracer_->diagnostic(clock_now(), message);
  if (options_.on_diagnostic) {
    options_.on_diagnostic(Diagnostic{kind, message});
  } else {
    std::cerr << "aio warning: " << message << '\n';
  }
  report_.diagnostics.push_back({kind, std::move(message)});
}

Loop::StepStart Loop::begin_step(const detail::TaskStateBase& task,
                                 const detail::PromiseBase& frame, bool woken_from_wait) {
  StepStart start;
  start.first = !frame.started;
  if (start.first) {
    ++started_frames_[frame.where.function];
    frame_calls_[&frame] = ++frame_call_count_;
  }
  if (woken_from_wait && !start.first) start.from = task.wait_site();
  step_end_ = SourceLocation{};
  detail::publish_running_step(
      {task.name_chars(), frame.where.function, frame.where.file, start.from.line});
  if (watching_steps_) detail::StuckStepWatchdog::step_began();
  start.usage = detail::ThreadUsage::now();
  start.wall = std::chrono::steady_clock::now();
  return start;
}

namespace {
// "from line 8 (the start of long_process) to the co_await at line 12"
std::string step_span(const detail::PromiseBase& frame, const Loop::StepStart& start,
                      const SourceLocation& end) {
  std::string function = detail::task_name_for(frame);
  std::string text;
  if (start.first) {
    text = "from line " + std::to_string(detail::definition_line(frame.where)) + " (the start of " +
           function + ")";
  } else if (start.from.line) {
    text = "from the co_await at line " + std::to_string(start.from.line);
  } else {
    text = "from where it resumed";
  }
  if (end.line) return text + " to the co_await at line " + std::to_string(end.line);
  return text + " to the end of " + function;
}
}  // namespace

void Loop::end_step(const detail::TaskStateBase& task, const detail::PromiseBase& frame,
                    const StepStart& start) {
  auto took = std::chrono::steady_clock::now() - start.wall;
  if (watching_steps_) detail::StuckStepWatchdog::step_ended();
  detail::clear_running_step();
  if (took <= options_.slow_step) return;
  detail::ThreadUsage now = detail::ThreadUsage::now();
  detail::ThreadUsage used{now.cpu - start.usage.cpu,
                           now.voluntary_switches - start.usage.voluntary_switches,
                           now.involuntary_switches - start.usage.involuntary_switches};
  // Slow because the OS ran something else (a busy machine), not because the code blocked:
  // not the learner's fault, so not reported.
  if (!detail::step_blocked_the_loop(took, used, options_.slow_step)) return;
  std::string file = frame.where.short_str();
  file = file.substr(0, file.rfind(':'));
  // Two ways to block, two remedies: the step computed (its thread's CPU time is over the
  // budget), or it slept / waited in a blocking call.
  bool computed = used.cpu > options_.slow_step;
  std::string remedy =
      computed ? "the event loop was blocked by computation — run CPU-heavy work on a worker "
                 "thread: co_await aio::to_thread(fn, args...)"
               : "the event loop was blocked — use co_await aio::sleep, not "
                 "std::this_thread::sleep_for, and wait for other work with co_await, not "
                 "future.get() or thread.join()";
  diagnose(Diagnostic::Kind::SlowStep, "Executing task '" + task.name() + "' took " +
                                           seconds_text(took) + " in " +
                                           detail::task_name_for(frame) + " (" + file + ", " +
                                           step_span(frame, start, step_end_) + "): " + remedy);
}

namespace detail {
void refuse_nested_run() {
  throw RuntimeError(
      "aio::run() called while an event loop is already running on this thread: inside a "
      "coroutine, co_await the task instead of starting a new loop");
}

void print_line(std::string text) {
  if (Loop* loop = Loop::current()) {
    loop->record_print(std::move(text));
  } else {
    std::cout << text << '\n';
  }
}
}  // namespace detail

std::string format_seconds(std::chrono::nanoseconds time) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(3) << std::setw(7)
      << std::chrono::duration<double>(time).count();
  return out.str();
}

}  // namespace aio
