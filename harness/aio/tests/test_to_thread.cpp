// aio::to_thread: a function on a worker thread, its outcome back on the loop thread,
// cancellation that does not wait for the job, and a loop that never returns before its jobs.
//
// Jobs that must overlap or wait for each other use a Gate (below) instead of sleeps, so the
// tests do not depend on how busy the machine is. Real-clock checks use one-sided bounds.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using aio_test::Recorder;

// A one-way gate between threads: jobs wait at it until the test opens it. wait_for_open gives
// up after a generous real-time bound, so a broken runtime fails a test instead of hanging it.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  bool wait_for_open(std::chrono::milliseconds bound = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, bound, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

// Counts arrivals and lets a job wait until `n` jobs are running at the same time.
class Rendezvous {
 public:
  explicit Rendezvous(int n) : needed_(n) {}
  bool arrive_and_wait(std::chrono::milliseconds bound = 10s) {
    std::unique_lock lock(mutex_);
    ++arrived_;
    changed_.notify_all();
    return changed_.wait_for(lock, bound, [&] { return arrived_ >= needed_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int arrived_ = 0;
  int needed_;
};

int add(int a, int b) {
  return a + b;
}

TEST(ToThread, ReturnsTheFunctionsValueWithItsArguments) {
  Recorder rec;
  int sum = rec.run([]() -> aio::Task<int> { co_return co_await aio::to_thread(add, 2, 40); });
  EXPECT_EQ(sum, 42);
}

TEST(ToThread, RunsOnAnotherThreadAndResumesOnTheLoopThread) {
  Recorder rec;
  auto loop_thread = std::this_thread::get_id();
  std::thread::id worker, after;
  rec.run([&]() -> aio::Task<> {
    worker = co_await aio::to_thread([] { return std::this_thread::get_id(); });
    after = std::this_thread::get_id();
  });
  EXPECT_NE(worker, loop_thread);
  EXPECT_EQ(after, loop_thread);
}

TEST(ToThread, AVoidFunction) {
  Recorder rec;
  std::atomic<bool> ran{false};
  rec.run([&]() -> aio::Task<> { co_await aio::to_thread([&ran] { ran = true; }); });
  EXPECT_TRUE(ran);
}

TEST(ToThread, TheExceptionComesBackToTheAwaiterWithItsType) {
  Recorder rec;
  std::string message;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::to_thread([]() -> int { throw std::invalid_argument("bad data"); });
    } catch (const std::invalid_argument& e) {
      message = e.what();
    }
  });
  EXPECT_EQ(message, "bad data");
}

TEST(ToThread, ANonStandardExceptionToo) {
  Recorder rec;
  EXPECT_THROW(rec.run([]() -> aio::Task<> { co_await aio::to_thread([] { throw 7; }); }), int);
}

// A capturing lambda: to_thread moves it into the job before any coroutine starts, so its
// captures live as long as the job (ASan checks it in the asan presets). Written in its own
// statement: GCC 12 destroys a lambda temporary of a co_await statement twice, whatever the
// callee does (harness/aio/README.md, tests/test_lambdas.cpp) — the lesson of chapter 11 says so.
TEST(ToThread, ACapturingLambdaIsMovedIntoTheJob) {
  Recorder rec;
  std::string text(100, 'x');  // long enough to live on the heap
  auto size = rec.run([&]() -> aio::Task<std::size_t> {
    auto job = aio::to_thread([copy = text] { return copy.size(); });
    co_return co_await std::move(job);
  });
  EXPECT_EQ(size, 100u);
}

TEST(ToThread, AFunctionAndItsArgumentsInsideTheCoAwait) {
  Recorder rec;
  auto size = rec.run([]() -> aio::Task<std::size_t> {
    std::string text(100, 'y');
    co_return co_await aio::to_thread([](const std::string& s) { return s.size(); }, text);
  });
  EXPECT_EQ(size, 100u);
}

