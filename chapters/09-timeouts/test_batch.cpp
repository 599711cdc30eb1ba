// Graders of chapter 09, part 3: run_batch(connect, jobs, time_limit), one deadline for the
// whole batch (aio::move_on_after / move_on_at).
//
// The graders' connect prints "connecting" and "connected"; each job prints "job i started" and
// "job i finished", returns a value drawn from the seeded generator, and when it is cancelled
// prints "job i cancelled", cleans up for 0.3 s (after its catch block) and prints "job i cleaned
// up". So the timeline shows when the deadline struck, and whether run_batch waited for the
// cleanup. The connection takes time on purpose: it uses up part of the time limit, which is
// what tells one deadline for the whole batch from a timeout per job.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "graders_support.hpp"

namespace {

using namespace ch09_graders;

using Results = std::vector<std::optional<std::string>>;

constexpr Duration kJobCleanup = 300ms;

std::string job_name(std::size_t i) {
  return "job " + std::to_string(i + 1);
}

aio::Task<> graders_connect(Duration takes) {
  aio::print("connecting");
  try {
    if (takes > 0s) co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    aio::print("connect cancelled");
    throw;
  }
  aio::print("connected");
}

aio::Task<std::string> graders_job(std::string name, Duration takes, std::string value) {
  aio::print(name, " started");
  bool cancelled = false;
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    aio::print(name, " cancelled");
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(kJobCleanup);
    aio::print(name, " cleaned up");
    throw aio::CancelledError{};
  }
  aio::print(name, " finished");
  co_return value;
}

aio::Task<std::string> failing_job(std::string name, Duration fails_at, std::string message) {
  aio::print(name, " started");
  co_await aio::sleep(fails_at);
  aio::print(name, " failed");
  throw ch09::PermanentError(message);
}

struct BatchCase {
  Duration connect{};
  std::vector<Duration> takes;
  std::vector<std::string> values;
  Duration limit{};
};

struct BatchExpected {
  Timeline timeline;
  Results results;
  Duration at{};  // when run_batch returns
  bool any_cancelled = false;
};

BatchExpected model(const BatchCase& c) {
  BatchExpected e;
  e.results.assign(c.takes.size(), std::nullopt);
  e.timeline.push_back({0s, "connecting"});
  if (c.connect > c.limit) {
    e.timeline.push_back({c.limit, "connect cancelled"});
    e.at = c.limit;
    return e;
  }
  e.timeline.push_back({c.connect, "connected"});
  e.at = c.connect;
  for (std::size_t i = 0; i < c.takes.size(); ++i) {
    e.timeline.push_back({c.connect, job_name(i) + " started"});
    if (c.connect + c.takes[i] <= c.limit) {
      e.timeline.push_back({c.connect + c.takes[i], job_name(i) + " finished"});
      e.results[i] = c.values[i];
      e.at = std::max(e.at, c.connect + c.takes[i]);
    } else {
      e.timeline.push_back({c.limit, job_name(i) + " cancelled"});
      e.timeline.push_back({c.limit + kJobCleanup, job_name(i) + " cleaned up"});
      e.any_cancelled = true;
    }
  }
  if (e.any_cancelled) e.at = c.limit + kJobCleanup;
  return e;
}

std::vector<ch09::Operation> jobs_for(const BatchCase& c) {
  std::vector<ch09::Operation> jobs;
  for (std::size_t i = 0; i < c.takes.size(); ++i) {
    jobs.push_back(
        [name = job_name(i), d = c.takes[i], v = c.values[i]] { return graders_job(name, d, v); });
  }
  return jobs;
}

ch09::Step connect_for(Duration takes) {
  return [takes] { return graders_connect(takes); };
}

const std::string kOneDeadline =
    "The time limit is for the whole batch, from the moment run_batch is called, connecting "
    "included. Put connect() and the jobs in ONE body and run it under ONE scope: co_await "
    "aio::move_on_after(time_limit, batch). At the deadline the scope cancels whatever is still "
    "running and waits until it has stopped.";

struct BatchRun {
  Run<std::string> run;
  Ending ending;
  std::optional<Results> value;
};

