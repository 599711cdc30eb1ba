// main() of every chapter's grader executable. Besides running the tests, it
// - prints each failing test's teaching block once, without gtest's "Value of: ... Actual: false
//   (...) Expected: true" wrapping (TeachingPrinter);
// - records each test's outcome in a results file that the progress report reads (format:
//   harness/grading/README.md). The file is written as "did not finish" when the test starts, so
//   a test that crashes or is killed by ctest's timeout never shows its last pass;
// - also keeps the chapter's results.json, in Exercism's test-runner format (version 3), that
//   editors, CI dashboards and the awaitlings command read: every test's status and its whole
//   teaching text;
// - explains a step stuck without co_await (reported by the runtime's watchdog thread) and a crash
//   (a signal handler), and records both as failures.
//
// Compiled into each grader with AWAITLINGS_CHAPTER ("02-await"), AWAITLINGS_RESULTS_DIR and
// AWAITLINGS_HINTS_FILE (the chapter's HINTS.md, which numbers the exercises) defined; the
// environment variable AWAITLINGS_RESULTS_DIR overrides the directory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "grading/grading.hpp"
#include "grading/tasks.hpp"

#ifndef AWAITLINGS_CHAPTER
#error "AWAITLINGS_CHAPTER must name the chapter, e.g. \"02-await\""
#endif
#ifndef AWAITLINGS_RESULTS_DIR
#define AWAITLINGS_RESULTS_DIR ""
#endif
#ifndef AWAITLINGS_HINTS_FILE
#define AWAITLINGS_HINTS_FILE ""
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AWAITLINGS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AWAITLINGS_SANITIZED 1
#endif
#endif

namespace {

// ---- what a failure says ------------------------------------------------------------------

// The grading checks' own text, without the wrapping gtest puts around a failed
// EXPECT_TRUE(check(...)):
//   Value of: grading::finished(run)
//     Actual: false (<the check's message>)
//   Expected: true
//   <anything the test streamed with <<>
std::string teaching_text(const std::string& message) {
  const std::string actual = "\n  Actual: false (";
  const std::string expected = ")\nExpected: true";
  if (message.rfind("Value of: ", 0) != 0) return message;
  auto begin = message.find(actual);
  auto end = message.rfind(expected);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return message;
  std::string text = message.substr(begin + actual.size(), end - begin - actual.size());
  std::string streamed = message.substr(end + expected.size());
  if (!streamed.empty() && streamed[0] == '\n') streamed.erase(0, 1);
  if (!streamed.empty()) text += "\n" + streamed;
  return text;
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > 300) text = text.substr(0, 297) + "...";
  return text;
}

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// A failure message in pieces: its sentences, and the blocks (a side-by-side table, a printed
// transcript) that several checks of one test often repeat word for word.
struct Piece {
  std::string text;
  bool block = false;
};

std::vector<Piece> split_blocks(const std::string& message) {
  std::vector<Piece> pieces;
  std::istringstream lines(message);
  for (std::string line; std::getline(lines, line);) {
    bool opens_block = starts_with(line, "       expected") || line == "What was printed:";
    bool continues_block = !pieces.empty() && pieces.back().block && starts_with(line, "  ");
    if (opens_block) {
      pieces.push_back({line + "\n", true});
    } else if (continues_block) {
      pieces.back().text += line + "\n";
    } else if (!pieces.empty() && !pieces.back().block) {
      pieces.back().text += line + "\n";
    } else {
      pieces.push_back({line + "\n", false});
    }
  }
  return pieces;
}

// Straight to the process's stdout, as gtest's own printer writes: not through std::cout, which a
// test may be capturing at that moment (chapter 01 catches lines written with std::cout).
void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// What ends a failed test's teaching block: where the hints are, and how to replay the seed.
std::string closing_lines() {
  return grading::hints_pointer() + "\n(graded with seed " + std::to_string(grading::seed()) +
         "; AWAITLINGS_SEED=" + std::to_string(grading::seed()) + " replays it)\n";
}

// Prints what gtest's default printer prints, except for failed assertions: each is shown as its
// teaching text, a block already shown in this test is not repeated, and the hints pointer and
// the seed come once, at the end of the test.
class TeachingPrinter : public testing::TestEventListener {
 public:
  explicit TeachingPrinter(testing::TestEventListener* gtest_printer) : inner_(gtest_printer) {}
  ~TeachingPrinter() override { delete inner_; }

