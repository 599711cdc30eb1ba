// Graders of chapter 12, exercise 3 — run_pipeline: fetch -> parse -> store, one task per stage,
// bounded queues between them, shutdown passed down with close(), a failure stopping them all.
//
// The graders' stages print "fetching <url>" / "fetched <url>", "parsing <url>" / "parsed <url>"
// and "storing <url>" / "stored <url>", take a random time per item and stage, and pass on
// values no literal can guess (the page names the url, the call and a random token; the record
// too), so the graders can tell that each stage got what the one before produced. A stage that is
// cancelled prints "<stage> <url> cancelled", takes 0.2 s to clean up and prints "... cleaned up":
// only waiting for the stages to stop gets the end of the run right.
//
// The expected times come from a model of the line (each queue first in, first out, at most
// `capacity` items in it): stage s starts item i when it has both finished item i-1 (put it
// downstream) and received item i; it puts item i as soon as it is done and the next stage has
// taken item i-capacity.
#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"
#include "graders_support.hpp"

namespace {

using namespace ch12_graders;

constexpr Duration kCleanup = 200ms;
constexpr int kStages = 3;
const std::array<std::string, kStages> kVerb = {"fetching", "parsing", "storing"};
const std::array<std::string, kStages> kDone = {"fetched", "parsed", "stored"};
const std::array<std::string, kStages> kName = {"fetch", "parse", "store"};

struct Case {
  std::vector<std::string> urls;
  std::size_t capacity = 1;
  std::vector<std::array<Duration, kStages>> takes;  // [item][stage]
  int failing_stage = -1;                            // -1: nobody fails
  int failing_item = -1;
  std::string failure_message;
  std::string describe() const {
    std::string text =
        std::to_string(urls.size()) + " url(s), capacity " + std::to_string(capacity);
    if (failing_stage >= 0) {
      text += ", " + kName[failing_stage] + " fails on item " + std::to_string(failing_item);
    }
    return text;
  }
};

struct Times {
  std::vector<std::array<Duration, kStages>> start, end;  // [item][stage]
};

// The model: start (G), end of the work (F) and end of the put (P) of every item and stage.
Times model_times(const std::vector<std::array<Duration, kStages>>& takes, std::size_t capacity) {
  const std::size_t n = takes.size();
  Times t;
  t.start.resize(n);
  t.end.resize(n);
  std::vector<std::array<Duration, kStages>> put(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int s = 0; s < kStages; ++s) {
      Duration ready = i == 0 ? 0s : put[i - 1][s];       // done with the previous item
      if (s > 0) ready = std::max(ready, put[i][s - 1]);  // and the item has arrived
      t.start[i][s] = ready;
      t.end[i][s] = ready + takes[i][s];
      put[i][s] = t.end[i][s];
      if (s + 1 < kStages && i >= capacity) {  // room: item i-c has been taken
        put[i][s] = std::max(put[i][s], t.start[i - capacity][s + 1]);
      }
    }
  }
  return t;
}

struct Model {
  Timeline lines;
  Duration end{};
  bool ambiguous = false;
};

Model simulate(const Case& c) {
  Model m;
  const Times t = model_times(c.takes, c.capacity);
  const std::size_t n = c.urls.size();
  if (c.failing_stage < 0) {
    for (std::size_t i = 0; i < n; ++i) {
      for (int s = 0; s < kStages; ++s) {
        m.lines.push_back({t.start[i][s], kVerb[s] + " " + c.urls[i]});
        m.lines.push_back({t.end[i][s], kDone[s] + " " + c.urls[i]});
      }
    }
    m.end = n == 0 ? 0s : t.end[n - 1][kStages - 1];
    return m;
  }
  // A failure at T: what happened before it, then every stage busy at T is cancelled.
  const Duration fails_at =
      t.end[static_cast<std::size_t>(c.failing_item)][static_cast<std::size_t>(c.failing_stage)];
  m.end = fails_at;
  for (std::size_t i = 0; i < n; ++i) {
    for (int s = 0; s < kStages; ++s) {
      const bool failing = s == c.failing_stage && static_cast<int>(i) == c.failing_item;
      for (Duration at : {t.start[i][s], t.end[i][s]}) {
        if (at == fails_at && !failing) m.ambiguous = true;
      }
      if (t.start[i][s] < fails_at || failing) {
        m.lines.push_back({t.start[i][s], kVerb[s] + " " + c.urls[i]});
      }
      if (failing) {
        m.lines.push_back({fails_at, kVerb[s] + " " + c.urls[i] + " failed"});
      } else if (t.end[i][s] < fails_at) {
        m.lines.push_back({t.end[i][s], kDone[s] + " " + c.urls[i]});
      } else if (t.start[i][s] < fails_at) {  // busy at T: cancelled, cleans up
        m.lines.push_back({fails_at, kName[s] + " " + c.urls[i] + " cancelled"});
        m.lines.push_back({fails_at + kCleanup, kName[s] + " " + c.urls[i] + " cleaned up"});
        m.end = fails_at + kCleanup;
      }
    }
  }
  return m;
}

