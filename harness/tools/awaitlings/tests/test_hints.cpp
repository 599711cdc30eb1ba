#include <gtest/gtest.h>

#include <fstream>
#include <grading/tasks.hpp>
#include <sstream>

#include "chapters.hpp"
#include "hints.hpp"

namespace awaitlings {
namespace {

const char* sample = R"(# Chapter 04 — hints

Read one level at a time.

## 1. `download_file(name, duration)`

**Level 1.** First level,
on two lines.

**Level 2.** Second level.

## Exercise 2: `ch04::download_three()`

Before the levels: an introduction.

**Level 1.** Only level.

## 3. `AsyncDatabaseConnection`

No levels at all: the whole section is one.

## Common failure messages

**Level 1.** Not an exercise: never shown as one.
)";

TEST(Hints, SectionsAndLevels) {
  Hints hints = parse_hints(sample);
  ASSERT_EQ(hints.exercises.size(), 3u);
  const HintSection& first = hints.exercises[0];
  EXPECT_EQ(first.name, "download_file");
  EXPECT_EQ(first.title, "1. `download_file(name, duration)`");
  ASSERT_EQ(first.levels.size(), 2u);
  EXPECT_EQ(first.levels[0], "**Level 1.** First level,\non two lines.");
  EXPECT_EQ(first.levels[1], "**Level 2.** Second level.");

  const HintSection& second = hints.exercises[1];
  EXPECT_EQ(second.name, "download_three");  // the namespace is not part of the name
  ASSERT_EQ(second.levels.size(), 1u);
  EXPECT_EQ(second.levels[0], "Before the levels: an introduction.\n\n**Level 1.** Only level.");

  ASSERT_EQ(hints.exercises[2].levels.size(), 1u);
  EXPECT_EQ(hints.exercises[2].levels[0], "No levels at all: the whole section is one.");
}

// Paragraphs flow onto one line; lists, code and tables keep their lines (the review found a
// list and a code fence run together into one line).
TEST(Hints, PlainMarkdownKeepsListsAndCode) {
  const std::string hint =
      "**Level 2.** Write it\nin two steps:\n- first this,\n- then that.\n\n"
      "```cpp\nauto x = co_await f();\n  if (x) g();\n```\nAfter the code\nit flows.\n"
      "1. one\n2. two";
  EXPECT_EQ(plain_markdown(hint),
            "Level 2. Write it in two steps:\n- first this,\n- then that.\n\n"
            "```cpp\nauto x = co_await f();\n  if (x) g();\n```\nAfter the code it flows.\n"
            "1. one\n2. two");
}

TEST(Hints, EmptyOrForeignFiles) {
  EXPECT_TRUE(parse_hints("").exercises.empty());
  EXPECT_TRUE(parse_hints("just text\n**Level 1.** stray\n").exercises.empty());
  EXPECT_TRUE(parse_hints("## Heading without code\n**Level 1.** x\n").exercises.empty());
}

TEST(Hints, ExerciseOfATestBySuite) {
  Hints hints = parse_hints(sample);
  EXPECT_EQ(exercise_of_test(hints, "DownloadFile.PrintsStart"), 0u);
  EXPECT_EQ(exercise_of_test(hints, "DownloadThree.Overlaps"), 1u);
  EXPECT_EQ(exercise_of_test(hints, "AsyncDatabaseConnection.Opens"), 2u);
  EXPECT_EQ(exercise_of_test(hints, "Sizes/DownloadFile.Works/3"), 0u);
  EXPECT_FALSE(exercise_of_test(hints, "GatherVersusSequential.Faster"));
}

TEST(Hints, SuiteOfATest) {
  EXPECT_EQ(suite_of("LongProcess.PrintsStart"), "LongProcess");
  EXPECT_EQ(suite_of("Sizes/Downloads.All/3"), "Sizes/Downloads");
  EXPECT_EQ(suite_of("Downloads.All/3"), "Downloads");
  EXPECT_EQ(suite_of("NoDot"), "NoDot");
}

TEST(Hints, WhichExerciseToHint) {
  Hints hints = parse_hints(sample);
  std::vector<int> shown = {0, 0, 0};
  auto levels_shown = [&](std::size_t i) { return shown[i]; };
  // The exercise the first failing test is about...
  EXPECT_EQ(exercise_for_hint(hints, std::string("DownloadThree.X"), levels_shown), 1u);
  // ...else the first whose levels are not all shown.
  EXPECT_EQ(exercise_for_hint(hints, std::nullopt, levels_shown), 0u);
  shown = {2, 0, 0};
  EXPECT_EQ(exercise_for_hint(hints, std::nullopt, levels_shown), 1u);
  EXPECT_EQ(exercise_for_hint(hints, std::string("Unknown.Suite"), levels_shown), 1u);
  shown = {2, 1, 1};
  EXPECT_EQ(exercise_for_hint(hints, std::nullopt, levels_shown), 2u);  // all seen: the last
  EXPECT_FALSE(exercise_for_hint(Hints{}, std::nullopt, levels_shown));
}

TEST(Tasks, SuiteToExerciseNumber) {
  std::vector<std::string> names = {"long_process", "RateLimiter", "run_pipeline"};
  EXPECT_EQ(grading::tasks::task_of("LongProcess", names), 1);
  EXPECT_EQ(grading::tasks::task_of("RateLimiter", names), 2);
  EXPECT_EQ(grading::tasks::task_of("Pipeline", names), 3);  // run_pipeline contains pipeline
  EXPECT_FALSE(grading::tasks::task_of("Run", names));       // too short to match inside a name
  EXPECT_FALSE(grading::tasks::task_of("Other", names));
  EXPECT_EQ(grading::tasks::snake_case("DownloadAll"), "download_all");
  EXPECT_EQ(grading::tasks::exercise_name("## 2. `main_flow(long_process)`"), "main_flow");
  EXPECT_EQ(grading::tasks::exercise_name("### 2. `main_flow`"), "");
  EXPECT_EQ(grading::tasks::exercise_name("## Common failure messages"), "");
}

TEST(PlainMarkdown, ParagraphsFlowBoldGoes) {
  EXPECT_EQ(plain_markdown("**Level 1.** One\nparagraph.\n\nAnother."),
            "Level 1. One paragraph.\n\nAnother.");
}

TEST(PlainMarkdown, ListsStayLists) {
  EXPECT_EQ(plain_markdown("Check:\n- the first\n  item, continued\n- the second\n"
                           "  - nested\n1. numbered\n2) too\nAfter."),
            "Check:\n- the first item, continued\n- the second\n  - nested\n1. numbered\n"
            "2) too After.");
}

TEST(PlainMarkdown, FencedAndIndentedCodeKeepTheirLines) {
  std::string fenced = "Like this:\n```cpp\nint f() {\n  return **p;\n}\n```\nThen\nmore.";
  EXPECT_EQ(plain_markdown(fenced),
            "Like this:\n```cpp\nint f() {\n  return **p;\n}\n```\nThen more.");
  EXPECT_EQ(plain_markdown("Code:\n\n    auto x = co_await f();\n    **y;\n\nDone."),
            "Code:\n\n    auto x = co_await f();\n    **y;\n\nDone.");
}

// Every chapter's real HINTS.md: at least two exercises, each with levels, level 1 first.
TEST(Hints, EveryChaptersHintsParse) {
  auto chapters = discover_chapters(AWAITLINGS_TEST_SOURCE_DIR);
  ASSERT_FALSE(chapters.empty());
  Paths paths{AWAITLINGS_TEST_SOURCE_DIR, ""};
  for (const Chapter& chapter : chapters) {
    std::ifstream in(paths.hints(chapter));
    std::stringstream text;
    text << in.rdbuf();
    Hints hints = parse_hints(text.str());
    EXPECT_GE(hints.exercises.size(), 2u) << chapter.folder;
    for (const HintSection& section : hints.exercises) {
      EXPECT_FALSE(section.levels.empty()) << chapter.folder << ": " << section.title;
      if (section.levels.size() > 1) {
        EXPECT_EQ(section.levels[0].rfind("**Level 1.**", 0), 0u)
            << chapter.folder << ": " << section.title;
      }
    }
  }
}

}  // namespace
}  // namespace awaitlings
