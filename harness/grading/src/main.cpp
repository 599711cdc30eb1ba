// main() of every chapter's grader executable. Besides running the tests, it records each test's
// outcome in a results file that the progress report reads (format: harness/grading/README.md).
//
// Compiled into each grader with AWAITLINGS_CHAPTER ("02-await") and AWAITLINGS_RESULTS_DIR
// defined; the environment variable AWAITLINGS_RESULTS_DIR overrides the directory.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "grading/grading.hpp"

#ifndef AWAITLINGS_CHAPTER
#error "AWAITLINGS_CHAPTER must name the chapter, e.g. \"02-await\""
#endif
#ifndef AWAITLINGS_RESULTS_DIR
#define AWAITLINGS_RESULTS_DIR ""
#endif

namespace {

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > 300) text = text.substr(0, 297) + "...";
  return text;
}

// Why a test failed: the learner has not started (a TODO), a check failed, or the grader itself
// met something it did not expect (an exception escaped the test body).
std::string failure_reason(const testing::TestResult& result) {
  // An exception escaping the test body is the grader's fault, whatever it says (even a
  // NotImplemented: graders must capture learner code with grading::run / run_plain).
  bool not_started = false;
  for (int i = 0; i < result.total_part_count(); ++i) {
    const auto& part = result.GetTestPartResult(i);
    if (!part.failed()) continue;
    std::string message = part.message();
    if (message.find("thrown in the test body") != std::string::npos ||
        message.find("thrown in SetUp") != std::string::npos) {
      return "error";
    }
    if (message.find("not started:") != std::string::npos) not_started = true;
  }
  return not_started ? "not_started" : "check";
}

std::string first_failure(const testing::TestResult& result) {
  for (int i = 0; i < result.total_part_count(); ++i) {
    const auto& part = result.GetTestPartResult(i);
    if (part.failed()) return one_line(part.message());
  }
  return "";
}

class ResultRecorder : public testing::EmptyTestEventListener {
 public:
  explicit ResultRecorder(std::filesystem::path dir) : dir_(std::move(dir)) {}

  void OnTestEnd(const testing::TestInfo& info) override {
    const testing::TestResult& result = *info.result();
    std::string status = result.Skipped() ? "skipped" : result.Failed() ? "failed" : "passed";
    if (result.Failed()) {
      std::cout << "  (graded with seed " << grading::seed() << "; AWAITLINGS_SEED="
                << grading::seed() << " replays it)\n";
    }
    if (dir_.empty()) return;
    std::string name = std::string(info.test_suite_name()) + "." + info.name();
    // Parameterised names contain '/' ("Sizes/Download.Works/3"): they nest in folders.
    std::filesystem::path file = dir_ / (name + ".result");
    std::error_code ignored;
    std::filesystem::create_directories(file.parent_path(), ignored);
    std::ofstream out(file, std::ios::trunc);
    out << "chapter=" << grading::chapter() << "\n"
        << "test=" << name << "\n"
        << "status=" << status << "\n"
        << "reason=" << (result.Failed() ? failure_reason(result) : "none") << "\n"
        << "message=" << (result.Failed() ? first_failure(result) : "") << "\n";
  }

 private:
  std::filesystem::path dir_;
};

std::filesystem::path results_dir() {
  std::string base = AWAITLINGS_RESULTS_DIR;
  if (const char* env = std::getenv("AWAITLINGS_RESULTS_DIR")) base = env;
  if (base.empty()) return {};
  return std::filesystem::path(base) / AWAITLINGS_CHAPTER;
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  grading::set_chapter(AWAITLINGS_CHAPTER);
  testing::UnitTest::GetInstance()->listeners().Append(new ResultRecorder(results_dir()));
  return RUN_ALL_TESTS();
}
