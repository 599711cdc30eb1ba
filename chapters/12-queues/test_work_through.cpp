// Graders of chapter 12, exercise 2 — work_through: a pool of workers on one queue, finished
// with task_done() / join(), the idle workers cancelled afterwards.
//
// The graders pass their own handle(job): it prints "start <job>", takes a time that depends on
// the job, prints "done <job>", and counts its calls and how many jobs run at once. If a worker
// is cancelled while it handles a job, it prints "<job> interrupted" and takes 0.3 s to clean up:
// that is what a join() that returned too early looks like. The expected timeline is a model of
// the pool: every job is in the queue from the start, and each goes to the first free worker.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"
#include "graders_support.hpp"

namespace {

using namespace ch12_graders;

constexpr Duration kCleanup = 300ms;

struct Case {
  std::vector<std::string> jobs;
  int workers = 1;
  std::map<std::string, Duration> takes;  // a job's text decides how long it takes
  std::string describe() const {
    return std::to_string(jobs.size()) + " job(s), " + std::to_string(workers) + " worker(s)";
  }
};

struct Model {
  Timeline lines;
  Duration end{};
  int peak = 0;
};

// Every job is queued before any worker runs; each job goes to the worker that is free first.
Model simulate(const Case& c) {
  Model m;
  std::vector<Duration> free_at(static_cast<std::size_t>(c.workers), 0s);
  for (const std::string& job : c.jobs) {
    auto worker = std::min_element(free_at.begin(), free_at.end());
    const Duration start = *worker;
    *worker = start + c.takes.at(job);
    m.lines.push_back({start, "start " + job});
    m.lines.push_back({*worker, "done " + job});
    m.end = std::max(m.end, *worker);
  }
  m.peak = std::min<int>(c.workers, static_cast<int>(c.jobs.size()));
  return m;
}

Case random_case(int min_jobs, int max_jobs, int min_workers, int max_workers) {
  static const char* const kinds[] = {"resize", "backup", "email", "index", "thumbnail", "report"};
  Case c;
  const int n = grading::random_int(min_jobs, max_jobs);
  c.workers = grading::random_int(min_workers, max_workers);
  for (int i = 0; i < n; ++i) {
    std::string job = std::string(kinds[grading::random_int(0, 5)]) + " " + std::to_string(i) +
                      " (" + std::to_string(grading::random_int(100, 999)) + ")";
    c.takes[job] = random_ms(100, 3000);
    c.jobs.push_back(std::move(job));
  }
  return c;
}

struct Record {
  const Case* c = nullptr;
  std::map<std::string, int> handled;
  std::vector<std::string> started;
  std::vector<std::string> unknown;
  std::vector<Line> interrupted;  // time of the cancellation, job
  std::map<std::string, Duration> would_end;
  int active = 0;
  int peak = 0;
};

aio::Task<> graders_handle(std::shared_ptr<Record> record, std::string job) {
  ++record->handled[job];
  record->started.push_back(job);
  auto known = record->c->takes.find(job);
  if (known == record->c->takes.end()) record->unknown.push_back(job);
  const Duration takes = known == record->c->takes.end() ? 100ms : known->second;
  record->would_end[job] = aio::now() + takes;
  record->peak = std::max(record->peak, ++record->active);
  aio::print("start ", job);
  bool cancelled = false;
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  --record->active;
  if (cancelled) {
    aio::print(job, " interrupted");
    record->interrupted.push_back({aio::now(), job});
    co_await aio::sleep(kCleanup);  // cleaning up takes time
    throw aio::CancelledError{};
  }
  aio::print("done ", job);
}

struct Ending {
  bool returned = false;
  Duration at{};
};

aio::Task<> run_noting_the_end(aio::Task<> task, Ending* ending) {
  co_await std::move(task);
  ending->returned = true;
  ending->at = aio::now();
}

struct Outcome {
  Run<void> run;
  std::shared_ptr<Record> record;
  Ending ending;
};

Outcome run_case(const Case& c) {
  Outcome out;
  out.record = std::make_shared<Record>();
  out.record->c = &c;
  auto record = out.record;
  ch12::Handle handle = [record](std::string job) {
    return graders_handle(record, std::move(job));
  };
  aio::Task<> task = ch12::work_through(c.jobs, c.workers, std::move(handle));
  out.run = grading::run(run_noting_the_end(std::move(task), &out.ending), capped());
  return out;
}

int done_count(const Run<void>& run) {
  int n = 0;
  for (const auto& line : run.timeline())
    if (line.text.rfind("done ", 0) == 0) ++n;
  return n;
}

::testing::AssertionResult diagnosis(const Case& c, const Model& m, const Outcome& out) {
  const Run<void>& run = out.run;
  if (hit_a_todo(run)) return grading::finished(run);
  if (blocked_the_loop(run)) return grading::finished(run);  // which explains it
  const Record& rec = *out.record;
  const int done = done_count(run);
  const std::string progress =
      std::to_string(done) + " of " + std::to_string(c.jobs.size()) + " jobs done";
  if (std::string report = deadlock_report(run); !report.empty()) {
    if (report.find("queue join") != std::string::npos) {
      auto failure = ::testing::AssertionFailure();
      if (done == static_cast<int>(c.jobs.size())) {
        failure << "the run deadlocked in join(): every job had been handled (" << progress
                << "), yet join() never returned.";
      } else {
        failure << "the run deadlocked in join() with " << progress
                << ", and no worker was handling a job any more.";
      }
      return failure << " The loop reported:\n"
                     << indented(report)
                     << "What you missed: join() waits until task_done() has been called once "
                        "for every item put into the queue. A worker must call "
                        "queue.task_done() for each job it took, after handle(job) has "
                        "finished.\n"
                     << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    if (report.find("queue get") != std::string::npos) {
      return ::testing::AssertionFailure()
             << "the run deadlocked with " << progress
             << ": the workers were waiting in get() for jobs that would never come, and "
                "work_through was waiting for them. The loop reported:\n"
             << indented(report)
             << "What you missed: a worker loops forever; nothing ends it by itself. Once "
                "co_await queue.join() has returned every job is done: then cancel() each "
                "worker, and await each handle (it throws aio::CancelledError).\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
  }
  if (failed_with<aio::RuntimeError>(run) &&
      error_text(run).find("task_done() called more times") != std::string::npos) {
    return ::testing::AssertionFailure()
           << "task_done() was called more often than jobs were put into the queue (" << progress
           << ").\nWhat you missed: task_done() once per job a worker took, after handling it; "
              "never for a get() that gave nothing.\n"
           << grading::hints_pointer();
  }
  if (!rec.interrupted.empty()) {
    const Line& first = rec.interrupted.front();
    return ::testing::AssertionFailure()
           << "the workers were cancelled at " << format_duration(first.time) << " while \""
           << first.text << "\" was still being handled (it needed until "
           << format_duration(rec.would_end.at(first.text))
           << "): the workers were stopped before every job was done.\nWhat you missed: "
              "join() returns once task_done() has been called once per job, so task_done() "
              "says \"this job is finished\": call it after co_await handle(job), not as soon "
              "as the job is taken. Then join() returns only when the last job is done, and "
              "cancelling the workers stops only idle ones.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (!rec.unknown.empty()) {
    return ::testing::AssertionFailure()
           << "handle() was given " << quoted_list(rec.unknown)
           << ", which is not one of the jobs.\nWhat you missed: put the jobs into the queue "
              "as they are, and hand each worker exactly what get() returns.\n"
           << grading::hints_pointer();
  }
  std::map<std::string, int> wanted;
  for (const auto& job : c.jobs) ++wanted[job];
  for (const auto& [job, times] : wanted) {
    auto found = rec.handled.find(job);
    const int got = found == rec.handled.end() ? 0 : found->second;
    if (got == times || run.error) continue;
    return ::testing::AssertionFailure()
           << "\"" << job << "\" was handled " << got << " time(s), but it is " << times
           << " job(s) of the list (" << c.describe() << ").\nWhat you missed: every job goes "
           << "into the queue once (a job listed twice is two jobs), and each get() gives it to "
              "one worker: every job is handled exactly once.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (rec.started != c.jobs && !run.error && rec.started.size() == c.jobs.size()) {
    return ::testing::AssertionFailure()
           << "the jobs were started in another order than the list: " << quoted_list(rec.started)
           << ".\nWhat you missed: put the jobs into the queue in order; a queue is first in, "
              "first out, so the free workers take them in that order.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (std::string pending = pending_messages(run); !pending.empty()) {
    return ::testing::AssertionFailure()
           << "tasks were still running when work_through had returned; the loop cancelled "
              "them and reported:\n"
           << pending
           << "What you missed: after join() every worker is idle, waiting for a job that will "
              "never come. Cancel each worker and await its handle (catching the "
              "aio::CancelledError), so that none is left behind.\n"
           << grading::hints_pointer();
  }
  return grading::finished(run);
}

::testing::AssertionResult concurrency_is(const Case& c, const Model& m, const Outcome& out) {
  const int peak = out.record->peak;
  if (peak == m.peak) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (peak < m.peak) {
    failure << "at most " << peak << " job(s) ran at the same time, but " << m.peak
            << " should have (" << c.describe()
            << ").\nWhat you missed: start `workers` "
               "worker tasks, all taking jobs from the same queue: each handles one job at a "
               "time, and they work concurrently.\n";
  } else {
    failure << peak << " jobs ran at the same time, more than the " << c.workers
            << " worker(s) asked for (" << c.describe()
            << ").\nWhat you missed: each worker "
               "handles one job at a time (co_await handle(job) before the next get()).\n";
  }
  return failure << side_by_side(m.lines, out.run) << grading::hints_pointer();
}

const std::string kTimelineLesson =
    "every job is in the queue from the start and goes to the first free worker, in the order "
    "of the list; work_through returns when the last one is done";

void expect_case(const Case& c) {
  SCOPED_TRACE(c.describe());
  const Model m = simulate(c);
  Outcome out = run_case(c);
  ASSERT_TRUE(diagnosis(c, m, out));
  ASSERT_TRUE(concurrency_is(c, m, out));
  ASSERT_TRUE(timeline_matches(out.run, m.lines, kTimelineLesson));
  EXPECT_TRUE(grading::elapsed_is(out.run, m.end,
                                  "join() returns when the last job is done; stopping the idle "
                                  "workers takes no time"));
  EXPECT_TRUE(holds(out.ending.at == m.end)
              << "work_through returned at " << format_duration(out.ending.at) << ", expected "
              << format_duration(m.end) << ", when the last job was done.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::real_time_below(out.run, 1s));
}

Case fixed_case(const std::vector<std::pair<std::string, Duration>>& jobs, int workers) {
  Case c;
  c.workers = workers;
  for (const auto& [job, takes] : jobs) {
    c.jobs.push_back(job);
    c.takes[job] = takes;
  }
  return c;
}

TEST(WorkThrough, GivesEachJobToTheFirstFreeWorker) {
  for (int round = 0; round < 3; ++round) {
    expect_case(random_case(3, 9, 1, 4));
    if (HasFatalFailure()) return;
  }
}

TEST(WorkThrough, TheHeadersExampleTakesFiveSeconds) {
  expect_case(fixed_case({{"job 0", 2s}, {"job 1", 1s}, {"job 2", 1s}, {"job 3", 3s}}, 2));
}

TEST(WorkThrough, ReturnsOnlyWhenTheLastJobIsDone) {
  // The last jobs are long: they are taken long before they are done.
  Case c = random_case(3, 5, 2, 3);
  for (std::size_t i = c.jobs.size() - 2; i < c.jobs.size(); ++i) {
    c.takes[c.jobs[i]] = random_ms(4000, 6000);
  }
  expect_case(c);
}

TEST(WorkThrough, StopsTheWorkersThatNeverGetAJob) {
  // More workers than jobs: some never get one and must still be stopped.
  expect_case(fixed_case({{"email 1", 700ms}, {"email 2", 300ms}}, 5));
}

TEST(WorkThrough, OneWorkerDoesTheJobsOneAfterAnother) {
  expect_case(fixed_case({{"a", 200ms}, {"b", 100ms}, {"c", 400ms}}, 1));
}

TEST(WorkThrough, NoJobsReturnsAtOnce) {
  Case c = fixed_case({}, 3);
  Outcome out = run_case(c);
  ASSERT_TRUE(diagnosis(c, simulate(c), out));
  ASSERT_TRUE(grading::timeline_is(out.run, {}, "no jobs: nothing is handled"));
  EXPECT_TRUE(grading::elapsed_is(out.run, 0s,
                                  "with no jobs, join() returns at once (nothing is unfinished) "
                                  "and the idle workers are stopped at once"));
}

TEST(WorkThrough, AJobListedTwiceIsTwoJobs) {
  // The same text more than once: each is a job of its own (takes as long each time).
  Case c = fixed_case({{"backup", 1s}, {"report", 500ms}}, 2);
  c.jobs = {"backup", "backup", "report", "backup", "report"};
  expect_case(c);
}

TEST(WorkThrough, TwoCallsInOneProgramAreIndependent) {
  {
    SCOPED_TRACE("first call");
    expect_case(fixed_case({{"x", 300ms}, {"y", 200ms}}, 2));
    if (HasFatalFailure()) return;
  }
  SCOPED_TRACE("second call, in the same program");
  expect_case(fixed_case({{"z", 100ms}, {"w", 100ms}, {"v", 100ms}}, 1));
}

}  // namespace
