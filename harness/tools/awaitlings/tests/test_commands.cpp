#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "scratch.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

// The untouched stub of the scratch workbook's chapter.
const char* const stub = "int f() { return aio::todo(\"f\"); }\n";

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> backups(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().filename().string().find(".backup-") != std::string::npos) {
      found.push_back(entry.path());
    }
  }
  return found;
}

// A workbook of one chapter in a scratch folder, with `hints` as its HINTS.md.
struct Workbook {
  Scratch scratch;
  Context context;

  explicit Workbook(const std::string& hints = "") {
    scratch.write("chapters/05-sample/exercise.cpp", "aio::todo(\"x\");\n");
    scratch.write("chapters/05-sample/HINTS.md", hints);
    scratch.write("solutions/05-sample/exercise.cpp", "the solution\n");
    // Not a git checkout: reset finds the copy the first configure made.
    scratch.write("build/pristine/05-sample/exercise.cpp", stub);
    context.paths = {scratch.path(), scratch.path() / "build"};
    context.chapters = discover_chapters(scratch.path());
  }
};

TEST(Commands, HintForAnExerciseWithoutText) {
  // Exercise 1's heading is followed at once by the next: a section without any level.
  Workbook book("## 1. `first()`\n## 2. `second()`\n\n**Level 1.** Do it.\n");
  ASSERT_EQ(book.context.chapters.size(), 1u);
  State state;
  auto lines = next_hint(book.context, state, book.context.chapters[0], 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("has no hints"), std::string::npos) << lines[0];
  EXPECT_EQ(state.hints_shown_for("05-sample", 0), 0);
  // The other exercise still has its level.
  lines = next_hint(book.context, state, book.context.chapters[0], 2);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_NE(lines[1].find("Do it."), std::string::npos);
}

// A hint from HINTS.md to the lines on the terminal, exactly: the whole path (parse_hints,
// plain_markdown, wrap) on a level with a paragraph, a list and fenced code.
TEST(Commands, HintRenderingGolden) {
  Workbook book(
      "# Chapter 05 hints\n\n## 1. `greeting()`\n\n"
      "**Level 1.** Print the greeting, then\nreturn. Two steps:\n"
      "- print `Hello`\n- `co_return` the\n  value\n\n"
      "```cpp\nif (ok) {\n  co_return **ptr;\n}\n```\n");
  State state;
  auto lines = next_hint(book.context, state, book.context.chapters[0], 1);
  std::vector<std::string> shown;
  for (const auto& text : lines) {
    for (const auto& line : wrap(text, 40)) shown.push_back(line);
  }
  std::vector<std::string> golden = {
      "Hint for exercise 1, greeting (level 1",
      "of 1):",
      "Level 1. Print the greeting, then",
      "return. Two steps:",
      "- print `Hello`",
      "- `co_return` the value",
      "",
      "```cpp",
      "if (ok) {",
      "  co_return **ptr;",
      "}",
      "```",
  };
  EXPECT_EQ(shown, golden);
}

TEST(Commands, ResetADeletedExercise) {
  Workbook book;
  std::filesystem::path exercise = book.scratch.path() / "chapters/05-sample/exercise.cpp";
  std::filesystem::remove(exercise);
  // Still a chapter: its solution exists.
  auto chapters = discover_chapters(book.scratch.path());
  ASSERT_EQ(chapters.size(), 1u);
  EXPECT_EQ(reset(book.context, chapters[0], /*yes=*/true), 0);
  EXPECT_EQ(read(exercise), stub);
  EXPECT_TRUE(backups(exercise.parent_path()).empty());  // nothing to keep
}

TEST(Commands, TwoResetsInOneSecondKeepBothBackups) {
  Workbook book;
  std::filesystem::path exercise = book.scratch.path() / "chapters/05-sample/exercise.cpp";
  const Chapter& chapter = book.context.chapters[0];
  book.scratch.write("chapters/05-sample/exercise.cpp", "first attempt\n");
  EXPECT_EQ(reset(book.context, chapter, true), 0);
  book.scratch.write("chapters/05-sample/exercise.cpp", "second attempt\n");
  EXPECT_EQ(reset(book.context, chapter, true), 0);
  EXPECT_EQ(read(exercise), stub);
  auto kept = backups(exercise.parent_path());
  ASSERT_EQ(kept.size(), 2u);
  std::vector<std::string> texts = {read(kept[0]), read(kept[1])};
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(texts, (std::vector<std::string>{"first attempt\n", "second attempt\n"}));
}

}  // namespace
}  // namespace awaitlings
