// Notices when a file changes. Two ways, both always on unless polling is asked for:
// - inotify on the file's folder (editors often save by writing a new file and renaming it over
//   the old one, so the folder is watched, not the file);
// - comparing the file's modification time and size on every check, which also works where
//   inotify is silent (network drives, WSL's Windows folders, some containers).
// With `poll_only`, only the second.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace awaitlings {

class FileWatcher {
 public:
  FileWatcher(std::filesystem::path file, bool poll_only);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Watch another file from now on (watch moved to the next chapter).
  void watch(std::filesystem::path file);

  // Readable when inotify has events: wait on it with poll(). -1 when polling.
  int fd() const { return inotify_fd_; }

  // Whether the file changed since the last call (or since it began to be watched).
  bool changed();

  // "inotify" or "polling": shown on the watch screen, so a learner whose saves go unnoticed
  // knows which way is in use and that --poll exists.
  std::string mode() const { return inotify_fd_ >= 0 ? "inotify" : "polling"; }

 private:
  struct Signature {
    std::filesystem::file_time_type written{};
    std::uintmax_t size = 0;
    bool exists = false;
    friend bool operator==(const Signature&, const Signature&) = default;
  };
  Signature signature() const;
  bool drain_events();

  std::filesystem::path file_;
  int inotify_fd_ = -1;
  int watch_descriptor_ = -1;
  Signature last_;
};

}  // namespace awaitlings