std::vector<std::string> random_urls(int n) {
  static const char* const sites[] = {"news", "shop", "blog", "wiki", "docs", "mail", "maps"};
  std::vector<std::string> urls;
  for (int i = 0; i < n; ++i) {
    urls.push_back("https://" + std::string(sites[grading::random_int(0, 6)]) + ".example/" +
                   std::to_string(grading::random_int(10, 99)) + "-" + std::to_string(i));
  }
  return urls;
}

// `n` random urls; stage durations drawn from the given ranges (ms).
Case random_case(int n, std::array<std::pair<int, int>, kStages> ranges, std::size_t capacity) {
  Case c;
  c.urls = random_urls(n);
  c.capacity = capacity;
  for (int i = 0; i < n; ++i) {
    std::array<Duration, kStages> takes{};
    for (int s = 0; s < kStages; ++s) takes[s] = random_ms(ranges[s].first, ranges[s].second);
    c.takes.push_back(takes);
  }
  return c;
}

// ---- the graders' stages -------------------------------------------------------------------

struct Record {
  const Case* c = nullptr;
  int fetch_calls = 0;
  std::vector<std::string> fetched_urls;      // in call order
  std::map<std::string, int> item_of_page;    // page -> item
  std::map<std::string, int> item_of_record;  // record -> item
  std::vector<std::string> unknown_pages, unknown_records;
  std::vector<int> parsed, stored;  // items, in call order
  std::vector<std::string> cancelled;
};

// How a graders' stage works an item: print, take the time, print. If it is cancelled, it says
// so and takes kCleanup to clean up. The failing stage throws instead of finishing.
aio::Task<> work_item(std::shared_ptr<Record> record, int stage, int item, const std::string& url) {
  const Case& c = *record->c;
  const bool known = item >= 0 && static_cast<std::size_t>(item) < c.takes.size();
  aio::print(kVerb[stage], " ", url);
  bool cancelled = false;
  try {
    co_await aio::sleep(known ? c.takes[item][stage] : 100ms);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    aio::print(kName[stage], " ", url, " cancelled");
    record->cancelled.push_back(kName[stage] + " " + url);
    co_await aio::sleep(kCleanup);
    aio::print(kName[stage], " ", url, " cleaned up");
    throw aio::CancelledError{};
  }
  if (stage == c.failing_stage && item == c.failing_item) {
    aio::print(kVerb[stage], " ", url, " failed");
    throw std::runtime_error(c.failure_message);
  }
  aio::print(kDone[stage], " ", url);
}

std::string url_of(const Case& c, int item) {
  return item >= 0 && static_cast<std::size_t>(item) < c.urls.size() ? c.urls[item] : "(unknown)";
}

aio::Task<std::string> graders_fetch(std::shared_ptr<Record> record, std::string url) {
  const int item = record->fetch_calls++;
  record->fetched_urls.push_back(url);
  co_await work_item(record, 0, item, url);
  std::string page = "<page of " + url + ", call " + std::to_string(item) + ", " +
                     std::to_string(grading::random_int(1000, 9999)) + ">";
  record->item_of_page[page] = item;
  co_return page;
}

