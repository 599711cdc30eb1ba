// Graders of chapter 09, part 2: fetch_with_retry(operation, attempts, per_try_timeout).
//
// The graders' operation follows a script, one entry per try: succeed, fail with a
// TransientError or a PermanentError, or hang until the per-try timeout cancels it (it then
// cleans up for 0.3 s, after its catch block). It prints "try k started" and how try k ended, so
// the timeline shows every try and every pause. The expected timeline is computed from the
// script by a model of the rules in exercise.hpp; the scripts are fixed (edge values: 1 attempt,
// 0 attempts, a per-try timeout of 0, success on the last try, a result exactly at the per-try
// timeout) and drawn from the seeded generator (failure patterns, durations, messages).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graders_support.hpp"

namespace {

using namespace ch09_graders;

constexpr Duration kTryCleanup = 300ms;

enum class Kind { Succeeds, Transient, Permanent, Hangs };

struct Try {
  Kind kind = Kind::Succeeds;
  Duration takes{};
  std::string text;  // the value, or the error's message
};

struct Script {
  std::vector<Try> tries;
  int calls = 0;
};

std::string try_name(int k) {
  return "try " + std::to_string(k);
}

aio::Task<std::string> scripted_try(int k, Try t) {
  const std::string name = try_name(k);
  aio::print(name, " started");
  bool cancelled = false;
  try {
    co_await aio::sleep(t.kind == Kind::Hangs ? Duration(1h) : t.takes);
  } catch (const aio::CancelledError&) {
    aio::print(name, " cancelled");
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(kTryCleanup);
    aio::print(name, " cleaned up");
    throw aio::CancelledError{};
  }
  switch (t.kind) {
    case Kind::Transient:
      aio::print(name, " failed (transient)");
      throw ch09::TransientError(t.text);
    case Kind::Permanent:
      aio::print(name, " failed (permanent)");
      throw ch09::PermanentError(t.text);
    default:
      break;
  }
  aio::print(name, " succeeded");
  co_return t.text;
}

ch09::Operation operation_for(std::shared_ptr<Script> script) {
  return [script] {
    const int k = ++script->calls;
    // More calls than the script has tries: an extra success, which only a wrong solution asks
    // for (the graders then say why it was wrong).
    Try t = k <= static_cast<int>(script->tries.size())
                ? script->tries[static_cast<std::size_t>(k - 1)]
                : Try{Kind::Succeeds, 0s, "(an extra try)"};
    return scripted_try(k, std::move(t));
  };
}

Duration backoff_after(int k) {  // the pause after try k (1-based)
  return ch09::first_backoff * (1LL << (k - 1));
}

std::string timeout_text(Duration deadline) {
  return aio::TimeoutError(deadline).what();
}

// What the rules of exercise.hpp make of a script.
struct Expected {
  Timeline timeline;
  std::vector<Duration> starts;     // when each try starts
  std::vector<Duration> ends;       // when each try ends (after the cleanup of a timed-out one)
  std::vector<std::string> errors;  // each failed try's error, as ending_of describes it
  std::string how;                  // "returned" or the final error
  std::optional<std::string> value;
  Duration at{};
  bool stopped_by_permanent = false;
};

Expected model(const Script& script, int attempts, Duration timeout) {
  Expected e;
  Duration t = 0s;
  for (int k = 1; k <= attempts; ++k) {
    const Try& tr = script.tries[static_cast<std::size_t>(k - 1)];
    const std::string name = try_name(k);
    e.starts.push_back(t);
    e.timeline.push_back({t, name + " started"});
    const bool times_out = tr.kind == Kind::Hangs || tr.takes > timeout;
    Duration end{};
    std::string error;
    if (times_out) {
      e.timeline.push_back({t + timeout, name + " cancelled"});
      end = t + timeout + kTryCleanup;
      e.timeline.push_back({end, name + " cleaned up"});
      error = timeout_text(t + timeout);
    } else {
      end = t + tr.takes;
      if (tr.kind == Kind::Succeeds) {
        e.timeline.push_back({end, name + " succeeded"});
        e.ends.push_back(end);
        e.how = "returned";
        e.value = tr.text;
        e.at = end;
        return e;
      }
      if (tr.kind == Kind::Transient) {
        e.timeline.push_back({end, name + " failed (transient)"});
        error = "TransientError: " + tr.text;
      } else {
        e.timeline.push_back({end, name + " failed (permanent)"});
        e.ends.push_back(end);
        e.errors.push_back("PermanentError: " + tr.text);
        e.how = e.errors.back();
        e.at = end;
        e.stopped_by_permanent = true;
        return e;
      }
    }
    e.ends.push_back(end);
    e.errors.push_back(error);
    if (k == attempts) {
      e.how = error;
      e.at = end;
      return e;
    }
    t = end + backoff_after(k);
  }
  return e;  // attempts < 1: nothing runs (the tests of that case do not use the model)
}

// When each try started, and when it ended (its last line), in the actual run.
struct Observed {
  std::vector<Duration> starts;
  std::vector<Duration> ends;
  std::vector<std::optional<Duration>> cancelled;  // when each try was cancelled, if it was
};

Observed observe(const Timeline& timeline) {
  Observed o;
  for (int k = 1;; ++k) {
    const std::string name = try_name(k);
    const auto start = time_of(timeline, name + " started");
    if (!start) break;
    o.starts.push_back(*start);
    Duration end = *start;
    for (const auto& line : timeline) {
      if (line.text.rfind(name + " ", 0) == 0) end = std::max(end, line.time);
    }
    o.ends.push_back(end);
    o.cancelled.push_back(time_of(timeline, name + " cancelled"));
  }
  return o;
}

const std::string kRetryRules =
    "retry only what may go away (aio::TimeoutError, TransientError), pause 1 s, 2 s, 4 s... "
    "between tries (the pause starts when the try has ended), and after the last try rethrow "
    "its error at once.";

// Recognises the typical retry mistakes. `expected` is the model's view of the same script.
template <class T>
::testing::AssertionResult retry_diagnosis(const Run<T>& run, const Script& script, int attempts,
                                           Duration timeout, const Expected& expected,
                                           const Ending& ending, bool second_call) {
  if (hit_a_todo(run)) return grading::finished(run);
  for (const auto& d : run.diagnostics()) {
    if (d.kind == aio::Diagnostic::Kind::SlowStep) return grading::finished(run);
  }
  const Timeline timeline = run.timeline();
  const Observed seen = observe(timeline);
  const std::string table = grading::side_by_side(expected.timeline, timeline);
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure() << what << "\n" << table << grading::hints_pointer();
  };
  const std::size_t tries = seen.starts.size();
  const std::size_t expected_tries = expected.starts.size();
  // A try after a permanent error.
  for (std::size_t i = 0; i + 1 < tries && i < script.tries.size(); ++i) {
    const Try& tr = script.tries[i];
    if (tr.kind == Kind::Permanent && tr.takes <= timeout && !seen.cancelled[i]) {
      return fail("fetch_with_retry retried a permanent error: try " + std::to_string(i + 1) +
                  " failed with PermanentError(\"" + tr.text + "\"), and then try " +
                  std::to_string(i + 2) + " started at " + format_duration(seen.starts[i + 1]) +
                  ".\nWhat you missed: a permanent error will not go away by trying again; "
                  "catch only aio::TimeoutError and TransientError, by name (catching "
                  "std::runtime_error or std::exception also catches PermanentError, which "
                  "derives from it), and let everything else leave at once.");
    }
  }
  if (tries > expected_tries) {
    if (!expected.stopped_by_permanent && !expected.value) {
      return fail("fetch_with_retry made " + std::to_string(tries) +
                  " tries with attempts = " + std::to_string(attempts) +
                  ": `attempts` is the number of tries in all, the "
                  "first one included (an off-by-one in the loop?).\nWhat you missed: " +
                  kRetryRules);
    }
    return fail("fetch_with_retry made " + std::to_string(tries) + " tries, but try " +
                std::to_string(expected_tries) +
                " already ended the matter.\nWhat you missed: " + kRetryRules);
  }
  if (tries < expected_tries && tries > 0) {
    const std::size_t last = tries - 1;
    const bool timed_out = seen.cancelled[last].has_value();
    return fail(std::string("fetch_with_retry stopped after ") + std::to_string(tries) +
                (tries == 1 ? " try" : " tries") + " (attempts = " + std::to_string(attempts) +
                "): try " + std::to_string(tries) + " ended with " +
                (timed_out ? "a timeout" : "a TransientError") + ", which is worth retrying" +
                (tries + 1 == static_cast<std::size_t>(attempts) ? " (and one try was left)" : "") +
                ".\nWhat you missed: " + kRetryRules);
  }
  if (tries == 0) {
    return fail(
        "fetch_with_retry never called the operation it was given.\nWhat you missed: "
        "each try is co_await aio::wait_for(operation(), per_try_timeout).");
  }
  // The per-try timeout.
  for (std::size_t i = 0; i < tries; ++i) {
    const bool should_time_out =
        script.tries[i].kind == Kind::Hangs || script.tries[i].takes > timeout;
    if (should_time_out && seen.cancelled[i] != seen.starts[i] + timeout) {
      return fail(
          "try " + std::to_string(i + 1) + " started at " + format_duration(seen.starts[i]) +
          " and should have been cancelled by its "
          "timeout of " +
          format_duration(timeout) + " at " + format_duration(seen.starts[i] + timeout) + ", but " +
          (seen.cancelled[i] ? "was cancelled at " + format_duration(*seen.cancelled[i])
                             : std::string("was never cancelled")) +
          ".\nWhat you missed: limit each try with aio::wait_for(operation(), "
          "per_try_timeout): the timeout is per try, and starts with each try.");
    }
  }
  // The pauses.
  std::vector<Duration> pauses;
  std::vector<Duration> expected_pauses;
  bool pauses_ok = true;
  for (std::size_t i = 0; i + 1 < tries; ++i) {
    pauses.push_back(seen.starts[i + 1] - seen.ends[i]);
    expected_pauses.push_back(backoff_after(static_cast<int>(i + 1)));
    if (pauses.back() != expected_pauses.back()) pauses_ok = false;
  }
  if (!pauses_ok) {
    std::string what = "the pauses between tries were " + list_times(pauses) + ", expected " +
                       list_times(expected_pauses) + ". ";
    bool constant = pauses.size() > 1;
    for (Duration p : pauses) constant = constant && p == pauses.front();
    if (constant && pauses.front() != 0s) {
      what +=
          "The pause never grew: the backoff doubles after every try (keep it in a variable "
          "and multiply it by 2 after each pause). ";
    } else if (std::all_of(pauses.begin(), pauses.end(), [](Duration p) { return p == 0s; })) {
      what +=
          "The next try started as soon as the previous one ended: pause before retrying, "
          "or a struggling server gets hammered. ";
    }
    if (second_call) {
      what +=
          "This is the second call in the same program, and the first call paused right: "
          "the pause was kept from the first call (a `static` variable, or one outside the "
          "function, lives as long as the program). Keep it in a local variable of "
          "fetch_with_retry, so that each call starts again at 1 s. ";
    }
    return fail(what + "\nWhat you missed: " + kRetryRules);
  }
  // Tries as expected: then how and when it ended.
  if (ending.how == expected.how && ending.at > expected.at) {
    const Duration extra = ending.at - expected.at;
    return fail("fetch_with_retry gave up with the right error, but only at " +
                format_duration(ending.at) + ", " + format_duration(extra) +
                " after the last try ended at " + format_duration(expected.at) +
                ": it paused after the last try, for nothing.\nWhat you missed: after the last "
                "try there is no next one to wait for: rethrow its error at once.");
  }
  if (ending.how != expected.how && !expected.value) {
    for (std::size_t i = 0; i + 1 < expected.errors.size(); ++i) {
      if (ending.how == expected.errors[i] && expected.errors[i] != expected.how) {
        return fail("fetch_with_retry gave up with the error of try " + std::to_string(i + 1) +
                    " (" + ending.how + "), not that of the last try (" + expected.how +
                    ").\nWhat you missed: keep the error of each try, replacing the previous "
                    "one, and rethrow the last one: it tells the caller what is wrong now.");
      }
    }
  }
  return ::testing::AssertionSuccess();
}