#if !(defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13)
TEST(ToThread, ACapturingLambdaPrvalueInsideTheCoAwait) {
  Recorder rec;
  std::string text(100, 'x');
  auto size = rec.run([&]() -> aio::Task<std::size_t> {
    co_return co_await aio::to_thread([copy = text] { return copy.size(); });
  });
  EXPECT_EQ(size, 100u);
}
#endif

TEST(ToThread, MoveOnlyArgumentsAndResults) {
  Recorder rec;
  auto result = rec.run([]() -> aio::Task<std::unique_ptr<int>> {
    auto input = std::make_unique<int>(20);
    co_return co_await aio::to_thread(
        [](std::unique_ptr<int> p) { return std::make_unique<int>(*p + 1); }, std::move(input));
  });
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 21);
}

// Arguments are copied into the job, as std::thread does: changing the original afterwards does
// not change what the job sees, and the job's copy does not dangle.
TEST(ToThread, ArgumentsAreCopiedIntoTheJob) {
  Recorder rec;
  auto seen = rec.run([]() -> aio::Task<std::string> {
    std::string text = "before";
    auto job = aio::to_thread([](const std::string& s) { return s; }, text);
    text = "after";
    co_return co_await std::move(job);
  });
  EXPECT_EQ(seen, "before");
}

const std::string& static_name() {
  static const std::string name = "static";
  return name;
}

TEST(ToThread, AReferenceResultIsCopied) {
  Recorder rec;
  auto name =
      rec.run([]() -> aio::Task<std::string> { co_return co_await aio::to_thread(static_name); });
  EXPECT_EQ(name, "static");
}

// Two jobs that can only finish if both run at the same moment: the pool runs them in parallel.
TEST(ToThread, JobsRunInParallelOnTheWorkers) {
  Recorder rec;
  rec.options().workers = 2;
  Rendezvous both(2);
  auto met = rec.run([&]() -> aio::Task<std::vector<bool>> {
    auto meet = [&both] { return both.arrive_and_wait(); };
    auto [a, b] = co_await aio::gather(aio::to_thread(meet), aio::to_thread(meet));
    co_return std::vector<bool>{a, b};
  });
  EXPECT_EQ(met, (std::vector<bool>{true, true}));
}

TEST(ToThread, TheWorkersOptionBoundsHowManyRunAtOnce) {
  Recorder rec;
  rec.options().workers = 1;
  std::atomic<int> running{0}, peak{0};
  rec.run([&]() -> aio::Task<> {
    auto job = [&] {
      int now = ++running;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(5ms);
      --running;
    };
    std::vector<aio::Task<>> jobs;
    for (int i = 0; i < 4; ++i) jobs.push_back(aio::to_thread(job));
    co_await aio::gather(std::move(jobs));
  });
  EXPECT_EQ(peak.load(), 1);
}

// The point of to_thread: while the job blocks a worker, the loop keeps running other tasks.
TEST(ToThread, TheLoopKeepsRunningWhileAJobBlocks) {
  Recorder rec(aio::Clock::Real);
  Gate gate;
  int ticks_during_job = 0;
  rec.run([&]() -> aio::Task<> {
    auto job = aio::create_task(aio::to_thread([&gate] { return gate.wait_for_open(); }), "job");
    for (int i = 0; i < 5; ++i) {
      co_await aio::sleep(2ms);
      ++ticks_during_job;
    }
    gate.open();
    EXPECT_TRUE(co_await job);
  });
  EXPECT_EQ(ticks_during_job, 5);
}

// Simulated clocks: outside work costs no simulated time, and the clock does not move while a
// job runs (a timer due meanwhile waits for it).
TEST(ToThread, AJobCostsNoVirtualTime) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::to_thread([] { std::this_thread::sleep_for(20ms); });
    aio::print("after the job");
    co_await aio::sleep(1s);
    aio::print("after the sleep");
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms after the job", "1000ms after the sleep"}));
}