aio::Task<std::string> graders_parse(std::shared_ptr<Record> record, std::string page) {
  auto found = record->item_of_page.find(page);
  const int item = found == record->item_of_page.end() ? -1 : found->second;
  if (item < 0) record->unknown_pages.push_back(page);
  record->parsed.push_back(item);
  const std::string url = url_of(*record->c, item);
  co_await work_item(record, 1, item, url);
  std::string parsed = "{record of " + url + ", item " + std::to_string(item) + ", " +
                       std::to_string(grading::random_int(1000, 9999)) + "}";
  record->item_of_record[parsed] = item;
  co_return parsed;
}

aio::Task<> graders_store(std::shared_ptr<Record> record, std::string stored) {
  auto found = record->item_of_record.find(stored);
  const int item = found == record->item_of_record.end() ? -1 : found->second;
  if (item < 0) record->unknown_records.push_back(stored);
  record->stored.push_back(item);
  co_await work_item(record, 2, item, url_of(*record->c, item));
}

struct Ending {
  bool returned = false;
  Duration at{};
  std::string failure;  // what() of the std::runtime_error, if one came out
};

aio::Task<int> run_noting_the_end(aio::Task<int> task, Ending* ending) {
  int stored = -1;
  try {
    stored = co_await std::move(task);
    ending->returned = true;
  } catch (const aio::RuntimeError&) {
    throw;  // the runtime's own errors (QueueClosed, a deadlock...) are explained elsewhere
  } catch (const std::runtime_error& e) {  // a stage's error, as run_pipeline let it through
    ending->failure = e.what();
  }
  ending->at = aio::now();
  co_return stored;
}

struct Outcome {
  Run<int> run;
  std::shared_ptr<Record> record;
  Ending ending;
};

Outcome run_case(const Case& c) {
  Outcome out;
  out.record = std::make_shared<Record>();
  out.record->c = &c;
  auto record = out.record;
  ch12::Fetch fetch = [record](std::string url) { return graders_fetch(record, std::move(url)); };
  ch12::Parse parse = [record](std::string page) { return graders_parse(record, std::move(page)); };
  ch12::Store store = [record](std::string r) { return graders_store(record, std::move(r)); };
  aio::Task<int> task =
      ch12::run_pipeline(c.urls, c.capacity, std::move(fetch), std::move(parse), std::move(store));
  out.run = grading::run(run_noting_the_end(std::move(task), &out.ending), capped());
  return out;
}

// ---- what the evidence says ----------------------------------------------------------------

int lines_starting(const Run<int>& run, const std::string& prefix) {
  int n = 0;
  for (const auto& line : run.timeline())
    if (line.text.rfind(prefix, 0) == 0) ++n;
  return n;
}

