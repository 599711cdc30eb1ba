// The workbook as awaitlings sees it: the chapters under chapters/, and where each chapter's
// files and build products are.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awaitlings {

namespace fs = std::filesystem;

struct Chapter {
  std::string folder;  // "04-gather"
  std::string number;  // "04"
  std::string topic;   // "gather"

  std::string id() const { return "ch" + number; }  // the ctest label and target prefix
  friend bool operator==(const Chapter&, const Chapter&) = default;
};

// The folders chapters/NN-topic that hold an exercise.cpp, or whose exercise.cpp was deleted
// (solutions/NN-topic/exercise.cpp exists), in order. Nothing else counts (a README, a
// half-made folder without its exercise).
std::vector<Chapter> discover_chapters(const fs::path& source);

// A chapter named the way a learner would: "4", "04", "ch04", "04-gather" or "gather".
std::optional<Chapter> find_chapter(const std::vector<Chapter>& chapters, std::string_view name);

// The chapter after `chapter`, if any.
std::optional<Chapter> next_chapter(const std::vector<Chapter>& chapters, const Chapter& chapter);

// Where things are, given the source tree and the workbook's build tree.
struct Paths {
  fs::path source;
  fs::path build;

  fs::path chapter_dir(const Chapter& c) const { return source / "chapters" / c.folder; }
  fs::path exercise(const Chapter& c) const { return chapter_dir(c) / "exercise.cpp"; }
  fs::path hints(const Chapter& c) const { return chapter_dir(c) / "HINTS.md"; }
  fs::path lesson(const Chapter& c) const { return chapter_dir(c) / "README.md"; }
  fs::path solution(const Chapter& c) const {
    return source / "solutions" / c.folder / "exercise.cpp";
  }
  // The graders' results files (harness/grading/README.md, "Results files").
  fs::path results(const Chapter& c) const { return build / "results" / c.folder; }
  // Left there while the chapter's last build failed (by chNN.build or by watch): the progress
  // report and awaitlings list say "does not compile".
  fs::path build_failed_mark(const Chapter& c) const { return results(c) / "build-failed"; }
  // There while awaitlings runs the chapter's tests: left behind when awaitlings was stopped in
  // the middle, and then the tests it stopped ("killed") are no verdict.
  fs::path grading_mark(const Chapter& c) const { return results(c) / "grading-in-progress"; }
  // Where gtest_discover_tests() writes the chapter's test list, and the demo lives.
  fs::path chapter_build_dir(const Chapter& c) const { return build / "chapters" / c.folder; }
  fs::path demo(const Chapter& c) const { return chapter_build_dir(c) / (c.id() + "_demo"); }
  // A copy of the untouched stub, made when the build tree was first configured.
  fs::path pristine_stub(const Chapter& c) const {
    return build / "pristine" / c.folder / "exercise.cpp";
  }
  fs::path state_file() const { return build / "awaitlings.state"; }

  // "chapters/04-gather/exercise.cpp": a path as the learner types it, from the source root.
  std::string shown(const fs::path& path) const;
};

}  // namespace awaitlings