TEST(ToThread, VirtualTimeDoesNotMoveWhileAJobRuns) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto sleeper = aio::create_task(
        []() -> aio::Task<> {
          co_await aio::sleep(1ms);
          aio::print("timer");
        }(),
        "sleeper");
    co_await aio::to_thread([] { std::this_thread::sleep_for(30ms); });
    aio::print("job done");
    co_await sleeper;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms job done", "1ms timer"}));
}

TEST(ToThread, GatherOfJobsAndSleepsTakesTheSleepsTime) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto sleeper = []() -> aio::Task<> { co_await aio::sleep(3s); };
    co_await aio::gather(sleeper(), aio::to_thread([] { std::this_thread::sleep_for(10ms); }));
  });
  EXPECT_EQ(rec.elapsed(), 3s);
}

// Cancelling the awaiting task resumes it at once with CancelledError; the job runs on to its
// end, its result is dropped, and aio::run waits for it before returning.
TEST(ToThread, CancellingTheAwaiterDoesNotWaitForTheJob) {
  Recorder rec;
  Gate gate;
  std::atomic<bool> job_finished{false};
  bool cancelled_at_once = false;
  rec.run([&]() -> aio::Task<> {
    auto waiter = aio::create_task(aio::to_thread([&] {
                                     gate.wait_for_open();
                                     job_finished = true;
                                     return std::string("dropped");
                                   }),
                                   "waiter");
    co_await aio::sleep(0s);  // the waiter starts and submits its job
    waiter.cancel();
    try {
      co_await waiter;
    } catch (const aio::CancelledError&) {
      cancelled_at_once = !job_finished;  // the job is still held at the gate
    }
    gate.open();  // only now may the job end; the run must still wait for it
  });
  EXPECT_TRUE(cancelled_at_once);
  EXPECT_TRUE(job_finished) << "aio::run returned while a job was still running";
}

TEST(ToThread, ACancellationPendingBeforeTheAwaitNeverStartsTheJob) {
  Recorder rec;
  std::atomic<bool> ran{false};
  rec.run([&]() -> aio::Task<> {
    auto task = aio::create_task(aio::to_thread([&ran] { ran = true; }), "never");
    task.cancel();  // before it ever ran
    EXPECT_THROW(co_await task, aio::CancelledError);
  });
  EXPECT_FALSE(ran);
}

// A function taking a std::stop_token is asked to stop when its awaiter is cancelled.
TEST(ToThread, AStopTokenIsAskedToStopOnCancellation) {
  Recorder rec(aio::Clock::Real);
  std::atomic<int> rounds{0};
  bool timed_out = false;
  auto started = std::chrono::steady_clock::now();
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::wait_for(aio::to_thread(
                                 [&rounds](std::stop_token stop, int step) {
                                   while (!stop.stop_requested()) {
                                     rounds += step;
                                     std::this_thread::sleep_for(1ms);
                                   }
                                 },
                                 1),
                             20ms);
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
  });
  EXPECT_TRUE(timed_out);
  EXPECT_GT(rounds.load(), 0);
  // It stopped because it was asked to: without the stop it would loop for ever, and the run
  // would not end at all. A generous bound still catches a run that waited for something else.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(ToThread, AStopTokenThatIsNeverCancelledIsNeverStopped) {
  Recorder rec;
  bool stopped = rec.run([]() -> aio::Task<bool> {
    co_return co_await aio::to_thread([](std::stop_token stop) { return stop.stop_requested(); });
  });
  EXPECT_FALSE(stopped);
}

// The main task returns while a detached task still awaits a job: the task is cancelled (and
// reported), and aio::run still waits for the job itself.
TEST(ToThread, RunWaitsForJobsStillInFlightWhenMainEnds) {
  Recorder rec;
  std::atomic<bool> job_finished{false};
  rec.run([&]() -> aio::Task<> {
    aio::create_task(aio::to_thread([&job_finished] {
                       std::this_thread::sleep_for(30ms);
                       job_finished = true;
                     }),
                     "detached");
    co_await aio::sleep(0s);
  });
  EXPECT_TRUE(job_finished);
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 1u);
}