BatchRun run_batch_case(const BatchCase& c) {
  BatchRun r;
  aio::Task<Results> batch = ch09::run_batch(connect_for(c.connect), jobs_for(c), c.limit);
  r.run = grading::run(ending_of(std::move(batch), &r.ending, &r.value), capped());
  return r;
}

// Recognises the typical run_batch mistakes.
template <class T>
::testing::AssertionResult batch_diagnosis(const Run<T>& run, const BatchCase& c,
                                           const BatchExpected& expected, const Ending& ending,
                                           const std::optional<Results>& value) {
  if (hit_a_todo(run)) return grading::finished(run);
  for (const auto& d : run.diagnostics()) {
    if (d.kind == aio::Diagnostic::Kind::SlowStep) return grading::finished(run);
  }
  const Timeline timeline = run.timeline();
  const std::string table =
      grading::side_by_side(canonical(expected.timeline), canonical(timeline));
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure() << what << "\n" << table << grading::hints_pointer();
  };
  if (!has_line(timeline, "connecting")) {
    return fail("run_batch never called connect(): the jobs run once the connection is up.");
  }
  const auto connected = time_of(timeline, "connected");
  std::vector<Duration> starts;
  for (std::size_t i = 0; i < c.takes.size(); ++i) {
    const auto started = time_of(timeline, job_name(i) + " started");
    if (!started) continue;
    starts.push_back(*started);
    if (!connected || *started < *connected ||
        find_line(timeline, job_name(i) + " started") < find_line(timeline, "connected")) {
      return fail(job_name(i) +
                  " started before the connection was up: await connect() first, "
                  "then start the jobs.");
    }
  }
  // One after another instead of all at once (the jobs after the deadline never started).
  for (std::size_t i = 0; i < starts.size(); ++i) {
    if (connected && starts[i] != *connected) {
      return fail(
          "the jobs did not all start when the connection was up (" + format_duration(*connected) +
          "): they started at " + list_times(starts) +
          (starts.size() < c.takes.size()
               ? " (and " + std::to_string(c.takes.size() - starts.size()) + " never started)"
               : std::string()) +
          ", one after another.\nWhat you missed: run them concurrently (an "
          "aio::task_group, or aio::gather): each job's slot is filled by its own child "
          "task. " +
          kOneDeadline);
    }
  }
  if (c.connect > c.limit) {
    if (!starts.empty()) {
      return fail("the jobs started although the connection was not up by the deadline (" +
                  format_duration(c.limit) + "): " + kOneDeadline);
    }
  } else if (!c.takes.empty() && starts.size() < c.takes.size()) {
    return fail("run_batch started " + std::to_string(starts.size()) + " of the " +
                std::to_string(c.takes.size()) +
                " jobs: every job starts when the connection is up, all at once.");
  }
  // A timeout per job: the deadline moved by the connection time.
  for (std::size_t i = 0; i < c.takes.size(); ++i) {
    const auto cancelled = time_of(timeline, job_name(i) + " cancelled");
    const auto finished = time_of(timeline, job_name(i) + " finished");
    const Duration own_deadline = c.connect + c.limit;
    const bool late = c.connect + c.takes[i] > c.limit;
    if ((cancelled && *cancelled == own_deadline && own_deadline != c.limit) ||
        (late && finished && *finished <= own_deadline && c.connect > 0s)) {
      const std::string sum = "the connection (" + format_duration(c.connect) +
                              ") plus a full time limit (" + format_duration(c.limit) +
                              ") = " + format_duration(own_deadline);
      std::string what =
          cancelled ? job_name(i) + " was cancelled at " + format_duration(*cancelled) + ", " +
                          sum + ", although the batch's deadline was " + format_duration(c.limit) +
                          " (the time limit counts from the call)."
                    : job_name(i) + " finished at " + format_duration(*finished) +
                          ", after the batch's deadline of " + format_duration(c.limit) +
                          " (the time limit counts from the call), and was still allowed to: it "
                          "had until " +
                          sum + ".";
      what +=
          " So the jobs' time limit was counted from when they started, after the "
          "connection, not from the call: each job got a timeout of its own (or the jobs "
          "got one without the connection).\nWhat you missed: a timeout per item is not a "
          "deadline for the whole job; with per-item timeouts the batch runs over its "
          "deadline. " +
          kOneDeadline;
      return fail(what);
    }
    if (late && finished) {
      return fail(job_name(i) + " finished at " + format_duration(*finished) +
                  ", after the deadline of " + format_duration(c.limit) +
                  ": nothing stopped it.\nWhat you missed: " + kOneDeadline);
    }
    if (cancelled && *cancelled != c.limit) {
      return fail(job_name(i) + " was cancelled at " + format_duration(*cancelled) +
                  ", not at the deadline, " + format_duration(c.limit) +
                  ".\nWhat you missed: " + kOneDeadline);
    }
  }
  // Cancelled jobs must have finished their cleanup before run_batch returned.
  for (std::size_t i = 0; i < c.takes.size(); ++i) {
    const auto cancelled = time_of(timeline, job_name(i) + " cancelled");
    if (!cancelled) continue;
    const auto cleaned = time_of(timeline, job_name(i) + " cleaned up");
    if (!cleaned || *cleaned > ending.at) {
      return fail(
          "run_batch returned at " + format_duration(ending.at) + " while " + job_name(i) +
          " was still cleaning up: it was cancelled at " + format_duration(*cancelled) + " and " +
          (cleaned ? "finished its cleanup only at " + format_duration(*cleaned) + "."
                   : std::string("never finished its cleanup (the run ended and the loop stopped "
                                 "it half-way).")) +
          " Cancelling is a request: the job was not waited for (or was given only a moment, a "
          "sleep(0) or a short sleep).\nWhat you missed: " +
          kOneDeadline);
    }
  }
  // The deadline struck, and the results of the jobs that had finished were lost with it.
  if (expected.any_cancelled && ending.how == "returned" && value) {
    const bool some_in_time = std::any_of(expected.results.begin(), expected.results.end(),
                                          [](const auto& slot) { return slot.has_value(); });
    const bool none_kept = std::none_of(value->begin(), value->end(),
                                        [](const auto& slot) { return slot.has_value(); });
    if (some_in_time && none_kept && value->size() == expected.results.size()) {
      return fail(
          "every slot came back empty, although some jobs finished before the deadline "
          "(their \"finished\" lines are above): their results were lost when the "
          "deadline struck. Results that exist only once every job has finished (the "
          "vector of a gather, say) are never delivered when the time runs out.\nWhat "
          "you missed: let each job store its own result in its slot as soon as it "
          "finishes (a child task per job that assigns results[i]); a job cancelled at "
          "the deadline simply leaves its slot empty. " +
          kOneDeadline);
    }
  }
  if (!expected.any_cancelled && ending.how == "returned" && ending.at > expected.at) {
    return fail("every job had finished at " + format_duration(expected.at) +
                ", but run_batch returned only at " + format_duration(ending.at) +
                ": it waited for the deadline although there was nothing left to wait for.\n"
                "What you missed: a timeout scope ends as soon as its body does; the deadline "
                "only matters if the body is still running then. " +
                kOneDeadline);
  }
  return ::testing::AssertionSuccess();
}

