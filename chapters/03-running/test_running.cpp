// Graders for chapter 03 — running coroutines: aio::run at the top level, co_await inside.
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using aio::Duration;
using grading::Run;

// ---- checks specific to this chapter --------------------------------------------------------

// The learner called aio::run inside a coroutine and the runtime refused (aio::RuntimeError).
// grading::finished() would show the runtime's message; this says what the chapter teaches.
template <class T>
::testing::AssertionResult did_not_nest_run(const Run<T>& run, const std::string& function) {
  if (!run.error) return ::testing::AssertionSuccess();
  try {
    std::rethrow_exception(run.error);
  } catch (const aio::DeadlockError&) {
    return ::testing::AssertionSuccess();  // not this mistake: finished() explains it
  } catch (const aio::WatchdogError&) {
    return ::testing::AssertionSuccess();
  } catch (const aio::RuntimeError& error) {
    return ::testing::AssertionFailure()
           << "aio::run inside a running loop is refused: inside a coroutine, co_await the task "
              "instead of starting a second loop.\n  "
           << function << " called aio::run while the event loop was already running it, and "
           << "aio::run threw aio::RuntimeError (\"" << error.what() << "\").\n"
           << "  aio::run belongs at the top level, in a plain function such as main() or "
              "run_hello(). A second loop started inside the first would keep the thread until it "
              "finished, and every task of the outer loop would be stuck meanwhile.\n"
           << grading::hints_pointer();
  } catch (...) {
    return ::testing::AssertionSuccess();  // other errors: finished() explains them
  }
}

