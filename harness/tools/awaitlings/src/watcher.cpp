#include "watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace awaitlings {

FileWatcher::FileWatcher(std::filesystem::path file, bool poll_only) {
  if (!poll_only) inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  watch(std::move(file));
}

FileWatcher::~FileWatcher() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

void FileWatcher::watch(std::filesystem::path file) {
  file_ = std::move(file);
  if (inotify_fd_ >= 0) {
    if (watch_descriptor_ >= 0) ::inotify_rm_watch(inotify_fd_, watch_descriptor_);
    watch_descriptor_ = ::inotify_add_watch(
        inotify_fd_, file_.parent_path().c_str(),
        IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB);
    if (watch_descriptor_ < 0) {
      // Too many watches, or a file system without inotify: polling still works.
      ::close(inotify_fd_);
      inotify_fd_ = -1;
    }
  }
  drain_events();
  last_ = signature();
}

FileWatcher::Signature FileWatcher::signature() const {
  Signature now;
  std::error_code error;
  now.written = std::filesystem::last_write_time(file_, error);
  if (error) return now;
  now.size = std::filesystem::file_size(file_, error);
  now.exists = !error;
  return now;
}

// Reads every pending event; true if one was about the watched file's name.
bool FileWatcher::drain_events() {
  if (inotify_fd_ < 0) return false;
  bool about_file = false;
  std::string name = file_.filename().string();
  alignas(inotify_event) char buffer[8192];
  for (;;) {
    ssize_t got = ::read(inotify_fd_, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    for (char* at = buffer; at < buffer + got;) {
      auto* event = reinterpret_cast<inotify_event*>(at);
      if (event->len > 0 && name == event->name) about_file = true;
      if (event->mask & IN_Q_OVERFLOW) about_file = true;  // events lost: assume a change
      at += sizeof(inotify_event) + event->len;
    }
  }
  return about_file;
}

bool FileWatcher::changed() {
  bool event = drain_events();
  Signature now = signature();
  bool differs = !(now == last_);
  last_ = now;
  // An event without a new signature (a save of the same bytes within the file system's time
  // resolution) still counts: the learner pressed save and expects a verdict.
  return event || differs;
}

}  // namespace awaitlings