::testing::AssertionResult diagnosis(const Case& c, const Model& m, const Outcome& out) {
  const Run<int>& run = out.run;
  if (hit_a_todo(run)) return grading::finished(run);
  if (blocked_the_loop(run)) return grading::finished(run);  // which explains it
  const Record& rec = *out.record;
  const std::string progress = " (" + std::to_string(lines_starting(run, "stored ")) + " of " +
                               std::to_string(c.urls.size()) + " records stored by then)";
  if (std::string report = deadlock_report(run); !report.empty()) {
    if (c.failing_stage >= 0 && report.find("queue put") != std::string::npos) {
      return ::testing::AssertionFailure()
             << "the run deadlocked after " << kName[c.failing_stage]
             << " failed: a stage waited in put() for room in a queue that the failed stage "
                "would never empty again. The loop reported:\n"
             << indented(report)
             << "What you missed: when one stage fails, the others must be cancelled, or the "
                "stages before it wait for room forever. Run the three stages as one group "
                "(aio::gather or aio::task_group): the first failure cancels the rest, waits for "
                "them, and rethrows.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    if (report.find("queue get") != std::string::npos) {
      return ::testing::AssertionFailure()
             << "the run deadlocked: a stage was still waiting in get() for more items after the "
                "last one had gone through, and no task could put one or close its queue"
             << progress << ". The loop reported:\n"
             << indented(report)
             << "What you missed: shutdown travels down the pipeline. The fetcher closes the "
                "pages queue after its last put; the parser, once get() gives it std::nullopt, "
                "closes the records queue; the storer then stops too. A stage whose input is "
                "never closed waits forever.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    if (report.find("queue put") != std::string::npos) {
      return ::testing::AssertionFailure()
             << "the run deadlocked: a stage waited in put() for room in a full queue that the "
                "next stage was no longer emptying"
             << progress << ". The loop reported:\n"
             << indented(report)
             << "What you missed: each stage keeps taking from its input queue until get() "
                "gives std::nullopt (closed and empty).\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
  }
  if (failed_with<aio::QueueClosed>(run)) {
    return ::testing::AssertionFailure()
           << "a put() threw aio::QueueClosed: a stage put an item into a queue that had already "
              "been closed"
           << progress
           << ".\nWhat you missed: a queue is closed by the stage "
              "that feeds it, after its own last put: the fetcher closes the pages queue, the "
              "parser closes the records queue once its input is closed and drained.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (!rec.unknown_pages.empty() || !rec.unknown_records.empty()) {
    const bool pages = !rec.unknown_pages.empty();
    return ::testing::AssertionFailure()
           << (pages ? "parse() was given " : "store() was given ")
           << quoted_list(pages ? rec.unknown_pages : rec.unknown_records)
           << (pages ? ", which fetch() never returned." : ", which parse() never returned.")
           << "\nWhat you missed: each stage passes on exactly what its function returned: the "
              "page from fetch(url) goes to parse, the record from parse(page) goes to store.\n"
           << grading::hints_pointer();
  }
  if (rec.fetched_urls.size() > c.urls.size() ||
      !std::equal(rec.fetched_urls.begin(), rec.fetched_urls.end(), c.urls.begin())) {
    return ::testing::AssertionFailure()
           << "fetch() was called with " << quoted_list(rec.fetched_urls) << ", but the urls "
           << "are " << quoted_list(c.urls) << ".\nWhat you missed: the fetcher fetches every "
           << "url, once, in order (a url listed twice is fetched twice).\n"
           << grading::hints_pointer();
  }
  if (c.failing_stage >= 0) {
    // After the failure, no stage may start or finish an item: they are cancelled at once.
    const Timeline lines = run.timeline();
    const Line* failed = nullptr;
    for (const auto& line : lines) {
      if (line.text.size() > 7 && line.text.compare(line.text.size() - 7, 7, " failed") == 0) {
        failed = &line;
        break;
      }
    }
    for (const auto& line : lines) {
      if (!failed || line.time <= failed->time) continue;
      bool stage_work = false;
      for (int st = 0; st < kStages; ++st) {
        stage_work = stage_work || line.text.rfind(kVerb[st] + " ", 0) == 0 ||
                     line.text.rfind(kDone[st] + " ", 0) == 0;
      }
      if (!stage_work) continue;
      return ::testing::AssertionFailure()
             << kName[c.failing_stage] << " failed at " << format_duration(failed->time)
             << ", but the other stages went on working: \"" << line.text << "\" at "
             << format_duration(line.time)
             << ".\nWhat you missed: when one stage fails, the "
                "line is broken: the other stages must be cancelled at that instant (and their "
                "results would go nowhere: a stage after a dead one waits forever for input, a "
                "stage before it for room). Run the three stages as one group (aio::gather or "
                "aio::task_group): the first failure cancels the rest, waits for them, and "
                "rethrows.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    if (std::string pending = pending_messages(run); !pending.empty()) {
      return ::testing::AssertionFailure()
             << kName[c.failing_stage] << " failed, and other stages were still running when "
             << "run_pipeline ended; the loop cancelled them and reported:\n"
             << pending
             << "What you missed: a failing stage must stop the whole line: run the stages as "
                "one group (aio::gather, aio::task_group), which cancels the others at the "
                "failure and waits until they have stopped.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    if (!run.error && out.ending.failure.empty()) {
      return ::testing::AssertionFailure()
             << kName[c.failing_stage] << " threw std::runtime_error(\"" << c.failure_message
             << "\"), but run_pipeline "
             << (out.ending.returned ? "returned normally"
                                     : "did not "
                                       "end with it")
             << ".\nWhat you missed: the error of a stage leaves run_pipeline "
             << "unchanged (do not catch it): the caller must learn that the pipeline failed.\n"
             << grading::hints_pointer();
    }
    if (!out.ending.failure.empty() && out.ending.failure != c.failure_message) {
      return ::testing::AssertionFailure()
             << "run_pipeline failed with \"" << out.ending.failure << "\", expected the stage's "
             << "own error, \"" << c.failure_message << "\".\n"
             << grading::hints_pointer();
    }
    for (const auto& line : run.timeline()) {
      if (line.text.find(" cleaned up") == std::string::npos || line.time <= out.ending.at) {
        continue;
      }
      return ::testing::AssertionFailure()
             << "the error came out of run_pipeline at " << format_duration(out.ending.at)
             << ", but a cancelled stage was still cleaning up then (\"" << line.text << "\" at "
             << format_duration(line.time) << ").\nWhat you missed: cancelling a stage is a "
             << "request; the group must wait until every stage has stopped before the error "
                "leaves run_pipeline.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    return grading::finished(run);
  }
  std::vector<int> in_order;
  for (int i = 0; i < static_cast<int>(c.urls.size()); ++i) in_order.push_back(i);
  if (!run.error && rec.stored != in_order) {
    std::vector<std::string> stored;
    for (int item : rec.stored) stored.push_back(url_of(c, item));
    return ::testing::AssertionFailure()
           << "store() got the records of " << quoted_list(stored, 6) << " (in that order), "
           << "but the urls are " << quoted_list(c.urls, 6)
           << ".\nWhat you missed: every url goes through every stage exactly once, and the "
              "queues are first in, first out: the records are stored in the order of the "
              "urls. A stage that stops as soon as its input queue is closed leaves the items "
              "still in it behind: keep taking until get() gives std::nullopt.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (std::string pending = pending_messages(run); !pending.empty()) {
    return ::testing::AssertionFailure()
           << "stages were still running when run_pipeline had returned; the loop cancelled "
              "them and reported:\n"
           << pending
           << "What you missed: run_pipeline returns after every stage has stopped: await them "
              "all (aio::gather, aio::task_group), not only the last one.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  return grading::finished(run);
}

// The fetcher (or the parser) started an item before there was room for the previous one.
::testing::AssertionResult earlier_stages_waited(const Case& c, const Model& m,
                                                 const Outcome& out) {
  Timeline actual = canonical(out.run.timeline());
  Timeline expected = canonical(m.lines);
  for (int s = 0; s + 1 < kStages; ++s) {
    // The k-th "fetching" line of the run against the k-th of the model.
    std::vector<Duration> want, got;
    for (const auto& l : expected)
      if (l.text.rfind(kVerb[s] + " ", 0) == 0) want.push_back(l.time);
    for (const auto& l : actual)
      if (l.text.rfind(kVerb[s] + " ", 0) == 0) got.push_back(l.time);
    for (std::size_t k = 0; k < want.size() && k < got.size(); ++k) {
      if (got[k] >= want[k]) continue;
      return ::testing::AssertionFailure()
             << "the " << kName[s] << " stage started \"" << kVerb[s] << " " << c.urls[k]
             << "\" (item " << k + 1 << ") at " << format_duration(got[k])
             << ", but the queue after it (capacity " << c.capacity
             << ") was full then: it should have been waiting in put() until "
             << format_duration(want[k])
             << ".\nWhat you missed: back-pressure. Bounded queues "
                "(aio::Queue<std::string> pages(capacity)) make a fast stage wait for a slow one "
                "after it, so that items do not pile up; a slow storer slows the parser, and the "
                "parser slows the fetcher.\n"
             << side_by_side(m.lines, out.run) << grading::hints_pointer();
    }
  }
  return ::testing::AssertionSuccess();
}

// The most stages at work at one instant (an item's "<verb>" line to its "<done>" line).
int most_stages_at_once(const Timeline& lines) {
  const Timeline sorted = canonical(lines);
  std::array<int, kStages> busy{};
  int most = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j].time == sorted[i].time) ++j;
    for (int pass = 0; pass < 2; ++pass) {  // the ends of an instant first, then its starts
      for (std::size_t k = i; k < j; ++k) {
        for (int s = 0; s < kStages; ++s) {
          if (pass == 0 && sorted[k].text.rfind(kDone[s] + " ", 0) == 0) --busy[s];
          if (pass == 1 && sorted[k].text.rfind(kVerb[s] + " ", 0) == 0) ++busy[s];
        }
      }
    }
    int working = 0;
    for (int b : busy) working += b > 0 ? 1 : 0;
    most = std::max(most, working);
    i = j;
  }
  return most;
}