  void OnTestProgramStart(const testing::UnitTest& u) override { inner_->OnTestProgramStart(u); }
  void OnTestIterationStart(const testing::UnitTest& u, int i) override {
    inner_->OnTestIterationStart(u, i);
  }
  void OnEnvironmentsSetUpStart(const testing::UnitTest& u) override {
    inner_->OnEnvironmentsSetUpStart(u);
  }
  void OnEnvironmentsSetUpEnd(const testing::UnitTest& u) override {
    inner_->OnEnvironmentsSetUpEnd(u);
  }
  void OnTestSuiteStart(const testing::TestSuite& s) override { inner_->OnTestSuiteStart(s); }
  void OnTestStart(const testing::TestInfo& info) override {
    shown_.clear();
    table_shown_ = false;
    failures_ = 0;
    text_.clear();
    grading::clear_learner_functions_used();
    inner_->OnTestStart(info);
  }
  void OnTestPartResult(const testing::TestPartResult& part) override {
    if (!part.failed()) return inner_->OnTestPartResult(part);
    std::ostringstream out;
    if (failures_++ == 0) {
      for (const auto& name : grading::learner_functions_used()) {
        // "your count_up()", but "your AsyncDatabaseConnection" (a type is not called).
        bool is_type = !name.empty() && std::isupper(static_cast<unsigned char>(name[0]));
        out << "This test goes through your " << name << (is_type ? "" : "()") << ": if " << name
            << "'s own tests fail, fix " << name << " first.\n";
      }
    }
    out << "--- " << (failures_ == 1 ? "failed" : "also failed");
    if (part.file_name()) {
      out << " (" << std::filesystem::path(part.file_name()).filename().string() << ":"
          << part.line_number() << ")";
    }
    out << " ---\n";
    for (const Piece& piece : split_blocks(teaching_text(part.message()))) {
      std::istringstream lines(piece.text);
      if (piece.block) {
        bool table = starts_with(piece.text, "       expected");
        if (table) table_shown_ = true;
        if (!table && table_shown_) {
          // A transcript after a side-by-side table of the same run: its right column.
          out << "(what was printed: the \"actual\" column above)\n";
        } else if (shown_.insert(piece.text).second) {
          out << piece.text;
        } else {
          out << "(the same table as above)\n";
        }
        continue;
      }
      bool in_trace = false;
      for (std::string line; std::getline(lines, line);) {
        if (starts_with(line, "Hints, gentlest first:")) continue;  // once, at the end
        // Two checks of one test often teach the same lesson: say it once.
        if (starts_with(line, "What you missed:") && !shown_.insert(line).second) continue;
        // SCOPED_TRACE context ("Google Test trace:" then "file:line: text"): keep the text.
        if (line == "Google Test trace:") {
          in_trace = true;
          continue;
        }
        if (in_trace) {
          auto colon = line.find(": ");
          out << "(in this check: " << (colon == std::string::npos ? line : line.substr(colon + 2))
              << ")\n";
          continue;
        }
        out << line << "\n";
      }
    }
    print(out.str());
    text_ += out.str();
  }
  void OnTestEnd(const testing::TestInfo& info) override {
    if (info.result()->Failed()) print(closing_lines());
    inner_->OnTestEnd(info);
  }
  void OnTestSuiteEnd(const testing::TestSuite& s) override { inner_->OnTestSuiteEnd(s); }
  void OnEnvironmentsTearDownStart(const testing::UnitTest& u) override {
    inner_->OnEnvironmentsTearDownStart(u);
  }
  void OnEnvironmentsTearDownEnd(const testing::UnitTest& u) override {
    inner_->OnEnvironmentsTearDownEnd(u);
  }
  void OnTestIterationEnd(const testing::UnitTest& u, int i) override {
    inner_->OnTestIterationEnd(u, i);
  }
  void OnTestProgramEnd(const testing::UnitTest& u) override { inner_->OnTestProgramEnd(u); }

  // Every failed check's teaching text printed so far in the current test (without the closing
  // lines, which come after the results are recorded: gtest reports a test's end to the
  // listeners in reverse order).
  const std::string& test_text() const { return text_; }

