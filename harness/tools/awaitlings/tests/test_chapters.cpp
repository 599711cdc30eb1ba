#include <gtest/gtest.h>

#include "chapters.hpp"
#include "scratch.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

TEST(Chapters, FoldersWithAnExerciseInOrder) {
  Scratch dir;
  dir.write("chapters/10-semaphore/exercise.cpp", "");
  dir.write("chapters/02-await/exercise.cpp", "");
  dir.write("chapters/04-gather/README.md", "");  // no exercise: not a chapter yet
  dir.write("chapters/CMakeLists.txt", "");
  dir.write("chapters/notes/exercise.cpp", "");     // not NN-topic
  dir.write("chapters/07-Async/exercise.cpp", "");  // upper case: not a chapter folder
  auto chapters = discover_chapters(dir.path());
  ASSERT_EQ(chapters.size(), 2u);
  EXPECT_EQ(chapters[0].folder, "02-await");
  EXPECT_EQ(chapters[0].number, "02");
  EXPECT_EQ(chapters[0].topic, "await");
  EXPECT_EQ(chapters[0].id(), "ch02");
  EXPECT_EQ(chapters[1].folder, "10-semaphore");
}

TEST(Chapters, ADeletedExerciseWithASolutionStillCounts) {
  Scratch dir;
  dir.write("chapters/03-running/README.md", "");
  dir.write("solutions/03-running/exercise.cpp", "");
  dir.write("chapters/04-gather/README.md", "");  // no solution either: half made
  auto chapters = discover_chapters(dir.path());
  ASSERT_EQ(chapters.size(), 1u);
  EXPECT_EQ(chapters[0].folder, "03-running");
}

TEST(Chapters, NoChaptersFolderIsNoChapters) {
  Scratch dir;
  EXPECT_TRUE(discover_chapters(dir.path() / "missing").empty());
}

TEST(Chapters, FoundByNumberIdFolderOrTopic) {
  std::vector<Chapter> chapters = {{"02-await", "02", "await"}, {"04-gather", "04", "gather"}};
  for (const char* name : {"4", "04", "ch04", "04-gather", "gather"}) {
    auto found = find_chapter(chapters, name);
    ASSERT_TRUE(found) << name;
    EXPECT_EQ(found->folder, "04-gather") << name;
  }
  for (const char* name : {"", "3", "40", "gath", "ch", "x"}) {
    EXPECT_FALSE(find_chapter(chapters, name)) << name;
  }
}

TEST(Chapters, NextChapter) {
  std::vector<Chapter> chapters = {{"02-await", "02", "await"}, {"04-gather", "04", "gather"}};
  EXPECT_EQ(next_chapter(chapters, chapters[0]), chapters[1]);
  EXPECT_FALSE(next_chapter(chapters, chapters[1]));
  EXPECT_FALSE(next_chapter(chapters, Chapter{"09-x", "09", "x"}));
}

TEST(Chapters, PathsShownFromTheSourceRoot) {
  Paths paths{"/src/awaitlings", "/src/awaitlings/build/workbook"};
  Chapter chapter{"04-gather", "04", "gather"};
  EXPECT_EQ(paths.shown(paths.exercise(chapter)), "chapters/04-gather/exercise.cpp");
  EXPECT_EQ(paths.results(chapter), "/src/awaitlings/build/workbook/results/04-gather");
  EXPECT_EQ(paths.demo(chapter), "/src/awaitlings/build/workbook/chapters/04-gather/ch04_demo");
  EXPECT_EQ(paths.shown("/elsewhere/file"), "/elsewhere/file");
}

}  // namespace
}  // namespace awaitlings
