// Graders of chapter 04 — running concurrently with aio::gather.
//
// Everything runs on the simulated clock, so timelines and elapsed times are exact. How many
// downloads were in flight at once is read from the timeline ("Start download" and "Finished
// download" lines). download_three, download_all and download_sequentially get the graders' own
// download function, which records its calls and can return values no literal can guess: that
// proves the downloads did the work and the results came from them. One download_three test
// keeps the default, the learner's download_file, and checks that download_file printed the
// lines. File names, counts (up to 1000) and durations are random (seeded: the seed is printed
// with every failure); fixed edge cases come on top (no files, zero durations, repeated names,
// equal durations, two calls in one program).
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

// One call of a download function the graders handed to the exercise.
struct Call {
  std::string name;
  Duration duration{};
  friend bool operator==(const Call&, const Call&) = default;
};

// Every call of that download function, in call order.
struct Calls {
  std::vector<Call> calls;
  std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& call : calls) result.push_back(call.name);
    return result;
  }
};

// What the graders' download returns: "<name> downloaded" like download_file, or, with a tag,
// a value no literal in the exercise can guess ("file1.txt downloaded #4821").
std::string result_for(const std::string& name, const std::string& tag) {
  return name + " downloaded" + (tag.empty() ? "" : " #" + tag);
}

// Downloads like download_file and gives back `result`. A free coroutine, so nothing it uses
// lives in a lambda; its frames are counted as "graders_download".
aio::Task<std::string> graders_download(std::string name, Duration duration, std::string result) {
  aio::print("Start download ", name, "...");
  co_await aio::sleep(duration);
  aio::print("Finished download ", name);
  co_return result;
}

// The graders' download function: records each call, then downloads like download_file.
ch04::DownloadFn counting_download(std::shared_ptr<Calls> calls, std::string tag = "") {
  return [calls, tag](std::string name, Duration duration) {
    calls->calls.push_back({name, duration});
    std::string result = result_for(name, tag);
    return graders_download(std::move(name), duration, std::move(result));
  };
}

// One graded run of an exercise with the graders' download function.
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

Graded run_download_three(const std::string& tag = "") {
  auto calls = std::make_shared<Calls>();
  auto download = counting_download(calls, tag);
  return {grading::run(ch04::download_three(download)), calls};
}

// ---- checks specific to this chapter --------------------------------------------------------

// The lines of a run, one per row, for messages that show what was printed.
std::string printed_lines(const Timeline& lines) {
  if (lines.empty()) return "  (nothing)\n";
  std::string text;
  std::size_t shown = 0;
  for (const auto& line : lines) {
    if (++shown > 12) {
      text += "  ... (" + std::to_string(lines.size() - 12) + " more lines)\n";
      break;
    }
    text += "  " + grading::format_line(line) + "\n";
  }
  return text;
}

// {"a", "b"} for messages.
std::string show_results(const Results& results) {
  std::string text = "{";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) text += ", ";
    if (i == 6 && results.size() > 7) {
      text += "... " + std::to_string(results.size() - 6) + " more";
      break;
    }
    text += grading::show_value(results[i]);
  }
  return text + "}";
}

// How the downloads overlapped, read from the timeline.
struct Overlap {
  std::size_t starts = 0;
  std::size_t peak = 0;   // most downloads in flight at the same moment
  bool own_tasks = true;  // every download printed from a task other than the main one
};

Overlap overlap_of(const Run<Results>& run) {
  Overlap overlap;
  std::size_t in_flight = 0;
  for (const auto& line : run.transcript()) {
    if (line.text.rfind("Start download ", 0) == 0) {
      ++overlap.starts;
      overlap.peak = std::max(overlap.peak, ++in_flight);
      // aio::run names the task it runs "main": code awaited inline prints from it.
      if (line.task == "main") overlap.own_tasks = false;
    } else if (line.text.rfind("Finished download ", 0) == 0 && in_flight > 0) {
      --in_flight;
    }
  }
  return overlap;
}

