#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "scratch.hpp"
#include "watcher.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;
using namespace std::chrono_literals;

// Modification times can be coarse: push the file's time forward instead of sleeping.
void touch_later(const std::filesystem::path& file) {
  auto later = std::filesystem::last_write_time(file) + 2s;
  std::filesystem::last_write_time(file, later);
}

class Watcher : public ::testing::TestWithParam<bool> {};  // poll only, or inotify too

TEST_P(Watcher, NoticesWritesRenamesAndDeletion) {
  Scratch dir;
  auto file = dir.write("chapter/exercise.cpp", "one");
  FileWatcher watcher(file, GetParam());
  EXPECT_EQ(watcher.mode(), GetParam() ? "polling" : "inotify");
  EXPECT_FALSE(watcher.changed());

  dir.write("chapter/exercise.cpp", "two, longer");  // new size
  EXPECT_TRUE(watcher.changed());
  EXPECT_FALSE(watcher.changed());  // reported once

  // An editor's save: a new file renamed over the old one.
  auto temporary = dir.write("chapter/.exercise.cpp.swp", "three");
  touch_later(temporary);
  std::filesystem::rename(temporary, file);
  EXPECT_TRUE(watcher.changed());
  EXPECT_FALSE(watcher.changed());

  // Same size, later time.
  touch_later(file);
  EXPECT_TRUE(watcher.changed());

  // Another file in the folder is not a change.
  dir.write("chapter/notes.txt", "x");
  EXPECT_FALSE(watcher.changed());

  std::filesystem::remove(file);
  EXPECT_TRUE(watcher.changed());
}

TEST_P(Watcher, WatchesAnotherFile) {
  Scratch dir;
  auto first = dir.write("01/exercise.cpp", "a");
  auto second = dir.write("02/exercise.cpp", "b");
  FileWatcher watcher(first, GetParam());
  watcher.watch(second);
  dir.write("01/exercise.cpp", "changed, but no longer watched");
  EXPECT_FALSE(watcher.changed());
  dir.write("02/exercise.cpp", "changed and watched");
  EXPECT_TRUE(watcher.changed());
}

INSTANTIATE_TEST_SUITE_P(Modes, Watcher, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Polling" : "Inotify"; });

}  // namespace
}  // namespace awaitlings