 private:
  testing::TestEventListener* inner_;
  std::string text_;
  std::set<std::string> shown_;  // blocks already printed in this test
  bool table_shown_ = false;     // a side-by-side table was printed in this test
  int failures_ = 0;
};

// ---- results files ------------------------------------------------------------------------

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
    if (part.failed()) return one_line(teaching_text(part.message()));
  }
  return "";
}

std::filesystem::path results_dir() {
  std::string base = AWAITLINGS_RESULTS_DIR;
  if (const char* env = std::getenv("AWAITLINGS_RESULTS_DIR")) base = env;
  if (base.empty()) return {};
  return std::filesystem::path(base) / AWAITLINGS_CHAPTER;
}

std::string result_text(const std::string& test, const std::string& status,
                        const std::string& reason, const std::string& message) {
  return "chapter=" + grading::chapter() + "\ntest=" + test + "\nstatus=" + status +
         "\nreason=" + reason + "\nmessage=" + message + "\n";
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
}

// Written under another name, then renamed over the file: a reader (an editor, awaitlings) sees
// the old contents or the new ones, never half a file.
void write_file_atomically(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path temporary = file;
  temporary += ".tmp" + std::to_string(::getpid());
  write_file(temporary, text);
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  if (error) std::filesystem::remove(temporary, error);
}

// ---- results.json: Exercism's test-runner format, version 3 -------------------------------
//
// One file per chapter, <results dir>/<chapter>/results.json:
//   {"version": 3, "status": "pass" | "fail", "message": null,
//    "tests": [{"name": "Suite.Test", "status": "pass" | "fail" | "error",
//               "message": <the whole teaching text> | null, "output": null, "task_id": 2}, ...]}
// ctest runs each test in a process of its own, two at a time: each process writes its test's
// entry to <Suite>.<Test>.test.json, then, holding a lock, rebuilds results.json from the entries
// of every test the grader has, in the grader's order.

// A results file's status and reason in Exercism's words: a failed check (or a TODO) is "fail";
// a test that could not finish or whose body threw is "error"; "" for a skipped test, which the
// format cannot express (it is left out).
std::string exercism_status(const std::string& status, const std::string& reason) {
  if (status == "passed") return "pass";
  if (status == "skipped") return "";
  if (reason == "not_started" || reason == "check") return "fail";
  return "error";
}

std::vector<std::string> read_exercise_names() {
  std::ifstream in(AWAITLINGS_HINTS_FILE);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return grading::tasks::exercise_names(text.str());
}

class ExercismReport {
 public:
  explicit ExercismReport(std::filesystem::path dir)
      : dir_(std::move(dir)), exercises_(read_exercise_names()) {}

  // Records one test's outcome (status: pass, fail, error, or "" when skipped), then rebuilds
  // results.json.
  void record(const testing::TestInfo& info, const std::string& status,
              const std::string& message) {
    if (dir_.empty()) return;
    write_file_atomically(entry_file(info), entry_text(info, status, message));
    merge();
  }

  bool enabled() const { return !dir_.empty(); }

  // A test's entry file and its text, which record() writes; the crash handler writes one too.
  std::filesystem::path entry_file(const testing::TestInfo& info) const {
    return entry_file(std::string(info.test_suite_name()) + "." + info.name());
  }
  std::string entry_text(const testing::TestInfo& info, const std::string& status,
                         const std::string& message) const {
    std::string name = std::string(info.test_suite_name()) + "." + info.name();
    nlohmann::json entry;
    if (status.empty()) {
      entry = {{"name", name}, {"skipped", true}};
    } else {
      entry = {{"name", name}, {"status", status}, {"output", nullptr}};
      entry["message"] = status == "pass" ? nlohmann::json(nullptr) : nlohmann::json(message);
      if (auto task = grading::tasks::task_of(info.test_suite_name(), exercises_)) {
        entry["task_id"] = *task;
      }
    }
    return dump(entry);
  }