// A clean-up after a cancellation may itself need a worker (asyncio allows it too).
TEST(ToThread, ACleanupMayAwaitAJobAfterCatchingTheCancellation) {
  Recorder rec;
  std::atomic<bool> cleaned_up{false};
  rec.run([&]() -> aio::Task<> {
    auto task = aio::create_task(
        [&]() -> aio::Task<> {
          bool cancelled = false;
          try {
            co_await aio::sleep(1h);
          } catch (const aio::CancelledError&) {
            cancelled = true;
          }
          if (cancelled) {
            co_await aio::to_thread([&cleaned_up] { cleaned_up = true; });
            throw aio::CancelledError();
          }
        },
        "worker");
    co_await aio::sleep(1s);
    task.cancel();
    EXPECT_THROW(co_await task, aio::CancelledError);
  });
  EXPECT_TRUE(cleaned_up);
}

// A job's result is destroyed on the loop thread, also when its awaiter was cancelled: a worker
// never frees anything of the loop's.
struct ThreadCheckedResult {
  std::thread::id loop_thread;
  std::atomic<int>* wrong_thread;
  ThreadCheckedResult(std::thread::id loop, std::atomic<int>* wrong)
      : loop_thread(loop), wrong_thread(wrong) {}
  ThreadCheckedResult(ThreadCheckedResult&& other) noexcept
      : loop_thread(other.loop_thread), wrong_thread(std::exchange(other.wrong_thread, nullptr)) {}
  ~ThreadCheckedResult() {
    if (wrong_thread && std::this_thread::get_id() != loop_thread) ++*wrong_thread;
  }
};

TEST(ToThread, ResultsAreDestroyedOnTheLoopThread) {
  Recorder rec;
  std::atomic<int> wrong_thread{0};
  auto loop_thread = std::this_thread::get_id();
  rec.run([&]() -> aio::Task<> {
    auto make = [&] { return ThreadCheckedResult(loop_thread, &wrong_thread); };
    (void)co_await aio::to_thread(make);
    auto cancelled = aio::create_task(aio::to_thread(make), "cancelled");
    co_await aio::sleep(0s);
    cancelled.cancel();
    try {
      (void)co_await cancelled;
    } catch (const aio::CancelledError&) {
    }
  });
  EXPECT_EQ(wrong_thread.load(), 0);
}

// The cancel storm: many jobs, each awaited by its own task, cancelled at random moments —
// before the job starts, while it runs, after it finished. Every job that started must finish
// (no lost completion, no hang), every awaiter must end, and nothing may leak (the asan presets
// check that) or race (the tsan preset).
void cancel_storm(aio::Clock clock, int jobs, unsigned seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  Recorder rec(clock);
  std::atomic<int> started{0}, finished{0};
  int delivered = 0, cancelled = 0;
  rec.run([&]() -> aio::Task<> {
    std::mt19937 random(seed);
    std::vector<aio::TaskHandle<int>> tasks;
    for (int i = 0; i < jobs; ++i) {
      int spin = static_cast<int>(random() % 2000);
      tasks.push_back(aio::create_task(aio::to_thread([&started, &finished, spin, i] {
                                         ++started;
                                         volatile int sink = 0;
                                         for (int k = 0; k < spin; ++k) sink = sink + k;
                                         ++finished;
                                         return i;
                                       }),
                                       "job"));
      // Now and then let the loop run: jobs get submitted and completions come back.
      if (random() % 8 == 0) co_await aio::sleep(0s);
      if (random() % 2 == 0) tasks[random() % tasks.size()].cancel();
    }
    for (int i = 0; i < 20; ++i) {
      co_await aio::sleep(0s);
      tasks[random() % tasks.size()].cancel();
    }
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      try {
        int value = co_await tasks[i];
        EXPECT_EQ(value, static_cast<int>(i));
        ++delivered;
      } catch (const aio::CancelledError&) {
        ++cancelled;
      }
    }
  });
  EXPECT_EQ(delivered + cancelled, jobs);
  EXPECT_GT(delivered, 0);
  EXPECT_GT(cancelled, 0);
  EXPECT_EQ(started.load(), finished.load()) << "a job was still running when aio::run returned";
  EXPECT_GE(started.load(), delivered);
}

