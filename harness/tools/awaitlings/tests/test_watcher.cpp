#include <gtest/gtest.h>
#include <poll.h>

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

// What only inotify can do, so that this fails when inotify does not work (the test above
// passes on the file's time and size alone): wake the loop at once (the fd becomes readable),
// and notice a save of the same bytes within the same time stamp.
TEST(Watcher, InotifyWakesTheLoopAndSeesAnIdenticalSave) {
  Scratch dir;
  auto file = dir.write("chapter/exercise.cpp", "same");
  auto stamp = std::filesystem::last_write_time(file);
  FileWatcher watcher(file, /*poll_only=*/false);
  ASSERT_EQ(watcher.mode(), "inotify");
  ASSERT_GE(watcher.fd(), 0);
  struct pollfd ready = {watcher.fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&ready, 1, 0), 0);  // nothing yet

  dir.write("chapter/exercise.cpp", "same");
  std::filesystem::last_write_time(file, stamp);  // size and time as before
  ready.revents = 0;
  EXPECT_EQ(::poll(&ready, 1, 1000), 1);
  EXPECT_TRUE(watcher.changed());
  EXPECT_FALSE(watcher.changed());

  // An editor's save by rename (vim, many IDEs): a new file moved over the old one, here with
  // the same bytes and time, seen by its IN_MOVED_TO alone.
  auto temporary = dir.write("chapter/exercise.cpp.tmp", "same");
  std::filesystem::last_write_time(temporary, stamp);
  watcher.changed();  // the temporary file's own events are not the exercise's
  std::filesystem::rename(temporary, file);
  ready.revents = 0;
  EXPECT_EQ(::poll(&ready, 1, 1000), 1);
  EXPECT_TRUE(watcher.changed());

  // The same save, polling: nothing to see, which is why inotify is used when it can be.
  FileWatcher polling(file, /*poll_only=*/true);
  dir.write("chapter/exercise.cpp", "same");
  std::filesystem::last_write_time(file, stamp);
  EXPECT_FALSE(polling.changed());
}

INSTANTIATE_TEST_SUITE_P(Modes, Watcher, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Polling" : "Inotify"; });

}  // namespace
}  // namespace awaitlings