void expect_batch(const BatchCase& c, bool second_call = false) {
  const BatchExpected expected = model(c);
  BatchRun r = run_batch_case(c);
  const Run<std::string>& run = r.run;
  ASSERT_TRUE(batch_diagnosis(run, c, expected, r.ending, r.value));
  ASSERT_TRUE(nothing_left_running(run,
                                   "run_batch must not return while jobs are still running: the "
                                   "scope cancels them at the deadline and waits for them"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(r.ending.how == "returned")
              << "run_batch " << said(r.ending.how) << " at " << format_duration(r.ending.at)
              << ".\nWhat you missed: running out of time is not an error here: "
                 "aio::move_on_after returns (false) instead of throwing, and the slots of the "
                 "jobs that did not finish stay empty.\n"
              << grading::side_by_side(canonical(expected.timeline), canonical(run.timeline()))
              << grading::hints_pointer());
  ASSERT_TRUE(timeline_matches(
      run, expected.timeline,
      "the jobs start together once the connection is up; those done by the deadline (the "
      "deadline itself included: a result at that instant wins) keep their result, the others "
      "are cancelled right at the deadline and clean up for 0.3 s"));
  EXPECT_TRUE(holds(r.value && *r.value == expected.results)
              << "run_batch returned "
              << (r.value ? ::testing::PrintToString(*r.value) : std::string("nothing"))
              << ", expected " << ::testing::PrintToString(expected.results) << ".\n"
              << (second_call ? "This is the second call in the same program: something kept "
                                "slots from the first call (a `static` variable, or one outside "
                                "the function, lives as long as the program); keep the slots in "
                                "a local variable.\n"
                              : "")
              << "What you missed: one slot per job, in the order of `jobs`: the job's result "
                 "if it finished in time, std::nullopt if not (whatever order they finished "
                 "in).\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::elapsed_is(
      run, expected.at,
      expected.any_cancelled
          ? "run_batch returns once the jobs cancelled at the deadline have cleaned up"
          : "run_batch returns as soon as the last job has finished"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// `n` jobs with distinct durations, some done by the deadline and some not.
BatchCase random_case(int n) {
  BatchCase c;
  c.connect = random_ms(300, 1500);
  c.limit = c.connect + random_ms(1000, 3000);
  const int left_ms = static_cast<int>((c.limit - c.connect).count() / 1000000);
  std::set<int> used;
  for (int i = 0; i < n; ++i) {
    int ms = 0;
    // Half in time, half too late; none exactly at the deadline (a test of its own does that).
    do
      ms = i % 2 == 0 ? grading::random_int(100, left_ms - 100)
                      : grading::random_int(left_ms + 100, left_ms + 4000);
    while (!used.insert(ms).second);
    c.takes.push_back(milliseconds(ms));
    c.values.push_back(random_word("result"));
  }
  return c;
}

TEST(RunBatch, KeepsWhatFinishedInTimeAndCancelsTheRest) {
  expect_batch(random_case(grading::random_int(3, 6)));
}

TEST(RunBatch, TheTimeLimitIsForTheWholeBatchConnectingIncluded) {
  // Job 1 fits in the time left after connecting; job 2 would fit a time limit of its own
  // (it ends before connect + limit), but not the batch's deadline.
  BatchCase c;
  c.connect = random_ms(1000, 2000);
  c.limit = c.connect + random_ms(1000, 2000);
  const Duration left = c.limit - c.connect;
  c.takes = {left - random_ms(100, 900), left + random_ms(100, 900),
             c.limit + random_ms(500, 1500)};
  for (std::size_t i = 0; i < c.takes.size(); ++i) c.values.push_back(random_word("result"));
  expect_batch(c);
}

TEST(RunBatch, WaitsUntilTheCancelledJobsHaveCleanedUp) {
  BatchCase c;
  c.connect = random_ms(100, 500);
  c.limit = c.connect + random_ms(500, 1500);
  c.takes = {c.limit + 10s, c.limit + 20s};
  c.values = {random_word("result"), random_word("result")};
  expect_batch(c);
}

TEST(RunBatch, AJobFinishingExactlyAtTheDeadlineCounts) {
  BatchCase c;
  c.connect = 1s;
  c.limit = 3s;
  c.takes = {2s, 5s, 1s};
  c.values = {random_word("result"), random_word("result"), random_word("result")};
  expect_batch(c);
}

TEST(RunBatch, ReturnsAsSoonAsEveryJobIsDone) {
  BatchCase c;
  c.connect = random_ms(100, 900);
  c.limit = std::chrono::minutes(10);  // far away (and below the graders' cap of 30 min)
  c.takes = {random_ms(100, 3000), random_ms(3001, 6000), random_ms(100, 3000)};
  c.values = {random_word("result"), random_word("result"), random_word("result")};
  expect_batch(c);
}

TEST(RunBatch, NoJobsIsJustTheConnection) {
  expect_batch({random_ms(100, 900), {}, {}, 5s});
}

TEST(RunBatch, AConnectionSlowerThanTheTimeLimitRunsNoJob) {
  const Duration limit = random_ms(500, 2000);
  BatchCase c{limit + random_ms(100, 2000), {1s, 2s}, {random_word("r"), random_word("r")}, limit};
  expect_batch(c);
  if (HasFailure()) return;
  BatchRun r = run_batch_case(c);
  EXPECT_TRUE(grading::ran_times(r.run, "graders_job", 0,
                                 "the connection was not up by the deadline: no job may start "
                                 "(the scope cancelled the body while it was connecting)"));
}

TEST(RunBatch, ATimeLimitOfZeroKeepsOnlyInstantJobs) {
  // An instant connection, a job of 0 s and a job of 1 s, and no time at all.
  expect_batch({0s, {0s, 1s}, {random_word("instant"), random_word("slow")}, 0s});
}

TEST(RunBatch, RepeatedResultsKeepTheirOwnSlots) {
  const std::string same = random_word("same");
  expect_batch({500ms, {1s, 500ms, 3s, 1500ms}, {same, same, same, random_word("other")}, 2500ms});
}

TEST(RunBatch, AFailingJobStopsTheBatchAndItsErrorComesOut) {
  const Duration connect = random_ms(100, 900);
  const Duration fails_after = random_ms(200, 1500);
  const std::string message = random_word("job 2 broke");
  std::vector<ch09::Operation> jobs;
  jobs.push_back([] { return graders_job("job 1", 1h, "never"); });
  jobs.push_back([fails_after, message] { return failing_job("job 2", fails_after, message); });
  jobs.push_back([] { return graders_job("job 3", 2h, "never"); });
  const Duration failed_at = connect + fails_after;
  const Timeline expected{{0s, "connecting"},
                          {connect, "connected"},
                          {connect, "job 1 started"},
                          {connect, "job 2 started"},
                          {connect, "job 3 started"},
                          {failed_at, "job 2 failed"},
                          {failed_at, "job 1 cancelled"},
                          {failed_at, "job 3 cancelled"},
                          {failed_at + kJobCleanup, "job 1 cleaned up"},
                          {failed_at + kJobCleanup, "job 3 cleaned up"}};
  Ending ending;
  aio::Task<Results> batch = ch09::run_batch(connect_for(connect), std::move(jobs), 1h);
  auto run = grading::run(ending_of(std::move(batch), &ending), capped());
  ASSERT_TRUE(nothing_left_running(run,
                                   "a failing job stops the batch: the other jobs are cancelled "
                                   "and waited for before the error leaves run_batch"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(ending.how == "PermanentError: " + message)
              << "run_batch " << said(ending.how) << " at " << format_duration(ending.at)
              << ", but job 2 had thrown PermanentError(\"" << message
              << "\").\nWhat you missed: do not catch the jobs' errors: in an aio::task_group (or "
                 "aio::gather) the first failure cancels the other jobs, waits for them, and is "
                 "rethrown unchanged, through the timeout scope.\n"
              << grading::side_by_side(canonical(expected), canonical(run.timeline()))
              << grading::hints_pointer());
  ASSERT_TRUE(timeline_matches(run, expected,
                               "the failure cancels the other jobs at that instant; they clean "
                               "up for 0.3 s, then the error comes out"));
  EXPECT_TRUE(grading::elapsed_is(run, failed_at + kJobCleanup,
                                  "the error comes out once the cancelled jobs have cleaned up"));
}

TEST(RunBatch, TwoCallsInOneProgramEachGetTheirOwnResults) {
  const BatchCase first{200ms, {1s, 5s}, {random_word("first"), random_word("first")}, 2s};
  const BatchCase second{300ms,
                         {500ms, 700ms, 9s},
                         {random_word("second"), random_word("second"), random_word("second")},
                         3s};
  {
    SCOPED_TRACE("first call");
    expect_batch(first);
  }
  if (HasFailure()) return;
  SCOPED_TRACE("second call, in the same program");
  expect_batch(second, /*second_call=*/true);
}

}  // namespace