// All downloads were in flight at once (started before any finished). Recognises the two
// usual ways of running them one after another, each with its own explanation.
::testing::AssertionResult ran_concurrently(const Run<Results>& run, const Files& files) {
  if (run.error) return grading::finished(run);
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
  return failure << grading::side_by_side(concurrent_timeline(files), run.timeline())
                 << grading::hints_pointer();
}

// download_sequentially must NOT overlap its downloads: it is the baseline.
::testing::AssertionResult ran_one_at_a_time(const Run<Results>& run, const Files& files) {
  if (run.error) return grading::finished(run);
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

// The download function it was given was called once per file, in the order of the files,
// with each file's own duration.
::testing::AssertionResult downloaded_every_file(const Run<Results>& run, const Calls& calls,
                                                 const Files& files, const std::string& function) {
  std::vector<Call> expected;
  for (const auto& file : files) expected.push_back({file.name, file.duration});
  if (calls.calls == expected) return ::testing::AssertionSuccess();
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.name);
  const std::vector<std::string> called = calls.names();
  const std::set<std::string> distinct(names.begin(), names.end());
  const std::set<std::string> distinct_called(called.begin(), called.end());
  // The files with a duration above zero: did it call download for exactly those?
  std::vector<std::string> timed;
  for (const auto& file : files)
    if (file.duration > 0s) timed.push_back(file.name);
  const bool skipped_zero_durations = timed.size() < names.size() && called == timed;
  auto failure = ::testing::AssertionFailure();
  if (called.empty() && !files.empty()) {
    if (const int direct = run.started("download_file"); direct > 0) {
      failure << function << " ran download_file " << direct << " time" << (direct == 1 ? "" : "s")
              << " by its name, but never";
    } else {
      failure << function << " never";
    }
    failure << " called the download function it was given (its `download` "
            << "parameter). Call download(file.name, file.duration) for each file rather than "
               "download_file directly: the caller chooses how a file is downloaded (here, the "
               "graders' own download, which counts the calls).\n";
  } else if (distinct.size() < names.size() && called.size() == distinct.size() &&
             distinct_called == distinct) {
    failure << function << " called download " << called.size() << " times for " << names.size()
            << " files: once per distinct name. Some names appear more than "
            << "once in `files`, and each of those files is a download of its own, with its own "
               "duration and its own result: call download once per element of `files`, "
               "repeated names included.\n";
  } else if (skipped_zero_durations) {
    failure << function << " called download for every file except those whose duration is "
            << "0 s. A zero-length download is still a download: call download(file.name, "
               "file.duration) for it too, and take its result from it (it starts and finishes "
               "at once).\n";
  } else if (called.size() != names.size()) {
    failure << function << " called download " << called.size() << " times for " << names.size()
            << " files: it must handle any number of files. Loop over `files`, "
            << "one download per file, collect the Tasks in a std::vector<aio::Task<std::string>> "
               "and gather that vector - code written for exactly three files cannot do that.\n";
  } else if (called != names) {
    failure << function << " called download for the right number of files but not in the "
            << "order of `files`: start the downloads in argument order (file 0 first).\n";
  } else {
    std::size_t i = 0;
    while (calls.calls[i] == expected[i]) ++i;
    failure << function << " called download(\"" << called[i] << "\", "
            << format_duration(calls.calls[i].duration) << ") for files[" << i
            << "], whose duration is " << format_duration(files[i].duration)
            << ": pass each file's own duration, download(file.name, file.duration).\n";
  }
  return failure << grading::hints_pointer();
}

