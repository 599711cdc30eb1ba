// What the graders recorded about a chapter, and what it adds up to. awaitlings never grades on
// its own: it reads the files the graders' main writes (harness/grading/README.md, "Results
// files") and the test lists gtest_discover_tests() leaves in the build tree.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chapters.hpp"

namespace awaitlings {

// One test's <Suite>.<Test>.result file: key=value lines.
struct TestResult {
  std::string test;     // "LongProcess.PrintsStartThenFinishedTwoSecondsLater"
  std::string status;   // passed, failed, skipped
  std::string reason;   // none, not_started, check, error, stuck, crashed, killed
  std::string message;  // the first failed check, on one line, cut to 300 characters
};

// A results file's contents; nothing when it names no test (empty, truncated, not ours).
std::optional<TestResult> parse_result(std::string_view text);

// The tests of `id`'s grader ("ch04") in the grader's order, without the "ch04." prefix, from
// the text of a "<id>_grader[N]_tests.cmake" file (its line "set( ch04_grader_TESTS ...)").
std::vector<std::string> parse_test_list(std::string_view cmake_text, std::string_view id);

// Test name -> its whole teaching text, from a results.json (Exercism's format, version 3).
// Nothing for invalid JSON.
std::map<std::string, std::string> parse_full_messages(std::string_view json_text);

// Everything recorded about a chapter.
struct ChapterResults {
  std::vector<std::string> tests;                     // in the grader's order
  std::map<std::string, TestResult> results;          // by test name
  std::map<std::string, fs::file_time_type> written;  // when each result was written
  std::map<std::string, std::string> full_messages;   // from results.json
  // awaitlings was stopped while grading the chapter (Paths::grading_mark): the tests it
  // stopped, reason "killed", were left out of `results`.
  bool interrupted = false;
};

ChapterResults load_results(const Paths& paths, const Chapter& chapter);

// What to show about `test`: results.json's whole teaching text, unless the results file knows
// more. A test writes "did not finish" to both when it starts; a crash (a signal, an abort, an
// uncaught exception) or a stuck step then rewrites the results file with what happened, and a
// grader that could not update results.json (an older one, a sanitizer's build) leaves the
// placeholder there.
std::string explanation(const ChapterResults& results, const std::string& test);

enum class Status { NotRunYet, NotStarted, InProgress, Done };

struct Summary {
  int passed = 0;
  int total = 0;
  int run = 0;
  Status status = Status::NotRunYet;
  // exercise.cpp changed after the chapter's tests were last graded: the verdict is old.
  bool stale = false;
  std::optional<std::string> first_failure;  // the first failed test, in the grader's order
  bool build_failed = false;
  bool interrupted = false;  // ChapterResults::interrupted: grade again  // the last build of the
                             // chapter failed (Paths::build_failed_mark)
};

// The same rules as the progress report (harness/tools/progress.cmake): done when every test
// passed; not started when nothing passed and every failure is a TODO; not run yet without
// results. `exercise_written` is exercise.cpp's modification time.
Summary summarize(const ChapterResults& results,
                  std::optional<fs::file_time_type> exercise_written);

// "done", "in progress", "not started", "not run yet".
std::string status_word(Status status);

// Records whether the chapter's build just failed, for summarize_chapter() and the progress
// report.
void mark_build(const Paths& paths, const Chapter& chapter, bool ok);

// The chapter's summary from the files on disk.
Summary summarize_chapter(const Paths& paths, const Chapter& chapter);

}  // namespace awaitlings