struct RetryRun {
  Run<std::string> run;
  Ending ending;
  std::optional<std::string> value;
  std::shared_ptr<Script> script;
};

RetryRun run_retry(const Script& script, int attempts, Duration timeout) {
  RetryRun r;
  r.script = std::make_shared<Script>(script);
  aio::Task<std::string> retrying =
      ch09::fetch_with_retry(operation_for(r.script), attempts, timeout);
  r.run = grading::run(ending_of(std::move(retrying), &r.ending, &r.value), capped());
  return r;
}

std::string describe_script(const Script& script, int attempts, Duration timeout) {
  std::string text = "attempts = " + std::to_string(attempts) + ", per-try timeout " +
                     format_duration(timeout) + "; the tries:";
  for (std::size_t i = 0; i < script.tries.size() && i < static_cast<std::size_t>(attempts); ++i) {
    const Try& t = script.tries[i];
    text += " [" + std::to_string(i + 1) + "] ";
    switch (t.kind) {
      case Kind::Succeeds:
        text += "succeeds after " + format_duration(t.takes);
        break;
      case Kind::Transient:
        text += "TransientError after " + format_duration(t.takes);
        break;
      case Kind::Permanent:
        text += "PermanentError after " + format_duration(t.takes);
        break;
      case Kind::Hangs:
        text += "hangs";
        break;
    }
  }
  return text;
}

