// Graders of chapter 09, part 4: download_report(files, download), aio::gather_settled.
//
// The graders' download follows a script, one entry per call (so a name that appears twice is two
// downloads): it prints "downloading <name>", waits, then prints "downloaded <name>" and returns a
// content drawn from the seeded generator, or prints "failed <name>" and throws (TransientError,
// PermanentError, std::logic_error, or something that is not a std::exception at all). When it
// is cancelled it prints "<name> cancelled", cleans up for 0.3 s and prints "<name> cleaned up":
// a download cancelled because another one failed shows in the timeline.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "graders_support.hpp"

namespace {

using namespace ch09_graders;

using Report = std::vector<ch09::FileReport>;

constexpr Duration kDownloadCleanup = 300ms;

enum class Ends { Ok, Transient, Permanent, Logic, NotAnException };

struct Item {
  std::string name;
  Duration takes{};
  Ends outcome = Ends::Ok;
  std::string text;  // the content, or the error's message
};

struct DownloadScript {
  std::vector<Item> items;
  std::vector<std::string> calls;  // the names download was called with, in call order
};

aio::Task<std::string> graders_download(std::string name, Item item) {
  aio::print("downloading ", name);
  bool cancelled = false;
  try {
    co_await aio::sleep(item.takes);
  } catch (const aio::CancelledError&) {
    aio::print(name, " cancelled");
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(kDownloadCleanup);
    aio::print(name, " cleaned up");
    throw aio::CancelledError{};
  }
  if (item.outcome == Ends::Ok) {
    aio::print("downloaded ", name);
    co_return item.text;
  }
  aio::print("failed ", name);
  switch (item.outcome) {
    case Ends::Transient:
      throw ch09::TransientError(item.text);
    case Ends::Permanent:
      throw ch09::PermanentError(item.text);
    case Ends::Logic:
      throw std::logic_error(item.text);
    default:
      throw 42;  // not a std::exception: the report says "unknown error"
  }
}

ch09::Download download_for(std::shared_ptr<DownloadScript> script) {
  return [script](std::string name) {
    const std::size_t i = script->calls.size();
    script->calls.push_back(name);
    Item item = i < script->items.size() ? script->items[i] : Item{name, 0s, Ends::Ok, "?"};
    return graders_download(std::move(name), std::move(item));
  };
}

std::vector<std::string> names_of(const std::vector<Item>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name);
  return names;
}

std::string detail_of(const Item& item) {
  return item.outcome == Ends::NotAnException ? "unknown error" : item.text;
}

Report expected_report(const std::vector<Item>& items) {
  Report report;
  for (const auto& item : items) {
    report.push_back({item.name, item.outcome == Ends::Ok, detail_of(item)});
  }
  return report;
}

Timeline expected_timeline(const std::vector<Item>& items) {
  Timeline expected;
  Timeline ends;
  Duration last = 0s;
  int ok = 0;
  for (const auto& item : items) {
    expected.push_back({0s, "downloading " + item.name});
    ends.push_back(
        {item.takes, (item.outcome == Ends::Ok ? "downloaded " : "failed ") + item.name});
    last = std::max(last, item.takes);
    if (item.outcome == Ends::Ok) ++ok;
  }
  std::stable_sort(ends.begin(), ends.end(),
                   [](const Line& a, const Line& b) { return a.time < b.time; });
  expected.insert(expected.end(), ends.begin(), ends.end());
  for (const auto& item : items) {
    expected.push_back({last, (item.outcome == Ends::Ok ? "Downloaded " : "Failed ") + item.name +
                                  ": " + detail_of(item)});
  }
  expected.push_back({last, "Report: " + std::to_string(ok) + " downloaded, " +
                                std::to_string(static_cast<int>(items.size()) - ok) + " failed"});
  return expected;
}

Duration longest(const std::vector<Item>& items) {
  Duration last = 0s;
  for (const auto& item : items) last = std::max(last, item.takes);
  return last;
}