::testing::AssertionResult stages_overlapped(const Case& c, const Model& m, const Outcome& out) {
  const int expected = most_stages_at_once(m.lines);
  const int actual = most_stages_at_once(out.run.timeline());
  if (expected < 2 || actual >= 2) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the stages took turns: at no moment were two of them working at once, so each "
            "item went through fetch, parse and store before the next one began ("
         << c.describe()
         << ").\nWhat you missed: a pipeline's stages run concurrently, each "
            "as a task of its own, connected by queues: while the storer stores item 1, the "
            "parser parses item 2 and the fetcher fetches item 3. Then the time taken is set by "
            "the slowest stage, not by the sum of all of them.\n"
         << side_by_side(m.lines, out.run) << grading::hints_pointer();
}

const std::string kTimelineLesson =
    "each stage works one item at a time and passes it on through a queue of `capacity` items: "
    "a stage waits for input when its queue is empty, and for room when the next queue is full";

void expect_case(const Case& c, const Model& m) {
  SCOPED_TRACE(c.describe());
  Outcome out = run_case(c);
  ASSERT_TRUE(diagnosis(c, m, out));
  if (c.failing_stage < 0) {
    ASSERT_TRUE(stages_overlapped(c, m, out));
    ASSERT_TRUE(earlier_stages_waited(c, m, out));
    ASSERT_TRUE(grading::returned(out.run, static_cast<int>(c.urls.size()),
                                  "run_pipeline returns the number of records stored"));
  }
  ASSERT_TRUE(timeline_matches(out.run, m.lines, kTimelineLesson));
  EXPECT_TRUE(grading::elapsed_is(out.run, m.end,
                                  c.failing_stage < 0
                                      ? "the pipeline is over when the last record is stored"
                                      : "at the failure the other stages are cancelled; the "
                                        "error comes out once their cleanup is over"));
  EXPECT_TRUE(grading::real_time_below(out.run, 1s));
}