void expect_retry(const Script& script, int attempts, Duration timeout, bool second_call = false) {
  SCOPED_TRACE(describe_script(script, attempts, timeout));
  const Expected expected = model(script, attempts, timeout);
  RetryRun r = run_retry(script, attempts, timeout);
  const Run<std::string>& run = r.run;
  ASSERT_TRUE(retry_diagnosis(run, script, attempts, timeout, expected, r.ending, second_call));
  ASSERT_TRUE(nothing_left_running(run,
                                   "each try is waited for to its end: aio::wait_for cancels a "
                                   "try that takes too long and waits until it has stopped"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline, kRetryRules));
  ASSERT_TRUE(holds(r.ending.how == expected.how)
              << "fetch_with_retry " << said(r.ending.how) << ", expected " << expected.how
              << ".\nWhat you missed: " << kRetryRules << "\n"
              << grading::hints_pointer());
  if (expected.value) {
    EXPECT_TRUE(holds(r.value == expected.value)
                << "fetch_with_retry returned "
                << (r.value ? grading::show_value(*r.value) : std::string("nothing"))
                << ", expected " << grading::show_value(*expected.value)
                << ": the result of the try that succeeded.\n"
                << grading::hints_pointer());
  }
  EXPECT_TRUE(grading::elapsed_is(run, expected.at,
                                  "the tries, their timeouts and cleanups, and the pauses "
                                  "between them, one after another"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

Try succeeds(Duration takes) {
  return {Kind::Succeeds, takes, random_word("value")};
}
Try transient(Duration takes) {
  return {Kind::Transient, takes, random_word("503 try again")};
}
Try permanent(Duration takes) {
  return {Kind::Permanent, takes, random_word("404 not found")};
}
Try hangs() {
  return {Kind::Hangs, 0s, ""};
}

// ---- tests ----------------------------------------------------------------------------------

TEST(FetchWithRetry, ReturnsTheFirstResultWithoutRetrying) {
  expect_retry({{succeeds(random_ms(100, 1900))}}, 3, 2s);
}

TEST(FetchWithRetry, RetriesATransientErrorAfterOneSecond) {
  expect_retry({{transient(random_ms(100, 1900)), succeeds(random_ms(100, 1900))}}, 3, 2s);
}

TEST(FetchWithRetry, RetriesATimeoutOnceTheTimedOutTryHasCleanedUp) {
  const Duration timeout = random_ms(500, 3000);
  expect_retry({{hangs(), succeeds(timeout - random_ms(1, 400))}}, 2, timeout);
}

TEST(FetchWithRetry, PausesOneTwoFourEightSecondsAndSucceedsOnTheLastTry) {
  expect_retry({{transient(500ms), hangs(), transient(250ms), hangs(), succeeds(1s)}}, 5, 2s);
}

TEST(FetchWithRetry, GivesUpWithTheLastErrorWithoutAFinalPause) {
  const int attempts = grading::random_int(2, 4);
  Script script;
  for (int k = 1; k < attempts; ++k) {
    script.tries.push_back(grading::random_int(0, 1) ? hangs() : transient(random_ms(100, 1500)));
  }
  script.tries.push_back(transient(random_ms(100, 1500)));
  expect_retry(script, attempts, 2s);
}

TEST(FetchWithRetry, GivesUpWithATimeoutErrorWhenTheLastTryTimesOut) {
  expect_retry({{transient(400ms), hangs(), hangs()}}, 3, random_ms(500, 2500));
}

TEST(FetchWithRetry, NeverRetriesAPermanentError) {
  {
    SCOPED_TRACE("a permanent error on the first try");
    expect_retry({{permanent(random_ms(100, 1900)), succeeds(1s)}}, 3, 2s);
  }
  if (HasFailure()) return;
  SCOPED_TRACE("a permanent error after a transient one");
  expect_retry({{transient(random_ms(100, 1900)), permanent(random_ms(100, 1900)), succeeds(1s)}},
               4, 2s);
}

TEST(FetchWithRetry, OneAttemptMeansOneTryAndNoPause) {
  {
    SCOPED_TRACE("a transient error");
    expect_retry({{transient(random_ms(100, 1900)), succeeds(1s)}}, 1, 2s);
  }
  if (HasFailure()) return;
  SCOPED_TRACE("a timeout");
  expect_retry({{hangs(), succeeds(1s)}}, 1, 2s);
}

TEST(FetchWithRetry, ZeroAttemptsIsAMistakeOfTheCaller) {
  for (int attempts : {0, -1}) {
    SCOPED_TRACE("attempts = " + std::to_string(attempts));
    RetryRun r = run_retry({{succeeds(1s)}}, attempts, 2s);
    ASSERT_TRUE(grading::finished(r.run));
    ASSERT_TRUE(holds(r.script->calls == 0)
                << "fetch_with_retry called the operation " << r.script->calls
                << " time(s) with attempts = " << attempts
                << ".\nWhat you missed: fewer than one attempt is a mistake of the caller: "
                   "throw std::invalid_argument before calling the operation at all.\n"
                << grading::hints_pointer());
    ASSERT_TRUE(holds(r.ending.how.rfind("std::invalid_argument", 0) == 0)
                << "with attempts = " << attempts << ", fetch_with_retry " << said(r.ending.how)
                << ".\nWhat you missed: attempts < 1 means nothing may be tried: "
                << "say so with std::invalid_argument (a loop that never runs has no result to "
                   "return and no error to rethrow).\n"
                << grading::hints_pointer());
    EXPECT_TRUE(grading::elapsed_is(r.run, 0s, "nothing is tried, nothing is waited for"));
  }
}

TEST(FetchWithRetry, APerTryTimeoutOfZeroLeavesOnlyInstantResults) {
  expect_retry({{hangs(), hangs(), succeeds(0s)}}, 3, 0s);
}

TEST(FetchWithRetry, AResultExactlyAtThePerTryTimeoutWins) {
  const Duration timeout = random_ms(500, 3000);
  expect_retry({{transient(100ms), succeeds(timeout)}}, 2, timeout);
}

TEST(FetchWithRetry, SeededRandomFailurePatterns) {
  for (int round = 0; round < 6 && !HasFailure(); ++round) {
    const int attempts = grading::random_int(1, 5);
    const Duration timeout = random_ms(300, 3000);
    Script script;
    for (int k = 0; k < attempts; ++k) {
      const int pick = grading::random_int(0, 9);
      const Duration takes = random_ms(0, 2 * static_cast<int>(timeout.count() / 1000000));
      if (pick < 4) {
        script.tries.push_back(transient(takes));
      } else if (pick < 7) {
        script.tries.push_back(hangs());
      } else if (pick < 9) {
        script.tries.push_back(succeeds(takes));
      } else {
        script.tries.push_back(permanent(takes));
      }
    }
    expect_retry(script, attempts, timeout);
  }
}

TEST(FetchWithRetry, TwoCallsInOneProgramEachPauseOneSecondFirst) {
  const Script script{{transient(300ms), transient(300ms), succeeds(300ms)}};
  {
    SCOPED_TRACE("first call");
    expect_retry(script, 3, 2s);
  }
  if (HasFailure()) return;
  SCOPED_TRACE("second call, in the same program");
  expect_retry(script, 3, 2s, /*second_call=*/true);
}

// ---- cancellation ---------------------------------------------------------------------------

const std::string kNeverRetryCancellation =
    "a cancellation is not a failure of the operation: fetch_with_retry itself was told to stop. "
    "It must leave at once as aio::CancelledError, during a try or during a pause. catch (...) "
    "catches it too (it is not a std::exception, but ... catches everything): catch "
    "aio::TimeoutError and TransientError by name.";

void expect_cancelled(const Script& script, int attempts, Duration timeout, Duration at,
                      const Timeline& expected, Duration ends_at) {
  auto shared = std::make_shared<Script>(script);
  Ending ending;
  aio::Task<std::string> retrying =
      ch09::fetch_with_retry(operation_for(shared), attempts, timeout);
  auto run = grading::run(cancelled_at(std::move(retrying), at, &ending), capped());
  if (!hit_a_todo(run)) {
    const Observed seen = observe(run.timeline());
    for (std::size_t i = 0; i < seen.starts.size(); ++i) {
      ASSERT_TRUE(holds(seen.starts[i] <= at)
                  << "fetch_with_retry was cancelled at " << format_duration(at) << ", and "
                  << "still started try " << i + 1 << " at " << format_duration(seen.starts[i])
                  << ": it retried a cancellation.\nWhat you missed: " << kNeverRetryCancellation
                  << "\n"
                  << grading::side_by_side(expected, run.timeline()) << grading::hints_pointer());
    }
  }
  ASSERT_TRUE(nothing_left_running(run,
                                   "cancelling fetch_with_retry cancels the try it is waiting "
                                   "for, and it ends once that try has stopped"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(ending.how == "aio::CancelledError")
              << "fetch_with_retry, cancelled at " << format_duration(at) << ", "
              << said(ending.how) << " at " << format_duration(ending.at)
              << ".\nWhat you missed: " << kNeverRetryCancellation << "\n"
              << grading::side_by_side(expected, run.timeline()) << grading::hints_pointer());
  ASSERT_TRUE(grading::timeline_is(run, expected, kNeverRetryCancellation));
  EXPECT_TRUE(holds(ending.at == ends_at)
              << "the cancellation came out of fetch_with_retry at " << format_duration(ending.at)
              << ", expected " << format_duration(ends_at)
              << ".\nWhat you missed: " << kNeverRetryCancellation << "\n"
              << grading::hints_pointer());
}

TEST(FetchWithRetry, CancelledDuringAPauseStopsAtOnce) {
  // Try 1 fails at 0.5 s; the pause lasts until 1.5 s; the cancellation lands inside it.
  const Duration at = random_ms(600, 1400);
  SCOPED_TRACE("cancelled at " + format_duration(at) + ", during the pause after try 1");
  expect_cancelled({{transient(500ms), succeeds(1s)}}, 3, 2s, at,
                   {{0s, "try 1 started"}, {500ms, "try 1 failed (transient)"}}, at);
}

TEST(FetchWithRetry, CancelledDuringATryStopsOnceTheTryHasCleanedUp) {
  const Duration at = random_ms(200, 1800);
  SCOPED_TRACE("cancelled at " + format_duration(at) + ", during try 1 (timeout 2 s)");
  expect_cancelled(
      {{hangs(), succeeds(1s)}}, 3, 2s, at,
      {{0s, "try 1 started"}, {at, "try 1 cancelled"}, {at + kTryCleanup, "try 1 cleaned up"}},
      at + kTryCleanup);
}

}  // namespace