// The results are "<name> downloaded", one per file, in the order of the files.
::testing::AssertionResult results_in_argument_order(const Run<Results>& run, const Files& files) {
  if (run.error) return grading::finished(run);
  const Results expected = expected_results(files);
  const Results& actual = *run.value;
  if (actual == expected) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  Results by_completion;
  for (std::size_t i : completion_order(files)) by_completion.push_back(expected[i]);
  if (actual.size() != expected.size()) {
    failure << "returned " << actual.size() << " results for " << expected.size()
            << " files: one result per file, result i for files[i]";
    const std::set<std::string> distinct(expected.begin(), expected.end());
    if (distinct.size() < expected.size() && actual.size() == distinct.size()) {
      failure << " - also when a name appears more than once in `files`: each of those files "
                 "has a result of its own";
    }
    failure << ".\n";
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
            << "): results must be in the order of `files`, one \"<name> downloaded\" each, as "
               "the download function returned it.\n";
  }
  return failure << grading::hints_pointer();
}

// The second of two calls in one program returned nothing left over from the first call.
::testing::AssertionResult nothing_kept_from_the_first_call(const Run<Results>& second,
                                                            const Files& first_files,
                                                            const std::string& function) {
  if (second.error) return grading::finished(second);
  const Results first_results = expected_results(first_files);
  for (const auto& result : *second.value) {
    if (std::find(first_results.begin(), first_results.end(), result) == first_results.end()) {
      continue;
    }
    return ::testing::AssertionFailure()
           << "the second call of " << function << " returned " << show_results(*second.value)
           << ": " << grading::show_value(result)
           << " is a result of the FIRST call, which downloaded other files. Something kept the "
              "first call's results until the second call (a `static` variable, or one outside "
              "the function, lives as long as the program).\nWhat you missed: each call starts "
              "from nothing: keep the Tasks and the results in local variables of the "
              "coroutine.\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// ---- download_three's own checks -------------------------------------------------------------

const std::vector<Call> tutorial_calls = {{"file1.txt", 2s}, {"file2.txt", 3s}, {"file3.txt", 1s}};

const std::string three_at_once_lesson =
    "the point is that download_file does the work (its lines, its wait, its result) and "
    "aio::gather runs three of them at once; download_three only starts them, waits for all "
    "three, and prints the \"All results\" line.";

// The coroutine that printed the first download line ("" if there is none).
std::string who_printed_downloads(const Run<Results>& run) {
  for (const auto& line : run.transcript()) {
    if (line.text.rfind("Start download ", 0) == 0 || line.text.rfind("Finished download ", 0) == 0)
      return line.coroutine;
  }
  return "";
}

// download_three called the download function it was given, for the tutorial's three files in
// order. Otherwise says what it did instead: called download_file by name, printed the lines
// itself, or called the download with other files.
::testing::AssertionResult downloaded_through_the_parameter(const Run<Results>& run,
                                                            const Calls& calls) {
  if (run.error) return grading::finished(run);
  if (calls.calls == tutorial_calls) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (calls.calls.empty()) {
    const std::string printer = who_printed_downloads(run);
    if (run.started("download_file") > 0) {
      failure << "download_three ran download_file, but never the download function the grader "
                 "passed as its parameter `download`: it called download_file by its name, "
                 "which the parameter cannot replace.\nWhat you missed: write "
                 "download(\"file1.txt\", 2s) and so on. The parameter is download_file unless "
                 "the caller passes another download function, as here.\n";
    } else if (!printer.empty()) {
      failure << "the lines are right, but " << printer << " printed them itself: "
              << "download_three never called the download function it was given (its "
                 "`download` parameter, download_file by default).\nWhat you missed: "
              << three_at_once_lesson << "\n";
    } else {
      failure << "download_three never called the download function it was given (its "
                 "`download` parameter).\nWhat you missed: "
              << three_at_once_lesson << "\n";
    }
  } else {
    failure << "download_three called download with";
    for (const auto& call : calls.calls)
      failure << " (\"" << call.name << "\", " << format_duration(call.duration) << ")";
    failure << "; expected (\"file1.txt\", 2.000 s) (\"file2.txt\", 3.000 s) (\"file3.txt\", "
               "1.000 s), in that order: the tutorial's three files, each with its own "
               "duration, in argument order.\n";
  }
  return failure << "What was printed:\n"
                 << printed_lines(run.timeline()) << grading::hints_pointer();
}

// download_three printed and returned the values its downloads gave back (tagged with `tag`),
// in argument order.
::testing::AssertionResult results_came_from_the_downloads(const Run<Results>& run,
                                                           const std::string& tag) {
  if (run.error) return grading::finished(run);
  Results expected;
  for (const auto& file : tutorial_files) expected.push_back(result_for(file.name, tag));
  const std::string all_results =
      "All results: [" + expected[0] + ", " + expected[1] + ", " + expected[2] + "]";
  const Results literals = expected_results(tutorial_files);
  const Results& actual = *run.value;
  auto failure = ::testing::AssertionFailure();
  if (actual != expected) {
    failure << "download_three returned " << show_results(actual)
            << ", but the downloads it was given returned " << show_results(expected) << ".\n";
    if (actual == literals) {
      failure << "What you missed: those are the texts download_file would give, typed in. "
                 "Return the values aio::gather hands back: they came from the downloads.\n";
    } else if (actual == Results{expected[2], expected[0], expected[1]}) {
      failure << "What you missed: that is completion order (file3 finishes first). aio::gather "
                 "gives the results in argument order: return them as it gives them.\n";
    } else {
      failure << "What you missed: return the three values aio::gather gives back, in argument "
                 "order: file1's, file2's, file3's.\n";
    }
    return failure << grading::hints_pointer();
  }
  const Timeline lines = run.timeline();
  auto printed = std::find_if(lines.begin(), lines.end(), [](const grading::Line& line) {
    return line.text.rfind("All results: ", 0) == 0;
  });
  if (printed != lines.end() && printed->text == all_results) return ::testing::AssertionSuccess();
  if (printed == lines.end()) {
    failure << "download_three never printed a line starting with \"All results: \".\n";
  } else {
    failure << "download_three printed \"" << printed->text
            << "\", but the downloads it was given returned " << show_results(expected)
            << ".\nWhat you missed: print the values aio::gather hands back, not text of your "
               "own: \""
            << all_results << "\".\n";
  }
  return failure << "What was printed:\n" << printed_lines(lines) << grading::hints_pointer();
}

// ---- lessons --------------------------------------------------------------------------------

const std::string concurrent_lesson =
    "aio::gather starts every download before waiting for any (all the \"Start download\" "
    "lines at 0.000 s, in argument order), then waits for all of them: each one finishes after "
    "its own duration, shortest first (equal durations in start order).";

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

Timeline tutorial_three_timeline() {
  Timeline expected = concurrent_timeline(tutorial_files);
  expected.push_back(
      {3s, "All results: [file1.txt downloaded, file2.txt downloaded, file3.txt downloaded]"});
  return expected;
}

const std::string three_timeline_lesson =
    concurrent_lesson +
    " \"All results: [...]\" comes once all three are done, at 3 s, with the results in "
    "argument order.";

// Everything download_all must get right, for files few enough to compare whole timelines. The
// decisive checks come first and stop the test, so that each failure is explained once.
void expect_download_all(const Files& files) {
  auto [run, calls] = run_download_all(files);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_file(run, *calls, files, "download_all"));
  ASSERT_TRUE(ran_concurrently(run, files));
  ASSERT_TRUE(grading::timeline_is(run, concurrent_timeline(files), concurrent_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, longest(files), max_lesson(files)));
  EXPECT_TRUE(results_in_argument_order(run, files));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

void expect_download_sequentially(const Files& files) {
  auto [run, calls] = run_download_sequentially(files);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_file(run, *calls, files, "download_sequentially"));
  ASSERT_TRUE(ran_one_at_a_time(run, files));
  ASSERT_TRUE(grading::timeline_is(run, sequential_timeline(files), sequential_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, sum(files), sum_lesson(files)));
  EXPECT_TRUE(results_in_argument_order(run, files));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

using Expect = void (*)(const Files&);
using RunFn = Graded (*)(const Files&);

// The same function called twice in one program: the second call's results are its own.
void expect_two_calls(RunFn run_it, Expect expect, const std::string& function) {
  const Files first = {{"first-a.txt", 1s}, {"first-b.txt", 2s}};
  const Files second = {{"second-a.txt", 1500ms}, {"second-b.txt", 500ms}};
  {
    SCOPED_TRACE("first call");
    auto [run, calls] = run_it(first);
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(results_in_argument_order(run, first));
  }
  SCOPED_TRACE("second call, in the same program");
  auto [run, calls] = run_it(second);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_kept_from_the_first_call(run, first, function));
  expect(second);
}

// Zero durations and a single file: zero-length downloads still start and finish (at 0 s).
const Files zero_files = {{"empty-a.txt", 0s}, {"late.txt", 1500ms}, {"empty-b.txt", 0s}};
// Names that repeat: every element of `files` is a download of its own, with its own result.
const Files repeated_files = {
    {"same.txt", 2s}, {"other.txt", 1s}, {"same.txt", 500ms}, {"same.txt", 2s}};
// Every download takes as long as the others: they finish together, in start order.
const Files equal_files = {
    {"a.bin", 1250ms}, {"b.bin", 1250ms}, {"c.bin", 1250ms}, {"d.bin", 1250ms}};

}  // namespace