template <class Draw>
std::pair<Case, Model> unambiguous(Draw draw) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    Case c = draw();
    Model m = simulate(c);
    if (!m.ambiguous) return {std::move(c), std::move(m)};
  }
  ADD_FAILURE() << "grader bug: no unambiguous random case found";
  Case c = draw();
  return {c, simulate(c)};
}

// ---- tests ---------------------------------------------------------------------------------

TEST(Pipeline, ASlowStoreHoldsBackTheFetcher) {
  {
    // Fixed: fetching takes 0.1 s, parsing 0.2 s, storing 1 s, queues of 1.
    Case c;
    c.urls = {"u1", "u2", "u3", "u4", "u5", "u6"};
    c.capacity = 1;
    c.takes.assign(c.urls.size(), {100ms, 200ms, 1s});
    expect_case(c, simulate(c));
    if (HasFatalFailure()) return;
  }
  Case c = random_case(grading::random_int(5, 8), {{{50, 200}, {50, 300}, {800, 1500}}},
                       static_cast<std::size_t>(grading::random_int(1, 2)));
  expect_case(c, simulate(c));
}

TEST(Pipeline, EveryRecordIsStoredOnceInOrder) {
  for (int round = 0; round < 3; ++round) {
    Case c = random_case(grading::random_int(1, 8), {{{50, 900}, {50, 900}, {50, 900}}},
                         static_cast<std::size_t>(grading::random_int(1, 3)));
    expect_case(c, simulate(c));
    if (HasFatalFailure()) return;
  }
}

