// Slow and stuck steps: see aio/detail/step_monitor.hpp.
#include "aio/detail/step_monitor.hpp"

#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string_view>
#include <vector>

namespace aio::detail {

using std::chrono::nanoseconds;

// ---- what a step used ------------------------------------------------------------------------

namespace {
nanoseconds to_ns(const timeval& t) {
  return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
}
}  // namespace

ThreadUsage ThreadUsage::now() noexcept {
  rusage usage{};
#if defined(RUSAGE_THREAD)
  // Linux: this thread only. Elsewhere the whole process, which is the loop thread when the
  // runtime has no other threads at work, and an overestimate (never a miss) when it has.
  if (getrusage(RUSAGE_THREAD, &usage) != 0) return {};
#else
  if (getrusage(RUSAGE_SELF, &usage) != 0) return {};
#endif
  return {to_ns(usage.ru_utime) + to_ns(usage.ru_stime), usage.ru_nvcsw, usage.ru_nivcsw};
}

bool step_blocked_the_loop(nanoseconds wall, const ThreadUsage& used, nanoseconds bound) noexcept {
  if (wall <= bound) return false;
  // Computing: the step itself used more than the whole budget of CPU time.
  if (used.cpu > bound) return true;
  // Waiting: the thread went to sleep of its own accord (sleep_for, a blocking read), and the
  // time it did not spend computing is over the budget. A step that was merely preempted on a
  // busy machine has no voluntary switch: the OS took the CPU away, the code did not give it up.
  return used.voluntary_switches > 0 && wall - used.cpu > bound;
}

// ---- the step running now --------------------------------------------------------------------

namespace {
// Lock-free atomics of pointers and integers: readable from a signal handler.
std::atomic<const char*> step_task{nullptr};
std::atomic<const char*> step_function{nullptr};
std::atomic<const char*> step_file{nullptr};
std::atomic<unsigned> step_line{0};
}  // namespace

void publish_running_step(const RunningStep& step) noexcept {
  step_task.store(step.task, std::memory_order_relaxed);
  step_file.store(step.file, std::memory_order_relaxed);
  step_line.store(step.line, std::memory_order_relaxed);
  step_function.store(step.function, std::memory_order_release);  // last: marks it complete
}

void clear_running_step() noexcept {
  step_function.store(nullptr, std::memory_order_release);
}

RunningStep running_step() noexcept {
  RunningStep step;
  step.function = step_function.load(std::memory_order_acquire);
  step.task = step_task.load(std::memory_order_relaxed);
  step.file = step_file.load(std::memory_order_relaxed);
  step.line = step_line.load(std::memory_order_relaxed);
  return step;
}

// ---- the stuck-step watchdog -----------------------------------------------------------------

namespace {
std::int64_t steady_ns() {
  return std::chrono::duration_cast<nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string seconds(nanoseconds d) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << std::chrono::duration<double>(d).count() << " s";
  return out.str();
}

std::string short_file(const char* file) {
  SourceLocation where{file ? file : "", 0, ""};
  std::string text = where.short_str();
  return text.substr(0, text.rfind(':'));  // short_str() ends with ":0"
}
}  // namespace

namespace {
// The steps of the armed thread: the serial is odd while a step runs.
std::atomic<std::uint64_t> step_serial{0};
std::atomic<std::int64_t> step_began_ns{0};
// The armed loop thread. Another thread running a loop of its own at the same time (a test
// might) is not watched: its steps would garble the serial.
std::atomic<std::thread::id> watched_thread{};
bool this_thread_is_watched() noexcept {
  return watched_thread.load(std::memory_order_relaxed) == std::this_thread::get_id();
}
}  // namespace

StuckStepWatchdog& StuckStepWatchdog::instance() {
  // Created on first use, joined at exit (a function-local static: no order-of-init problem).
  static StuckStepWatchdog watchdog;
  return watchdog;
}

StuckStepWatchdog::StuckStepWatchdog() : thread_([this] { watch(); }) {}

StuckStepWatchdog::~StuckStepWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void StuckStepWatchdog::arm(nanoseconds bound, Handler on_stuck) {
  {
    std::lock_guard lock(mutex_);
    ++armed_run_;
    bound_ = bound;
    on_stuck_ = std::move(on_stuck);
    // The arming thread is the loop thread; its CPU clock tells, from outside, whether a stuck
    // step is computing or sleeping.
#if defined(__APPLE__)
    have_cpu_clock_ = false;  // macOS has no pthread_getcpuclockid: the message says less
#else
    have_cpu_clock_ = pthread_getcpuclockid(pthread_self(), &loop_thread_cpu_clock_) == 0;
#endif
  }
  watched_thread.store(std::this_thread::get_id(), std::memory_order_relaxed);
  wake_.notify_one();
}

void StuckStepWatchdog::disarm() noexcept {
  if (!this_thread_is_watched()) return;  // another run armed it since
  watched_thread.store(std::thread::id{}, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  armed_run_ = 0;
  on_stuck_ = nullptr;
}

void StuckStepWatchdog::step_began() noexcept {
  if (!this_thread_is_watched()) return;
  step_began_ns.store(steady_ns(), std::memory_order_relaxed);
  step_serial.fetch_add(1, std::memory_order_release);  // now odd: a step runs
}

void StuckStepWatchdog::step_ended() noexcept {
  if (!this_thread_is_watched()) return;
  step_serial.fetch_add(1, std::memory_order_release);  // now even: between steps
}

void StuckStepWatchdog::watch() {
  std::uint64_t watched_serial = 0;
  nanoseconds cpu_at_first_look{};
  std::int64_t wall_at_first_look = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (armed_run_ == 0) {  // nothing to watch: sleep until a run arms us
      wake_.wait(lock, [this] { return stopping_ || armed_run_ != 0; });
      continue;
    }
    // Look a few times per bound.
    auto period = std::max<nanoseconds>(bound_ / 8, std::chrono::milliseconds(1));
    if (wake_.wait_for(lock, period, [this] { return stopping_; })) break;
    if (armed_run_ == 0) continue;
    std::uint64_t serial = step_serial.load(std::memory_order_acquire);
    if (serial % 2 == 0) continue;  // between steps
    auto cpu_now = [this]() -> nanoseconds {
      timespec t{};
      if (!have_cpu_clock_ || clock_gettime(loop_thread_cpu_clock_, &t) != 0) return {};
      return std::chrono::seconds(t.tv_sec) + nanoseconds(t.tv_nsec);
    };
    if (serial != watched_serial) {  // a new step: note where its CPU clock stood
      watched_serial = serial;
      cpu_at_first_look = cpu_now();
      wall_at_first_look = steady_ns();
      continue;
    }
    nanoseconds ran_for(steady_ns() - step_began_ns.load(std::memory_order_relaxed));
    if (ran_for < bound_) continue;
    nanoseconds watched_wall(steady_ns() - wall_at_first_look);
    double cpu_share = have_cpu_clock_ && watched_wall.count() > 0
                           ? static_cast<double>((cpu_now() - cpu_at_first_look).count()) /
                                 static_cast<double>(watched_wall.count())
                           : -1.0;
    std::string message = describe_stuck_step(ran_for, cpu_share);
    Handler on_stuck = on_stuck_;
    lock.unlock();
    if (on_stuck) {
      on_stuck(message);
    } else {
      std::cerr << "aio: " << message << std::endl;
    }
    // The step cannot be interrupted and will not return: end the process, as a hung program
    // killed by a supervisor would end, but with the explanation above.
    std::_Exit(EXIT_FAILURE);
  }
}

std::string StuckStepWatchdog::describe_stuck_step(nanoseconds ran_for, double cpu_share) const {
  RunningStep step = running_step();
  std::ostringstream out;
  out << "one step of task '" << (step.task ? step.task : "?") << "' has run for "
      << seconds(ran_for) << " without returning to the event loop";
  if (step.function) {
    out << ": it is in " << step.function << "() (" << short_file(step.file);
    if (step.line) {
      out << ", after the co_await at line " << step.line;
    } else {
      out << ", since the start of the function";
    }
    out << ")";
  }
  out << ".\n";
  if (cpu_share < 0) {  // no CPU clock of the loop thread here: either cause
    out << "  Either it computes without ever reaching a co_await (a loop with no co_await "
           "inside never gives the event loop a chance), or it waits in a blocking call "
           "(std::this_thread::sleep_for, a blocking read). Either way every task is blocked: "
           "put a co_await where the code waits, and make sure every loop ends or awaits.";
  } else if (cpu_share > 0.01) {
    // A thread that sleeps or waits uses next to no CPU; one that spins uses its share of a
    // core, which on a busy machine can be far below 100%, but never near 0.
    out << "  It is computing without ever reaching a co_await: a loop with no co_await inside "
           "never gives the event loop a chance, so every task is blocked forever. Put a "
           "co_await (aio::sleep, or the await you meant to write) inside the loop, or make sure "
           "the loop ends.";
  } else {
    out << "  It is waiting without a co_await: a blocking call (std::this_thread::sleep_for, a "
           "blocking read, a lock) holds the thread, so every task is blocked until it returns. "
           "Use co_await aio::sleep(...) or the awaitable version of the call.";
  }
  return out.str();
}

// ---- the first line of a function ------------------------------------------------------------

unsigned definition_line(const SourceLocation& where) {
  std::string_view function = where.function ? where.function : "";
  if (function.empty() || function == "operator()" || !where.file || where.line == 0)
    return where.line;
  // GCC spells templates "name<args>": look for the bare name.
  function = function.substr(0, function.find('<'));
  std::ifstream source(where.file);
  if (!source) return where.line;
  std::vector<std::string> lines;
  for (std::string line; lines.size() < where.line && std::getline(source, line);)
    lines.push_back(std::move(line));
  // From the recorded line upwards, the nearest line that names the function followed by '('
  // and starts in column 0 (a definition, not a call inside some body).
  std::string needle = std::string(function) + "(";
  for (std::size_t i = lines.size(); i-- > 0;) {
    const std::string& text = lines[i];
    if (text.empty() || text[0] == ' ' || text[0] == '\t' || text[0] == '/' || text[0] == '}')
      continue;
    auto at = text.find(needle);
    if (at == std::string::npos) continue;
    bool starts_word =
        at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_');
    if (starts_word) return static_cast<unsigned>(i + 1);
  }
  return where.line;
}

}  // namespace aio::detail