// ---- download_file ------------------------------------------------------------------------

TEST(DownloadFile, PrintsStartThenFinishedAfterItsDuration) {
  const std::string lesson =
      "co_await aio::sleep(duration) suspends download_file for exactly its duration: print "
      "\"Start download <name>...\" before it and \"Finished download <name>\" after it.";
  // The tutorial's file, a zero duration (fixed), then random ones.
  Files cases = {{"file1.txt", 2s}, {"instant.txt", 0s}};
  Files random = random_files(2);
  cases.insert(cases.end(), random.begin(), random.end());
  for (const auto& file : cases) {
    SCOPED_TRACE("download_file(\"" + file.name + "\", " + format_duration(file.duration) + ")");
    auto run = grading::run(ch04::download_file(file.name, file.duration));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::timeline_is(run,
                                     {{0s, "Start download " + file.name + "..."},
                                      {file.duration, "Finished download " + file.name}},
                                     lesson));
    ASSERT_TRUE(grading::elapsed_is(run, file.duration, lesson));
    ASSERT_TRUE(grading::real_time_below(run, 1s));
  }
}

TEST(DownloadFile, ReturnsTheNameFollowedByDownloaded) {
  // Fixed edge cases (a zero duration, the same name twice in one program), then random ones.
  Files cases = {{"twice.txt", 0s}, {"twice.txt", 1s}};
  Files random = random_files(3);
  cases.insert(cases.end(), random.begin(), random.end());
  for (const auto& file : cases) {
    SCOPED_TRACE("download_file(\"" + file.name + "\", " + format_duration(file.duration) + ")");
    auto run = grading::run(ch04::download_file(file.name, file.duration));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::returned(run, file.name + " downloaded",
                                  "download_file returns its file's name followed by "
                                  "\" downloaded\", for whatever name it is given."));
  }
}

