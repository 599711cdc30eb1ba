// Graders of chapter 04 — running concurrently with aio::gather.
//
// Everything runs on the simulated clock, so timelines and elapsed times are exact. How many
// downloads were in flight at once is read from the timeline ("Start download" and "Finished
// download" lines); download_all and download_sequentially get the graders' own download
// function, which counts its calls. File names, counts (up to 1000) and durations are random
// (seeded: the seed is printed with every failure).
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using aio::Duration;
using ch04::FileToDownload;
using grading::format_duration;
using grading::Run;
using grading::Timeline;
using Files = std::vector<FileToDownload>;
using Results = std::vector<std::string>;

// ---- the files ----------------------------------------------------------------------------

const Files tutorial_files = {{"file1.txt", 2s}, {"file2.txt", 3s}, {"file3.txt", 1s}};

// `count` files with distinct names and random durations (1 ms .. max_ms). With `distinct`,
// no two durations are equal and they are not already in increasing order, so the order the
// downloads finish in always differs from the order of the files.
Files random_files(int count, int max_ms = 5000, bool distinct = false) {
  static const char* const words[] = {"report", "photo", "backup", "song",    "video",
                                      "notes",  "data",  "slides", "invoice", "map"};
  static const char* const extensions[] = {".pdf", ".jpg", ".zip", ".mp3", ".txt", ".csv"};
  Files files;
  std::set<int> used;
  for (int i = 0; i < count; ++i) {
    int ms = grading::random_int(1, max_ms);
    while (distinct && !used.insert(ms).second) ms = grading::random_int(1, max_ms);
    files.push_back({std::string(words[grading::random_int(0, 9)]) + "-" + std::to_string(i + 1) +
                         extensions[grading::random_int(0, 5)],
                     std::chrono::milliseconds(ms)});
  }
  auto shorter = [](const FileToDownload& a, const FileToDownload& b) {
    return a.duration < b.duration;
  };
  if (distinct && count > 1 && std::is_sorted(files.begin(), files.end(), shorter)) {
    std::swap(files.front().duration, files.back().duration);
  }
  return files;
}

Duration longest(const Files& files) {
  Duration result{};
  for (const auto& file : files) result = std::max(result, file.duration);
  return result;
}

Duration sum(const Files& files) {
  Duration result{};
  for (const auto& file : files) result += file.duration;
  return result;
}

// "the sum of the durations (2.000 s + 3.000 s + 1.000 s = 6.000 s)" for a few files,
// "the sum of the 57 durations (123.456 s)" for many.
std::string sum_phrase(const Files& files) {
  if (files.size() > 5) {
    return "the sum of the " + std::to_string(files.size()) + " durations (" +
           format_duration(sum(files)) + ")";
  }
  std::string terms;
  for (const auto& file : files) {
    terms += (terms.empty() ? "" : " + ") + format_duration(file.duration);
  }
  return "the sum of the durations (" + terms + " = " + format_duration(sum(files)) + ")";
}

Results expected_results(const Files& files) {
  Results results;
  for (const auto& file : files) results.push_back(file.name + " downloaded");
  return results;
}

// The order the downloads finish in when they all start at once: by duration, and (the loop's
// tie-break rule) in start order for equal durations.
std::vector<std::size_t> completion_order(const Files& files) {
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return files[a].duration < files[b].duration;
  });
  return order;
}

// Every download starts at 0 in argument order, each finishes after its own duration.
Timeline concurrent_timeline(const Files& files) {
  Timeline lines;
  for (const auto& file : files) lines.push_back({0s, "Start download " + file.name + "..."});
  for (std::size_t i : completion_order(files)) {
    lines.push_back({files[i].duration, "Finished download " + files[i].name});
  }
  return lines;
}

// Each download starts when the previous one has finished.
Timeline sequential_timeline(const Files& files) {
  Timeline lines;
  Duration now{};
  for (const auto& file : files) {
    lines.push_back({now, "Start download " + file.name + "..."});
    now += file.duration;
    lines.push_back({now, "Finished download " + file.name});
  }
  return lines;
}