  // Rebuilds results.json from the entry files of every test the grader has.
  void merge() const {
    // flock: the other grader process ctest runs at the same time merges into the same file.
    std::filesystem::path lock_file = dir_ / ".results.json.lock";
    int lock = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock >= 0) ::flock(lock, LOCK_EX);
    nlohmann::json tests = nlohmann::json::array();
    bool all_passed = true;
    const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      const testing::TestSuite& suite = *unit.GetTestSuite(i);
      for (int j = 0; j < suite.total_test_count(); ++j) {
        const testing::TestInfo& info = *suite.GetTestInfo(j);
        nlohmann::json entry = read_entry(std::string(info.test_suite_name()) + "." + info.name());
        if (entry.is_object() && entry.value("skipped", false)) continue;
        if (!entry.is_object() || !entry.contains("status")) {
          all_passed = false;  // not run yet
          continue;
        }
        if (entry["status"] != "pass") all_passed = false;
        tests.push_back(std::move(entry));
      }
    }
    nlohmann::json report = {{"version", 3},
                             {"status", all_passed && !tests.empty() ? "pass" : "fail"},
                             {"message", nullptr},
                             {"tests", std::move(tests)}};
    write_file_atomically(dir_ / "results.json", dump(report));
    if (lock >= 0) ::close(lock);  // also releases the lock
  }

 private:
  std::filesystem::path entry_file(const std::string& name) const {
    return dir_ / (name + ".test.json");
  }

  // Learner code can print any bytes: invalid UTF-8 becomes U+FFFD instead of an exception.
  static std::string dump(const nlohmann::json& json) {
    return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }

  nlohmann::json read_entry(const std::string& name) const {
    std::ifstream in(entry_file(name));
    if (!in) return nullptr;
    return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }

  std::filesystem::path dir_;
  std::vector<std::string> exercises_;
};

// What the crash handler and the stuck-step reporter need, prepared before the test runs:
// a signal handler may not allocate, so the results file's path and its first lines wait here.
struct FatalReport {
  char path[4096] = "";
  char head[1024] = "";  // "chapter=...\ntest=...\nstatus=failed\n"
  // The test's results.json entry around its message: the handler writes the crash's text, JSON
  // escaped, between the two, then has a fresh process rebuild results.json (grader_self).
  char entry_path[4096] = "";
  char entry_head[4096] = "";
  char entry_tail[4096] = "";
};
FatalReport fatal_report;

// The text record() would write with the message left out: what comes before and after it.
void prepare_fatal_entry(const std::filesystem::path& file, const std::string& text,
                         const std::string& placeholder) {
  fatal_report.entry_path[0] = '\0';
  std::string path = file.string();
  auto at = text.find(placeholder);
  if (at == std::string::npos) return;
  std::string head = text.substr(0, at);
  std::string tail = text.substr(at + placeholder.size());
  if (path.size() >= sizeof fatal_report.entry_path ||
      head.size() >= sizeof fatal_report.entry_head ||
      tail.size() >= sizeof fatal_report.entry_tail) {
    return;
  }
  std::memcpy(fatal_report.entry_head, head.c_str(), head.size() + 1);
  std::memcpy(fatal_report.entry_tail, tail.c_str(), tail.size() + 1);
  std::memcpy(fatal_report.entry_path, path.c_str(), path.size() + 1);
}

void prepare_fatal_report(const std::filesystem::path& file, const std::string& test) {
  std::string path = file.string();
  std::string head = "chapter=" + grading::chapter() + "\ntest=" + test + "\nstatus=failed\n";
  if (path.size() >= sizeof fatal_report.path || head.size() >= sizeof fatal_report.head) {
    fatal_report.path[0] = '\0';
    return;
  }
  std::memcpy(fatal_report.path, path.c_str(), path.size() + 1);
  std::memcpy(fatal_report.head, head.c_str(), head.size() + 1);
}

class ResultRecorder : public testing::EmptyTestEventListener {
 public:
  ResultRecorder(std::filesystem::path dir, const TeachingPrinter& printer)
      : dir_(dir), printer_(printer), exercism_(std::move(dir)) {}

  void OnTestStart(const testing::TestInfo& info) override {
    file_.clear();
    fatal_report.path[0] = '\0';
    fatal_report.entry_path[0] = '\0';
    if (dir_.empty()) return;
    std::string name = test_name(info);
    // Parameterised names contain '/' ("Sizes/Download.Works/3"): they nest in folders.
    file_ = dir_ / (name + ".result");
    std::error_code ignored;
    std::filesystem::create_directories(file_.parent_path(), ignored);
    // Until the test ends, it counts as failed: if the process dies now, this is what stays.
    const std::string did_not_finish =
        "the test did not finish: it crashed, or it hung and was stopped by ctest's timeout "
        "(run it alone to see why)";
    write_file(file_, result_text(name, "failed", "killed", did_not_finish));
    exercism_.record(info, "error", did_not_finish);
    prepare_fatal_report(file_, name);
    if (exercism_.enabled()) {
      const std::string placeholder = "@@awaitlings-crash-text@@";
      prepare_fatal_entry(exercism_.entry_file(info),
                          exercism_.entry_text(info, "error", placeholder), placeholder);
    }
    current_ = &info;
  }

