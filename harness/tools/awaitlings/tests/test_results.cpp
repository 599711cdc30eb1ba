#include <gtest/gtest.h>

#include <thread>

#include "results.hpp"
#include "scratch.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

std::string result_text(const std::string& test, const std::string& status,
                        const std::string& reason = "none", const std::string& message = "") {
  return "chapter=04-gather\ntest=" + test + "\nstatus=" + status + "\nreason=" + reason +
         "\nmessage=" + message + "\n";
}

TEST(Results, ParsesAResultsFile) {
  auto result = parse_result(result_text("A.B", "failed", "not_started", "not started: f() x=1"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->test, "A.B");
  EXPECT_EQ(result->status, "failed");
  EXPECT_EQ(result->reason, "not_started");
  EXPECT_EQ(result->message, "not started: f() x=1");  // '=' in a value stays
}

TEST(Results, AFileWithoutTestOrStatusIsNoResult) {
  EXPECT_FALSE(parse_result(""));
  EXPECT_FALSE(parse_result("chapter=04-gather\ntest=A.B\n"));  // cut before status
  EXPECT_FALSE(parse_result("status=passed\n"));
  EXPECT_FALSE(parse_result("garbage without equals signs"));
}

TEST(Results, TestListInTheGradersOrder) {
  std::string text =
      "add_test(...)\nset(  ch04_grader_TESTS ch04.Download.First ch04.Sizes/All.Works/3 "
      "ch04.Gather.Last)\n";
  EXPECT_EQ(parse_test_list(text, "ch04"),
            (std::vector<std::string>{"Download.First", "Sizes/All.Works/3", "Gather.Last"}));
  EXPECT_TRUE(parse_test_list(text, "ch05").empty());
  EXPECT_TRUE(parse_test_list("nothing here", "ch04").empty());
}

TEST(Results, FullMessagesFromResultsJson) {
  std::string json = R"({"version": 3, "status": "fail", "message": null, "tests": [
      {"name": "A.Passes", "status": "pass", "message": null, "output": null},
      {"name": "A.Fails", "status": "fail", "message": "line 1\nline 2", "output": null}]})";
  auto messages = parse_full_messages(json);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages["A.Fails"], "line 1\nline 2");
  EXPECT_TRUE(parse_full_messages("{not json").empty());
  EXPECT_TRUE(parse_full_messages(R"({"tests": 3})").empty());
  EXPECT_TRUE(parse_full_messages("").empty());
}

ChapterResults results_of(std::vector<std::string> tests,
                          std::vector<std::pair<std::string, std::string>> outcomes) {
  ChapterResults results;
  results.tests = std::move(tests);
  auto when = fs::file_time_type::clock::now();
  for (auto& [test, status_reason] : outcomes) {
    auto slash = status_reason.find('/');
    results.results[test] = {test, status_reason.substr(0, slash),
                             slash == std::string::npos ? "none" : status_reason.substr(slash + 1),
                             ""};
    results.written[test] = when;
  }
  return results;
}

TEST(Results, SummaryStatuses) {
  auto none = summarize(results_of({"A.x", "A.y"}, {}), std::nullopt);
  EXPECT_EQ(none.status, Status::NotRunYet);
  EXPECT_EQ(none.total, 2);
  EXPECT_EQ(none.run, 0);

  auto todo = summarize(
      results_of({"A.x", "A.y"}, {{"A.x", "failed/not_started"}, {"A.y", "failed/not_started"}}),
      std::nullopt);
  EXPECT_EQ(todo.status, Status::NotStarted);
  EXPECT_EQ(todo.first_failure, "A.x");

  auto checked = summarize(results_of({"A.x", "A.y"}, {{"A.y", "failed/check"}}), std::nullopt);
  EXPECT_EQ(checked.status, Status::InProgress);  // a check failed on code the learner wrote

  auto half = summarize(results_of({"A.x", "A.y"}, {{"A.x", "passed"}, {"A.y", "failed/check"}}),
                        std::nullopt);
  EXPECT_EQ(half.status, Status::InProgress);
  EXPECT_EQ(half.passed, 1);
  EXPECT_EQ(half.first_failure, "A.y");

  auto done =
      summarize(results_of({"A.x", "A.y"}, {{"A.x", "passed"}, {"A.y", "passed"}}), std::nullopt);
  EXPECT_EQ(done.status, Status::Done);
  EXPECT_FALSE(done.first_failure);

  // All recorded tests passed, but one test was never run: not done.
  auto partly = summarize(results_of({"A.x", "A.y"}, {{"A.x", "passed"}}), std::nullopt);
  EXPECT_EQ(partly.status, Status::InProgress);

  // Results of a test that no longer exists count for nothing.
  auto gone =
      summarize(results_of({"A.x"}, {{"A.x", "passed"}, {"Old.t", "failed/check"}}), std::nullopt);
  EXPECT_EQ(gone.status, Status::Done);
  EXPECT_EQ(gone.total, 1);
}

TEST(Results, StaleWhenTheFileChangedAfterTheOldestResult) {
  auto results = results_of({"A.x", "A.y"}, {{"A.x", "passed"}, {"A.y", "passed"}});
  auto graded = results.written["A.x"];
  results.written["A.y"] = graded + std::chrono::seconds(10);
  EXPECT_FALSE(summarize(results, graded - std::chrono::seconds(1)).stale);
  EXPECT_FALSE(summarize(results, graded).stale);
  // Edited after A.x was graded, before A.y: A.x's verdict is about older code.
  EXPECT_TRUE(summarize(results, graded + std::chrono::seconds(5)).stale);
  EXPECT_FALSE(summarize(results_of({"A.x"}, {}), graded).stale);  // nothing graded: not stale
}