// ---- the graders' download function --------------------------------------------------------

// Records each call of the download function (the file's name), in call order.
struct Calls {
  std::vector<std::string> names;
};

// Downloads like download_file; a free coroutine, so nothing it uses lives in a lambda.
aio::Task<std::string> graders_download(std::string name, Duration duration) {
  aio::print("Start download ", name, "...");
  co_await aio::sleep(duration);
  aio::print("Finished download ", name);
  co_return name + " downloaded";
}

ch04::DownloadFn counting_download(std::shared_ptr<Calls> calls) {
  return [calls](std::string name, Duration duration) {
    calls->names.push_back(name);
    return graders_download(std::move(name), duration);
  };
}

// One graded run of download_all or download_sequentially with the graders' download function.
struct Graded {
  Run<Results> run;
  std::shared_ptr<Calls> calls;
};

Graded run_download_all(const Files& files) {
  auto calls = std::make_shared<Calls>();
  auto download = counting_download(calls);
  return {grading::run(ch04::download_all(files, download)), calls};
}

Graded run_download_sequentially(const Files& files) {
  auto calls = std::make_shared<Calls>();
  auto download = counting_download(calls);
  return {grading::run(ch04::download_sequentially(files, download)), calls};
}

// ---- checks specific to this chapter --------------------------------------------------------

// How the downloads overlapped, read from the timeline.
struct Overlap {
  std::size_t starts = 0;
  std::size_t peak = 0;   // most downloads in flight at the same moment
  bool own_tasks = true;  // every download printed from a task other than the main one
};

Overlap overlap_of(const Run<Results>& run) {
  Overlap overlap;
  std::size_t in_flight = 0;
  for (const auto& loop : run.loops) {
    for (const auto& line : loop.transcript) {
      if (line.text.rfind("Start download ", 0) == 0) {
        ++overlap.starts;
        overlap.peak = std::max(overlap.peak, ++in_flight);
        // aio::run names the task it runs "main": code awaited inline prints from it.
        if (line.task == "main") overlap.own_tasks = false;
      } else if (line.text.rfind("Finished download ", 0) == 0 && in_flight > 0) {
        --in_flight;
      }
    }
  }
  return overlap;
}

// All downloads were in flight at once (started before any finished). Recognises the two
// usual ways of running them one after another, each with its own explanation.
::testing::AssertionResult ran_concurrently(const Run<Results>& run, const Files& files) {
  if (run.error) {
    return ::testing::AssertionFailure() << grading::explain_error(run.error) << "\n"
                                         << grading::hints_pointer();
  }
  Overlap overlap = overlap_of(run);
  // Fewer than two files, or no download lines at all (the timeline check explains that).
  if (files.size() < 2 || overlap.starts == 0 || overlap.peak >= files.size()) {
    return ::testing::AssertionSuccess();
  }
  std::string numbers = sum_phrase(files) + " of simulated time instead of the longest one (" +
                        format_duration(longest(files)) + ").";
  auto failure = ::testing::AssertionFailure();
  if (overlap.peak == 1 && overlap.own_tasks) {
    failure << "each download ran as a task of its own (aio::create_task), but still one at a "
               "time: the total was "
            << numbers
            << "\n  aio::create_task alone is not enough if you co_await the handle at once: "
               "awaiting it before you create the next task means the next download cannot "
               "start until this one has finished. Create every task first and await them "
               "afterwards - or hand all the downloads to aio::gather, which does exactly "
               "that.\n";
  } else if (overlap.peak == 1) {
    failure << "the downloads ran one after another: took " << numbers
            << "\n  Each co_await waited for one download to finish before the next one even "
               "started. Start them all, then wait for all (aio::gather): the total becomes "
               "the longest download, not the sum.\n";
  } else {
    failure << "at most " << overlap.peak << " of the " << files.size()
            << " downloads were in flight at the same time; all of them should be: start every "
               "download before you wait for any (one aio::gather over all of them). The total "
               "was "
            << format_duration(run.elapsed) << ", expected " << format_duration(longest(files))
            << " (the longest download).\n";
  }
  return failure << grading::hints_pointer();
}