TEST(Pipeline, ShutdownTravelsDownTheStages) {
  // A slow fetcher: the later stages spend their time waiting for input, and must be told, by
  // the queues being closed, that no more will come.
  Case c = random_case(grading::random_int(2, 5), {{{500, 1500}, {50, 200}, {50, 200}}},
                       static_cast<std::size_t>(grading::random_int(1, 3)));
  expect_case(c, simulate(c));
}

TEST(Pipeline, AFailingStageStopsTheWholeLine) {
  for (int stage : {2, grading::random_int(0, 1)}) {
    auto [c, m] = unambiguous([stage] {
      // At least three items after the failing one: more than the queues after it can hold,
      // so the stages before it are still at work (or waiting for room) when it fails.
      const int n = grading::random_int(5, 8);
      Case c = random_case(n, {{{100, 600}, {100, 600}, {100, 600}}},
                           static_cast<std::size_t>(grading::random_int(1, 2)));
      c.failing_stage = stage;
      c.failing_item = grading::random_int(0, n - 4);
      c.failure_message = kName[stage] + " failed on " + c.urls[c.failing_item] + " (error " +
                          std::to_string(grading::random_int(100, 999)) + ")";
      return c;
    });
    expect_case(c, m);
    if (HasFatalFailure()) return;
  }
}

TEST(Pipeline, NoUrlsStoresNothingAtOnce) {
  Case c;
  c.capacity = 2;
  Outcome out = run_case(c);
  ASSERT_TRUE(diagnosis(c, simulate(c), out));
  ASSERT_TRUE(grading::returned(out.run, 0, "no urls: nothing stored"));
  ASSERT_TRUE(grading::timeline_is(out.run, {}, "no urls: no stage has anything to do"));
  EXPECT_TRUE(grading::elapsed_is(out.run, 0s,
                                  "with no urls the fetcher closes its queue at once, and the "
                                  "shutdown reaches the other stages at once"));
}

TEST(Pipeline, AUrlListedTwiceIsFetchedTwice) {
  Case c;
  c.urls = {"https://same.example/", "https://other.example/", "https://same.example/"};
  c.capacity = 1;
  c.takes = {{300ms, 100ms, 400ms}, {200ms, 250ms, 100ms}, {100ms, 150ms, 350ms}};
  expect_case(c, simulate(c));
}

TEST(Pipeline, TwoCallsInOneProgramAreIndependent) {
  Case first;
  first.urls = {"first.example/a", "first.example/b"};
  first.capacity = 1;
  first.takes.assign(2, {100ms, 100ms, 100ms});
  Case second;
  second.urls = {"second.example/c"};
  second.capacity = 3;
  second.takes.assign(1, {200ms, 300ms, 400ms});
  {
    SCOPED_TRACE("first call");
    expect_case(first, simulate(first));
    if (HasFatalFailure()) return;
  }
  SCOPED_TRACE("second call, in the same program");
  expect_case(second, simulate(second));
}

TEST(Pipeline, ByDefaultTheStagesOfTheHeaderRun) {
  // fetch_page (0.1 s), parse_page (0.2 s), store_record (1 s), as in the demo.
  const std::vector<std::string> urls = {"a.example", "b.example", "c.example"};
  auto run = grading::run(ch12::run_pipeline(urls, 1), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::printed_by(run, "fetch_page", {"fetched a.example"},
                                  "the fetcher calls fetch (fetch_page by default)"));
  ASSERT_TRUE(grading::printed_by(run, "store_record", {"stored record of c.example"},
                                  "the storer calls store (store_record by default)"));
  const Times t = model_times({3, {100ms, 200ms, 1s}}, 1);
  Timeline expected;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    expected.push_back({t.end[i][0], "fetched " + urls[i]});
    expected.push_back({t.end[i][1], "parsed " + urls[i]});
    expected.push_back({t.end[i][2], "stored record of " + urls[i]});
  }
  ASSERT_TRUE(timeline_matches(run, expected, kTimelineLesson));
  ASSERT_TRUE(grading::returned(run, 3, "three urls, three records stored"));
  EXPECT_TRUE(grading::elapsed_is(run, t.end[2][2], "the last record is stored at the end"));
}

}  // namespace