TEST(Results, LoadsFromTheBuildTree) {
  Scratch dir;
  Paths paths{dir.path() / "src", dir.path() / "build"};
  Chapter chapter{"04-gather", "04", "gather"};
  dir.write("build/chapters/04-gather/ch04_grader[1]_tests.cmake",
            "set(  ch04_grader_TESTS ch04.B.second ch04.A.first)\n");
  // Another preset's graders are not the learner's.
  dir.write("build/chapters/04-gather/ch04_grader_stub[1]_tests.cmake",
            "set(  ch04_grader_stub_TESTS ch04.Z.z)\n");
  dir.write("build/results/04-gather/B.second.result", result_text("B.second", "passed"));
  dir.write("build/results/04-gather/Sizes/A.first/3.result",
            result_text("A.first", "failed", "check", "short"));
  dir.write("build/results/04-gather/broken.result", "chapter=04-gather\n");
  dir.write("build/results/04-gather/results.json",
            R"({"version": 3, "tests": [{"name": "A.first", "message": "the whole text"}]})");
  ChapterResults results = load_results(paths, chapter);
  EXPECT_EQ(results.tests, (std::vector<std::string>{"B.second", "A.first"}));
  EXPECT_EQ(results.results.size(), 2u);
  EXPECT_EQ(results.results["A.first"].message, "short");
  EXPECT_EQ(results.full_messages["A.first"], "the whole text");
  Summary summary = summarize(results, std::nullopt);
  EXPECT_EQ(summary.passed, 1);
  EXPECT_EQ(summary.first_failure, "A.first");
}

TEST(Results, ACrashShowsTheCrashNotThePlaceholder) {
  const std::string placeholder = "the test did not finish: it crashed, or it hung";
  ChapterResults results;
  results.results["A.crashed"] = {"A.crashed", "failed", "crashed", "crashed (SIGSEGV) in f()"};
  results.full_messages["A.crashed"] = placeholder;
  results.results["A.stuck"] = {"A.stuck", "failed", "stuck", "a step is stuck in g()"};
  results.full_messages["A.stuck"] = placeholder;
  // Killed by ctest's timeout: the placeholder is all anyone knows.
  results.results["A.killed"] = {"A.killed", "failed", "killed", "did not finish (short)"};
  results.full_messages["A.killed"] = placeholder;
  // A grader that wrote the crash into results.json: its whole text wins.
  results.results["A.told"] = {"A.told", "failed", "crashed", "crashed (SIGSEGV)"};
  results.full_messages["A.told"] = "Crashed (SIGSEGV) while ...\n  AddressSanitizer ...";
  results.results["A.only"] = {"A.only", "failed", "check", "short"};
  EXPECT_EQ(explanation(results, "A.crashed"), "crashed (SIGSEGV) in f()");
  EXPECT_EQ(explanation(results, "A.stuck"), "a step is stuck in g()");
  EXPECT_EQ(explanation(results, "A.killed"), placeholder);
  EXPECT_EQ(explanation(results, "A.told"), results.full_messages["A.told"]);
  EXPECT_EQ(explanation(results, "A.only"), "short");
  EXPECT_EQ(explanation(results, "A.unknown"), "");
}

TEST(Results, TestsWeStoppedAreNoVerdict) {
  Scratch dir;
  Paths paths{dir.path() / "src", dir.path() / "build"};
  Chapter chapter{"04-gather", "04", "gather"};
  dir.write("build/results/04-gather/A.first.result", result_text("A.first", "passed"));
  dir.write("build/results/04-gather/A.second.result",
            result_text("A.second", "failed", "killed", "the test did not finish"));
  // A timeout of ctest's, with awaitlings not interrupted: a verdict (the test hangs).
  ChapterResults results = load_results(paths, chapter);
  EXPECT_FALSE(results.interrupted);
  EXPECT_EQ(results.results.size(), 2u);
  EXPECT_EQ(summarize(results, std::nullopt).first_failure, "A.second");
  // awaitlings was stopped while grading: the test it killed is not run, not failed.
  dir.write("build/results/04-gather/grading-in-progress", "");
  results = load_results(paths, chapter);
  EXPECT_TRUE(results.interrupted);
  EXPECT_EQ(results.results.count("A.second"), 0u);
  Summary summary = summarize(results, std::nullopt);
  EXPECT_FALSE(summary.first_failure);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(summary.run, 1);
}

TEST(Results, WithoutATestListTheResultsAreAllThereIs) {
  Scratch dir;
  Paths paths{dir.path() / "src", dir.path() / "build"};
  Chapter chapter{"04-gather", "04", "gather"};
  dir.write("build/results/04-gather/B.b.result", result_text("B.b", "passed"));
  dir.write("build/results/04-gather/A.a.result", result_text("A.a", "passed"));
  EXPECT_EQ(load_results(paths, chapter).tests, (std::vector<std::string>{"A.a", "B.b"}));
  EXPECT_TRUE(load_results(paths, Chapter{"05-x", "05", "x"}).tests.empty());
}

TEST(Results, StatusWords) {
  EXPECT_EQ(status_word(Status::Done), "done");
  EXPECT_EQ(status_word(Status::InProgress), "in progress");
  EXPECT_EQ(status_word(Status::NotStarted), "not started");
  EXPECT_EQ(status_word(Status::NotRunYet), "not run yet");
}

}  // namespace
}  // namespace awaitlings