TEST(ToThread, CancelStormOnTheVirtualClock) {
  cancel_storm(aio::Clock::Virtual, 10'000, 20261202u);
}

TEST(ToThread, CancelStormOnTheRealClock) {
  cancel_storm(aio::Clock::Real, 2'000, 7u);
}

// A task waiting for a job is not deadlocked: the job will wake it.
TEST(ToThread, AWaitingJobIsNotADeadlock) {
  Recorder rec;
  auto value = rec.run([]() -> aio::Task<int> {
    co_return co_await aio::to_thread([] {
      std::this_thread::sleep_for(20ms);
      return 5;
    });
  });
  EXPECT_EQ(value, 5);
}

TEST(ToThread, AJobThatNeverReturnsIsReportedAndLeftRunning) {
  Recorder rec;
  rec.options().debug = true;
  rec.options().watchdog = 200ms;
  auto gate = std::make_shared<Gate>();
  rec.run([gate]() -> aio::Task<> {
    // Detached, and held at the gate until the test is over: it will not return in time.
    aio::create_task(aio::to_thread([gate] { gate->wait_for_open(30s); }), "stuck");
    co_await aio::sleep(0s);
  });
  auto stuck = rec.diagnostics(aio::Diagnostic::Kind::ThreadJobStillRunning);
  ASSERT_EQ(stuck.size(), 1u);
  EXPECT_NE(stuck[0].find("must return"), std::string::npos) << stuck[0];
  gate->open();  // let the abandoned worker end its job
}

// The slow-step diagnostic tells computing from waiting, and points at the right remedy.
TEST(ToThread, ASlowComputingStepIsToldToUseToThread) {
  Recorder rec;
  rec.options().debug = true;
  rec.options().slow_step = 50ms;
  rec.run([]() -> aio::Task<> {
    auto until = std::chrono::steady_clock::now() + 250ms;
    volatile std::uint64_t sink = 0;
    while (std::chrono::steady_clock::now() < until) sink = sink + 1;  // CPU work on the loop
    co_return;
  });
  auto slow = rec.diagnostics(aio::Diagnostic::Kind::SlowStep);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_NE(slow[0].find("blocked by computation"), std::string::npos) << slow[0];
  EXPECT_NE(slow[0].find("aio::to_thread"), std::string::npos) << slow[0];
}

TEST(ToThread, TheSameWorkOnAWorkerIsNotASlowStep) {
  Recorder rec;
  rec.options().debug = true;
  rec.options().slow_step = 50ms;
  rec.run([]() -> aio::Task<> {
    co_await aio::to_thread([] {
      auto until = std::chrono::steady_clock::now() + 250ms;
      volatile std::uint64_t sink = 0;
      while (std::chrono::steady_clock::now() < until) sink = sink + 1;
    });
  });
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::SlowStep).empty());
}

// The trace names the wait: a span on the task's track says it waited for its job.
TEST(ToThread, TheTraceShowsTheWaitForTheJob) {
  Recorder rec;
  std::string path = ::testing::TempDir() + "aio_trace_to_thread.json";
  rec.options().trace_file = path;
  rec.run(
      []() -> aio::Task<> { co_await aio::to_thread([] { std::this_thread::sleep_for(5ms); }); });
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("aio::to_thread job"), std::string::npos) << text.str();
}

}  // namespace