// download_sequentially must NOT overlap its downloads: it is the baseline.
::testing::AssertionResult ran_one_at_a_time(const Run<Results>& run, const Files& files) {
  if (run.error) {
    return ::testing::AssertionFailure() << grading::explain_error(run.error) << "\n"
                                         << grading::hints_pointer();
  }
  Overlap overlap = overlap_of(run);
  if (overlap.peak <= 1) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << overlap.peak << " downloads were in flight at the same time, but "
         << "download_sequentially is the baseline: one download at a time, each finished "
            "before the next starts, so that its total (the sum, "
         << format_duration(sum(files)) << ") can be compared with download_all's (the longest, "
         << format_duration(longest(files)) << "). Await each download inside the loop; keep "
         << "aio::gather for download_all.\n"
         << grading::hints_pointer();
}

// The download function it was given was called once per file, in the order of the files.
::testing::AssertionResult downloaded_every_file(const Calls& calls, const Files& files,
                                                 const std::string& function) {
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.name);
  if (calls.names == names) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (calls.names.empty() && !files.empty()) {
    failure << function << " never called the download function it was given (its `download` "
            << "parameter). Call download(file.name, file.duration) for each file rather than "
               "download_file directly: the caller chooses how a file is downloaded (here, the "
               "graders' own download, which counts the calls).\n";
  } else if (calls.names.size() != names.size()) {
    failure << function << " called download " << calls.names.size() << " times for "
            << names.size() << " files: it must handle any number of files. Loop over `files`, "
            << "one download per file, collect the Tasks in a std::vector<aio::Task<std::string>> "
               "and gather that vector - code written for exactly three files cannot do that.\n";
  } else {
    failure << function << " called download for the right number of files but not in the "
            << "order of `files`: start the downloads in argument order (file 0 first).\n";
  }
  return failure << grading::hints_pointer();
}

// The results are "<name> downloaded", one per file, in the order of the files.
::testing::AssertionResult results_in_argument_order(const Run<Results>& run, const Files& files) {
  if (run.error) {
    return ::testing::AssertionFailure() << grading::explain_error(run.error) << "\n"
                                         << grading::hints_pointer();
  }
  const Results expected = expected_results(files);
  const Results& actual = *run.value;
  if (actual == expected) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  Results by_completion;
  for (std::size_t i : completion_order(files)) by_completion.push_back(expected[i]);
  if (actual.size() != expected.size()) {
    failure << "returned " << actual.size() << " results for " << expected.size()
            << " files: one result per file, result i for files[i].\n";
  } else if (actual == by_completion) {
    failure << "the results are in completion order (the order the downloads finished: "
            << grading::show_value(actual.front()) << " first), not in argument order. Result i "
            << "must belong to files[i], whatever order the downloads finish in: aio::gather "
               "hands back its results in the order of its arguments - return what it gives "
               "you instead of collecting each result as its download finishes.\n";
  } else {
    std::size_t i = 0;
    while (actual[i] == expected[i]) ++i;
    failure << "result " << i << " is " << grading::show_value(actual[i]) << ", expected "
            << grading::show_value(expected[i]) << " (files[" << i << "] is " << files[i].name
            << "): results must be in the order of `files`, one \"<name> downloaded\" each.\n";
  }
  return failure << grading::hints_pointer();
}

const std::string concurrent_lesson =
    "aio::gather starts every download before waiting for any (all the \"Start download\" "
    "lines at 0.000 s, in argument order), then waits for all of them: each one finishes after "
    "its own duration, shortest first.";

std::string max_lesson(const Files& files) {
  return "concurrent downloads overlap, so the total is the longest download (" +
         format_duration(longest(files)) + "), not the sum (" + format_duration(sum(files)) + ").";
}

const std::string sequential_lesson =
    "one after another: each download starts when the previous one has finished, so the start "
    "times are the running sum of the durations.";