  void OnTestEnd(const testing::TestInfo& info) override {
    fatal_report.path[0] = '\0';
    fatal_report.entry_path[0] = '\0';
    if (file_.empty()) return;
    const testing::TestResult& result = *info.result();
    std::string status = result.Skipped() ? "skipped" : result.Failed() ? "failed" : "passed";
    std::string reason = result.Failed() ? failure_reason(result) : "none";
    write_file(file_, result_text(test_name(info), status, reason,
                                  result.Failed() ? first_failure(result) : ""));
    exercism_.record(info, exercism_status(status, reason), printer_.test_text() + closing_lines());
    current_ = nullptr;
  }

  // A step stuck without co_await ends the process before OnTestEnd: record it now.
  void record_stuck(const std::string& message) {
    if (current_ && !file_.empty()) exercism_.record(*current_, "error", message);
  }

 private:
  static std::string test_name(const testing::TestInfo& info) {
    return std::string(info.test_suite_name()) + "." + info.name();
  }
  std::filesystem::path dir_;
  std::filesystem::path file_;
  const TeachingPrinter& printer_;
  ExercismReport exercism_;
  const testing::TestInfo* current_ = nullptr;  // the test running now
};

ResultRecorder* recorder = nullptr;  // for the stuck-step reporter

// ---- a step that never returns (reported by the runtime's watchdog thread) -----------------

void record_stuck_step(const std::string& message) {
  print("--- failed: the test cannot finish ---\n" + message + "\n" + grading::hints_pointer() +
        "\n");
  if (fatal_report.path[0] == '\0') return;
  write_file(fatal_report.path,
             std::string(fatal_report.head) + "reason=stuck\nmessage=" + one_line(message) + "\n");
  if (recorder) recorder->record_stuck(message + "\n" + grading::hints_pointer() + "\n");
}

// ---- a crash -------------------------------------------------------------------------------

// Everything below runs inside a signal handler: only write(2), open(2), close(2) and text
// prepared beforehand or built digit by digit on the stack.
void say(int fd, const char* text) {
  if (!text) return;
  std::size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t written = ::write(fd, text, length);
    if (written <= 0) return;
    text += written;
    length -= static_cast<std::size_t>(written);
  }
}

using Say = void (*)(int fd, const char* text);

void say_number(int fd, unsigned value, Say out) {
  char digits[16];
  int at = 15;
  digits[at] = '\0';
  do {
    digits[--at] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && at > 0);
  out(fd, digits + at);
}

// "04-gather/exercise.cpp" from a full path: the last two components.
const char* short_path(const char* path) {
  if (!path) return "";
  const char* last = nullptr;
  const char* before = nullptr;
  for (const char* p = path; *p; ++p) {
    if (*p == '/') {
      before = last;
      last = p;
    }
  }
  return before ? before + 1 : path;
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "SIGSEGV, a segmentation fault";
    case SIGBUS:
      return "SIGBUS, a bus error";
    case SIGFPE:
      return "SIGFPE, an arithmetic error such as a division by zero";
    case SIGILL:
      return "SIGILL, an illegal instruction";
    case SIGABRT:
      return "SIGABRT, the program aborted";
    default:
      return "a fatal signal";
  }
}

// Where the crash happened, in one sentence: "while task 'main' was running download_file()
// (04-gather/exercise.cpp, after the co_await at line 17)".
// `text` as the inside of a JSON string.
void say_json(int fd, const char* text) {
  if (!text) return;
  for (const char* p = text; *p; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      char escaped[3] = {'\\', static_cast<char>(c), '\0'};
      say(fd, escaped);
    } else if (c == '\n') {
      say(fd, "\\n");
    } else if (c < 0x20) {
      say(fd, " ");
    } else {
      char plain[2] = {static_cast<char>(c), '\0'};
      say(fd, plain);
    }
  }
}

