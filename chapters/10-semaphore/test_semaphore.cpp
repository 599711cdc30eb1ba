// Graders of chapter 10, part 1 — limiting concurrency with aio::Semaphore, and a rate limiter.
//
// Everything runs on the simulated clock, so timelines and elapsed times are exact. The exercises
// get the graders' own download function, which records every call, counts how many downloads
// are in flight at each moment (the peak is what a limit is about), returns values no literal can
// guess, and fails on purpose where a test says so (to see that a failed download gives its
// permit back at that very instant). One download_ten test keeps the default, the learner's
// download_file, and checks that download_file did the work. Counts, durations, limits, rates
// and arrival times are random (seeded: the seed is printed with every failure); fixed edge
// cases come on top (limit 1, a limit of at least the count, no files, limits and rates below 1,
// repeated names, two calls in one program).
//
// How the expected timelines are built: a download holds its permit from its "Downloading" line
// to its "Finished" (or "Failed") line, and a freed permit goes to the first file still waiting,
// at that instant. Lines of one instant come in the order the loop runs them: first the downloads
// whose time is up (in the order they started), then the ones that took over their permits (in
// file order). Durations are never 0, so a download never starts and ends in the same instant.
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using aio::Duration;
using ch10::FileToDownload;
using grading::format_duration;
using grading::Run;
using grading::Timeline;
using std::chrono::milliseconds;
using Files = std::vector<FileToDownload>;
using Results = std::vector<std::string>;

// ---- the files ----------------------------------------------------------------------------

Files tutorial_files() {
  Files files;
  for (int i = 0; i < 10; ++i) files.push_back({"file_" + std::to_string(i) + ".txt", 2s});
  return files;
}

Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

// `count` files with distinct names and random durations (min_ms .. max_ms, never 0).
Files random_files(int count, int min_ms = 100, int max_ms = 4000) {
  static const char* const words[] = {"report", "photo", "backup", "song",    "video",
                                      "notes",  "data",  "slides", "invoice", "map"};
  static const char* const extensions[] = {".pdf", ".jpg", ".zip", ".mp3", ".txt", ".csv"};
  Files files;
  for (int i = 0; i < count; ++i) {
    files.push_back({std::string(words[grading::random_int(0, 9)]) + "-" + std::to_string(i + 1) +
                         extensions[grading::random_int(0, 5)],
                     random_ms(min_ms, max_ms)});
  }
  return files;
}

Duration sum(const Files& files) {
  Duration total{};
  for (const auto& file : files) total += file.duration;
  return total;
}

Duration longest(const Files& files) {
  Duration result{};
  for (const auto& file : files) result = std::max(result, file.duration);
  return result;
}

// ---- the graders' download function --------------------------------------------------------

// How the graders' download behaves in one test: what it returns, and which files fail.
struct Plan {
  std::string tag;                              // results are "<name> #<tag>" (none: "<name>")
  std::map<std::string, std::string> failures;  // name -> the what() of the error it throws
};

std::string result_for(const std::string& name, const Plan& plan) {
  return plan.tag.empty() ? name : name + " #" + plan.tag;
}

// One download that began running.
struct Ran {
  std::string name;
  Duration started{};
  Duration ended{-1};  // -1: still running (or never ended)
  bool failed = false;
};

// Everything the graders' download saw.
struct Probe {
  std::vector<FileToDownload> calls;   // download(name, duration) calls, in call order
  std::vector<Ran> runs;               // downloads that began running, in the order they began
  std::vector<std::size_t> in_flight;  // indexes into `runs` of the downloads running now
  std::size_t peak = 0;                // most downloads in flight at one moment
  Duration peak_at{};
  std::vector<std::string> peak_names;  // the downloads in flight at that moment
};

// Marks a download as no longer in flight when its frame ends: finished, failed or cancelled.
struct InFlight {
  Probe* probe;
  std::size_t run;
  ~InFlight() {
    auto& running = probe->in_flight;
    running.erase(std::remove(running.begin(), running.end(), run), running.end());
    probe->runs[run].ended = aio::now();
  }
};

// Downloads like download_file, counting what runs at once; fails with `failure` if not empty.
// A free coroutine, so nothing it uses lives in a lambda.
aio::Task<std::string> graders_download(std::shared_ptr<Probe> probe, std::string name,
                                        Duration duration, std::string result,
                                        std::string failure) {
  const std::size_t run = probe->runs.size();
  probe->runs.push_back({name, aio::now()});
  probe->in_flight.push_back(run);
  if (probe->in_flight.size() > probe->peak) {
    probe->peak = probe->in_flight.size();
    probe->peak_at = aio::now();
    probe->peak_names.clear();
    for (std::size_t i : probe->in_flight) probe->peak_names.push_back(probe->runs[i].name);
  }
  InFlight guard{probe.get(), run};
  aio::print("Downloading ", name, "...");
  co_await aio::sleep(duration);
  if (!failure.empty()) {
    probe->runs[run].failed = true;
    aio::print("Failed ", name);
    throw std::runtime_error(failure);
  }
  aio::print("Finished ", name);
  co_return result;
}

ch10::DownloadFn graders_download_fn(std::shared_ptr<Probe> probe, Plan plan) {
  return [probe, plan](std::string name, Duration duration) {
    probe->calls.push_back({name, duration});
    auto failing = plan.failures.find(name);
    std::string failure = failing == plan.failures.end() ? "" : failing->second;
    std::string result = result_for(name, plan);
    return graders_download(probe, std::move(name), duration, std::move(result),
                            std::move(failure));
  };
}

// ---- what should happen --------------------------------------------------------------------

struct Expected {
  Timeline timeline;
  Results results;
  Results by_completion;         // the same results in the order the downloads end
  std::vector<Duration> starts;  // per file
  Duration elapsed{};
};

// Lines of one instant: the downloads whose time is up first (kind 0), in the order they
// started, then the ones starting (kind 1), in file order.
Expected expected_from_starts(const Files& files, const std::vector<Duration>& starts,
                              const Plan& plan) {
  Expected expected;
  expected.starts = starts;
  std::vector<std::tuple<Duration, int, std::size_t, std::string>> lines;
  std::vector<std::pair<Duration, std::size_t>> ends;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& file = files[i];
    const bool fails = plan.failures.count(file.name) > 0;
    const Duration end = starts[i] + file.duration;
    lines.emplace_back(starts[i], 1, i, "Downloading " + file.name + "...");
    lines.emplace_back(end, 0, i, (fails ? "Failed " : "Finished ") + file.name);
    expected.results.push_back(fails ? file.name + " failed: " + plan.failures.at(file.name)
                                     : result_for(file.name, plan));
    ends.emplace_back(end, i);
    expected.elapsed = std::max(expected.elapsed, end);
  }
  std::sort(lines.begin(), lines.end());
  for (auto& [time, kind, index, text] : lines) expected.timeline.push_back({time, text});
  std::sort(ends.begin(), ends.end());
  for (auto& [end, index] : ends) expected.by_completion.push_back(expected.results[index]);
  return expected;
}