// How many event loops the plain function started (grading::run_plain records one report per
// aio::run that actually ran).
template <class T>
::testing::AssertionResult loops_started(const Run<T>& run, std::size_t expected,
                                         const std::string& lesson) {
  if (run.loops.size() == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "started " << run.loops.size() << " event loop(s) with aio::run, expected " << expected
         << ".\nWhat you missed: " << lesson << "\n"
         << grading::hints_pointer();
}

// The simulated time at which each loop's main task finished, loop by loop. A fresh loop starts
// its clock at 0, so a 1 s task always ends at 1 s; a reused loop would end at 2 s, 3 s, ...
template <class T>
::testing::AssertionResult loop_times_are(const Run<T>& run, const std::vector<Duration>& expected,
                                          const std::string& lesson) {
  std::vector<Duration> actual;
  for (const auto& loop : run.loops) actual.push_back(loop.elapsed);
  if (actual == expected) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "the loops did not end at the expected simulated times.\n";
  for (std::size_t i = 0; i < std::max(actual.size(), expected.size()); ++i) {
    failure << "  loop " << i + 1 << ": expected "
            << (i < expected.size() ? grading::format_duration(expected[i]) : "(no loop)")
            << ", actual "
            << (i < actual.size() ? grading::format_duration(actual[i]) : "(no loop)") << "\n";
  }
  return failure << "What you missed: " << lesson << "\n" << grading::hints_pointer();
}

// run_or_explain must turn a failing job's std::exception into "failed: ...", not let it escape.
template <class T>
::testing::AssertionResult error_was_explained(const Run<T>& run, const std::string& lesson) {
  if (!run.error) return ::testing::AssertionSuccess();
  try {
    std::rethrow_exception(run.error);
  } catch (const aio::NotImplemented&) {
    return ::testing::AssertionSuccess();  // a TODO left: finished() says "not started"
  } catch (const aio::DeadlockError&) {
    return ::testing::AssertionSuccess();  // not this mistake: finished() explains it
  } catch (const aio::WatchdogError&) {
    return ::testing::AssertionSuccess();
  } catch (const std::exception& error) {
    return ::testing::AssertionFailure()
           << "run_or_explain let the job's error escape instead of explaining it: \""
           << error.what() << "\" came out of run_or_explain as an exception; it should have "
           << "returned \"failed: " << error.what() << "\".\nWhat you missed: " << lesson << "\n"
           << grading::hints_pointer();
  } catch (...) {
    return ::testing::AssertionSuccess();
  }
}

// run_or_explain must let aio::CancelledError out, untouched.
template <class T>
::testing::AssertionResult cancellation_escaped(const Run<T>& run) {
  if (run.value) {
    return ::testing::AssertionFailure()
           << "run_or_explain returned \"" << *run.value
           << "\" for a job that was cancelled: it swallowed aio::CancelledError.\n"
           << "What you missed: a cancellation is not an error to report. aio::CancelledError is "
              "deliberately not a std::exception, so `catch (const std::exception&)` lets it "
              "through; a catch (...) that returns a value stops it, and whoever asked for the "
              "cancellation never learns that it happened. Catch only std::exception.\n"
           << grading::hints_pointer();
  }
  return grading::threw<aio::CancelledError>(
      run, "aio::CancelledError must leave aio::run, and then run_or_explain, unchanged");
}

// ---- jobs the graders hand to run_or_explain (by-value parameters: nothing can dangle) -------

aio::Task<std::string> slow_job(std::string name, Duration takes, std::string value) {
  aio::print(name, " started");
  co_await aio::sleep(takes);
  aio::print(name, " done");
  co_return value;
}

aio::Task<std::string> failing_job(Duration fails_at, std::string message) {
  aio::print("job started");
  co_await aio::sleep(fails_at);
  throw std::runtime_error(message);
}

// An error type that is a std::exception but not a std::runtime_error.
class QuotaExceeded : public std::exception {
 public:
  explicit QuotaExceeded(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

aio::Task<std::string> over_quota_job(Duration fails_at, std::string message) {
  aio::print("job started");
  co_await aio::sleep(fails_at);
  throw QuotaExceeded(message);
}

aio::Task<std::string> endless_worker() {
  while (true) co_await aio::sleep(1s);
}

// Cancels a worker after `after`, then awaits it: the worker's CancelledError comes out of the
// await and, uncaught, ends the job — the way a cancellation travels up in real code.
aio::Task<std::string> cancelled_job(Duration after) {
  aio::print("job started");
  auto worker = aio::create_task(endless_worker(), "worker");
  co_await aio::sleep(after);
  aio::print("cancelling the worker");
  worker.cancel();
  co_return co_await worker;
}

aio::Task<std::string> inner_job() {
  co_return "inner";
}

// Calls aio::run from inside a running loop, records what the runtime said, and lets it go.
aio::Task<std::string> nested_run_job(std::string* refusal) {
  aio::print("outer job started");
  try {
    co_return aio::run(inner_job());
  } catch (const aio::RuntimeError& error) {
    *refusal = error.what();
    throw;
  }
}

Duration random_ms(int low, int high) {
  return std::chrono::milliseconds(grading::random_int(low, high));
}

std::string random_failure_message() {
  static const char* const things[] = {"sensor", "disk", "upstream", "cache", "printer"};
  static const char* const problems[] = {"stopped answering", "is full", "refused the request",
                                         "returned garbage", "caught fire"};
  const int last = 4;
  return std::string(things[grading::random_int(0, last)]) + " " +
         std::to_string(grading::random_int(1, 999)) + " " + problems[grading::random_int(0, last)];
}

// ---- hello ---------------------------------------------------------------------------------

TEST(Hello, ReturnsHelloAfterOneSecond) {
  auto run = grading::run(ch03::hello());
  ASSERT_TRUE(did_not_nest_run(run, "hello()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, "Hello!", "hello() hands \"Hello!\" back with co_return"));
  EXPECT_TRUE(grading::elapsed_is(
      run, 1s, "co_await aio::sleep(1s) suspends hello() for exactly one second of loop time"));
  EXPECT_TRUE(grading::timeline_is(run, {}, "hello() returns its greeting; it prints nothing"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- run_hello -----------------------------------------------------------------------------

TEST(RunHello, StartsOneLoopAndReturnsItsValue) {
  auto run = grading::run_plain(ch03::run_hello);
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(loops_started(run, 1,
                            "calling hello() only creates the task (Task is lazy); at the top "
                            "level, aio::run(task) starts a loop that runs it to completion"));
  EXPECT_TRUE(grading::returned(run, "Hello!", "aio::run returns the value the task co_returned"));
  EXPECT_TRUE(grading::elapsed_is(run, 1s, "aio::run runs hello() to the end: 1 s"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunHello, EachCallStartsAFreshLoopAtTimeZero) {
  auto run = grading::run_plain([] {
    std::string first = ch03::run_hello();
    std::string second = ch03::run_hello();
    return first + " " + second;
  });
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(loops_started(run, 2, "each call of aio::run creates and runs its own event loop"));
  EXPECT_TRUE(loop_times_are(run, {1s, 1s},
                             "every aio::run starts a fresh loop whose clock starts at 0, so each "
                             "run of the 1 s hello() ends at 1 s; do not keep a loop between "
                             "calls"));
  EXPECT_TRUE(
      grading::returned(run, "Hello! Hello!", "each aio::run returns its own task's value"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- hello_twice ---------------------------------------------------------------------------

TEST(HelloTwice, PrintsEachStepAndReturnsBothGreetings) {
  auto run = grading::run(ch03::hello_twice());
  ASSERT_TRUE(did_not_nest_run(run, "hello_twice()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Saying hello twice..."}, {1s, "First: Hello!"}, {2s, "Second: Hello!"}},
      "co_await hello() waits for hello() to finish (1 s) and gives "
      "its value; a second co_await waits another second"));
  EXPECT_TRUE(grading::returned(run, "Hello! Hello!",
                                "co_return both values, separated by a single space"));
}

TEST(HelloTwice, TakesTwoSecondsAwaitingHelloTwice) {
  auto run = grading::run(ch03::hello_twice());
  ASSERT_TRUE(did_not_nest_run(run, "hello_twice()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::elapsed_is(run, 2s,
                                  "each co_await hello() takes 1 s, and awaits in sequence add "
                                  "up: two of them take 2 s"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- run_or_explain ------------------------------------------------------------------------

TEST(RunOrExplain, ReturnsTheJobsValue) {
  Duration takes = random_ms(1, 9999);
  std::string value = "report #" + std::to_string(grading::random_int(1, 9999));
  int calls = 0;
  auto run = grading::run_plain([&] {
    return ch03::run_or_explain([&calls, takes, value] {
      ++calls;
      return slow_job("job", takes, value);
    });
  });
  ASSERT_TRUE(grading::finished(run));
  EXPECT_EQ(calls, 1) << "run_or_explain should call make_job() exactly once: each call creates "
                         "a new task.\n"
                      << grading::hints_pointer();
  EXPECT_TRUE(loops_started(run, 1, "aio::run(make_job()) runs the job on one fresh loop"));
  EXPECT_TRUE(
      grading::returned(run, value, "aio::run returns the job's value; hand it back unchanged"));
  EXPECT_TRUE(grading::timeline_is(run, {{0s, "job started"}, {takes, "job done"}},
                                   "aio::run runs the job to completion before it returns"));
  EXPECT_TRUE(grading::elapsed_is(run, takes, "the loop stops when the job finishes"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunOrExplain, ReturnsFailedWithTheExceptionsOwnMessage) {
  Duration fails_at = random_ms(1, 9999);
  std::string message = random_failure_message();
  auto run = grading::run_plain([&] {
    return ch03::run_or_explain([fails_at, message] { return failing_job(fails_at, message); });
  });
  ASSERT_TRUE(error_was_explained(run,
                                  "the job's exception comes out of aio::run unchanged: catch it "
                                  "around aio::run and return \"failed: \" + its what()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(
      grading::returned(run, "failed: " + message,
                        "an exception thrown inside the loop comes out of aio::run unchanged: "
                        "catch it around aio::run and use its what()"));
  EXPECT_TRUE(grading::timeline_is(run, {{0s, "job started"}}, "the job prints once, then fails"));
  EXPECT_TRUE(grading::elapsed_is(run, fails_at,
                                  "the loop stops at the moment the job's exception escapes it"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

const char* const kEveryStdException =
    "errors come in many types derived from std::exception (here one derived from it directly, "
    "not from std::runtime_error): catch const std::exception& to explain them all";

TEST(RunOrExplain, ExplainsEveryStdExceptionNotOnlyRuntimeError) {
  Duration fails_at = random_ms(1, 9999);
  std::string message = "quota of " + std::to_string(grading::random_int(2, 500)) + " GB exceeded";
  auto run = grading::run_plain([&] {
    return ch03::run_or_explain([fails_at, message] { return over_quota_job(fails_at, message); });
  });
  ASSERT_TRUE(error_was_explained(run, kEveryStdException));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, "failed: " + message, kEveryStdException));
  EXPECT_TRUE(grading::elapsed_is(run, fails_at,
                                  "the loop stops at the moment the job's exception escapes it"));
}

TEST(RunOrExplain, LetsCancellationThrough) {
  Duration after = random_ms(1, 9999);
  auto run = grading::run_plain(
      [&] { return ch03::run_or_explain([after] { return cancelled_job(after); }); });
  ASSERT_TRUE(cancellation_escaped(run));
  // grading::timeline_is and elapsed_is refuse runs that failed: this one must end in an error.
  grading::Timeline expected{{0s, "job started"}, {after, "cancelling the worker"}};
  EXPECT_EQ(run.timeline(), expected) << "the job runs on one loop until it cancels its worker:\n"
                                      << grading::side_by_side(expected, run.timeline());
  EXPECT_TRUE(loop_times_are(run, {after}, "the cancellation ends the job's loop at that moment"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunOrExplain, EachCallIsAFreshLoop) {
  Duration first_takes = random_ms(1, 9999);
  Duration second_takes = random_ms(1, 9999);
  auto run = grading::run_plain([&] {
    std::string a =
        ch03::run_or_explain([first_takes] { return slow_job("first job", first_takes, "A"); });
    std::string b =
        ch03::run_or_explain([second_takes] { return slow_job("second job", second_takes, "B"); });
    return a + b;
  });
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(loops_started(run, 2, "each aio::run call creates its own event loop"));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "first job started"},
                                    {first_takes, "first job done"},
                                    {0s, "second job started"},
                                    {second_takes, "second job done"}},
                                   "every aio::run starts a fresh loop whose clock starts at 0"));
  EXPECT_TRUE(loop_times_are(run, {first_takes, second_takes},
                             "a fresh loop per aio::run: each ends after its own job's time"));
  EXPECT_TRUE(grading::returned(run, "AB", "each run returns its own job's value"));
}

TEST(RunOrExplain, ReportsARefusedNestedRunAsAFailure) {
  std::string refusal;
  auto run = grading::run_plain(
      [&] { return ch03::run_or_explain([&refusal] { return nested_run_job(&refusal); }); });
  ASSERT_TRUE(error_was_explained(run,
                                  "aio::run inside a running loop throws aio::RuntimeError, a "
                                  "std::exception: run_or_explain explains it like any error"));
  ASSERT_TRUE(grading::finished(run));
  // The job calls aio::run from inside the running loop: the runtime refuses with
  // aio::RuntimeError, a std::exception, which leaves the outer aio::run like any other error.
  ASSERT_FALSE(refusal.empty()) << "the job's aio::run should have been refused with "
                                   "aio::RuntimeError, but the job never saw that error (did "
                                   "run_or_explain run the job inside a loop?)\n"
                                << grading::hints_pointer();
  EXPECT_TRUE(
      grading::returned(run, "failed: " + refusal,
                        "aio::run inside a running loop throws aio::RuntimeError, and that error "
                        "comes out of the outer aio::run unchanged"));
  EXPECT_TRUE(loops_started(run, 1, "the refused inner aio::run never starts a loop"));
  EXPECT_TRUE(grading::timeline_is(run, {{0s, "outer job started"}},
                                   "the job prints once, then its nested aio::run is refused"));
}

}  // namespace
