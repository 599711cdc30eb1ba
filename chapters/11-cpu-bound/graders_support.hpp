// What the graders of chapter 11 share (you do not need to read this to do the exercises).
//
// The exercises get the graders' own checksum function (a Probe). It runs the real
// ch11::checksum on small blocks and marks the result with a random tag, so only a value that
// came from the function the exercise was given is right. It also records, for every call, the
// thread it ran on (the loop's thread is the test's own: grading runs the loop right here), when
// it began and ended relative to the other calls, how many ran at once, and how often a
// heartbeat on the loop ticked while it ran. A test can ask it to behave in ways that prove a
// point without measuring time:
// - rendezvous: a call waits until N calls have begun (they can only all begin if they were
//   started together and run in parallel);
// - reverse finish: call i ends only after call i + 1 has ended (results must still come back in
//   the order of the blocks, not the order the jobs end);
// - heartbeat: a call waits until the loop's heartbeat has ticked twice while it ran (it can only
//   tick if the loop is free while the job runs);
// - a limit to exceed: a call waits until N calls run at once (fewer when fewer are left), then a
//   while longer for more than N to run (a bound on jobs in flight is only proven if breaking it
//   would have been seen);
// - burn: a call computes for a given amount of its thread's CPU time;
// - a neighbour: a call waits until another task's job (not the exercise's) has had a worker
//   (a pipeline that holds every worker, even blocked, starves the rest of the program).
// Each copy of the function handed to the exercise is numbered, and every call notes the copy it
// came through: aio::to_thread copies the function into each job, so calls that all came through
// one copy on one worker thread were all made by one job.
// Every wait is bounded in real time: when one expires the probe notes it and no later call
// waits, so a wrong solution fails in about a second instead of hanging. A call made on the
// loop's thread never waits (nothing else could run meanwhile).
//
// Every Probe member is guarded by its mutex: calls run on the pool's worker threads, and the
// `tsan` preset runs these graders under ThreadSanitizer.
#pragma once

#include <grading/grading.hpp>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace ch11 {
// How gtest shows a Checked in messages (found by argument-dependent lookup).
inline void PrintTo(const Checked& checked, std::ostream* out) {
  *out << "{" << checked.name << ", " << std::hex << "0x" << checked.checksum << std::dec << "}";
}
}  // namespace ch11