// At most `limit` at once; a freed permit goes to the first file still waiting.
Expected expected_limited(const Files& files, std::size_t limit, const Plan& plan = {}) {
  std::vector<Duration> starts(files.size());
  // The permits, each as the time it is free again (earliest first).
  std::priority_queue<Duration, std::vector<Duration>, std::greater<>> permits;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i >= limit) {
      starts[i] = permits.top();
      permits.pop();
    }
    permits.push(starts[i] + files[i].duration);
  }
  return expected_from_starts(files, starts, plan);
}

// Everyone asks at 0: the k-th start is at floor(k / rate) s.
Expected expected_rate_limited(const Files& files, int rate, const Plan& plan = {}) {
  std::vector<Duration> starts;
  for (std::size_t i = 0; i < files.size(); ++i)
    starts.push_back(std::chrono::seconds(static_cast<int>(i) / rate));
  return expected_from_starts(files, starts, plan);
}

// ---- checks specific to this chapter --------------------------------------------------------

std::string show_results(const Results& results) {
  std::string text = "{";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) text += ", ";
    if (i == 5 && results.size() > 6) {
      text += "... " + std::to_string(results.size() - 5) + " more";
      break;
    }
    text += grading::show_value(results[i]);
  }
  return text + "}";
}

std::string names_list(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == 6 && names.size() > 7) {
      text += ", ... (" + std::to_string(names.size() - 6) + " more)";
      break;
    }
    text += (i == 0 ? "" : ", ") + names[i];
  }
  return text;
}

// The download function it was given was called once per file, with each file's duration.
::testing::AssertionResult downloaded_every_file(const Run<Results>& run, const Probe& probe,
                                                 const Files& files, const std::string& function) {
  if (run.error) return grading::finished(run);
  auto key = [](const FileToDownload& f) { return std::make_pair(f.name, f.duration); };
  std::multiset<std::pair<std::string, Duration>> expected, called;
  for (const auto& file : files) expected.insert(key(file));
  for (const auto& call : probe.calls) called.insert(key(call));
  if (expected == called) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  std::set<std::string> distinct;
  for (const auto& file : files) distinct.insert(file.name);
  if (probe.calls.empty() && !files.empty()) {
    if (const int direct = run.started("download_file"); direct > 0) {
      failure << function << " ran download_file " << direct << " time" << (direct == 1 ? "" : "s")
              << " by its name, but never called the download function it was given (its "
                 "`download` parameter).";
    } else {
      failure << function
              << " never called the download function it was given (its `download` "
                 "parameter).";
    }
    failure << " Call download(file.name, file.duration) for each file: the caller chooses how a "
               "file is downloaded (here, the graders' own download, which counts how many run "
               "at once).\n";
  } else if (distinct.size() < files.size() && probe.calls.size() == distinct.size()) {
    failure << function << " called download " << probe.calls.size() << " times for "
            << files.size() << " files: once per distinct name. A name that appears twice in "
            << "`files` is two downloads, each with its own duration and its own result.\n";
  } else if (probe.calls.size() != files.size()) {
    failure << function << " called download " << probe.calls.size() << " times for "
            << files.size() << " files: exactly one download per element of `files`, whatever "
            << "their number and the limit.\n";
  } else {
    failure << function << " called download for the right number of files, but not with the "
            << "files' own names and durations: download(file.name, file.duration) for each.\n";
  }
  return failure << grading::hints_pointer();
}

// Never more than `limit` at once, and as many as it allows (the first min(limit, n) at 0).
::testing::AssertionResult kept_the_limit(const Run<Results>& run, const Probe& probe,
                                          std::size_t limit, std::size_t count,
                                          const std::string& function) {
  if (run.error) return grading::finished(run);
  const std::size_t allowed = std::min(limit, count);
  if (probe.peak == allowed || count == 0) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (probe.peak == 3 && limit != 3) {
    failure << "at most 3 downloads were in flight at once, but the limit is " << limit << " ("
            << count << " files): 3 is download_ten's number, not this call's. Create the "
            << "semaphore with the `limit` parameter.\n";
  } else if (probe.peak > limit) {
    failure << "in " << function << ", " << probe.peak
            << " downloads were in flight at the same moment (at " << format_duration(probe.peak_at)
            << ": " << names_list(probe.peak_names) << "), but the limit is " << limit
            << ".\nWhat you missed: a download may only run "
            << "while it holds a permit. Acquire the permit BEFORE the download starts (auto "
               "permit = co_await semaphore.acquire(); then co_await download(...)), and keep it "
               "until the download has finished: the permit is a local variable that lives "
               "until the end of the scope around the co_await download(...).\n";
  } else if (probe.peak == 1) {
    failure << "the downloads ran one at a time: never two in flight together, though the limit is "
            << limit << ". Each one was awaited before the next started, so the total was "
            << format_duration(run.elapsed) << ".\nWhat you missed: the limit is how many may run "
            << "at once, so start them all together (one aio::gather over every download) and let "
               "the semaphore hold back those beyond the limit.\n";
  } else {
    failure << "at most " << probe.peak << " downloads were in flight at once, but the limit "
            << "allows " << allowed << " (" << count << " files, limit " << limit << "): some "
            << "downloads waited although a permit was free. One semaphore of `limit` permits "
               "for the whole call; every download waits on that one only.\n";
  }
  return failure << grading::hints_pointer();
}

