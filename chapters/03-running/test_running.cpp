// Graders for chapter 03 — running coroutines: aio::run at the top level, co_await inside.
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
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

// ---- the grader's own hello, handed to run_hello and hello_twice instead of ch03::hello --------

// Sleeps `takes` and gives back `value`, which no typed-in "Hello!" can match. Its frames are
// counted by name: "stand_in_hello".
aio::Task<std::string> stand_in_hello(Duration takes, std::string value) {
  co_await aio::sleep(takes);
  co_return value;
}

// A job whose n-th call (from 0) takes takes[n] and gives values[n]; past the end, the last.
ch03::Job stand_in(std::vector<Duration> takes, std::vector<std::string> values) {
  auto calls = std::make_shared<std::size_t>(0);
  return [calls, takes, values] {
    std::size_t n = std::min(*calls, takes.size() - 1);
    ++*calls;
    return stand_in_hello(takes[n], values[n]);
  };
}

// `function` ran the hello job it was given `expected` times. Says what happened otherwise: it
// called ch03::hello by name, it never ran a hello at all, or it ran it too often or too rarely.
template <class T>
::testing::AssertionResult ran_the_hello_it_was_given(const Run<T>& run,
                                                      const std::string& function, int expected,
                                                      const std::string& lesson) {
  if (run.error) return grading::finished(run);
  const int stand_in_runs = run.started("stand_in_hello");
  if (stand_in_runs == expected) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (stand_in_runs == 0 && run.started("hello") > 0) {
    failure << function << " ran ch03::hello, but never the job the grader passed as its "
            << "parameter `hello`: it called the function by its full name, which the parameter "
               "cannot replace.\nWhat you missed: write hello(). The parameter is ch03::hello "
               "unless the caller passes another job, as here.\n";
  } else if (stand_in_runs == 0) {
    failure << function << " never ran a hello: not the one the grader passed, not ch03::hello"
            << (run.value ? ", yet it returned " + grading::show_value(*run.value) : std::string())
            << ".\nWhat you missed: " << lesson << "\n";
  } else {
    failure << function << " ran the hello it was given " << stand_in_runs << " time"
            << (stand_in_runs == 1 ? "" : "s") << ", expected " << expected
            << ".\nWhat you missed: " << lesson << "\n";
  }
  return failure << grading::hints_pointer();
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
  grading::uses_learners("hello");
  auto run = grading::run_plain([] { return ch03::run_hello(); });
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(loops_started(run, 1,
                            "calling hello() only creates the task (Task is lazy); at the top "
                            "level, aio::run(task) starts a loop that runs it to completion"));
  EXPECT_TRUE(grading::returned(run, "Hello!", "aio::run returns the value the task co_returned"));
  EXPECT_TRUE(grading::elapsed_is(run, 1s, "aio::run runs hello() to the end: 1 s"));
  EXPECT_TRUE(
      grading::ran_times(run, "hello", 1, "run_hello runs hello() once, with aio::run(hello())"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// The grader's own hello: a random duration and value that no typed-in run_hello can match.
TEST(RunHello, RunsTheHelloItIsGivenAndReturnsItsValue) {
  Duration takes = random_ms(1, 9999);
  std::string value = "hi #" + std::to_string(grading::random_int(100, 9999));
  auto run = grading::run_plain([&] { return ch03::run_hello(stand_in({takes}, {value})); });
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(ran_the_hello_it_was_given(
      run, "run_hello", 1,
      "run_hello creates the task by calling hello() (its parameter) and runs it with "
      "aio::run, which returns the task's value."));
  EXPECT_TRUE(loops_started(run, 1, "aio::run(hello()) starts one loop for the task"));
  EXPECT_TRUE(grading::returned(run, value,
                                "aio::run returns the value the task co_returned: return that, "
                                "not a literal"));
  EXPECT_TRUE(grading::elapsed_is(run, takes, "aio::run runs the task to its end, however long"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunHello, EachCallStartsAFreshLoopAtTimeZero) {
  grading::uses_learners("hello");
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
  grading::uses_learners("hello");
  auto run = grading::run(ch03::hello_twice());
  ASSERT_TRUE(did_not_nest_run(run, "hello_twice()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(
      grading::ran_times(run, "hello", 2, "hello_twice awaits hello() twice: two runs of hello"));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Saying hello twice..."}, {1s, "First: Hello!"}, {2s, "Second: Hello!"}},
      "co_await hello() waits for hello() to finish (1 s) and gives "
      "its value; a second co_await waits another second"));
  EXPECT_TRUE(grading::returned(run, "Hello! Hello!",
                                "co_return both values, separated by a single space"));
}

TEST(HelloTwice, TakesTwoSecondsAwaitingHelloTwice) {
  grading::uses_learners("hello");
  auto run = grading::run(ch03::hello_twice());
  ASSERT_TRUE(did_not_nest_run(run, "hello_twice()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::elapsed_is(run, 2s,
                                  "each co_await hello() takes 1 s, and awaits in sequence add "
                                  "up: two of them take 2 s"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

const char* const kTwoAwaits =
    "each co_await hello() runs a new hello (the parameter) and gives its value: the first "
    "greeting is the first one's value, the second greeting the second one's.";

// The grader's own hello, whose two calls take different random times and give different
// values: only two real awaits of the parameter, each value used, pass.
TEST(HelloTwice, AwaitsTheHelloItIsGivenTwice) {
  Duration first_takes = random_ms(1, 4999);
  Duration second_takes = random_ms(1, 4999);
  int token = grading::random_int(100, 999);
  std::string first = "hi #" + std::to_string(token);
  std::string second = "hi #" + std::to_string(token + 1);
  auto run =
      grading::run(ch03::hello_twice(stand_in({first_takes, second_takes}, {first, second})));
  ASSERT_TRUE(did_not_nest_run(run, "hello_twice()"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(ran_the_hello_it_was_given(run, "hello_twice", 2, kTwoAwaits));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "Saying hello twice..."},
                                    {first_takes, "First: " + first},
                                    {first_takes + second_takes, "Second: " + second}},
                                   kTwoAwaits));
  EXPECT_TRUE(grading::returned(run, first + " " + second,
                                "co_return the two values the awaits gave, separated by a single "
                                "space, not literals"));
  EXPECT_TRUE(grading::elapsed_is(run, first_takes + second_takes,
                                  "awaits in sequence add up: the two hellos' times"));
}

// Awaits hello_twice() twice in one loop, with the grader's hello: each call greets only with its
// own two values (state kept in a static would leak from the first call into the second).
aio::Task<std::string> hello_twice_twice(ch03::Job hello) {
  std::string first_call = co_await ch03::hello_twice(hello);
  std::string second_call = co_await ch03::hello_twice(hello);
  co_return first_call + " | " + second_call;
}

TEST(HelloTwice, EachCallReturnsOnlyItsOwnGreetings) {
  int token = grading::random_int(100, 996);
  std::vector<std::string> values;
  for (int i = 0; i < 4; ++i) values.push_back("hi #" + std::to_string(token + i));
  auto run = grading::run(hello_twice_twice(stand_in({1s, 1s, 1s, 1s}, values)));
  ASSERT_TRUE(did_not_nest_run(run, "hello_twice()"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(ran_the_hello_it_was_given(run, "hello_twice (called twice)", 4, kTwoAwaits));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "Saying hello twice..."},
                                    {1s, "First: " + values[0]},
                                    {2s, "Second: " + values[1]},
                                    {2s, "Saying hello twice..."},
                                    {3s, "First: " + values[2]},
                                    {4s, "Second: " + values[3]}},
                                   "each call of hello_twice prints its own three lines"));
  std::string expected = values[0] + " " + values[1] + " | " + values[2] + " " + values[3];
  std::string leaked = values[0] + " " + values[1] + " | " + values[0] + " " + values[1] + " " +
                       values[2] + " " + values[3];
  EXPECT_TRUE(grading::returned(
      run, expected,
      run.value && *run.value == leaked
          ? "the second call returned the first call's greetings too: something kept them from "
            "one call to the next. A static (or global) variable is shared by every call; keep "
            "the greetings in plain local variables, which each call gets fresh."
          : "each call of hello_twice returns its own two greetings, separated by a space"));
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

aio::Task<std::string> fails_with_an_empty_message() {
  aio::print("job started");
  co_await aio::sleep(1s);
  throw std::runtime_error("");
}

TEST(RunOrExplain, AnEmptyMessageGivesJustFailed) {
  // Fixed edge value: what() may be empty; the explanation is then "failed: " and nothing more.
  auto run = grading::run_plain(
      [] { return ch03::run_or_explain([] { return fails_with_an_empty_message(); }); });
  ASSERT_TRUE(error_was_explained(run,
                                  "the job's exception comes out of aio::run unchanged: catch it "
                                  "around aio::run and return \"failed: \" + its what()"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, std::string("failed: "),
                                "\"failed: \" followed by what(), exactly, even when what() is "
                                "empty: the message is the job's, not one of your own"));
}

aio::Task<std::string> fails_before_its_first_await(std::string message) {
  aio::print("job started");
  throw std::invalid_argument(message);
  co_return "";  // never reached; makes this a coroutine
}

aio::Task<std::string> returns_an_empty_string() {
  co_await aio::sleep(1s);
  co_return "";
}

TEST(RunOrExplain, FailureAtOnceThenAnEmptyValue) {
  // Fixed edge values, two calls in one process: a job that fails at 0 s, before it ever awaits
  // (with a std::logic_error), then a job that succeeds with an empty string, which is a value
  // like any other.
  std::string message = "bad input " + std::to_string(grading::random_int(1, 999));
  auto run = grading::run_plain([&] {
    std::string a =
        ch03::run_or_explain([message] { return fails_before_its_first_await(message); });
    std::string b = ch03::run_or_explain([] { return returns_an_empty_string(); });
    return a + "|" + b;
  });
  ASSERT_TRUE(
      error_was_explained(run,
                          "a job can fail before it ever awaits, and with any type derived "
                          "from std::exception (here std::invalid_argument, a "
                          "std::logic_error): catch const std::exception& around aio::run"));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(loops_started(run, 2, "each aio::run call creates its own event loop"));
  EXPECT_TRUE(loop_times_are(run, {0s, 1s},
                             "the first job fails at once (0 s); the second job's fresh loop "
                             "ends after its own 1 s"));
  EXPECT_TRUE(grading::returned(run, "failed: " + message + "|",
                                "the first call explains its job's error (\"failed: \" + what()); "
                                "the second returns its job's value, an empty string, unchanged"));
}

}  // namespace