const std::string kSettledLesson =
    "start every download at once and let each run to its end, whatever the others do: "
    "co_await aio::gather_settled(std::move(downloads)) gives one aio::Outcome per download, in "
    "order, a value or an error. aio::gather is the wrong tool here: at the first failure it "
    "cancels the other downloads and rethrows.";

// Recognises the typical download_report mistakes.
template <class T>
::testing::AssertionResult report_diagnosis(const Run<T>& run, const std::vector<Item>& items,
                                            const DownloadScript& script, const Ending& ending) {
  if (hit_a_todo(run)) return grading::finished(run);
  for (const auto& d : run.diagnostics()) {
    if (d.kind == aio::Diagnostic::Kind::SlowStep) return grading::finished(run);
  }
  const Timeline timeline = run.timeline();
  const std::string table = grading::side_by_side(expected_timeline(items), timeline);
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure() << what << "\n" << table << grading::hints_pointer();
  };
  // A failure that cancelled the rest: the signature of aio::gather.
  for (const auto& item : items) {
    const auto cancelled = time_of(timeline, item.name + " cancelled");
    if (!cancelled) continue;
    std::string cause;
    for (const auto& line : timeline) {
      if (line.text.rfind("failed ", 0) == 0 && line.time == *cancelled) {
        cause = line.text.substr(7);
        break;
      }
    }
    return fail(
        "the download of " + item.name + " was cancelled at " + format_duration(*cancelled) +
        (cause.empty() ? std::string() : ", the instant the download of " + cause + " failed") +
        ": a failure stopped the other downloads, so the report lost them. That is what "
        "aio::gather does (and a task group): the first failure cancels the siblings and "
        "is rethrown.\nWhat you missed: " +
        kSettledLesson);
  }
  if (ending.how != "returned" && ending.how != "aio::CancelledError") {
    return fail("an error came out of download_report: " + ending.how +
                ". A report is there to tell the failures, not to fail itself: a failed "
                "download is one line of the report.\nWhat you missed: " +
                kSettledLesson);
  }
  // Every file downloaded once, in order.
  const std::vector<std::string> names = names_of(items);
  if (script.calls != names) {
    const std::set<std::string> distinct(names.begin(), names.end());
    if (distinct.size() < names.size() && script.calls.size() == distinct.size()) {
      return fail("download_report called download " + std::to_string(script.calls.size()) +
                  " times for " + std::to_string(names.size()) +
                  " files: once per distinct name. A name that appears twice is two downloads "
                  "and two lines of the report.");
    }
    return fail("download_report called download for " + ::testing::PrintToString(script.calls) +
                ", expected " + ::testing::PrintToString(names) +
                ": once per file, in the order of `files`.");
  }
  // All at once, not one after another.
  for (const auto& item : items) {
    const auto started = time_of(timeline, "downloading " + item.name);
    if (started && *started != 0s) {
      return fail("the download of " + item.name + " started at " + format_duration(*started) +
                  ", not at 0 s: the downloads ran one after another, each starting only when "
                  "the one before had ended, so the report took the sum of their times.\nWhat "
                  "you missed: " +
                  kSettledLesson);
    }
  }
  return ::testing::AssertionSuccess();
}

struct ReportRun {
  Run<std::string> run;
  Ending ending;
  std::optional<Report> value;
  std::shared_ptr<DownloadScript> script;
};

ReportRun run_report(const std::vector<Item>& items) {
  ReportRun r;
  r.script = std::make_shared<DownloadScript>();
  r.script->items = items;
  aio::Task<Report> reporting = ch09::download_report(names_of(items), download_for(r.script));
  r.run = grading::run(ending_of(std::move(reporting), &r.ending, &r.value), capped());
  return r;
}

std::string show_report(const Report& report) {
  std::string text;
  for (const auto& line : report) {
    text += "    {" + grading::show_value(line.name) + ", " + (line.ok ? "ok" : "failed") + ", " +
            grading::show_value(line.detail) + "}\n";
  }
  return text.empty() ? "    (empty)\n" : text;
}