// Every waiting file started the instant a permit came back: no start later than the schedule.
::testing::AssertionResult started_when_a_permit_freed(const Run<Results>& run, const Probe& probe,
                                                       const Expected& expected) {
  if (run.error) return grading::finished(run);
  std::vector<Duration> actual;
  for (const auto& ran : probe.runs) actual.push_back(ran.started);
  std::vector<Duration> planned = expected.starts;
  std::sort(actual.begin(), actual.end());
  std::sort(planned.begin(), planned.end());
  if (actual.size() != planned.size()) return ::testing::AssertionSuccess();  // shown elsewhere
  for (std::size_t k = 0; k < actual.size(); ++k) {
    if (actual[k] < planned[k]) return ::testing::AssertionSuccess();  // the timeline shows it
    if (actual[k] == planned[k]) continue;
    return ::testing::AssertionFailure()
           << "the downloads started late: start number " << k + 1 << " came at "
           << format_duration(actual[k]) << ", but a permit was free from "
           << format_duration(planned[k])
           << " on (a download had finished and given its permit back then).\nWhat you missed: "
              "a file waiting for a permit must start the instant one comes back. co_await "
              "semaphore.acquire() resumes the first waiter right then, in line order; waiting "
              "by pausing and checking again (a sleep, then try_acquire or available()) starts "
              "it late, by up to one pause.\n"
           << grading::side_by_side(expected.timeline, run.timeline()) << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// The results, one per file, in the order of `files`.
::testing::AssertionResult results_are(const Run<Results>& run, const Expected& expected,
                                       const Files& files, const std::string& function) {
  if (run.error) return grading::finished(run);
  const Results& actual = *run.value;
  if (actual == expected.results) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (actual.size() != expected.results.size()) {
    failure << function << " returned " << actual.size() << " results for " << files.size()
            << " files: one result per file, result i for files[i].\n";
  } else if (actual == expected.by_completion) {
    failure << "the results are in completion order (the order the downloads finished), not in "
            << "the order of the files. Result i belongs to files[i]: aio::gather hands back its "
               "results in argument order, return them as it gives them.\n";
  } else {
    std::size_t i = 0;
    while (actual[i] == expected.results[i]) ++i;
    failure << "result " << i << " is " << grading::show_value(actual[i]) << ", expected "
            << grading::show_value(expected.results[i]) << " (files[" << i << "] is "
            << files[i].name << ").\n";
    if (expected.results[i].find(" failed: ") != std::string::npos) {
      failure << "What you missed: that download threw a std::runtime_error. A failed download "
                 "does not stop the others, and its result is \"<name> failed: <what()>\" "
                 "(exercise.hpp): catch (const std::exception& e) around the co_await of that "
                 "one download.\n";
    } else if (actual[i] == files[i].name && expected.results[i] != files[i].name) {
      failure << "What you missed: that is the file's name, but the download returned "
              << grading::show_value(expected.results[i])
              << ": return what each download gave back, not text of your own.\n";
    } else {
      failure << "What you missed: return what each download gave back, in the order of "
                 "`files`.\n";
    }
  }
  return failure << "returned: " << show_results(actual) << "\n" << grading::hints_pointer();
}

// The most intervals [start, end) that hold one moment, looking at moments from `from` on (an
// end of -1: never ended).
std::size_t peak_from(const std::vector<std::pair<Duration, Duration>>& intervals, Duration from) {
  std::size_t peak = 0;
  for (const auto& [moment, unused] : intervals) {
    if (moment < from) continue;
    std::size_t count = 0;
    for (const auto& [start, end] : intervals)
      if (start <= moment && (end < 0s || moment < end)) ++count;
    peak = std::max(peak, count);
  }
  return peak;
}

// Permits that never came back: files that should have started never did (after a failure, or
// after downloads that finished normally), or the rest ran with one permit fewer after a failure.
::testing::AssertionResult permits_came_back(const Run<Results>& run, const Probe& probe,
                                             const Files& files, const Plan& plan,
                                             const Expected& expected) {
  std::vector<std::string> failed_at;
  for (const auto& ran : probe.runs)
    if (ran.failed) failed_at.push_back(ran.name + " at " + format_duration(ran.ended));
  std::set<std::string> started;
  for (const auto& ran : probe.runs) started.insert(ran.name);
  std::vector<std::string> never;
  for (const auto& file : files)
    if (!started.count(file.name)) never.push_back(file.name);
  if (run.error) {
    try {
      std::rethrow_exception(run.error);
    } catch (const std::runtime_error& error) {
      for (const auto& [name, what] : plan.failures) {
        if (what != error.what()) continue;
        return ::testing::AssertionFailure()
               << "the error of " << name << " (\"" << what << "\") came out of the function, and "
               << "the other downloads were cancelled with it.\nWhat you missed: a download that "
                  "throws a std::exception does not stop the others: catch it around the "
                  "co_await of that one download and make its result \"<name> failed: "
                  "<what()>\" (exercise.hpp).\n"
               << grading::hints_pointer();
      }
    } catch (...) {
    }
  }
  const std::string raii =
      "What you missed: keep the permit in an RAII object (auto permit = co_await "
      "semaphore.acquire();) that gives it back whenever its scope ends, also when an exception "
      "leaves it. A counter you decrement by hand is skipped by the exception.\n";
  if (!run.error) {
    if (failed_at.empty()) return grading::finished(run);
    // Everything ran, but did the downloads after the first failure get as many permits?
    Duration first_failure{-1};
    for (const auto& ran : probe.runs)
      if (ran.failed && (first_failure < 0s || ran.ended < first_failure))
        first_failure = ran.ended;
    std::vector<std::pair<Duration, Duration>> actual, planned;
    for (const auto& ran : probe.runs) actual.emplace_back(ran.started, ran.ended);
    for (std::size_t i = 0; i < files.size(); ++i)
      planned.emplace_back(expected.starts[i], expected.starts[i] + files[i].duration);
    const std::size_t peak_after = peak_from(actual, first_failure);
    const std::size_t planned_after = peak_from(planned, first_failure);
    if (first_failure < 0s || peak_after >= planned_after) return grading::finished(run);
    return ::testing::AssertionFailure()
           << "after a download failed (" << names_list(failed_at) << "), at most " << peak_after
           << " downloads ran at once, though files were still waiting and " << planned_after
           << " could have run: the permit the failed download held was never given back, so "
              "every download after it had one permit fewer.\n"
           << raii << grading::side_by_side(expected.timeline, run.timeline())
           << grading::hints_pointer();
  }
  // Files left waiting, and a run that never ended (a deadlock, or the time limit): the permit
  // of the failed download never came back.
  if (never.empty()) return grading::finished(run);
  if (failed_at.empty()) {
    // Nothing failed, every download that ran has ended, and still the rest never started.
    const bool all_ended = std::all_of(probe.runs.begin(), probe.runs.end(),
                                       [](const Ran& ran) { return ran.ended >= 0s; });
    if (!all_ended || probe.runs.empty()) return grading::finished(run);
    return ::testing::AssertionFailure()
           << never.size() << " file" << (never.size() == 1 ? "" : "s") << " never started ("
           << names_list(never) << "), although every download that had started ("
           << probe.runs.size()
           << ") had finished: their permits were not given back when they "
              "finished.\nWhat you missed: a permit goes back when the Permit object holding it "
              "is destroyed. A local variable of the coroutine that awaits the download dies when "
              "that coroutine's body ends. A Permit kept anywhere else lives longer: an element of "
              "a container until it is erased, a member of an object until the object dies. Keep "
              "the permit in a local variable of the coroutine that awaits the download.\nHow "
              "the run ended: "
           << grading::explain_error(run.error) << "\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionFailure()
         << "after a download failed (" << names_list(failed_at) << "), " << never.size() << " file"
         << (never.size() == 1 ? "" : "s") << " never started (" << names_list(never)
         << "): the permit the failed download held was never given back, so the files waiting "
            "for it waited forever.\n"
         << raii << "How the run ended: " << grading::explain_error(run.error) << "\n"
         << grading::hints_pointer();
}

// The busiest window of `window`: the most starts with the last less than `window` after the
// first.
struct Busiest {
  std::size_t count = 0;
  Duration from{};
  Duration to{};
};

Busiest busiest_window(std::vector<Duration> starts, Duration window) {
  std::sort(starts.begin(), starts.end());
  Busiest busiest;
  for (std::size_t i = 0, j = 0; i < starts.size(); ++i) {
    while (j < starts.size() && starts[j] < starts[i] + window) ++j;
    if (j - i > busiest.count) busiest = {j - i, starts[i], starts[j - 1]};
  }
  return busiest;
}

const std::string semaphore_is_not_a_rate =
    "A semaphore bounds how many run at once, not how many start per second: when a short "
    "download finishes, the next one takes its permit and starts at once, however many started "
    "in the last second. A rate limiter counts STARTS in a window: the (k + N)-th start waits "
    "until 1 s after the k-th, and holds nothing while its download runs.";

// rate_limited: never more than `rate` starts in 1 s, and no start later than the rate allows.
::testing::AssertionResult started_at_the_rate(const Run<Results>& run, const Probe& probe,
                                               const Files& files, int rate,
                                               const Expected& expected) {
  if (run.error) return grading::finished(run);
  std::vector<Duration> starts;
  for (const auto& ran : probe.runs) starts.push_back(ran.started);
  auto failure = ::testing::AssertionFailure();
  // One start after another, all the same distance apart?
  std::vector<Duration> sorted = starts;
  std::sort(sorted.begin(), sorted.end());
  bool even = sorted.size() > 2 && rate > 1 && sorted[1] > sorted[0];
  for (std::size_t i = 1; even && i < sorted.size(); ++i)
    even = sorted[i] - sorted[i - 1] == sorted[1] - sorted[0];
  const std::string spacing = even ? format_duration(sorted[1] - sorted[0]) : "";
  const std::string burst_allowed =
      "The window allows a burst: " + std::to_string(rate) +
      " may start at once, and the next ones as soon as 1 s has passed since the starts they "
      "replace in the window. Sleep only when the window is full, and only until its oldest "
      "start is 1 s old.\n";
  const Busiest busiest = busiest_window(starts, 1s);
  if (busiest.count > static_cast<std::size_t>(rate)) {
    failure << busiest.count << " downloads started within 1 s (from "
            << format_duration(busiest.from) << " to " << format_duration(busiest.to)
            << "), but the rate is " << rate << " per second.\n";
    if (probe.peak == static_cast<std::size_t>(rate)) {
      failure << "Yet never more than " << probe.peak << " ran at the same moment: that is what "
              << "a semaphore does.\nWhat you missed: " << semaphore_is_not_a_rate << "\n";
    } else if (even) {
      failure << "The downloads started evenly spaced, " << spacing << " apart, one by one, and "
              << rate << " such gaps (1 s / " << rate << ", rounded down) add up to less than 1 s. "
              << burst_allowed;
    } else {
      failure << "What you missed: at most " << rate << " starts in ANY window of 1 s: the (k + "
              << rate << ")-th start waits until 1 s after the k-th.\n";
    }
    return failure << grading::side_by_side(expected.timeline, run.timeline())
                   << grading::hints_pointer();
  }
  // Started later than needed: find the first such file.
  std::map<std::string, const Ran*> by_name;
  for (const auto& ran : probe.runs) by_name.emplace(ran.name, &ran);
  for (std::size_t k = 0; k < files.size(); ++k) {
    auto it = by_name.find(files[k].name);
    if (it == by_name.end()) continue;  // the timeline check shows what is missing
    const Duration actual = it->second->started;
    if (actual <= expected.starts[k]) continue;
    failure << files[k].name << " (file " << k << ") started at " << format_duration(actual)
            << ", but the rate of " << rate << " per second lets it start at "
            << format_duration(expected.starts[k]) << ".\n";
    bool after_an_end = false;
    for (const auto& ran : probe.runs)
      if (ran.ended == actual && &ran != it->second) after_an_end = true;
    if (even) {
      failure << "The downloads started evenly spaced, " << spacing << " apart, one by one. "
              << burst_allowed;
    } else if (after_an_end) {
      failure << "It started at the moment another download finished: it waited for a running "
                 "download, though the rate allowed it to start before. A rate limiter does not "
                 "limit how many run at once: nothing is held while a download runs, and "
              << expected.starts.size() << " downloads may overlap.\n"
              << semaphore_is_not_a_rate << "\n";
    } else {
      failure << "A start the window allows must not wait: the (k + " << rate
              << ")-th start waits until exactly 1 s after the k-th, no longer.\n";
    }
    return failure << grading::side_by_side(expected.timeline, run.timeline())
                   << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// The second of two calls in one program returned nothing of the first call's.
::testing::AssertionResult nothing_kept_from_the_first_call(const Run<Results>& second,
                                                            const Results& first_results,
                                                            const std::string& function) {
  if (second.error) return grading::finished(second);
  for (const auto& result : *second.value) {
    if (std::find(first_results.begin(), first_results.end(), result) == first_results.end())
      continue;
    return ::testing::AssertionFailure()
           << "the second call of " << function << " returned " << show_results(*second.value)
           << ": " << grading::show_value(result)
           << " is a result of the FIRST call, which downloaded other files. Something kept the "
              "first call's results (a `static` variable, or one outside the function, lives as "
              "long as the program).\nWhat you missed: each call starts from nothing: keep the "
              "semaphore, the tasks and the results in local variables.\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// ---- running the exercises -----------------------------------------------------------------

struct Graded {
  Run<Results> run;
  std::shared_ptr<Probe> probe;
};

// A forgotten permit makes the rest wait forever; polling for it would go on for the whole hour
// the graders allow by default. So a run may take twice what it should, plus 30 s, no more.
grading::Settings capped(Duration expected = 0s) {
  grading::Settings settings;
  settings.virtual_limit = 2 * expected + 30s;
  return settings;
}

Graded run_download_ten(Plan plan = {}) {
  auto probe = std::make_shared<Probe>();
  auto download = graders_download_fn(probe, std::move(plan));
  return {grading::run(ch10::download_ten(download), capped(8s)), probe};
}

Graded run_download_limited(const Files& files, int limit, Plan plan = {}) {
  auto probe = std::make_shared<Probe>();
  auto download = graders_download_fn(probe, std::move(plan));
  const Duration expected = limit < 1 ? 0s : expected_limited(files, limit, plan).elapsed;
  return {grading::run(ch10::download_limited(files, limit, download), capped(expected)), probe};
}

Graded run_rate_limited(const Files& files, int rate, Plan plan = {}) {
  auto probe = std::make_shared<Probe>();
  auto download = graders_download_fn(probe, std::move(plan));
  const Duration expected = rate < 1 ? 0s : expected_rate_limited(files, rate, plan).elapsed;
  return {grading::run(ch10::rate_limited(files, rate, download), capped(expected)), probe};
}

// ---- lessons --------------------------------------------------------------------------------

std::string limited_lesson(std::size_t limit) {
  return "under a semaphore of " + std::to_string(limit) +
         " permits, the first files take the permits at 0 s, and each download that ends hands "
         "its permit to the first file still waiting, at that very instant, in file order "
         "(first come, first served).";
}

const std::string ten_lesson =
    "ten downloads of 2 s under Semaphore(3): three start at 0 s, and each time one finishes the "
    "next file takes its permit: starts at 0, 0, 0, 2, 2, 2, 4, 4, 4, 6 s.";

std::string elapsed_lesson(const Files& files, std::size_t limit) {
  return "with at most " + std::to_string(limit) + " at once the downloads take " +
         format_duration(expected_limited(files, limit).elapsed) + ": more than the longest (" +
         format_duration(longest(files)) + ", no limit), less than the sum (" +
         format_duration(sum(files)) + ", one at a time).";
}

// Everything download_limited must get right, for files few enough to compare whole timelines.
// The decisive checks come first and stop the test, so that each failure is explained once.
void expect_download_limited(const Files& files, int limit, const Plan& plan = {}) {
  const std::size_t permits = static_cast<std::size_t>(limit);
  const Expected expected = expected_limited(files, permits, plan);
  auto [run, probe] = run_download_limited(files, limit, plan);
  ASSERT_TRUE(permits_came_back(run, *probe, files, plan, expected));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_file(run, *probe, files, "download_limited"));
  ASSERT_TRUE(kept_the_limit(run, *probe, permits, files.size(), "download_limited"));
  ASSERT_TRUE(started_when_a_permit_freed(run, *probe, expected));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline, limited_lesson(permits)));
  EXPECT_TRUE(grading::elapsed_is(run, expected.elapsed, elapsed_lesson(files, permits)));
  EXPECT_TRUE(results_are(run, expected, files, "download_limited"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

const std::string rate_lesson =
    "a rate limit of N per second lets N downloads start at once, the next N at 1 s, and so on, "
    "however long each download takes: the k-th file starts at floor(k / N) s, and downloads "
    "overlap freely.";

void expect_rate_limited(const Files& files, int rate, const Plan& plan = {}) {
  const Expected expected = expected_rate_limited(files, rate, plan);
  auto [run, probe] = run_rate_limited(files, rate, plan);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_file(run, *probe, files, "rate_limited"));
  ASSERT_TRUE(started_at_the_rate(run, *probe, files, rate, expected));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline, rate_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, expected.elapsed, rate_lesson));
  EXPECT_TRUE(results_are(run, expected, files, "rate_limited"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// Durations that never end on a whole second when started on one (so no download ends in the
// instant new ones start: the order of such lines would depend on how the limiter waits).
Files rate_files(int count, int min_ms, int max_ms) {
  Files files = random_files(count, min_ms, max_ms);
  for (auto& file : files)
    if (file.duration % 1s == 0s) file.duration += 7ms;
  return files;
}

}  // namespace

// ---- download_file ------------------------------------------------------------------------

TEST(DownloadFile, PrintsDownloadingThenFinishedAfterItsDuration) {
  const std::string lesson =
      "co_await aio::sleep(duration) suspends download_file for exactly its duration: print "
      "\"Downloading <name>...\" before it and \"Finished <name>\" after it.";
  Files cases = {{"file_0.txt", 2s}};
  Files random = random_files(2);
  cases.insert(cases.end(), random.begin(), random.end());
  for (const auto& file : cases) {
    SCOPED_TRACE("download_file(\"" + file.name + "\", " + format_duration(file.duration) + ")");
    auto run = grading::run(ch10::download_file(file.name, file.duration));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::timeline_is(
        run, {{0s, "Downloading " + file.name + "..."}, {file.duration, "Finished " + file.name}},
        lesson));
    ASSERT_TRUE(grading::elapsed_is(run, file.duration, lesson));
    ASSERT_TRUE(grading::real_time_below(run, 1s));
  }
}

TEST(DownloadFile, ReturnsTheFilesName) {
  Files cases = {{"twice.txt", 1s}, {"twice.txt", 500ms}};
  Files random = random_files(3);
  cases.insert(cases.end(), random.begin(), random.end());
  for (const auto& file : cases) {
    SCOPED_TRACE("download_file(\"" + file.name + "\", " + format_duration(file.duration) + ")");
    auto run = grading::run(ch10::download_file(file.name, file.duration));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::returned(run, file.name,
                                  "download_file returns the name it was given, as the "
                                  "tutorial's download returns its url."));
  }
}

// ---- download_ten -------------------------------------------------------------------------

TEST(DownloadTen, RunsThreeAtATimeAndTakesEightSeconds) {
  const Files files = tutorial_files();
  const Expected expected = expected_limited(files, 3);
  auto [run, probe] = run_download_ten();
  ASSERT_TRUE(permits_came_back(run, *probe, files, {}, expected));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_file(run, *probe, files, "download_ten"));
  ASSERT_TRUE(kept_the_limit(run, *probe, 3, files.size(), "download_ten"));
  ASSERT_TRUE(started_when_a_permit_freed(run, *probe, expected));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline, ten_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, 8s,
                                  "four rounds of 2 s (3 + 3 + 3 + 1 files): 8 s, not 2 s (no "
                                  "limit) and not 20 s (one at a time)."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(DownloadTen, ReturnsWhatTheDownloadsGaveBackInFileOrder) {
  Plan plan;
  plan.tag = std::to_string(grading::random_int(1000, 9999));
  const Files files = tutorial_files();
  const Expected expected = expected_limited(files, 3, plan);
  auto [run, probe] = run_download_ten(plan);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(downloaded_every_file(run, *probe, files, "download_ten"));
  EXPECT_TRUE(results_are(run, expected, files, "download_ten"));
}

TEST(DownloadTen, AFailedDownloadGivesItsPermitBackAtOnce) {
  // file_1 (or another of the first three) fails early: the next file must start right then.
  const Files tutorial = tutorial_files();
  Files files = tutorial;
  const int failing = grading::random_int(0, 2);
  const Duration fails_after = random_ms(200, 1800);
  Plan plan;
  plan.failures[files[failing].name] =
      "connection reset #" + std::to_string(grading::random_int(100, 999));
  // The graders' download fails after `fails_after`; expected_limited reads it as the duration.
  files[failing].duration = fails_after;
  const Expected expected = expected_limited(files, 3, plan);
  auto probe = std::make_shared<Probe>();
  auto inner = graders_download_fn(probe, plan);
  const std::string failing_name = files[failing].name;
  // download_ten asks for 2 s each: the failing file gives up earlier.
  ch10::DownloadFn download = [inner, failing_name, fails_after](std::string name, Duration d) {
    return inner(name, name == failing_name ? fails_after : d);
  };
  auto run = grading::run(ch10::download_ten(download), capped(8s));
  ASSERT_TRUE(permits_came_back(run, *probe, files, plan, expected));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(kept_the_limit(run, *probe, 3, files.size(), "download_ten"));
  ASSERT_TRUE(grading::timeline_is(
      run, expected.timeline,
      "a download that throws gives its permit back at the instant it throws: " + failing_name +
          " fails at " + format_duration(fails_after) + ", so file_3.txt starts at " +
          format_duration(fails_after) + ", not at 2 s."));
  EXPECT_TRUE(grading::elapsed_is(run, expected.elapsed,
                                  "the freed permit moves the whole schedule forward."));
  EXPECT_TRUE(results_are(run, expected, tutorial, "download_ten"));
}

TEST(DownloadTen, ByDefaultYourDownloadFileDoesTheWork) {
  grading::uses_learners("download_file");
  const Files files = tutorial_files();
  const Expected expected = expected_limited(files, 3);
  auto run = grading::run(ch10::download_ten(), capped(8s));
  ASSERT_TRUE(grading::finished(run));
  std::vector<std::string> lines;
  for (const auto& line : expected.timeline) lines.push_back(line.text);
  ASSERT_TRUE(grading::printed_by(run, "download_file", lines,
                                  "download_file does the downloading (its lines, its wait, its "
                                  "result); download_ten only limits how many run at once."));
  ASSERT_TRUE(grading::ran_times(run, "download_file", 10,
                                 "download_ten downloads each of the ten files once, with "
                                 "download_file (the default of its `download` parameter)."));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline, ten_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, 8s, "four rounds of 2 s: 8 s."));
  EXPECT_TRUE(grading::returned(run, expected.results,
                                "download_ten returns the ten names download_file gave back, in "
                                "file order."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- download_limited ---------------------------------------------------------------------

TEST(DownloadLimited, NeverMoreThanTheLimitAtOnceAndNeverFewer) {
  for (int round = 0; round < 3; ++round) {
    const int limit = grading::random_int(2, 6);
    const Files files = random_files(grading::random_int(limit + 2, 14));
    SCOPED_TRACE(std::to_string(files.size()) + " random files, limit " + std::to_string(limit));
    expect_download_limited(files, limit);
    if (HasFailure()) return;  // one explained failure is enough
  }
}

TEST(DownloadLimited, WorksForAnyNumberOfFilesAndLimits) {
  const int sizes[] = {grading::random_int(15, 60), grading::random_int(61, 300)};
  for (int size : sizes) {
    const int limit = grading::random_int(2, 25);
    const Files files = random_files(size, 1, 3000);
    SCOPED_TRACE(std::to_string(size) + " random files, limit " + std::to_string(limit));
    const Expected expected = expected_limited(files, static_cast<std::size_t>(limit));
    auto [run, probe] = run_download_limited(files, limit);
    ASSERT_TRUE(permits_came_back(run, *probe, files, {}, expected));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(downloaded_every_file(run, *probe, files, "download_limited"));
    ASSERT_TRUE(kept_the_limit(run, *probe, limit, files.size(), "download_limited"));
    ASSERT_TRUE(started_when_a_permit_freed(run, *probe, expected));
    ASSERT_TRUE(grading::timeline_is(run, expected.timeline,
                                     limited_lesson(static_cast<std::size_t>(limit))));
    ASSERT_TRUE(grading::elapsed_is(run, expected.elapsed,
                                    elapsed_lesson(files, static_cast<std::size_t>(limit))));
    ASSERT_TRUE(results_are(run, expected, files, "download_limited"));
    ASSERT_TRUE(grading::real_time_below(run, 1s));
  }
}

TEST(DownloadLimited, LimitOneDownloadsOneAtATime) {
  const Files files = random_files(grading::random_int(3, 7));
  // One permit: each download waits for the previous one, so the durations add up.
  expect_download_limited(files, 1);
}

TEST(DownloadLimited, ALimitOfAtLeastTheCountRunsThemAllAtOnce) {
  const Files files = random_files(grading::random_int(3, 8));
  const int count = static_cast<int>(files.size());
  for (int limit : {count, count + grading::random_int(1, 50)}) {
    SCOPED_TRACE(std::to_string(files.size()) + " files, limit " + std::to_string(limit));
    // A permit for every file: all start at 0 and the total is the longest download.
    expect_download_limited(files, limit);
    if (HasFailure()) return;
  }
}

TEST(DownloadLimited, StartsInFileOrderAndReturnsResultsInFileOrder) {
  // Durations that differ, so that completion order is not file order.
  Files files = random_files(grading::random_int(6, 10), 100, 5000);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.duration > b.duration;  // longest first: they finish in reverse
  });
  Plan plan;
  plan.tag = std::to_string(grading::random_int(1000, 9999));
  expect_download_limited(files, grading::random_int(2, 4), plan);
}

TEST(DownloadLimited, NoFilesReturnsNothingAtOnce) {
  for (int limit : {1, grading::random_int(2, 9)}) {
    SCOPED_TRACE("no files, limit " + std::to_string(limit));
    auto [run, probe] = run_download_limited({}, limit);
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(
        grading::returned(run, Results{}, "no files, no downloads: an empty vector, at once."));
    ASSERT_TRUE(grading::elapsed_is(run, 0s, "nothing to download takes no time."));
  }
}

TEST(DownloadLimited, ALimitBelowOneIsRefused) {
  const Files files = random_files(3);
  for (int limit : {0, -grading::random_int(1, 5)}) {
    for (const Files& some : {files, Files{}}) {
      SCOPED_TRACE("limit " + std::to_string(limit) + ", " + std::to_string(some.size()) +
                   " files");
      auto [run, probe] = run_download_limited(some, limit);
      ASSERT_TRUE(grading::threw<std::invalid_argument>(
          run,
          "with fewer than 1 permit no download could ever start (a Semaphore(0) waits forever): "
          "download_limited refuses such a limit with std::invalid_argument, before anything "
          "starts, even with no files (exercise.hpp)."));
      ASSERT_TRUE(grading::holds(probe->runs.empty(),
                                 "download_limited started downloads before refusing the limit " +
                                     std::to_string(limit) +
                                     ": check the limit first, then start anything."));
    }
  }
}

TEST(DownloadLimited, FailedDownloadsGiveTheirPermitsBackAtOnce) {
  for (int round = 0; round < 2; ++round) {
    const int limit = grading::random_int(1, 4);
    Files files = random_files(grading::random_int(limit + 3, 10), 300, 3000);
    Plan plan;
    plan.tag = std::to_string(grading::random_int(1000, 9999));
    // One of the first files (it holds a permit from 0 s), and one more later.
    plan.failures[files[grading::random_int(0, limit - 1)].name] =
        "timed out #" + std::to_string(grading::random_int(100, 999));
    plan.failures[files[grading::random_int(limit, static_cast<int>(files.size()) - 1)].name] =
        "disk full #" + std::to_string(grading::random_int(100, 999));
    SCOPED_TRACE(std::to_string(files.size()) + " files, limit " + std::to_string(limit) +
                 ", two of them fail");
    expect_download_limited(files, limit, plan);
    if (HasFailure()) return;
  }
}

TEST(DownloadLimited, RepeatedNamesAreDownloadsOfTheirOwn) {
  const Files files = {{"same.txt", 2s},
                       {"other.txt", 1s},
                       {"same.txt", 500ms},
                       {"same.txt", 1500ms},
                       {"last.txt", 250ms}};
  expect_download_limited(files, 2);
}

TEST(DownloadLimited, TwoCallsWithDifferentLimitsInOneProgram) {
  const Files first = {{"first-a.txt", 1s}, {"first-b.txt", 2s}, {"first-c.txt", 1s}};
  const Files second = random_files(grading::random_int(7, 10));
  const int second_limit = grading::random_int(4, 6);
  Results first_results;
  {
    SCOPED_TRACE("first call, limit 2");
    auto [run, probe] = run_download_limited(first, 2);
    ASSERT_TRUE(grading::finished(run));
    first_results = *run.value;
  }
  SCOPED_TRACE("second call in the same program, limit " + std::to_string(second_limit));
  auto [run, probe] = run_download_limited(second, second_limit);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_kept_from_the_first_call(run, first_results, "download_limited"));
  ASSERT_TRUE(grading::holds(probe->peak != 2,
                             "the second call, with limit " + std::to_string(second_limit) +
                                 ", ran at most 2 downloads at once: the FIRST call's limit. "
                                 "Something kept the first call's semaphore (a `static` lives as "
                                 "long as the program).\nWhat you missed: each call makes its "
                                 "own semaphore, a local variable, from its own `limit`."));
  expect_download_limited(second, second_limit);
}

// ---- RateLimiter --------------------------------------------------------------------------

namespace {

// Request k arrives at arrivals[k], waits for limiter.acquire(), and notes when it returned.
aio::Task<> request(ch10::RateLimiter* limiter, Duration arrival, std::size_t k,
                    std::shared_ptr<std::vector<Duration>> starts) {
  co_await aio::sleep(arrival);
  co_await limiter->acquire();
  (*starts)[k] = aio::now();
}

aio::Task<> requests(int max_starts, Duration window, std::vector<Duration> arrivals,
                     std::shared_ptr<std::vector<Duration>> starts) {
  ch10::RateLimiter limiter(max_starts, window);
  std::vector<aio::Task<>> all;
  for (std::size_t k = 0; k < arrivals.size(); ++k)
    all.push_back(request(&limiter, arrivals[k], k, starts));
  co_await aio::gather(std::move(all));
}

// The sliding window: start k = max(arrival k, start (k - n) + window).
std::vector<Duration> expected_starts(int max_starts, Duration window,
                                      const std::vector<Duration>& arrivals) {
  std::vector<Duration> starts;
  for (std::size_t k = 0; k < arrivals.size(); ++k) {
    Duration start = arrivals[k];
    if (k >= static_cast<std::size_t>(max_starts))
      start = std::max(start, starts[k - static_cast<std::size_t>(max_starts)] + window);
    starts.push_back(start);
  }
  return starts;
}

Timeline starts_timeline(const std::vector<Duration>& starts) {
  std::vector<std::pair<Duration, std::size_t>> order;
  for (std::size_t k = 0; k < starts.size(); ++k)
    if (starts[k] >= 0s) order.emplace_back(starts[k], k);
  std::sort(order.begin(), order.end());
  Timeline lines;
  for (auto& [time, k] : order) lines.push_back({time, "request " + std::to_string(k) + " starts"});
  return lines;
}

struct LimiterRun {
  Run<void> run;
  std::shared_ptr<std::vector<Duration>> starts;
};

LimiterRun run_requests(int max_starts, Duration window, const std::vector<Duration>& arrivals) {
  auto starts = std::make_shared<std::vector<Duration>>(arrivals.size(), Duration{-1});
  const Duration expected = max_starts < 1 || window <= 0s || arrivals.empty()
                                ? 0s
                                : expected_starts(max_starts, window, arrivals).back();
  return {grading::run(requests(max_starts, window, arrivals, starts), capped(expected)), starts};
}

std::string window_text(int max_starts, Duration window) {
  return std::to_string(max_starts) + " start" + (max_starts == 1 ? "" : "s") + " per " +
         format_duration(window);
}

// Each request started exactly when the sliding window lets it.
::testing::AssertionResult started_when_the_window_allows(const LimiterRun& limited, int max_starts,
                                                          Duration window,
                                                          const std::vector<Duration>& arrivals) {
  if (limited.run.error) return grading::finished(limited.run);
  const auto expected = expected_starts(max_starts, window, arrivals);
  const auto& actual = *limited.starts;
  if (actual == expected) return ::testing::AssertionSuccess();
  std::size_t k = 0;
  while (actual[k] == expected[k]) ++k;
  auto failure = ::testing::AssertionFailure();
  failure << "with " << window_text(max_starts, window) << ", request " << k << " (arrived at "
          << format_duration(arrivals[k]) << ") returned from acquire() at "
          << format_duration(actual[k]) << ", expected at " << format_duration(expected[k])
          << ".\n";
  if (actual[k] < expected[k]) {
    // Which starts share a window with this one?
    std::vector<Duration> before;
    for (std::size_t j = 0; j < actual.size(); ++j)
      if (j != k && actual[j] >= 0s && actual[j] <= actual[k] && actual[j] > actual[k] - window)
        before.push_back(actual[j]);
    std::sort(before.begin(), before.end());
    failure << "That makes " << before.size() + 1 << " starts within " << format_duration(window)
            << " (";
    for (Duration t : before) failure << format_duration(t) << ", ";
    failure << format_duration(actual[k]) << "), but at most " << max_starts
            << " may start in ANY window of " << format_duration(window)
            << ", wherever it begins: the window slides with time, it does not restart at "
               "fixed moments. The k-th start waits until "
            << format_duration(window) << " after the (k - " << max_starts << ")-th.\n";
  } else if (expected[k] == arrivals[k]) {
    failure << "The window had room when it arrived (fewer than " << max_starts << " starts in the "
            << format_duration(window) << " before), so it must not wait at all.\n";
  } else {
    failure << "It had to wait for the start " << max_starts << " before it to leave the window, "
            << "which happens exactly " << format_duration(window)
            << " after that start, not later.\n";
  }
  return failure << grading::side_by_side(starts_timeline(expected), starts_timeline(actual))
                 << grading::hints_pointer();
}

void expect_limiter(int max_starts, Duration window, const std::vector<Duration>& arrivals) {
  auto limited = run_requests(max_starts, window, arrivals);
  ASSERT_TRUE(grading::finished(limited.run));
  EXPECT_TRUE(started_when_the_window_allows(limited, max_starts, window, arrivals));
  EXPECT_TRUE(grading::real_time_below(limited.run, 1s));
}

}  // namespace

TEST(RateLimiter, LetsABurstStartAtOnceThenWaitsForTheWindow) {
  const int n = grading::random_int(2, 5);
  // 3n callers at 0 s: n start at once, n more at 1 s, n more at 2 s.
  expect_limiter(n, 1s, std::vector<Duration>(static_cast<std::size_t>(3 * n), 0s));
}

TEST(RateLimiter, TheWindowSlides) {
  // exercise.hpp's example: 2 per second, callers at 0.5, 0.6, 1.1, 1.2 and 3.0 s.
  expect_limiter(2, 1s, {500ms, 600ms, 1100ms, 1200ms, 3s});
  if (HasFailure()) return;
  // One per window: each waits exactly one window after the previous start.
  expect_limiter(1, 750ms, {0s, 100ms, 200ms, 2s, 2100ms});
}

TEST(RateLimiter, RandomArrivalsStartExactlyWhenTheWindowAllows) {
  for (int round = 0; round < 4; ++round) {
    const int n = grading::random_int(1, 4);
    const Duration window = random_ms(300, 2000);
    std::vector<Duration> arrivals;
    Duration at{};
    for (int k = grading::random_int(8, 16); k > 0; --k) {
      // Bursts (several at once) and gaps (the window empties).
      if (grading::random_int(0, 2) > 0) at += random_ms(1, 900);
      arrivals.push_back(at);
    }
    SCOPED_TRACE(window_text(n, window) + ", " + std::to_string(arrivals.size()) + " callers");
    expect_limiter(n, window, arrivals);
    if (HasFailure()) return;
  }
}

TEST(RateLimiter, RefusesLimitsBelowOneAndEmptyWindows) {
  const std::pair<int, Duration> cases[] = {
      {0, 1s}, {-grading::random_int(1, 9), 1s}, {2, 0s}, {2, -random_ms(1, 999)}};
  for (const auto& [n, window] : cases) {
    SCOPED_TRACE("RateLimiter(" + std::to_string(n) + ", " + format_duration(window) + ")");
    auto limited = run_requests(n, window, {0s});
    ASSERT_TRUE(grading::threw<std::invalid_argument>(
        limited.run,
        "a limiter that allows no start, or counts starts in a window of no length, makes no "
        "sense: the constructor refuses it with std::invalid_argument (exercise.hpp)."));
  }
}

TEST(RateLimiter, TwoLimitersAndTwoRunsDoNotShareStarts) {
  // Two limiters of one start per second, in one run: each lets its own caller start at 0.
  auto two_limiters = []() -> aio::Task<std::vector<Duration>> {
    ch10::RateLimiter first(1, 1s);
    ch10::RateLimiter second(1, 1s);
    co_await first.acquire();
    Duration a = aio::now();
    co_await second.acquire();
    Duration b = aio::now();
    co_await first.acquire();
    Duration c = aio::now();
    co_return std::vector<Duration>{a, b, c};
  };
  auto run = grading::run(two_limiters(), capped(1s));
  ASSERT_TRUE(grading::finished(run));
  const std::vector<Duration>& times = *run.value;
  ASSERT_TRUE(grading::holds(
      times == std::vector<Duration>{0s, 0s, 1s},
      "two limiters of 1 start per second in one run: first.acquire() returned at " +
          format_duration(times[0]) + ", second.acquire() at " + format_duration(times[1]) +
          ", first.acquire() again at " + format_duration(times[2]) +
          "; expected 0 s, 0 s and 1 s.\nWhat you missed: each RateLimiter counts its own "
          "starts: a new limiter starts with an empty window (keep the starts in the limiter's "
          "State, not in a static), while the first one's second start waits a window."));
  // A second run in the same program: its clock starts at 0 again, and so must the window.
  for (int again = 0; again < 2; ++again) {
    SCOPED_TRACE(again == 0 ? "a run in the same program" : "one more run");
    expect_limiter(1, 1s, {0s, 0s});
    if (HasFailure()) return;
  }
}

// ---- rate_limited -------------------------------------------------------------------------

TEST(RateLimited, AtMostNStartsPerSecondEvenWhenDownloadsAreShort) {
  // Downloads of about 0.1 s: a semaphore would start far more than N per second.
  const int rate = grading::random_int(2, 4);
  const Files files = rate_files(3 * rate + grading::random_int(0, rate - 1), 50, 200);
  SCOPED_TRACE(std::to_string(files.size()) + " short downloads, " + std::to_string(rate) +
               " per second");
  expect_rate_limited(files, rate);
}

TEST(RateLimited, LongDownloadsDoNotHoldUpTheNextStarts) {
  // Downloads of 2-4 s: starts every second all the same, and many run at once.
  const int rate = grading::random_int(1, 3);
  const Files files = rate_files(4 * rate, 2000, 4000);
  SCOPED_TRACE(std::to_string(files.size()) + " long downloads, " + std::to_string(rate) +
               " per second");
  expect_rate_limited(files, rate);
}

TEST(RateLimited, ResultsInFileOrderAndFailuresDoNotStopTheOthers) {
  const int rate = grading::random_int(2, 3);
  const Files files = rate_files(grading::random_int(5, 8), 100, 2500);
  Plan plan;
  plan.tag = std::to_string(grading::random_int(1000, 9999));
  plan.failures[files[1].name] = "refused #" + std::to_string(grading::random_int(100, 999));
  expect_rate_limited(files, rate, plan);
}

TEST(RateLimited, NoFilesAndRatesBelowOne) {
  {
    SCOPED_TRACE("no files");
    auto [run, probe] = run_rate_limited({}, grading::random_int(1, 5));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(grading::returned(run, Results{}, "no files: an empty vector, at once."));
    ASSERT_TRUE(grading::elapsed_is(run, 0s, "nothing to download takes no time."));
  }
  for (int rate : {0, -grading::random_int(1, 5)}) {
    SCOPED_TRACE("rate " + std::to_string(rate));
    auto [run, probe] = run_rate_limited(random_files(2), rate);
    ASSERT_TRUE(grading::threw<std::invalid_argument>(
        run, "a rate below 1 start per second lets nothing start: std::invalid_argument."));
    ASSERT_TRUE(grading::holds(probe->runs.empty(),
                               "rate_limited started downloads before refusing the rate."));
  }
}

TEST(RateLimited, TwoCallsInOneProgramEachStartWithAnEmptyWindow) {
  const Files first = {{"first-a.txt", 300ms}, {"first-b.txt", 300ms}, {"first-c.txt", 300ms}};
  Results first_results;
  {
    SCOPED_TRACE("first call, 2 per second");
    auto [run, probe] = run_rate_limited(first, 2);
    ASSERT_TRUE(grading::finished(run));
    first_results = *run.value;
  }
  const int rate = grading::random_int(2, 3);
  const Files second = rate_files(2 * rate + 1, 100, 1500);
  SCOPED_TRACE("second call in the same program, " + std::to_string(rate) + " per second");
  auto [run, probe] = run_rate_limited(second, rate);
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_kept_from_the_first_call(run, first_results, "rate_limited"));
  expect_rate_limited(second, rate);
}