std::string sum_lesson(const Files& files) {
  return "awaits in sequence add up: the baseline takes " + sum_phrase(files) + ".";
}

// Everything download_all must get right, for files few enough to compare whole timelines.
void expect_download_all(const Files& files) {
  auto [run, calls] = run_download_all(files);
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(downloaded_every_file(*calls, files, "download_all"));
  EXPECT_TRUE(ran_concurrently(run, files));
  EXPECT_TRUE(grading::timeline_is(run, concurrent_timeline(files), concurrent_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, longest(files), max_lesson(files)));
  EXPECT_TRUE(results_in_argument_order(run, files));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

void expect_download_sequentially(const Files& files) {
  auto [run, calls] = run_download_sequentially(files);
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(downloaded_every_file(*calls, files, "download_sequentially"));
  EXPECT_TRUE(ran_one_at_a_time(run, files));
  EXPECT_TRUE(grading::timeline_is(run, sequential_timeline(files), sequential_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, sum(files), sum_lesson(files)));
  EXPECT_TRUE(results_in_argument_order(run, files));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace

// ---- download_file ------------------------------------------------------------------------

TEST(DownloadFile, PrintsStartThenFinishedAfterItsDuration) {
  const std::string lesson =
      "co_await aio::sleep(duration) suspends download_file for exactly its duration: print "
      "\"Start download <name>...\" before it and \"Finished download <name>\" after it.";
  Files cases = {{"file1.txt", 2s}};
  Files random = random_files(2);
  cases.insert(cases.end(), random.begin(), random.end());
  for (const auto& file : cases) {
    SCOPED_TRACE("download_file(\"" + file.name + "\", " + format_duration(file.duration) + ")");
    auto run = grading::run(ch04::download_file(file.name, file.duration));
    ASSERT_TRUE(grading::finished(run));
    EXPECT_TRUE(grading::timeline_is(run,
                                     {{0s, "Start download " + file.name + "..."},
                                      {file.duration, "Finished download " + file.name}},
                                     lesson));
    EXPECT_TRUE(grading::elapsed_is(run, file.duration, lesson));
    EXPECT_TRUE(grading::real_time_below(run, 1s));
    if (HasFailure()) return;  // one explained failure is enough
  }
}

TEST(DownloadFile, ReturnsTheNameFollowedByDownloaded) {
  Files cases = random_files(3);
  for (const auto& file : cases) {
    SCOPED_TRACE("download_file(\"" + file.name + "\", ...)");
    auto run = grading::run(ch04::download_file(file.name, file.duration));
    ASSERT_TRUE(grading::finished(run));
    EXPECT_TRUE(grading::returned(run, file.name + " downloaded",
                                  "download_file returns its file's name followed by "
                                  "\" downloaded\", for whatever name it is given."));
    if (HasFailure()) return;
  }
}

// ---- download_three -----------------------------------------------------------------------

TEST(DownloadThree, StartsAllThreeAtOnceAndTakesThreeSecondsNotSix) {
  auto run = grading::run(ch04::download_three());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(ran_concurrently(run, tutorial_files));
  Timeline expected = concurrent_timeline(tutorial_files);
  expected.push_back(
      {3s, "All results: [file1.txt downloaded, file2.txt downloaded, file3.txt downloaded]"});
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      concurrent_lesson + " \"All results: [...]\" comes once all three are done, at 3 s, with "
                          "the results in argument order."));
  EXPECT_TRUE(grading::elapsed_is(run, 3s, max_lesson(tutorial_files)));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(DownloadThree, ReturnsTheResultsInArgumentOrder) {
  auto run = grading::run(ch04::download_three());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(results_in_argument_order(run, tutorial_files));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- download_all -------------------------------------------------------------------------

TEST(DownloadAll, TheTutorialsThreeFilesTakeThreeSeconds) {
  expect_download_all(tutorial_files);
}

TEST(DownloadAll, StartsEveryDownloadBeforeAnyFinishes) {
  for (int round = 0; round < 3; ++round) {
    Files files = random_files(grading::random_int(4, 9));
    SCOPED_TRACE(std::to_string(files.size()) + " random files");
    expect_download_all(files);
    if (HasFailure()) return;
  }
}

TEST(DownloadAll, ReturnsResultsInArgumentOrderNotCompletionOrder) {
  Files files = random_files(grading::random_int(5, 9), 5000, /*distinct=*/true);
  auto [run, calls] = run_download_all(files);
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(results_in_argument_order(run, files));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(DownloadAll, WorksForAnyNumberOfFiles) {
  const int sizes[] = {grading::random_int(4, 20), grading::random_int(21, 200),
                       grading::random_int(201, 1000)};
  for (int size : sizes) {
    Files files = random_files(size);
    SCOPED_TRACE(std::to_string(size) + " random files");
    auto [run, calls] = run_download_all(files);
    ASSERT_TRUE(grading::finished(run));
    EXPECT_TRUE(downloaded_every_file(*calls, files, "download_all"));
    EXPECT_TRUE(results_in_argument_order(run, files));
    EXPECT_TRUE(ran_concurrently(run, files));
    EXPECT_TRUE(grading::elapsed_is(run, longest(files), max_lesson(files)));
    EXPECT_TRUE(grading::real_time_below(run, 1s));
    if (HasFailure()) return;
  }
}

TEST(DownloadAll, NoFilesReturnsNothingAtOnceAndOneFileWorks) {
  {
    SCOPED_TRACE("no files");
    auto [run, calls] = run_download_all({});
    ASSERT_TRUE(grading::finished(run));
    EXPECT_TRUE(grading::returned(run, Results{},
                                  "no files, no downloads: gathering an empty vector gives an "
                                  "empty vector at once."));
    EXPECT_TRUE(grading::elapsed_is(run, 0s, "nothing to download takes no time."));
  }
  SCOPED_TRACE("one file");
  expect_download_all(random_files(1));
}

// ---- download_sequentially ----------------------------------------------------------------

TEST(DownloadSequentially, TheTutorialsThreeFilesTakeSixSeconds) {
  expect_download_sequentially(tutorial_files);
}

TEST(DownloadSequentially, RandomFilesTakeTheSumOfTheirDurations) {
  for (int round = 0; round < 3; ++round) {
    Files files = random_files(grading::random_int(3, 8));
    SCOPED_TRACE(std::to_string(files.size()) + " random files");
    expect_download_sequentially(files);
    if (HasFailure()) return;
  }
}

TEST(DownloadSequentially, WorksForAnyNumberOfFiles) {
  const int sizes[] = {0, grading::random_int(21, 200), grading::random_int(201, 1000)};
  for (int size : sizes) {
    Files files = random_files(size);
    SCOPED_TRACE(std::to_string(size) + " random files");
    auto [run, calls] = run_download_sequentially(files);
    ASSERT_TRUE(grading::finished(run));
    EXPECT_TRUE(downloaded_every_file(*calls, files, "download_sequentially"));
    EXPECT_TRUE(results_in_argument_order(run, files));
    EXPECT_TRUE(ran_one_at_a_time(run, files));
    EXPECT_TRUE(grading::elapsed_is(run, sum(files), sum_lesson(files)));
    EXPECT_TRUE(grading::real_time_below(run, 1s));
    if (HasFailure()) return;
  }
}

// ---- the two side by side -----------------------------------------------------------------

TEST(GatherVersusSequential, SameFilesTakeTheLongestVersusTheSum) {
  Files files = random_files(grading::random_int(5, 50));
  auto [together, calls_together] = run_download_all(files);
  auto [in_turn, calls_in_turn] = run_download_sequentially(files);
  ASSERT_TRUE(grading::finished(together));
  ASSERT_TRUE(grading::finished(in_turn));
  EXPECT_TRUE(grading::elapsed_is(together, longest(files), max_lesson(files)));
  EXPECT_TRUE(grading::elapsed_is(in_turn, sum(files), sum_lesson(files)));
  EXPECT_EQ(*together.value, *in_turn.value)
      << "both return the same results in the same (argument) order; only the time differs.";
}
