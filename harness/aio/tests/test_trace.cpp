// The trace file (AWAITLINGS_TRACE / RunOptions::trace_file): valid Trace Event Format JSON, a
// named track per task, waits as spans with the right times, prints and cancellations as
// instants, and spans on one track that never overlap.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;
using nlohmann::json;

std::string trace_path(const std::string& name) {
  return ::testing::TempDir() + "aio_trace_" + name + ".json";
}

json read_trace(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);  // throws (and fails the test) if the file is not valid JSON
}

aio::Task<> worker(std::string name, aio::Duration d) {
  aio::print(name, " starts");
  co_await aio::sleep(d);
  aio::print(name, " ends");
}

aio::Task<> traced_main() {
  auto a = aio::create_task(worker("a", 1s), "a");
  auto b = aio::create_task(worker("b", 3s), "b");
  co_await aio::sleep(2s);
  b.cancel();
  co_await a;
  try {
    co_await b;
  } catch (const aio::CancelledError&) {
    aio::print("b cancelled");
  }
}

// The events of one run (its pid), and the names of its tracks.
struct TracedRun {
  std::vector<json> events;
  std::map<std::int64_t, std::string> tracks;  // tid -> task name
  std::int64_t tid_of(const std::string& task) const {
    for (const auto& [tid, name] : tracks)
      if (name == task) return tid;
    return -1;
  }
};

TracedRun last_run(const json& trace) {
  TracedRun run;
  std::int64_t pid = 0;
  for (const auto& e : trace["traceEvents"]) pid = std::max(pid, e["pid"].get<std::int64_t>());
  for (const auto& e : trace["traceEvents"]) {
    if (e["pid"] != pid) continue;
    if (e["ph"] == "M" && e["name"] == "thread_name") {
      run.tracks[e["tid"].get<std::int64_t>()] = e["args"]["name"];
    }
    run.events.push_back(e);
  }
  return run;
}

TEST(Trace, EachTaskHasANamedTrackWithItsWaitsPrintsAndCancellation) {
  std::string path = trace_path("tracks");
  Recorder rec;
  rec.options().trace_file = path;
  rec.run(traced_main());
  TracedRun run = last_run(read_trace(path));
  ASSERT_NE(run.tid_of("main"), -1);
  ASSERT_NE(run.tid_of("a"), -1);
  ASSERT_NE(run.tid_of("b"), -1);

  auto find = [&](const std::string& ph, const std::string& task, const std::string& prefix) {
    for (const auto& e : run.events) {
      if (e.value("ph", "") != ph || e.value("tid", -1) != run.tid_of(task)) continue;
      if (e["name"].get<std::string>().rfind(prefix, 0) == 0) return e;
    }
    return json{};
  };
  // a slept 1 s from 0: a wait span of exactly 1,000,000 us on a's track.
  json a_sleep = find("X", "a", "wait: a timer at");
  ASSERT_FALSE(a_sleep.is_null());
  EXPECT_EQ(a_sleep["ts"], 0.0);
  EXPECT_EQ(a_sleep["dur"], 1e6);
  EXPECT_TRUE(a_sleep["args"]["at"].get<std::string>().find("test_trace.cpp") != std::string::npos);
  // b was cancelled at 2 s: its wait ends there, with a cancellation instant.
  json b_sleep = find("X", "b", "wait: a timer at");
  ASSERT_FALSE(b_sleep.is_null());
  EXPECT_EQ(b_sleep["dur"], 2e6);
  json cancel = find("i", "b", "cancel requested");
  ASSERT_FALSE(cancel.is_null());
  EXPECT_EQ(cancel["ts"], 2e6);
  EXPECT_FALSE(find("i", "b", "cancelled").is_null());
  // Prints are instants on the printing task's track, at their time.
  json printed = find("i", "a", "a ends");
  ASSERT_FALSE(printed.is_null());
  EXPECT_EQ(printed["ts"], 1e6);
  EXPECT_EQ(printed["cat"], "print");
  // main waited for a (done at 1 s, so no wait) and for b (cancelled at 2 s).
  EXPECT_FALSE(find("X", "main", "wait: a timer at").is_null());
  EXPECT_FALSE(find("i", "main", "b cancelled").is_null());
  std::remove(path.c_str());
}

TEST(Trace, SpansOnOneTrackNeverOverlap) {
  std::string path = trace_path("nesting");
  Recorder rec;
  rec.options().trace_file = path;
  rec.run(traced_main());
  TracedRun run = last_run(read_trace(path));
  std::map<std::int64_t, std::vector<std::pair<double, double>>> spans;
  for (const auto& e : run.events) {
    if (e["ph"] != "X") continue;
    double ts = e["ts"];
    double dur = e["dur"];
    EXPECT_GE(dur, 0.0);
    spans[e["tid"].get<std::int64_t>()].push_back({ts, ts + dur});
  }
  for (auto& [tid, list] : spans) {
    std::stable_sort(list.begin(), list.end());
    for (std::size_t i = 1; i < list.size(); ++i)
      EXPECT_LE(list[i - 1].second, list[i].first) << "track " << run.tracks[tid];
  }
  std::remove(path.c_str());
}

TEST(Trace, TheFileHoldsEveryRunOfTheProcessAndStaysValid) {
  std::string path = trace_path("runs");
  Recorder rec;
  rec.options().trace_file = path;
  rec.run(worker("first", 1s));
  json once = read_trace(path);
  rec.run(worker("second", 1s));
  json twice = read_trace(path);
  std::set<std::int64_t> pids;
  for (const auto& e : twice["traceEvents"]) pids.insert(e["pid"].get<std::int64_t>());
  EXPECT_GE(pids.size(), 2u);
  EXPECT_GT(twice["traceEvents"].size(), once["traceEvents"].size());
  std::remove(path.c_str());
}

TEST(Trace, DiagnosticsAreProcessWideInstants) {
  std::string path = trace_path("diagnostics");
  Recorder rec;
  rec.options().trace_file = path;
  rec.run([]() -> aio::Task<> {
    auto forgotten = worker("never", 1s);  // destroyed unawaited: "never awaited"
    co_return;
  });
  TracedRun run = last_run(read_trace(path));
  bool found = false;
  for (const auto& e : run.events)
    if (e.value("cat", "") == "diagnostic" && e.value("s", "") == "p") found = true;
  EXPECT_TRUE(found);
  std::remove(path.c_str());
}

}  // namespace