// ---- download_three -----------------------------------------------------------------------

TEST(DownloadThree, StartsAllThreeAtOnceAndTakesThreeSecondsNotSix) {
  // The graders' own download function (it prints what download_file prints): this test is
  // about download_three alone.
  auto [run, calls] = run_download_three();
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_through_the_parameter(run, *calls));
  ASSERT_TRUE(ran_concurrently(run, tutorial_files));
  ASSERT_TRUE(grading::timeline_is(run, tutorial_three_timeline(), three_timeline_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, 3s, max_lesson(tutorial_files)));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(DownloadThree, PrintsAndReturnsWhatItsDownloadsGaveBack) {
  // The graders' download returns values no literal can guess: "file1.txt downloaded #4821".
  const std::string tag = std::to_string(grading::random_int(1000, 9999));
  auto [run, calls] = run_download_three(tag);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_through_the_parameter(run, *calls));
  EXPECT_TRUE(results_came_from_the_downloads(run, tag));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(DownloadThree, ByDefaultYourDownloadFileDoesTheWork) {
  grading::uses_learners("download_file");
  auto run = grading::run(ch04::download_three());
  ASSERT_TRUE(grading::finished(run));
  std::vector<std::string> download_lines;
  for (const auto& line : concurrent_timeline(tutorial_files)) download_lines.push_back(line.text);
  ASSERT_TRUE(grading::printed_by(run, "download_file", download_lines, three_at_once_lesson));
  ASSERT_TRUE(grading::ran_times(
      run, "download_file", 3,
      "download_three downloads each of the three files once, with download_file (the default "
      "of its `download` parameter)."));
  ASSERT_TRUE(ran_concurrently(run, tutorial_files));
  ASSERT_TRUE(grading::timeline_is(run, tutorial_three_timeline(), three_timeline_lesson));
  EXPECT_TRUE(results_in_argument_order(run, tutorial_files));
  EXPECT_TRUE(grading::elapsed_is(run, 3s, max_lesson(tutorial_files)));
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
    if (HasFailure()) return;  // one explained failure is enough
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
    ASSERT_TRUE(downloaded_every_file(run, *calls, files, "download_all"));
    ASSERT_TRUE(ran_concurrently(run, files));
    ASSERT_TRUE(results_in_argument_order(run, files));
    ASSERT_TRUE(grading::elapsed_is(run, longest(files), max_lesson(files)));
    ASSERT_TRUE(grading::real_time_below(run, 1s));
  }
}