void say_where(int fd, Say out = say) {
  aio::detail::RunningStep step = aio::detail::running_step();
  if (!step.function) {
    out(fd, " while no coroutine was running (in plain code, or in the grader itself)");
    return;
  }
  out(fd, " while task '");
  out(fd, step.task ? step.task : "?");
  out(fd, "' was running ");
  out(fd, step.function);
  out(fd, "() (");
  out(fd, short_path(step.file));
  if (step.line) {
    out(fd, ", after the co_await at line ");
    say_number(fd, step.line, out);
  } else {
    out(fd, ", since the start of the function");
  }
  out(fd, ")");
}

// What a learner reads about a crash: on the output, and as the test's results.json message.
void say_crash(int fd, int signal, Say out) {
  out(fd, "Crashed (");
  out(fd, signal_name(signal));
  out(fd, ")");
  say_where(fd, out);
  out(fd, ".\n");
  if (signal == SIGABRT) {
    out(fd,
        "  An abort usually means std::terminate: an exception left a destructor or a noexcept "
        "function, or an assert failed. The lines just above this one may say which.\n");
  } else {
    out(fd,
        "  In coroutine code this usually means memory that is already gone: a reference "
        "parameter or a lambda capture that dangles once the caller's temporaries die, a "
        "pointer or string_view into a destroyed coroutine frame, or a null pointer.\n");
  }
  out(fd,
      "  AddressSanitizer shows exactly which access went wrong and where that memory died:\n"
      "    cmake --workflow --preset workbook-asan\n"
      "  (the lesson of chapter 01 explains the preset).\n");
}

// This grader's own executable, run with --awaitlings-merge-results by the crash handler: the
// crashed process cannot build JSON safely (its heap may be what broke).
void merge_in_a_fresh_process() {
  pid_t pid = ::fork();
  if (pid == 0) {
    // The handler runs with the crash's signal blocked, and exec keeps the mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    char self[] = "/proc/self/exe";
    char flag[] = "--awaitlings-merge-results";
    char* argv[] = {self, flag, nullptr};
    ::execv(self, argv);
    ::_exit(127);
  }
  if (pid > 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void on_crash(int signal) {
  say(STDOUT_FILENO, "\n--- failed: the test crashed ---\n");
  say_crash(STDOUT_FILENO, signal, say);
  if (fatal_report.path[0] != '\0') {
    int fd = ::open(fatal_report.path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      say(fd, fatal_report.head);
      say(fd, "reason=crashed\nmessage=crashed (");
      say(fd, signal_name(signal));
      say(fd, ")");
      say_where(fd);
      say(fd, "\n");
      ::close(fd);
    }
  }
  // results.json said "did not finish" since the test started: now it says how.
  if (fatal_report.entry_path[0] != '\0') {
    int fd = ::open(fatal_report.entry_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      say(fd, fatal_report.entry_head);
      say_crash(fd, signal, say_json);
      say(fd, fatal_report.entry_tail);
      ::close(fd);
      merge_in_a_fresh_process();
    }
  }
  // Let the signal end the process as it would have: ctest reports "SegFault" and the like.
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

void install_crash_handler() {
#ifndef AWAITLINGS_SANITIZED
  // Its own stack: a stack overflow (deep recursion at -O0) must still reach the handler.
  static char alternate_stack[64 * 1024];
  stack_t stack{};
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof alternate_stack;
  sigaltstack(&stack, nullptr);
  struct sigaction action {};
  action.sa_handler = on_crash;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(signal, &action, nullptr);
#endif
  // Under a sanitizer its own report is far better than ours: leave the signals to it.
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc == 2 && std::string_view(argv[1]) == "--awaitlings-merge-results") {
    // Run by a crashed grader (merge_in_a_fresh_process): only rebuild results.json.
    grading::set_chapter(AWAITLINGS_CHAPTER);
    ExercismReport(results_dir()).merge();
    return 0;
  }
  grading::set_chapter(AWAITLINGS_CHAPTER);
  grading::set_stuck_step_reporter(record_stuck_step);
  install_crash_handler();
  testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
  auto* printer = new TeachingPrinter(listeners.Release(listeners.default_result_printer()));
  listeners.Append(printer);  // the listeners own what they are given
  recorder = new ResultRecorder(results_dir(), *printer);
  listeners.Append(recorder);
  return RUN_ALL_TESTS();
}