void expect_report(const std::vector<Item>& items, bool second_call = false) {
  ReportRun r = run_report(items);
  const Run<std::string>& run = r.run;
  ASSERT_TRUE(report_diagnosis(run, items, *r.script, r.ending));
  ASSERT_TRUE(nothing_left_running(run,
                                   "download_report returns once every download has ended: "
                                   "gather_settled waits for all of them"));
  ASSERT_TRUE(grading::finished(run));
  if (second_call) {
    const Timeline expected = expected_timeline(items);
    const Timeline actual = run.timeline();
    ASSERT_TRUE(holds(actual.size() == expected.size() && actual.back() == expected.back())
                << "the second call of download_report, in the same program, did not report "
                   "just its own files: it printed\n"
                << grading::side_by_side(expected, actual)
                << "Something kept lines or counts from the first call (a `static` variable, or "
                   "one outside the function, lives as long as the program).\nWhat you missed: "
                   "each call starts from nothing: keep the report and the counts in local "
                   "variables of the coroutine.\n"
                << grading::hints_pointer());
  }
  ASSERT_TRUE(grading::timeline_is(
      run, expected_timeline(items),
      "every download starts at 0 s and runs to its end; when the last one has ended, "
      "download_report prints one line per file, in the order of `files` (\"Downloaded <name>: "
      "<content>\" or \"Failed <name>: <what()>\"), then \"Report: <k> downloaded, <m> "
      "failed\""));
  const Report expected = expected_report(items);
  EXPECT_TRUE(holds(r.value && *r.value == expected)
              << "download_report returned\n"
              << (r.value ? show_report(*r.value) : std::string("    nothing\n")) << "expected\n"
              << show_report(expected)
              << "What you missed: one FileReport per file, in the order of `files`: ok and the "
                 "content, or not ok and the error's what() (\"unknown error\" for an error that "
                 "is not a std::exception).\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::elapsed_is(run, longest(items),
                                  "the downloads overlap: the report takes as long as the "
                                  "slowest download, not the sum"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

std::vector<Item> random_items(int n) {
  std::vector<Item> items;
  std::set<int> used_ms;
  std::set<int> used_ids;
  for (int i = 0; i < n; ++i) {
    int id = 0;
    do id = grading::random_int(1, 999);
    while (!used_ids.insert(id).second);
    int ms = 0;
    do ms = grading::random_int(200, 5000);
    while (!used_ms.insert(ms).second);
    Item item{"file" + std::to_string(id) + ".txt", milliseconds(ms), Ends::Ok, ""};
    // At least one success and one failure, the rest at random.
    const int pick = i == 0 ? 0 : i == 1 ? 1 : grading::random_int(0, 3);
    item.outcome = pick == 0   ? Ends::Ok
                   : pick == 1 ? Ends::Transient
                   : pick == 2 ? Ends::Permanent
                               : Ends::Ok;
    item.text = item.outcome == Ends::Ok ? random_word("content") : random_word("error");
    items.push_back(std::move(item));
  }
  // Shuffle so that the success and the failure are not always first.
  std::shuffle(items.begin(), items.end(), grading::rng());
  return items;
}

// ---- tests ----------------------------------------------------------------------------------

TEST(DownloadReport, ReportsSuccessesAndFailuresInTheOrderOfTheFiles) {
  expect_report(random_items(grading::random_int(3, 7)));
}

TEST(DownloadReport, AFailureDoesNotCancelTheOtherDownloads) {
  // The first download fails early, the others are still running then.
  expect_report({{"early.txt", random_ms(200, 800), Ends::Permanent, random_word("404")},
                 {"slow.txt", random_ms(2000, 3000), Ends::Ok, random_word("content")},
                 {"slower.txt", random_ms(3001, 4000), Ends::Ok, random_word("content")}});
}

TEST(DownloadReport, EveryKindOfErrorIsReported) {
  expect_report({{"a.txt", 1s, Ends::Transient, random_word("503")},
                 {"b.txt", 2s, Ends::Ok, random_word("content")},
                 {"c.txt", 1500ms, Ends::Logic, random_word("bug")},
                 {"d.txt", 500ms, Ends::NotAnException, ""}});
}

TEST(DownloadReport, EveryDownloadFailing) {
  expect_report({{"x.txt", random_ms(100, 900), Ends::Transient, random_word("timeout")},
                 {"y.txt", random_ms(1000, 1900), Ends::Permanent, random_word("gone")}});
}

TEST(DownloadReport, NoFailureAtAll) {
  expect_report({{"one.txt", random_ms(100, 900), Ends::Ok, random_word("content")},
                 {"two.txt", random_ms(1000, 1900), Ends::Ok, random_word("content")},
                 {"three.txt", random_ms(100, 900), Ends::Ok, random_word("content")}});
}

TEST(DownloadReport, NoFilesIsAnEmptyReportAtOnce) {
  expect_report({});
}

TEST(DownloadReport, ARepeatedNameIsDownloadedAndReportedEachTime) {
  expect_report({{"same.txt", 1s, Ends::Ok, random_word("first copy")},
                 {"other.txt", 2s, Ends::Ok, random_word("content")},
                 {"same.txt", 1500ms, Ends::Transient, random_word("second copy failed")}});
}

TEST(DownloadReport, TwoCallsInOneProgramEachReportTheirOwnFiles) {
  {
    SCOPED_TRACE("first call");
    expect_report({{"first-a.txt", 1s, Ends::Ok, random_word("content")},
                   {"first-b.txt", 2s, Ends::Permanent, random_word("404")}});
  }
  if (HasFailure()) return;
  SCOPED_TRACE("second call, in the same program");
  expect_report({{"second.txt", 500ms, Ends::Ok, random_word("content")}}, /*second_call=*/true);
}

TEST(DownloadReport, CancellingItCancelsEveryDownloadAndReportsNothing) {
  const std::vector<Item> items{{"a.txt", 2s, Ends::Ok, random_word("content")},
                                {"b.txt", 3s, Ends::Permanent, random_word("404")},
                                {"c.txt", 4s, Ends::Ok, random_word("content")}};
  const Duration at = random_ms(200, 1800);
  SCOPED_TRACE("download_report cancelled at " + format_duration(at));
  auto script = std::make_shared<DownloadScript>();
  script->items = items;
  Ending ending;
  aio::Task<Report> reporting = ch09::download_report(names_of(items), download_for(script));
  auto run = grading::run(cancelled_at(std::move(reporting), at, &ending), capped());
  Timeline expected;
  for (const auto& item : items) expected.push_back({0s, "downloading " + item.name});
  for (const auto& item : items) expected.push_back({at, item.name + " cancelled"});
  for (const auto& item : items) {
    expected.push_back({at + kDownloadCleanup, item.name + " cleaned up"});
  }
  ASSERT_TRUE(nothing_left_running(run,
                                   "cancelling download_report cancels every download and waits "
                                   "for them (gather_settled does both)"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(holds(ending.how == "aio::CancelledError")
              << "download_report, cancelled at " << format_duration(at) << ", " << said(ending.how)
              << " at " << format_duration(ending.at)
              << ".\nWhat you missed: a cancellation is not one more failed download: "
                 "gather_settled cancels the downloads, waits for them, and throws "
                 "aio::CancelledError, which must leave download_report. A catch (...) around "
                 "the gather (or inside each download's wrapper) also catches it: catch "
                 "std::exception for errors, and never swallow aio::CancelledError.\n"
              << grading::side_by_side(expected, run.timeline()) << grading::hints_pointer());
  ASSERT_TRUE(grading::timeline_is(run, expected,
                                   "cancelling download_report cancels every download at that "
                                   "instant; each cleans up for 0.3 s; nothing is reported"));
  EXPECT_TRUE(grading::elapsed_is(run, at + kDownloadCleanup,
                                  "the cancellation comes out once every download has cleaned "
                                  "up"));
}

}  // namespace
