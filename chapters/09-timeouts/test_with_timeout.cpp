// Graders of chapter 09, part 1: long_operation() and with_timeout() (aio::wait_for).
//
// with_timeout() is graded mostly with the graders' own operation, passed as its parameter: it
// prints lines of its own (so a with_timeout that prints the tutorial's line after a sleep of its
// own, without running the operation, is caught), returns a value drawn from the seeded generator
// (so a typed-in result is caught), and when it is cancelled it takes time to clean up (a
// co_await after its catch block). "Operation timeout!" belongs after that cleanup: aio::wait_for
// waits for it; cancelling the operation and printing at once, or after a short sleep, does not.
// One test keeps the default, your long_operation, and says so first.
#include <optional>
#include <string>

#include "graders_support.hpp"

namespace {

using namespace ch09_graders;

const std::string kTimeoutLine = "Operation timeout!";
const std::string kLongCancelled = "Operation cancelled, cleaning up";

// ---- long_operation ------------------------------------------------------------------------

TEST(LongOperation, ReturnsDoneAfterTenSeconds) {
  auto run = grading::run(ch09::long_operation(), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::returned(run, std::string("Done"),
                                "long_operation returns \"Done\" once its 10 s are over"));
  EXPECT_TRUE(grading::elapsed_is(run, 10s,
                                  "long_operation waits 10 s with co_await aio::sleep(10s), "
                                  "then returns"));
  EXPECT_TRUE(grading::timeline_is(run, {},
                                   "long_operation prints only when it is cancelled; left alone "
                                   "it prints nothing"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(LongOperation, CleansUpAndLetsTheCancellationThrough) {
  const Duration at = random_ms(100, 9900);
  SCOPED_TRACE("cancelled at " + format_duration(at));
  Ending ending;
  auto run = grading::run(cancelled_at(ch09::long_operation(), at, &ending), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(ending.how != "returned")
              << "long_operation() returned normally after it was cancelled at "
              << format_duration(at) << ", at " << format_duration(ending.at) << ".\n"
              << "What you missed: it caught aio::CancelledError and did not rethrow it. Under a "
                 "timeout, that turns the timeout into a late result: the caller waited for "
                 "\"Done\" although it had given up. Clean up, then `throw;`.\n"
              << grading::hints_pointer());
  ASSERT_TRUE(grading::timeline_is(
      run, {{at, kLongCancelled}},
      "when the sleep is cancelled it throws aio::CancelledError at once: catch it by name, "
      "print \"" +
          kLongCancelled + "\" right then, and rethrow it"));
  EXPECT_TRUE(holds(ending.how == "aio::CancelledError")
              << "awaiting the cancelled long_operation should end with aio::CancelledError, but "
                 "it "
              << said(ending.how)
              << ".\nWhat you missed: rethrow the cancellation you caught, with "
                 "`throw;`.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::elapsed_is(run, at, "a cancelled sleep ends at once"));
}

// ---- the graders' operation ----------------------------------------------------------------

const std::string kOpStarted = "(grader's operation) started";
const std::string kOpFinished = "(grader's operation) finished";
const std::string kOpCancelled = "(grader's operation) cancelled";
const std::string kOpCleanedUp = "(grader's operation) cleaned up";

// Works for `takes` and returns `value`; cancelled, it cleans up for `cleanup` (after its catch
// block, where co_await is allowed) and ends cancelled.
aio::Task<std::string> graders_operation(Duration takes, Duration cleanup, std::string value) {
  aio::print(kOpStarted);
  bool cancelled = false;
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    aio::print(kOpCancelled);
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(cleanup);
    aio::print(kOpCleanedUp);
    throw aio::CancelledError{};
  }
  aio::print(kOpFinished);
  co_return value;
}

aio::Task<std::string> failing_operation(Duration fails_at, std::string message) {
  aio::print(kOpStarted);
  co_await aio::sleep(fails_at);
  aio::print("(grader's operation) failed");
  throw ch09::PermanentError(message);
}

struct OpCase {
  Duration takes{};
  Duration cleanup{};
  std::string value;
  Duration timeout = 2s;
};

ch09::Operation operation_for(const OpCase& c) {
  return [c] { return graders_operation(c.takes, c.cleanup, c.value); };
}

// What with_timeout should print with the graders' operation, and when it should end.
Timeline expected_timeline(const OpCase& c) {
  if (c.takes <= c.timeout) {
    return {{0s, kOpStarted}, {c.takes, kOpFinished}, {c.takes, c.value}};
  }
  return {{0s, kOpStarted},
          {c.timeout, kOpCancelled},
          {c.timeout + c.cleanup, kOpCleanedUp},
          {c.timeout + c.cleanup, kTimeoutLine}};
}

const std::string kWaitForLesson =
    "aio::wait_for(operation(), timeout) gives up at the deadline: it cancels the operation, "
    "waits until the operation has finished cancelling (its cleanup may take time), and only "
    "then throws aio::TimeoutError. Catch that by name and print \"Operation timeout!\" there.";

// Recognises the typical with_timeout mistakes in a run with the graders' operation.
template <class T>
::testing::AssertionResult with_timeout_diagnosis(const Run<T>& run, const OpCase& c) {
  if (hit_a_todo(run)) return grading::finished(run);
  const Timeline timeline = run.timeline();
  const Timeline expected = expected_timeline(c);
  const int started = run.started("graders_operation");
  if (started == 0) {
    auto failure = ::testing::AssertionFailure();
    const std::string printer = grading::printer_of(run, kTimeoutLine);
    if (!printer.empty()) {
      failure << "\"" << kTimeoutLine << "\" was printed by " << printer
              << ", but the operation the grader passed to with_timeout never ran: with_timeout "
                 "announced a timeout without waiting for anything.\n";
    } else {
      failure << "with_timeout never ran the operation it was given (its parameter "
                 "`operation`).\n";
    }
    return failure << "What you missed: call operation() (the parameter: your long_operation "
                      "unless the caller passes another one) and wait for it with aio::wait_for. "
                   << kWaitForLesson << "\n"
                   << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  if (started > 1) {
    return ::testing::AssertionFailure()
           << "with_timeout ran the operation " << started
           << " times; it runs it once and waits for it, at most `timeout`.\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  if (c.takes <= c.timeout) return ::testing::AssertionSuccess();  // the generic checks explain
  const auto finished_at = time_of(timeline, kOpFinished);
  const auto cancelled_at = time_of(timeline, kOpCancelled);
  const auto cleaned_at = time_of(timeline, kOpCleanedUp);
  const auto reported_at = time_of(timeline, kTimeoutLine);
  if (finished_at) {
    return ::testing::AssertionFailure()
           << "with_timeout waited for the whole operation: it finished at "
           << format_duration(*finished_at) << ", although the timeout was "
           << format_duration(c.timeout)
           << ". Nothing gave up on it at the deadline (a plain co_await operation() waits as long "
              "as the operation takes).\nWhat you missed: "
           << kWaitForLesson << "\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  if (cancelled_at && *cancelled_at != c.timeout) {
    return ::testing::AssertionFailure()
           << "the operation was cancelled at " << format_duration(*cancelled_at)
           << ", not at the deadline, " << format_duration(c.timeout)
           << " after it started.\nWhat you missed: the timeout is with_timeout's parameter "
              "`timeout`: pass it to aio::wait_for. "
           << kWaitForLesson << "\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  if (reported_at && cancelled_at &&
      find_line(timeline, kTimeoutLine) < find_line(timeline, kOpCancelled)) {
    return ::testing::AssertionFailure()
           << "with_timeout printed \"" << kTimeoutLine << "\" at " << format_duration(*reported_at)
           << " before the operation had even received its cancellation (its \"" << kOpCancelled
           << "\" came after it): cancel() was called, but cancel() is only a request, delivered "
              "when the operation next runs; nobody waited for the operation to stop.\n"
           << "What you missed: " << kWaitForLesson << "\n"
           << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  if (reported_at && cancelled_at && (!cleaned_at || *reported_at < *cleaned_at)) {
    auto failure = ::testing::AssertionFailure();
    failure << "with_timeout printed \"" << kTimeoutLine << "\" at "
            << format_duration(*reported_at)
            << " while the operation was still cleaning up: it was cancelled at "
            << format_duration(*cancelled_at) << " and ";
    if (cleaned_at) {
      failure << "finished its cleanup only at " << format_duration(*cleaned_at) << ".";
    } else {
      failure << "never finished its cleanup: with_timeout had returned, the run ended and the "
                 "loop stopped the operation half-way.";
    }
    return failure << " So the operation was cancelled but nobody waited for it to stop (or it "
                      "was given only a moment: a sleep(0), a short sleep).\nWhat you missed: "
                   << kWaitForLesson << "\n"
                   << grading::side_by_side(expected, timeline) << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

const std::string kLeftRunning =
    "with_timeout must not return while the operation is still running: aio::wait_for cancels "
    "it at the deadline and waits until it has stopped, so that nothing is left behind.";

struct WithTimeoutRun {
  Run<std::string> run;
  Ending ending;
  std::optional<std::optional<std::string>> value;
};

WithTimeoutRun run_with_timeout(const OpCase& c) {
  WithTimeoutRun result;
  aio::Task<std::optional<std::string>> waiting = ch09::with_timeout(operation_for(c), c.timeout);
  result.run = grading::run(ending_of(std::move(waiting), &result.ending, &result.value), capped());
  return result;
}

void expect_with_timeout(const OpCase& c) {
  WithTimeoutRun r = run_with_timeout(c);
  const Run<std::string>& run = r.run;
  ASSERT_TRUE(with_timeout_diagnosis(run, c));
  ASSERT_TRUE(nothing_left_running(run, kLeftRunning));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(r.ending.how == "returned")
              << "with_timeout " << said(r.ending.how) << " at " << format_duration(r.ending.at)
              << ".\nWhat you missed: with_timeout catches the aio::TimeoutError that "
                 "aio::wait_for throws (by name), prints \""
              << kTimeoutLine << "\" and returns std::nullopt; in time, it returns the result.\n"
              << grading::side_by_side(expected_timeline(c), run.timeline())
              << grading::hints_pointer());
  const bool in_time = c.takes <= c.timeout;
  ASSERT_TRUE(grading::timeline_is(
      run, expected_timeline(c),
      in_time ? "an operation that finishes within the timeout (at the deadline itself too: a "
                "result at the same instant wins) gives its result: print it and return it"
              : kWaitForLesson));
  const std::optional<std::string> expected_value =
      in_time ? std::optional<std::string>(c.value) : std::nullopt;
  EXPECT_TRUE(holds(r.value && *r.value == expected_value)
              << "with_timeout returned "
              << (r.value && *r.value ? grading::show_value(**r.value) : std::string("nullopt"))
              << ", expected "
              << (expected_value ? grading::show_value(*expected_value) : std::string("nullopt"))
              << ".\nWhat you missed: return the operation's result when it is in time, and "
                 "std::nullopt after a timeout.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::elapsed_is(
      run, in_time ? c.takes : c.timeout + c.cleanup,
      in_time ? "with_timeout returns as soon as the operation does"
              : "with_timeout ends at the deadline plus the time the operation takes to clean up"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- with_timeout ---------------------------------------------------------------------------

TEST(WithTimeout, PrintsOperationTimeoutAtTwoSeconds) {
  // The tutorial's call: no arguments, so your long_operation and 2 s.
  grading::uses_learners("long_operation");
  Ending ending;
  std::optional<std::optional<std::string>> value;
  aio::Task<std::optional<std::string>> waiting = ch09::with_timeout();
  auto run = grading::run(ending_of(std::move(waiting), &ending, &value), capped());
  const Timeline expected{{2s, kLongCancelled}, {2s, kTimeoutLine}};
  ASSERT_TRUE(nothing_left_running(run, kLeftRunning));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(ending.how == "returned")
              << "with_timeout() " << said(ending.how) << " at " << format_duration(ending.at)
              << ".\nWhat you missed: " << kWaitForLesson << "\n"
              << grading::side_by_side(expected, run.timeline()) << grading::hints_pointer());
  ASSERT_TRUE(grading::timeline_is(
      run, expected,
      "the 10 s operation is given up at 2 s: aio::wait_for cancels it (its cleanup line), waits "
      "for it, and throws aio::TimeoutError, all at 2 s. " +
          kWaitForLesson));
  EXPECT_TRUE(grading::printed_by(run, "long_operation", {kLongCancelled},
                                  "the cleanup line is long_operation's own: with_timeout runs "
                                  "operation(), which is your long_operation by default"));
  EXPECT_TRUE(grading::printed_by(run, "with_timeout", {kTimeoutLine},
                                  "with_timeout prints \"Operation timeout!\" itself, where it "
                                  "catches aio::TimeoutError"));
  EXPECT_TRUE(holds(value && !value->has_value())
              << "with_timeout() should return std::nullopt after a timeout.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::elapsed_is(run, 2s,
                                  "the whole thing takes 2 s, the timeout, not the 10 s of the "
                                  "operation"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(WithTimeout, ReportsTheTimeoutOnlyOnceTheOperationHasCleanedUp) {
  // The cleanup takes a random time: only waiting for the operation gets the order right.
  expect_with_timeout({10s, random_ms(200, 900), random_word("result"), 2s});
}

TEST(WithTimeout, RunsTheOperationItIsGiven) {
  const OpCase c{10s, 300ms, random_word("result"), 2s};
  WithTimeoutRun r = run_with_timeout(c);
  ASSERT_TRUE(with_timeout_diagnosis(r.run, c));
  ASSERT_TRUE(nothing_left_running(r.run, kLeftRunning));
  ASSERT_TRUE(grading::finished(r.run));
  ASSERT_TRUE(grading::ran_times(r.run, "graders_operation", 1,
                                 "with_timeout runs the operation it is given, once: "
                                 "operation(), its parameter"));
  EXPECT_TRUE(grading::printed_by(r.run, "graders_operation",
                                  {kOpStarted, kOpCancelled, kOpCleanedUp},
                                  "the operation's lines come from the operation itself"));
  EXPECT_TRUE(grading::printed_by(r.run, "with_timeout", {kTimeoutLine},
                                  "with_timeout prints \"Operation timeout!\" itself, where it "
                                  "catches aio::TimeoutError"));
}

TEST(WithTimeout, ReturnsTheResultOfAnOperationThatIsInTime) {
  {
    SCOPED_TRACE("an operation of a random time under 2 s");
    expect_with_timeout({random_ms(100, 1900), 300ms, random_word("result"), 2s});
  }
  if (HasFailure()) return;
  SCOPED_TRACE("an operation that finishes exactly at the deadline: the result wins");
  expect_with_timeout({2s, 300ms, random_word("result"), 2s});
}

TEST(WithTimeout, UsesTheTimeoutItIsGiven) {
  {
    const Duration timeout = random_ms(500, 5000);
    SCOPED_TRACE("timeout " + format_duration(timeout));
    expect_with_timeout(
        {timeout + random_ms(1, 3000), random_ms(100, 500), random_word("r"), timeout});
  }
  if (HasFailure()) return;
  {
    const Duration timeout = random_ms(2500, 6000);
    SCOPED_TRACE("timeout " + format_duration(timeout) + ", operation in time");
    expect_with_timeout({timeout - random_ms(1, 400), 300ms, random_word("r"), timeout});
  }
  if (HasFailure()) return;
  SCOPED_TRACE("timeout 0 s: the operation starts, and is cancelled at once");
  expect_with_timeout({1s, 250ms, random_word("r"), 0s});
}

TEST(WithTimeout, AnErrorOfTheOperationIsNotATimeout) {
  const Duration fails_at = random_ms(100, 1900);
  const std::string message = random_word("error");
  ch09::Operation failing = [fails_at, message] { return failing_operation(fails_at, message); };
  Ending ending;
  aio::Task<std::optional<std::string>> waiting = ch09::with_timeout(failing, 2s);
  auto run = grading::run(ending_of(std::move(waiting), &ending), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(!has_line(run.timeline(), kTimeoutLine))
              << "with_timeout printed \"" << kTimeoutLine << "\" when the operation failed with "
              << "an error of its own (a PermanentError at " << format_duration(fails_at)
              << ", before the deadline).\nWhat you missed: catch aio::TimeoutError by name, not "
                 "std::exception or std::runtime_error: other errors are not timeouts, and they "
                 "must reach with_timeout's caller unchanged.\n"
              << grading::hints_pointer());
  ASSERT_TRUE(holds(ending.how == "PermanentError: " + message)
              << "with_timeout " << said(ending.how)
              << ", but the operation had thrown PermanentError(\"" << message
              << "\").\nWhat you missed: do not catch the operation's own errors: they leave "
                 "with_timeout unchanged.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::elapsed_is(run, fails_at, "the error comes out when the operation fails"));
}

TEST(WithTimeout, ACancellationFromOutsideIsNotATimeout) {
  const OpCase c{10s, 300ms, random_word("result"), 2s};
  const Duration at = random_ms(200, 1800);
  SCOPED_TRACE("with_timeout cancelled at " + format_duration(at));
  Ending ending;
  aio::Task<std::optional<std::string>> waiting = ch09::with_timeout(operation_for(c), c.timeout);
  auto run = grading::run(cancelled_at(std::move(waiting), at, &ending), capped());
  const Timeline expected{{0s, kOpStarted}, {at, kOpCancelled}, {at + c.cleanup, kOpCleanedUp}};
  ASSERT_TRUE(nothing_left_running(run, kLeftRunning));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(!has_line(run.timeline(), kTimeoutLine))
              << "with_timeout printed \"" << kTimeoutLine << "\" when it was cancelled at "
              << format_duration(at) << ", before the deadline: being cancelled is not a "
              << "timeout.\nWhat you missed: catch aio::TimeoutError by name, never with "
                 "catch (...): that also catches the aio::CancelledError of a cancellation from "
                 "outside, which must leave with_timeout as it is.\n"
              << grading::side_by_side(expected, run.timeline()) << grading::hints_pointer());
  ASSERT_TRUE(holds(ending.how == "aio::CancelledError")
              << "with_timeout, cancelled at " << format_duration(at) << ", " << said(ending.how)
              << ".\nWhat you missed: a cancellation of with_timeout itself passes through "
                 "aio::wait_for as aio::CancelledError (never as a TimeoutError) after the "
                 "operation has stopped; do not catch it.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::timeline_is(run, expected,
                                   "cancelling with_timeout cancels the operation it waits for; "
                                   "it ends once the operation's cleanup is over"));
  EXPECT_TRUE(grading::elapsed_is(run, at + c.cleanup,
                                  "the cancellation comes out once the operation has cleaned up"));
}

}  // namespace