TEST(DownloadAll, NoFilesReturnsNothingAtOnceAndOneFileWorks) {
  {
    SCOPED_TRACE("no files");
    auto [run, calls] = run_download_all({});
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::returned(run, Results{},
                                  "no files, no downloads: gathering an empty vector gives an "
                                  "empty vector at once."));
    ASSERT_TRUE(grading::elapsed_is(run, 0s, "nothing to download takes no time."));
  }
  SCOPED_TRACE("one file");
  expect_download_all(random_files(1));
}

TEST(DownloadAll, ZeroDurationsFinishAtTimeZero) {
  expect_download_all(zero_files);
}

TEST(DownloadAll, RepeatedNamesAreDownloadsOfTheirOwn) {
  expect_download_all(repeated_files);
}

TEST(DownloadAll, EqualDurationsFinishTogetherInFileOrder) {
  expect_download_all(equal_files);
}

TEST(DownloadAll, TwoCallsInOneProgramEachGetTheirOwnResults) {
  expect_two_calls(run_download_all, expect_download_all, "download_all");
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
    ASSERT_TRUE(downloaded_every_file(run, *calls, files, "download_sequentially"));
    ASSERT_TRUE(ran_one_at_a_time(run, files));
    ASSERT_TRUE(results_in_argument_order(run, files));
    ASSERT_TRUE(grading::elapsed_is(run, sum(files), sum_lesson(files)));
    ASSERT_TRUE(grading::real_time_below(run, 1s));
  }
}

TEST(DownloadSequentially, ZeroDurationsAndASingleFile) {
  {
    SCOPED_TRACE("zero durations");
    expect_download_sequentially(zero_files);
  }
  if (HasFailure()) return;
  SCOPED_TRACE("one file");
  expect_download_sequentially({{"only.txt", 750ms}});
}

TEST(DownloadSequentially, RepeatedNamesAndEqualDurations) {
  {
    SCOPED_TRACE("repeated names");
    expect_download_sequentially(repeated_files);
  }
  if (HasFailure()) return;
  SCOPED_TRACE("equal durations");
  expect_download_sequentially(equal_files);
}

TEST(DownloadSequentially, TwoCallsInOneProgramEachGetTheirOwnResults) {
  expect_two_calls(run_download_sequentially, expect_download_sequentially,
                   "download_sequentially");
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
  EXPECT_TRUE(results_in_argument_order(together, files));
  EXPECT_TRUE(results_in_argument_order(in_turn, files));
}
