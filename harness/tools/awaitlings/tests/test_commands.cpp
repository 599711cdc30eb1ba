#include <gtest/gtest.h>

#include "commands.hpp"
#include "scratch.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

// A workbook of one chapter in a scratch folder, with `hints` as its HINTS.md.
struct Workbook {
  Scratch scratch;
  Context context;

  explicit Workbook(const std::string& hints) {
    scratch.write("chapters/05-sample/exercise.cpp", "aio::todo(\"x\");\n");
    scratch.write("chapters/05-sample/HINTS.md", hints);
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

}  // namespace
}  // namespace awaitlings
