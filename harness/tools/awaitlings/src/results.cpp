#include "results.hpp"

#include "text.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <system_error>

namespace awaitlings {

std::optional<TestResult> parse_result(std::string_view text) {
  TestResult result;
  for (const std::string& line : split_lines(text)) {
    auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string key = line.substr(0, equals);
    std::string value = line.substr(equals + 1);
    if (key == "test") result.test = value;
    if (key == "status") result.status = value;
    if (key == "reason") result.reason = value;
    if (key == "message") result.message = value;
  }
  if (result.test.empty() || result.status.empty()) return std::nullopt;
  return result;
}

std::vector<std::string> parse_test_list(std::string_view cmake_text, std::string_view id) {
  std::string text(cmake_text);
  std::regex list_line("set\\( *" + std::string(id) + "_grader_TESTS ([^)\\n]*)\\)");
  std::smatch match;
  std::vector<std::string> tests;
  if (!std::regex_search(text, match, list_line)) return tests;
  std::istringstream names(match[1].str());
  std::string prefix = std::string(id) + ".";
  for (std::string name; names >> name;) {
    if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
    tests.push_back(name);
  }
  return tests;
}

std::map<std::string, std::string> parse_full_messages(std::string_view json_text) {
  std::map<std::string, std::string> messages;
  auto report = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object() || !report.contains("tests") || !report["tests"].is_array()) {
    return messages;
  }
  for (const auto& test : report["tests"]) {
    if (!test.is_object()) continue;
    auto name = test.find("name");
    auto message = test.find("message");
    if (name != test.end() && name->is_string() && message != test.end() && message->is_string()) {
      messages[name->get<std::string>()] = message->get<std::string>();
    }
  }
  return messages;
}

ChapterResults load_results(const Paths& paths, const Chapter& chapter) {
  ChapterResults loaded;
  // The learner's grader only: not chNN_grader_stub or the mistakes of other presets.
  std::regex list_file("^" + chapter.id() + "_grader\\[[0-9]+\\]_tests\\.cmake$");
  std::error_code list_error;  // no build folder yet: no test list
  for (const auto& entry : fs::directory_iterator(paths.chapter_build_dir(chapter), list_error)) {
    if (std::regex_match(entry.path().filename().string(), list_file)) {
      auto tests = parse_test_list(read_file(entry.path()), chapter.id());
      loaded.tests.insert(loaded.tests.end(), tests.begin(), tests.end());
    }
  }
  fs::path dir = paths.results(chapter);
  std::vector<std::string> recorded;
  std::error_code error;
  // A parameterised test's name holds a '/': its file lies deeper. The name comes from test=.
  for (auto it = fs::recursive_directory_iterator(dir, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->path().extension() != ".result") continue;
    auto result = parse_result(read_file(it->path()));
    if (!result) continue;
    // Its own error_code: the loop's one says whether the walk goes on, and a file gone between
    // the listing and this call must cost its time only, not end the walk (or leave an error
    // that the next call's success would hide).
    std::error_code time_error;
    auto written = fs::last_write_time(it->path(), time_error);
    if (!time_error) loaded.written[result->test] = written;
    recorded.push_back(result->test);
    loaded.results[result->test] = *result;
  }
  std::error_code mark_error;
  loaded.interrupted = fs::exists(paths.grading_mark(chapter), mark_error);
  if (loaded.interrupted) {
    // A test that "did not finish" because we stopped its grading is no verdict on the code.
    for (auto it = loaded.results.begin(); it != loaded.results.end();) {
      if (it->second.reason != "killed") {
        ++it;
        continue;
      }
      std::erase(recorded, it->first);
      loaded.written.erase(it->first);
      it = loaded.results.erase(it);
    }
  }
  // Without a test list (the grader was never built), the results are all there is.
  if (loaded.tests.empty()) {
    std::sort(recorded.begin(), recorded.end());
    loaded.tests = recorded;
  }
  loaded.full_messages = parse_full_messages(read_file(dir / "results.json"));
  return loaded;
}

std::string explanation(const ChapterResults& results, const std::string& test) {
  auto recorded = results.results.find(test);
  auto full = results.full_messages.find(test);
  if (full == results.full_messages.end()) {
    return recorded != results.results.end() ? recorded->second.message : std::string();
  }
  bool placeholder = full->second.rfind("the test did not finish", 0) == 0;
  if (placeholder && recorded != results.results.end() && recorded->second.reason != "killed") {
    return recorded->second.message;
  }
  return full->second;
}

Summary summarize(const ChapterResults& results,
                  std::optional<fs::file_time_type> exercise_written) {
  Summary summary;
  summary.interrupted = results.interrupted;
  bool started = false;  // a failure other than a TODO: the learner has written something
  std::optional<fs::file_time_type> oldest;
  for (const std::string& test : results.tests) {
    auto found = results.results.find(test);
    // Skipped (GTEST_SKIP: something the machine lacks): left out, as results.json and the
    // progress report leave it out.
    if (found != results.results.end() && found->second.status == "skipped") continue;
    ++summary.total;
    if (found == results.results.end()) continue;
    ++summary.run;
    const TestResult& result = found->second;
    if (result.status == "passed") {
      ++summary.passed;
    } else if (result.status == "failed") {
      if (result.reason != "not_started") started = true;
      if (!summary.first_failure) summary.first_failure = test;
    }
    auto written = results.written.find(test);
    if (written != results.written.end() && (!oldest || written->second < *oldest)) {
      oldest = written->second;
    }
  }
  if (summary.total > 0 && summary.passed == summary.total) {
    summary.status = Status::Done;
  } else if (summary.run == 0) {
    summary.status = Status::NotRunYet;
  } else if (summary.passed == 0 && !started) {
    summary.status = Status::NotStarted;
  } else {
    summary.status = Status::InProgress;
  }
  // Stale when the file changed after the oldest of the tests' last runs: some verdict shown is
  // about code that is no longer there.
  // In microseconds, the finest file(TIMESTAMP) gives the progress report: both say the same.
  auto micro = [](fs::file_time_type time) {
    return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch());
  };
  summary.stale = oldest && exercise_written && micro(*exercise_written) > micro(*oldest);
  return summary;
}

std::string status_word(Status status) {
  switch (status) {
    case Status::Done:
      return "done";
    case Status::InProgress:
      return "in progress";
    case Status::NotStarted:
      return "not started";
    case Status::NotRunYet:
      return "not run yet";
  }
  return "";
}

void mark_build(const Paths& paths, const Chapter& chapter, bool ok) {
  std::error_code error;
  fs::path mark = paths.build_failed_mark(chapter);
  if (ok) {
    fs::remove(mark, error);
    return;
  }
  fs::create_directories(mark.parent_path(), error);
  std::ofstream(mark) << "cmake --build --preset workbook --target " << chapter.id() << "_grader\n";
}

Summary summarize_chapter(const Paths& paths, const Chapter& chapter) {
  std::error_code error;
  auto written = fs::last_write_time(paths.exercise(chapter), error);
  Summary summary = summarize(load_results(paths, chapter),
                              error ? std::nullopt : std::optional<fs::file_time_type>(written));
  std::error_code mark_error;
  summary.build_failed = fs::exists(paths.build_failed_mark(chapter), mark_error);
  return summary;
}

}  // namespace awaitlings
