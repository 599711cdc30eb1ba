// Graders of chapter 11, part 2 — the pipeline: downloads wait on the loop, checksums compute on
// the workers, and a bound on the jobs in flight.
//
// Everything runs on the simulated clock, where a download takes exactly its latency and a
// to_thread job takes no time at all: the loop waits for a job without moving time. So the
// timeline of a pipeline is exact: each file's "Checked" line comes at the very instant of its
// "Downloaded" line, and the whole run takes as long as the longest download. The graders'
// download (fetch) prints its lines, returns a block no literal can guess, and notes its calls;
// the graders' checksum (a Probe, graders_support.hpp) notes the thread of every job and how
// many ran at once. Latencies are distinct (no two files finish at one instant), except in the
// test of the bound, where whole batches finish together so that many jobs want to run at once.
#include "graders_support.hpp"

namespace {

using namespace ch11_graders;
using ch11::Checked;
using ch11::Download;
using Results = std::vector<Checked>;

// ---- the graders' download ------------------------------------------------------------------

struct Fetches {
  std::vector<std::string> calls;  // names, in call order (loop thread only)
  std::string tag;                 // in every block's bytes: a block no literal can guess
};

aio::Task<Block> graders_fetch(std::shared_ptr<Fetches> fetches, Download download, Block block) {
  fetches->calls.push_back(download.name);
  aio::print("Downloading ", download.name, "...");
  co_await aio::sleep(download.latency);
  aio::print("Downloaded ", download.name);
  co_return block;
}

// The block the graders' fetch returns for a download: named after it, bytes of its own.
Block fetched_block(const Download& download, const std::string& tag) {
  Block block = ch11::make_block(download.name + "/" + tag, download.size);
  block.name = download.name;
  return block;
}

ch11::FetchFn graders_fetch_fn(std::shared_ptr<Fetches> fetches) {
  return [fetches](Download download) {
    Block block = fetched_block(download, fetches->tag);
    return graders_fetch(fetches, std::move(download), std::move(block));
  };
}

// `count` downloads with distinct names, distinct latencies (min_ms .. max_ms) and small sizes.
std::vector<Download> random_downloads(int count, int min_ms = 100, int max_ms = 4000) {
  static const char* const words[] = {"tiles", "audio", "dump", "frames", "manual", "maps"};
  std::set<int> used;
  std::vector<Download> downloads;
  for (int i = 0; i < count; ++i) {
    int ms = grading::random_int(min_ms, max_ms);
    while (used.count(ms)) ms = grading::random_int(min_ms, max_ms);
    used.insert(ms);
    downloads.push_back(
        {std::string(words[grading::random_int(0, 5)]) + "-" + std::to_string(i + 1) + ".bin",
         milliseconds(ms), static_cast<std::size_t>(grading::random_int(64, 2048))});
  }
  return downloads;
}

// ---- a neighbour: the rest of the program -------------------------------------------------

// The neighbour's job: it only says that it got a worker (the probe's calls may be waiting for
// that).
void neighbours_job(std::shared_ptr<Probe> probe) {
  probe->neighbour_runs();
}

// Another task of the program, beside the pipeline: at `at` (when a batch of downloads ends), it
// needs a worker for a job of its own (a file read, another pipeline's checksum).
aio::Task<> neighbour(Duration at, std::shared_ptr<Probe> probe) {
  co_await aio::sleep(at);
  // Timers due at one instant fire in the order they were set, and this one may have been set
  // first: let every file whose download ended at this instant go first and submit its job, so
  // that this job comes after theirs in the pool's queue.
  for (int i = 0; i < 4; ++i) co_await aio::sleep(0s);
  co_await aio::to_thread(neighbours_job, std::move(probe));
}

// Runs `work` beside the neighbour. The outcome is work's; if work fails, the neighbour is
// cancelled (and awaited: no task is left behind).
template <class T>
aio::Task<T> beside_a_neighbour(aio::Task<T> work, Duration at, std::shared_ptr<Probe> probe) {
  auto other = aio::create_task(neighbour(at, std::move(probe)), "neighbour");
  std::optional<T> value;
  std::exception_ptr error;
  try {
    value.emplace(co_await std::move(work));
  } catch (...) {
    error = std::current_exception();
  }
  if (error) other.cancel();
  try {
    co_await other;
  } catch (const aio::CancelledError&) {
    // cancelled above: expected
  }
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

// ---- running a pipeline ---------------------------------------------------------------------

struct Pipeline {
  Run<Results> run;
  std::shared_ptr<Probe> probe;
  std::shared_ptr<Fetches> fetches;
  std::vector<Block> blocks;  // what the fetch returns, per download
  // The call itself threw, before it returned a Task (run.error holds the exception).
  bool threw_when_called = false;
};

struct PipelineOptions {
  std::optional<int> max_jobs{};               // set: download_and_check_limited
  std::size_t workers = 2;                     // the pool's worker threads
  std::function<void(Probe&)> configure = {};  // what the probe's calls wait for
  std::optional<Duration> neighbour_at{};      // set: a neighbour needs a worker then
};

// The exercise's Task for these downloads (it may throw: a plain function that checks first).
aio::Task<Results> make_pipeline(const std::vector<Download>& downloads,
                                 const PipelineOptions& options, const ch11::FetchFn& fetch,
                                 const ch11::ChecksumFn& checksum) {
  if (options.max_jobs)
    return ch11::download_and_check_limited(downloads, *options.max_jobs, fetch, checksum);
  return ch11::download_and_check(downloads, fetch, checksum);
}

// Runs download_and_check (no max_jobs) or download_and_check_limited (max_jobs given) with the
// graders' fetch and checksum.
Pipeline run_pipeline(const std::vector<Download>& downloads, const PipelineOptions& options) {
  Pipeline result;
  result.fetches = std::make_shared<Fetches>();
  result.fetches->tag = std::to_string(grading::random_int(10000, 99999));
  for (const auto& download : downloads)
    result.blocks.push_back(fetched_block(download, result.fetches->tag));
  result.probe = make_probe(result.blocks);
  if (options.configure) options.configure(*result.probe);
  std::optional<aio::Task<Results>> pipeline;
  try {
    pipeline.emplace(make_pipeline(downloads, options, graders_fetch_fn(result.fetches),
                                   Probe::function(result.probe)));
  } catch (...) {
    // Not a coroutine's way of failing: a coroutine's body, checks included, runs when awaited.
    result.threw_when_called = true;
    result.run.error = std::current_exception();
    return result;
  }
  grading::Settings settings{.virtual_limit = std::chrono::minutes(10), .workers = options.workers};
  if (options.neighbour_at) {
    result.run = grading::run(
        beside_a_neighbour(std::move(*pipeline), *options.neighbour_at, result.probe), settings);
  } else {
    result.run = grading::run(std::move(*pipeline), settings);
  }
  return result;
}

// ---- what should happen ---------------------------------------------------------------------

// Every download starts at 0 (in input order); each finishes at its latency, and its "Checked"
// line follows at the same instant (a job costs no simulated time).
Timeline expected_timeline(const std::vector<Download>& downloads) {
  Timeline lines;
  for (const auto& download : downloads)
    lines.push_back({0s, "Downloading " + download.name + "..."});
  std::vector<std::pair<Duration, std::string>> ends;
  for (const auto& download : downloads) ends.emplace_back(download.latency, download.name);
  std::sort(ends.begin(), ends.end());
  for (const auto& [at, name] : ends) {
    lines.push_back({at, "Downloaded " + name});
    lines.push_back({at, "Checked " + name});
  }
  return lines;
}

Results expected_results(const Pipeline& pipeline, const std::vector<Download>& downloads) {
  Results results;
  for (std::size_t i = 0; i < downloads.size(); ++i)
    results.push_back({downloads[i].name, pipeline.probe->expected(pipeline.blocks[i])});
  return results;
}

Duration longest(const std::vector<Download>& downloads) {
  Duration result{};
  for (const auto& download : downloads) result = std::max(result, download.latency);
  return result;
}

// When the line with this text was printed (-1 if never).
Duration printed_at(const Run<Results>& run, const std::string& text) {
  for (const auto& line : run.timeline())
    if (line.text == text) return line.time;
  return Duration{-1};
}

// The shape of the timeline, before the exact comparison: the downloads all started at once, and
// each checksum came right when its own download had finished. `limited`: the exercise with
// max_jobs (a late download there waited for a permit).
::testing::AssertionResult checked_as_each_download_ended(const Run<Results>& run,
                                                          const std::vector<Download>& downloads,
                                                          bool limited) {
  if (run.error) return grading::finished(run);
  auto failure = ::testing::AssertionFailure();
  for (const auto& download : downloads) {
    const Duration started = printed_at(run, "Downloading " + download.name + "...");
    if (started > 0s) {
      if (limited) {
        failure << "the download of " << download.name << " started at " << format_duration(started)
                << ", not at 0 s: the downloads waited for a job "
                << "permit. max_jobs limits the checksum jobs only: the downloads all start at "
                   "once. Acquire the permit AFTER co_await fetch(download), and hold it only "
                   "around the co_await aio::to_thread(...).\n";
      } else {
        failure << "the download of " << download.name << " started at " << format_duration(started)
                << ", not at 0 s: the downloads ran one after "
                << "another, " << format_duration(run.elapsed) << " in all instead of "
                << format_duration(longest(downloads)) << " (the longest).\nWhat you missed: "
                << "one helper Task per file (download, then checksum), all started together "
                   "with aio::gather.\n";
      }
      return failure << grading::side_by_side(expected_timeline(downloads), run.timeline())
                     << grading::hints_pointer();
    }
  }
  for (const auto& download : downloads) {
    const Duration downloaded = printed_at(run, "Downloaded " + download.name);
    const Duration checked = printed_at(run, "Checked " + download.name);
    if (checked < 0s || downloaded < 0s || checked == downloaded) continue;
    failure << download.name << " was downloaded at " << format_duration(downloaded)
            << " but checked only at " << format_duration(checked) << ".";
    if (checked == longest(downloads)) {
      failure << " Every file was checked after the last download: the downloads were all "
                 "awaited first, and the checksums started only then.\nWhat you missed: a "
                 "pipeline lets each file go on to its next stage as soon as it is ready. One "
                 "helper coroutine per file that downloads AND then checksums; gather the "
                 "helpers.\n";
    } else {
      failure << " Its checksum waited for something else to finish first.\nWhat you missed: "
                 "each file's checksum starts the moment its own download has finished.\n";
    }
    return failure << grading::side_by_side(expected_timeline(downloads), run.timeline())
                   << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// ---- fetch_block ---------------------------------------------------------------------------

TEST(FetchBlock, WaitsOnTheLoopThenReturnsTheBlock) {
  const std::string name = "disk-" + std::to_string(grading::random_int(100, 999)) + ".img";
  const Duration latency = random_ms(300, 900);
  const auto size = static_cast<std::size_t>(grading::random_int(16, 2048));
  auto run = grading::run(ch11::fetch_block({name, latency, size}));
  ASSERT_TRUE(did_not_throw(run));
  // A wait handed to a worker thread (sleep_for inside to_thread) costs no simulated time but
  // all of its real time: say so before the timeline does. (A sleep_for on the loop's own thread
  // looks the same on the clocks, but the runtime reports that one as a blocked loop.)
  bool loop_blocked = false;
  for (const auto& diagnostic : run.diagnostics())
    loop_blocked = loop_blocked || diagnostic.kind == aio::Diagnostic::Kind::SlowStep;
  ASSERT_TRUE(
      holds(loop_blocked || !(run.elapsed < latency && run.real_elapsed >= latency * 9 / 10),
            "the download's wait took " + format_duration(run.elapsed) +
                " on the loop's clock but " + format_duration(run.real_elapsed) +
                " of real time: it waited on a worker thread (std::this_thread::sleep_for "
                "inside aio::to_thread?).\nWhat you missed: waiting for I/O is not "
                "computation. It belongs on the loop: co_await aio::sleep(latency) holds "
                "no thread, and thousands of such waits cost nothing, while a thread that "
                "sleeps occupies one of the pool's few workers (the pool then has none "
                "left for the checksums)."));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Downloading " + name + "..."}, {latency, "Downloaded " + name}},
      "print, wait the latency on the loop (co_await aio::sleep), print."));
  EXPECT_TRUE(grading::elapsed_is(run, latency, "one download takes its latency."));
  ASSERT_TRUE(run.value.has_value());
  const Block expected = ch11::make_block(name, size);
  EXPECT_TRUE(holds(*run.value == expected,
                    "fetch_block returned a block named \"" + run.value->name + "\" of " +
                        std::to_string(run.value->bytes.size()) + " bytes; expected " +
                        "make_block(\"" + name + "\", " + std::to_string(size) + ")."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- download_and_check --------------------------------------------------------------------

TEST(DownloadAndCheck, EachChecksumRunsOnAWorkerAsSoonAsItsDownloadEnds) {
  for (int round = 0; round < 2; ++round) {
    const auto downloads = random_downloads(grading::random_int(3, 7));
    SCOPED_TRACE(std::to_string(downloads.size()) + " downloads");
    auto pipeline = run_pipeline(downloads, {});
    const auto& run = pipeline.run;
    ASSERT_TRUE(did_not_throw(run));
    ASSERT_TRUE(ran_on_workers(*pipeline.probe, "download_and_check"));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(checked_as_each_download_ended(run, downloads, false));
    EXPECT_TRUE(grading::timeline_is(
        run, expected_timeline(downloads),
        "every download starts at 0 s; each file is checked the instant its download ends (a "
        "to_thread job costs no simulated time), and prints \"Checked <name>\" then."));
    EXPECT_TRUE(grading::returned(run, expected_results(pipeline, downloads),
                                  "one {name, checksum} per download, in the order of the "
                                  "downloads, the checksum computed by the `checksum` function "
                                  "given, on the block that `fetch` returned."));
    EXPECT_TRUE(grading::elapsed_is(run, longest(downloads),
                                    "the downloads overlap, and the checksums cost no simulated "
                                    "time: the longest download is the whole run."));
    if (HasFailure()) return;
  }
}

// Files whose downloads end at the same instant, a worker for each: their checksums run in
// parallel (each job waits until all have begun). A helper that waits for its job with a blocking
// call (.get(), join) holds the loop: the other files' helpers cannot even start their jobs.
TEST(DownloadAndCheck, FilesDownloadedTogetherAreCheckedInParallel) {
  const int count = grading::random_int(3, 5);
  const Duration latency = random_ms(200, 2000);
  std::vector<Download> downloads;
  for (int i = 0; i < count; ++i)
    downloads.push_back({"batch-" + std::to_string(i + 1) + ".dat", latency,
                         static_cast<std::size_t>(grading::random_int(64, 1024))});
  SCOPED_TRACE(std::to_string(count) + " downloads of " + format_duration(latency) +
               " each, a worker for each");
  auto pipeline =
      run_pipeline(downloads, {.workers = static_cast<std::size_t>(count),
                               .configure = [count](Probe& probe) { probe.rendezvous = count; }});
  const auto& run = pipeline.run;
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(ran_on_workers(*pipeline.probe, "download_and_check"));
  ASSERT_TRUE(ran_together(
      *pipeline.probe, "download_and_check",
      "one helper coroutine per file, all started together (aio::gather); in the helper, "
      "co_await aio::to_thread(checksum, std::move(block)). Files downloaded at the same instant "
      "then have their jobs on the workers at the same time."));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, expected_results(pipeline, downloads),
                                "one {name, checksum} per download, in the order of the "
                                "downloads."));
  EXPECT_TRUE(grading::elapsed_is(run, latency,
                                  "the downloads all take the same time, together; the jobs "
                                  "cost no simulated time."));
}

TEST(DownloadAndCheck, ByDefaultFetchBlockAndChecksumDoTheWork) {
  grading::uses_learners("fetch_block");
  auto downloads = random_downloads(grading::random_int(2, 4));
  Results expected;
  for (const auto& download : downloads)
    expected.push_back(
        {download.name, ch11::checksum(ch11::make_block(download.name, download.size))});
  auto run = grading::run(ch11::download_and_check(downloads));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run, expected_timeline(downloads),
                                   "by default the downloads go through your fetch_block."));
  EXPECT_TRUE(grading::returned(run, expected,
                                "called with the downloads only, download_and_check uses "
                                "fetch_block and ch11::checksum (the default arguments)."));
}

TEST(DownloadAndCheck, NoDownloadsGiveAnEmptyVectorAtOnce) {
  auto pipeline = run_pipeline({}, {});
  ASSERT_TRUE(grading::finished(pipeline.run));
  ASSERT_TRUE(grading::returned(pipeline.run, Results{}, "no downloads: an empty vector."));
  EXPECT_TRUE(grading::elapsed_is(pipeline.run, 0s, "nothing to download takes no time."));
}

// ---- download_and_check_limited ---------------------------------------------------------------

TEST(DownloadAndCheckLimited, TheDownloadsAreNotLimitedOnlyTheJobs) {
  const auto downloads = random_downloads(grading::random_int(4, 7));
  const int max_jobs = grading::random_int(1, 3);
  SCOPED_TRACE(std::to_string(downloads.size()) + " downloads, max_jobs " +
               std::to_string(max_jobs));
  auto pipeline = run_pipeline(downloads, {.max_jobs = max_jobs, .workers = downloads.size()});
  const auto& run = pipeline.run;
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(ran_on_workers(*pipeline.probe, "download_and_check_limited"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(checked_as_each_download_ended(run, downloads, true));
  EXPECT_TRUE(grading::timeline_is(
      run, expected_timeline(downloads),
      "with distinct latencies no two jobs ever want to run at once, so the limit changes "
      "nothing here: the same timeline as download_and_check."));
  EXPECT_TRUE(grading::returned(run, expected_results(pipeline, downloads),
                                "one {name, checksum} per download, in the order of the "
                                "downloads."));
  EXPECT_TRUE(
      grading::elapsed_is(run, longest(downloads), "the longest download is the whole run."));
}

// A limit above this machine's core count, and above a small machine's written in the code (4): a
// limit capped at either is seen.
int more_jobs_than_cores() {
  return std::max(5, static_cast<int>(std::thread::hardware_concurrency()) + 1);
}

TEST(DownloadAndCheckLimited, NeverMoreThanMaxJobsAtOnceAndNeverFewer) {
  for (int max_jobs : {1, 3, grading::random_int(2, 4), more_jobs_than_cores()}) {
    // Whole batches of downloads finish at the same instant: every one of them wants a worker
    // at once. The pool has one worker more than max_jobs, so a missing limit lets one job too
    // many run; each job waits a while for more than max_jobs to be running. Then a neighbour
    // task needs a worker too: the jobs wait for its job to get the spare one, which a pipeline
    // that occupies every worker (jobs submitted, then blocked inside) does not leave it.
    const int count = 2 * max_jobs + grading::random_int(1, max_jobs);
    const Duration latency = random_ms(200, 2000);
    std::vector<Download> downloads;
    for (int i = 0; i < count; ++i)
      downloads.push_back({"part-" + std::to_string(i + 1) + ".dat", latency,
                           static_cast<std::size_t>(grading::random_int(64, 1024))});
    SCOPED_TRACE(std::to_string(count) + " downloads of " + format_duration(latency) +
                 " each, max_jobs " + std::to_string(max_jobs));
    auto pipeline = run_pipeline(downloads, {.max_jobs = max_jobs,
                                             .workers = static_cast<std::size_t>(max_jobs) + 1,
                                             .configure =
                                                 [max_jobs](Probe& probe) {
                                                   probe.limit_to_exceed = max_jobs;
                                                   probe.wait_for_neighbour = true;
                                                 },
                                             .neighbour_at = latency});
    const auto& run = pipeline.run;
    ASSERT_TRUE(did_not_throw(run));
    ASSERT_TRUE(ran_on_workers(*pipeline.probe, "download_and_check_limited"));
    ASSERT_TRUE(grading::finished(run));
    const int peak = pipeline.probe->peak();
    ASSERT_TRUE(holds(
        peak <= max_jobs,
        std::to_string(peak) + " checksum jobs ran at the same moment, but max_jobs is " +
            std::to_string(max_jobs) +
            ".\nWhat you missed: a job may only run while its file "
            "holds a permit of ONE semaphore of max_jobs permits, made once for the whole call "
            "(not one per file): auto permit = co_await semaphore.acquire(); right before the "
            "co_await aio::to_thread(...), and the permit alive until that co_await has "
            "returned (a permit released, or a scope closed, before the job ends limits "
            "nothing)."));
    ASSERT_TRUE(holds(
        peak == max_jobs,
        "at most " + std::to_string(peak) + " checksum job" + (peak == 1 ? "" : "s") +
            " ran at once, though max_jobs is " + std::to_string(max_jobs) + " and " +
            std::to_string(count) +
            " files were ready at the same instant: jobs waited although "
            "a permit was free. Make the semaphore with max_jobs permits (not a number of your "
            "own, nor one capped at the number of cores: max_jobs is the caller's choice), and "
            "start every file's helper together (aio::gather)."));
    ASSERT_TRUE(holds(
        !pipeline.probe->neighbour_starved(),
        "while " + std::to_string(max_jobs) + " checksum job" + (max_jobs == 1 ? "" : "s") +
            " of the pipeline ran, another task's to_thread job found no free worker, though the "
            "pool has " +
            std::to_string(max_jobs + 1) +
            ": the pipeline's other jobs were already on the workers, waiting there for their "
            "turn (a std::counting_semaphore, a std::mutex or a condition variable inside the "
            "job?). A job that waits on a worker holds that worker, and the rest of the program "
            "has none left.\nWhat you missed: keep the jobs beyond the limit OFF the pool: the "
            "file's coroutine waits for a permit on the loop (auto permit = co_await "
            "semaphore.acquire(), an aio::Semaphore), and only then submits its job with co_await "
            "aio::to_thread(...)."));
    EXPECT_TRUE(grading::returned(run, expected_results(pipeline, downloads),
                                  "one {name, checksum} per download, in the order of the "
                                  "downloads."));
    EXPECT_TRUE(grading::elapsed_is(run, latency,
                                    "the downloads all take the same time, together; the jobs "
                                    "cost no simulated time."));
    if (HasFailure()) return;
  }
}

TEST(DownloadAndCheckLimited, RefusesMaxJobsBelowOne) {
  for (int max_jobs : {0, -grading::random_int(1, 9)}) {
    for (int count : {grading::random_int(1, 4), 0}) {
      SCOPED_TRACE("max_jobs " + std::to_string(max_jobs) + ", " + std::to_string(count) +
                   " downloads");
      auto pipeline = run_pipeline(random_downloads(count), {.max_jobs = max_jobs});
      ASSERT_TRUE(holds(
          !pipeline.threw_when_called,
          "download_and_check_limited threw when called, not when awaited: the check ran before "
          "the Task was even returned (a plain function that checks, then returns a coroutine's "
          "Task?). A caller that makes the Task now and awaits it later (a vector of Tasks for "
          "gather, a create_task) must get the error where it awaits, like any other outcome of "
          "the coroutine (exercise.hpp: \"when awaited\").\nWhat you missed: check max_jobs at "
          "the top of the coroutine's own body, the function with the co_await: nothing in it "
          "runs before the Task is awaited."));
      ASSERT_TRUE(grading::threw<std::invalid_argument>(
          pipeline.run,
          "with fewer than 1 permit no job could ever run (a Semaphore(0) waits forever): "
          "download_and_check_limited refuses such a limit with std::invalid_argument, before "
          "anything starts, even with no downloads (exercise.hpp)."));
      ASSERT_TRUE(holds(pipeline.fetches->calls.empty(),
                        "download_and_check_limited started downloads before refusing max_jobs " +
                            std::to_string(max_jobs) + ": check the limit first."));
    }
  }
}

TEST(DownloadAndCheckLimited, NoDownloadsGiveAnEmptyVectorAtOnce) {
  auto pipeline = run_pipeline({}, {.max_jobs = grading::random_int(1, 4)});
  ASSERT_TRUE(grading::finished(pipeline.run));
  ASSERT_TRUE(grading::returned(pipeline.run, Results{}, "no downloads: an empty vector."));
  EXPECT_TRUE(grading::elapsed_is(pipeline.run, 0s, "nothing to download takes no time."));
}

}  // namespace