namespace ch11_graders {

using namespace std::chrono_literals;
using aio::Duration;
using ch11::Block;
using grading::format_duration;
using grading::holds;
using grading::Run;
using grading::Timeline;
using std::chrono::milliseconds;
using Sums = std::vector<std::uint64_t>;

inline Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

// What the graders' checksum throws for a block a test marks as corrupt.
class CorruptBlock : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `count` blocks with distinct random names and small random sizes (the real checksum of a few
// KB is instant, even under ThreadSanitizer).
inline std::vector<Block> random_blocks(int count, int min_size = 64, int max_size = 4096) {
  static const char* const words[] = {"log", "photo", "backup", "index", "video", "chunk", "page"};
  std::vector<Block> blocks;
  for (int i = 0; i < count; ++i) {
    std::string name = std::string(words[grading::random_int(0, 6)]) + "-" + std::to_string(i + 1) +
                       "-" + std::to_string(grading::random_int(100, 999));
    blocks.push_back(ch11::make_block(
        std::move(name), static_cast<std::size_t>(grading::random_int(min_size, max_size))));
  }
  return blocks;
}

// ---- the heartbeat ------------------------------------------------------------------------

// A task on the loop that ticks every `period`: if the loop is blocked, it cannot.
struct Beats {
  std::atomic<int> ticks{0};    // read by the probe on worker threads
  std::vector<Duration> times;  // aio::now() of each tick; loop thread only
  Duration period = 5ms;

  // The longest time between two ticks (0 with fewer than two ticks).
  Duration longest_gap() const {
    Duration longest{};
    for (std::size_t i = 1; i < times.size(); ++i)
      longest = std::max(longest, times[i] - times[i - 1]);
    return longest;
  }
};

inline aio::Task<> heartbeat(std::shared_ptr<Beats> beats) {
  for (;;) {
    co_await aio::sleep(beats->period);
    beats->times.push_back(aio::now());
    beats->ticks.fetch_add(1);
  }
}

// Runs `work` beside a heartbeat: the heartbeat ticks a few times first, and a few times after
// (so that a gap made by `work` lies between two ticks), then it is cancelled and awaited. The
// outcome is work's: its value, or its exception.
template <class T>
aio::Task<T> with_heartbeat(aio::Task<T> work, std::shared_ptr<Beats> beats) {
  auto beat = aio::create_task(heartbeat(beats), "heartbeat");
  while (beats->ticks.load() < 2) co_await aio::sleep(1ms);
  std::optional<T> value;
  std::exception_ptr error;
  try {
    value.emplace(co_await std::move(work));
  } catch (...) {
    error = std::current_exception();
  }
  const int after = beats->ticks.load() + 2;
  while (beats->ticks.load() < after) co_await aio::sleep(1ms);
  beat.cancel();
  try {
    co_await beat;
  } catch (const aio::CancelledError&) {
    // the heartbeat's own end: expected
  }
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

// ---- the graders' checksum ----------------------------------------------------------------

// One call of the graders' checksum.
struct Call {
  std::string name;
  std::size_t index = 0;  // position of its block in the test's input
  bool on_loop_thread = false;
  int began = 0;         // order among all begin/end events of the run
  int ended = -1;        // -1: threw
  int running_with = 0;  // calls running when this one began (itself included)
  int ticks_at_start = 0;
  int ticks_during = 0;  // heartbeat ticks while it ran
  bool waited_in_vain = false;
  std::thread::id thread;
  int copy = 0;  // which copy of the function made the call (one per to_thread job)
};

class Probe {
 public:
  // ---- configuration, set before the run (read-only while it runs) ----
  std::thread::id loop_thread = std::this_thread::get_id();
  std::uint64_t tag = 0;
  std::map<std::string, std::size_t> index_of;  // block name -> position in the input
  std::set<std::string> corrupt;                // blocks whose checksum throws
  int rendezvous = 0;                           // wait until this many calls have begun
  bool reverse_finish = false;                  // call i ends after call i + 1
  std::shared_ptr<Beats> beats;                 // wait until it ticked twice during the call
  int limit_to_exceed = 0;  // wait `exceed_wait` for more than this many to run at once
  Duration exceed_wait = 100ms;
  Duration burn{};                  // CPU time each call computes
  bool wait_for_neighbour = false;  // wait until the neighbour's job has run
  Duration bound = 1s;

  // Blocks the probe knows (their position, for reverse_finish and for messages), and the tag.
  void expect_blocks(const std::vector<Block>& blocks) {
    for (std::size_t i = 0; i < blocks.size(); ++i) index_of[blocks[i].name] = i;
  }

  // What a right answer is for this block: the real checksum, marked with the tag.
  std::uint64_t expected(const Block& block) const { return ch11::checksum(block) ^ tag; }

  // The function handed to the exercises (defined below, after Caller).
  static ch11::ChecksumFn function(std::shared_ptr<Probe> probe);

  // A new number for a copy of that function (copies are made on any thread).
  int next_copy() { return copies_.fetch_add(1) + 1; }

  std::uint64_t call(const Block& block, int copy) {
    const bool on_loop = std::this_thread::get_id() == loop_thread;
    std::size_t me = begin(block, on_loop, copy);
    if (!on_loop) wait_as_asked(me);
    if (burn > 0ns) burn_cpu(burn);
    std::uint64_t sum = ch11::checksum(block) ^ tag;
    bool throws = finish(me, corrupt.count(block.name) > 0);
    if (throws) throw CorruptBlock(block.name + " is corrupt #" + std::to_string(tag % 1000));
    return sum;
  }

  // ---- what happened (read after the run) ----
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
  }

  // The neighbour's job (another task's, on a worker) calls this when it runs.
  void neighbour_runs() {
    std::lock_guard lock(mutex_);
    neighbour_ran_ = true;
    changed_.notify_all();
  }
  // A call waited `bound` in vain for the neighbour's job to get a worker.
  bool neighbour_starved() const {
    std::lock_guard lock(mutex_);
    return neighbour_starved_;
  }

 private:
  std::size_t begin(const Block& block, bool on_loop, int copy) {
    std::lock_guard lock(mutex_);
    Call call;
    call.name = block.name;
    call.thread = std::this_thread::get_id();
    call.copy = copy;
    auto it = index_of.find(block.name);
    call.index = it == index_of.end() ? calls_.size() : it->second;
    call.on_loop_thread = on_loop;
    call.began = events_++;
    call.running_with = ++running_;
    call.ticks_at_start = beats ? beats->ticks.load() : 0;
    peak_ = std::max(peak_, running_);
    ++begun_;
    calls_.push_back(call);
    changed_.notify_all();
    return calls_.size() - 1;
  }

  bool finish(std::size_t me, bool throws) {
    std::lock_guard lock(mutex_);
    Call& call = calls_[me];
    if (beats) call.ticks_during = beats->ticks.load() - call.ticks_at_start;
    if (!throws) call.ended = events_++;
    --running_;
    finished_.insert(call.index);
    changed_.notify_all();
    return throws;
  }

  // The bounded waits a test asked for. A wait that expires marks the probe broken: later calls
  // do not wait at all.
  void wait_as_asked(std::size_t me) {
    std::unique_lock lock(mutex_);
    auto wait = [&](auto ready, Duration how_long) {
      if (broken_) return;
      if (!changed_.wait_for(lock, how_long, [&] { return broken_ || ready(); })) {
        broken_ = true;
        calls_[me].waited_in_vain = true;
        changed_.notify_all();
      }
    };
    if (rendezvous > 0) wait([&] { return begun_ >= rendezvous; }, bound);
    if (beats) {
      const int start = calls_[me].ticks_at_start;
      // The ticks come from the loop thread, which does not notify: look again every 1 ms.
      auto ticked = [&] { return beats->ticks.load() - start >= 2; };
      auto deadline = std::chrono::steady_clock::now() + bound;
      while (!broken_ && !ticked()) {
        if (std::chrono::steady_clock::now() >= deadline) {
          broken_ = true;
          calls_[me].waited_in_vain = true;
          changed_.notify_all();
          break;
        }
        changed_.wait_for(lock, 1ms);
      }
    }
    if (reverse_finish) {
      const std::size_t next = calls_[me].index + 1;
      if (next < index_of.size()) wait([&] { return finished_.count(next) > 0; }, bound);
    }
    if (limit_to_exceed > 0) {
      // First, as many jobs as the limit allows must be running (fewer when fewer are left)...
      auto as_many_as_allowed = [&] {
        const int left = static_cast<int>(index_of.size() - finished_.size());
        return running_ >= std::min(limit_to_exceed, left);
      };
      wait([&] { return running_ > limit_to_exceed || as_many_as_allowed(); }, bound);
      // ...then each waits a while longer, so that a job beyond the limit (if the exercise lets
      // one start) is seen running beside them. Not a failure when it expires: a solution that
      // keeps the limit always waits this long.
      changed_.wait_for(lock, exceed_wait, [&] { return running_ > limit_to_exceed; });
    }
    if (wait_for_neighbour && !broken_ &&
        !changed_.wait_for(lock, bound, [&] { return broken_ || neighbour_ran_; })) {
      // Not `wait`: this expiry has its own message (the neighbour found no free worker).
      broken_ = true;
      neighbour_starved_ = true;
      changed_.notify_all();
    }
  }

  static void burn_cpu(Duration amount) {
    auto cpu_now = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return Duration(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
    };
    const Duration until = cpu_now() + amount;
    volatile std::uint64_t spin = 0;
    while (cpu_now() < until) {
      for (int i = 0; i < 1000; ++i) spin = spin + static_cast<std::uint64_t>(i);
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Call> calls_;
  std::set<std::size_t> finished_;
  int running_ = 0;
  int peak_ = 0;
  int begun_ = 0;
  int events_ = 0;
  bool broken_ = false;
  bool neighbour_ran_ = false;
  bool neighbour_starved_ = false;
  std::atomic<int> copies_{0};
};

// The graders' checksum function. It holds the probe by shared_ptr (copies of it may sit in jobs
// that outlive the test's stack frame by a moment). Every copy gets a number of its own, a move
// keeps it: aio::to_thread copies the function into each job it makes.
class Caller {
 public:
  explicit Caller(std::shared_ptr<Probe> probe)
      : probe_(std::move(probe)), copy_(probe_->next_copy()) {}
  Caller(const Caller& other) : probe_(other.probe_), copy_(probe_->next_copy()) {}
  Caller(Caller&&) noexcept = default;
  Caller& operator=(const Caller& other) {
    probe_ = other.probe_;
    copy_ = probe_->next_copy();
    return *this;
  }
  Caller& operator=(Caller&&) noexcept = default;
  ~Caller() = default;

  std::uint64_t operator()(const Block& block) const { return probe_->call(block, copy_); }

 private:
  std::shared_ptr<Probe> probe_;
  int copy_ = 0;
};

inline ch11::ChecksumFn Probe::function(std::shared_ptr<Probe> probe) {
  return Caller(std::move(probe));
}

inline std::shared_ptr<Probe> make_probe(const std::vector<Block>& blocks) {
  auto probe = std::make_shared<Probe>();
  probe->tag = (static_cast<std::uint64_t>(grading::random_int(1, 1 << 30)) << 20) | 0x5a5;
  probe->expect_blocks(blocks);
  return probe;
}

// ---- checks -------------------------------------------------------------------------------

inline std::string hex(std::uint64_t value) {
  static const char* const digits = "0123456789abcdef";
  std::string text;
  for (int shift = 60; shift >= 0; shift -= 4) text += digits[(value >> shift) & 0xf];
  return "0x" + text;
}

// The run did not end with an exception (a TODO left, an error): checked first, so that a stub
// fails as "not started" before any check that looks at what the probe recorded. The run's
// diagnostics are checked later (grading::finished), after the checks whose messages explain
// them better.
template <class T>
::testing::AssertionResult did_not_throw(const Run<T>& run) {
  if (!run.error) return ::testing::AssertionSuccess();
  return grading::finished(run);
}

// How the function under test computes: right in the coroutine, or in to_thread jobs (the
// messages about results in the wrong order differ).
enum class Computes { InTheCoroutine, InJobs };

// The results are the probe's checksums of the blocks, in the order of the blocks.
inline ::testing::AssertionResult sums_in_order(const Run<Sums>& run, const Probe& probe,
                                                const std::vector<Block>& blocks,
                                                const std::string& function,
                                                Computes computes = Computes::InJobs) {
  if (run.error) return grading::finished(run);
  const Sums& sums = *run.value;
  Sums expected, untagged;
  for (const auto& block : blocks) {
    expected.push_back(probe.expected(block));
    untagged.push_back(ch11::checksum(block));
  }
  if (sums == expected) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (sums.size() != expected.size()) {
    failure << function << " returned " << sums.size() << " checksums for " << blocks.size()
            << " blocks: one per block, in the order of the blocks.\n";
  } else if (!sums.empty() && sums == untagged) {
    failure << function << " returned ch11::checksum's own values: it called ch11::checksum by "
            << "name instead of the function it was given (its `checksum` parameter). Inside "
               "the function, call `checksum` (the parameter): the caller chooses how blocks are "
               "checksummed (here, the graders' own function, which records where it runs).\n";
  } else if (std::is_permutation(sums.begin(), sums.end(), expected.begin())) {
    std::size_t i = 0;
    while (sums[i] == expected[i]) ++i;
    failure << "the right checksums, in the wrong order: result " << i << " is " << hex(sums[i])
            << ", the checksum of another block; expected " << hex(expected[i]) << " (block \""
            << blocks[i].name << "\").\nWhat you missed: the results must come back in the "
            << "order of the blocks";
    if (computes == Computes::InTheCoroutine) {
      failure << ": result i is the checksum of blocks[i]. Go through the blocks from the first "
                 "and push_back each checksum as you compute it.\n";
    } else {
      failure << ", whatever order the jobs finish in";
      if (probe.reverse_finish) failure << " (here the jobs finished in reverse)";
      failure << ". aio::gather gives its results in the order of the Tasks you gave it; do not "
                 "collect them as they arrive.\n";
    }
  } else {
    std::size_t i = 0;
    while (i < sums.size() && sums[i] == expected[i]) ++i;
    failure << "result " << i << " is " << hex(sums[i]) << ", expected " << hex(expected[i])
            << " (the checksum of block \"" << blocks[i].name << "\", from the `checksum` "
            << "function given to " << function << ").\n";
  }
  return failure << grading::hints_pointer();
}

// Every call ran on a worker thread, not on the loop's.
inline ::testing::AssertionResult ran_on_workers(const Probe& probe, const std::string& function) {
  const auto calls = probe.calls();
  std::size_t on_loop = 0;
  for (const auto& call : calls) on_loop += call.on_loop_thread ? 1 : 0;
  if (on_loop == 0) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << on_loop << " of the " << calls.size() << " checksum calls of " << function
          << " ran on the event loop's own thread";
  if (on_loop == calls.size()) failure << " (all of them)";
  if (calls.size() == 1)
    failure << ". One block is no exception (no shortcut that computes it right there: the one "
               "checksum still blocks the loop for all of its time)";
  failure << ". While a checksum computes there, no other task can run: the loop has one "
             "thread, and a coroutine that computes holds it until it reaches a co_await. "
             "aio::gather alone does not help: it runs coroutines concurrently, not in parallel, "
             "and each one still computes on the loop's thread.\nWhat you missed: give the "
             "computation to a worker thread, co_await aio::to_thread(checksum, block): the "
             "function runs there, and your coroutine resumes on the loop with its result.\n";
  return failure << grading::hints_pointer();
}

// Every call saw the loop's heartbeat tick while it ran (off the loop, but awaited without
// blocking the loop).
inline ::testing::AssertionResult heartbeat_ticked_during_calls(const Probe& probe,
                                                                const std::string& function) {
  const auto calls = probe.calls();
  for (const auto& call : calls) {
    if (call.on_loop_thread || call.ticks_during >= 2) continue;
    return ::testing::AssertionFailure()
           << "in " << function << ", the checksum of \"" << call.name << "\" ran on another "
           << "thread, but the heartbeat on the loop did not tick while it ran ("
           << call.ticks_during << " ticks in "
           << "about " << format_duration(probe.bound) << "): the loop was blocked, waiting for "
           << "that thread. Getting the work off the loop's thread is only half of it: waiting "
              "with a blocking call (.get() or .wait() on a std::future from std::async, "
              "std::thread::join, a condition variable) blocks the loop exactly as computing "
              "on it would.\nWhat you missed: co_await aio::to_thread(checksum, block) waits by "
              "suspending the coroutine, so the loop runs other tasks until the job is done.\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// What the jobs of a function should have been, for ran_together's messages.
inline const std::string gather_the_jobs =
    "create one Task per block first (aio::to_thread(checksum, block), no co_await yet), then "
    "co_await aio::gather(std::move(tasks)): they all start together and run in parallel.";

// The calls were made by one job: more than one, all off the loop, on one thread, through one copy
// of the function (to_thread copies it into each job it makes).
inline bool made_by_one_job(const std::vector<Call>& calls) {
  if (calls.size() < 2) return false;
  for (const auto& call : calls) {
    if (call.on_loop_thread || call.thread != calls.front().thread ||
        call.copy != calls.front().copy)
      return false;
  }
  return true;
}

// All calls were running at the same time at some moment (the probe's rendezvous was met), and
// so were started together. `remedy` says how `function` should start its jobs.
inline ::testing::AssertionResult ran_together(const Probe& probe, const std::string& function,
                                               const std::string& remedy = gather_the_jobs) {
  const auto calls = probe.calls();
  bool in_vain = false;
  for (const auto& call : calls) in_vain = in_vain || call.waited_in_vain;
  const int peak = probe.peak();
  if (!in_vain) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  const std::string waited = "(the graders' checksums wait for each other, so one waited " +
                             format_duration(probe.bound) + " in vain)";
  if (peak == 1 && made_by_one_job(calls)) {
    failure << "one to_thread job computed every block: the " << calls.size() << " checksums of "
            << function << " were all made by the same job, one after "
            << "another on one worker thread " << waited << ". The work is off the loop, but "
            << "not in parallel: one job is one thread.\nWhat you missed: give each block its "
               "own job: "
            << remedy << "\n";
  } else if (peak == 1) {
    failure << "the checksum jobs of " << function << " ran one at a time: each began only "
            << "after the one before had ended, though " << calls.size() << " were ready "
            << "together and there was a worker for each " << waited << ". Two ways to get "
            << "there: each job awaited before the next one was made (co_await "
               "aio::to_thread(...) in a loop runs the jobs in sequence, on another thread but no "
               "faster), or the loop's thread blocked while a job ran (.get() on a std::future, "
               "std::thread::join): then no other coroutine could run to start its own job.\n"
               "What you missed: "
            << remedy << " Wait for a job only with co_await, which lets the loop run the "
            << "others meanwhile.\n";
  } else {
    failure << "at most " << peak << " checksum jobs of " << function << " ran at once, though "
            << "there were " << calls.size() << " of them ready together and a worker for each "
            << waited << ": the jobs were not all started together (in batches of a few, say "
            << "of std::thread::hardware_concurrency()?). How many run at once is the pool's "
               "business: it has as many workers as it was given, and queues the rest.\nWhat "
               "you missed: "
            << remedy << "\n";
  }
  return failure << grading::hints_pointer();
}

// The run's diagnostics, except the slow steps (for the tests that expect one).
template <class T>
::testing::AssertionResult nothing_else_reported(const Run<T>& run) {
  std::vector<aio::Diagnostic> others;
  for (const auto& diagnostic : run.diagnostics())
    if (diagnostic.kind != aio::Diagnostic::Kind::SlowStep) others.push_back(diagnostic);
  if (others.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  for (const auto& diagnostic : others) failure << grading::explain_diagnostic(diagnostic) << "\n";
  return failure << grading::hints_pointer();
}

}  // namespace ch11_graders
