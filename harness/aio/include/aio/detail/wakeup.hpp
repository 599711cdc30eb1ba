// The loop's wake-up file descriptor: how another thread tells a sleeping loop "look again".
// Learners need not read this (see to_thread.hpp for what it serves).
//
// Why a file descriptor and not a condition variable: the loop will also wait on sockets (the
// I/O reactor polls file descriptors), and it can only block in one place. A descriptor that
// becomes readable when a worker posts a result joins that same poll, so one wait covers
// "the next timer, a socket, or a finished thread job".
//
// Linux uses an eventfd (one descriptor, a counter); elsewhere a non-blocking pipe.
#pragma once

namespace aio::detail {

class WakeupFd {
 public:
  enum class Kind { EventFd, Pipe };
  // The platform's best kind: an eventfd on Linux, a pipe elsewhere.
  static Kind native() noexcept;
  // Throws std::system_error if the OS refuses a descriptor (or has no eventfd). The tests build
  // both kinds on Linux, so the pipe that macOS uses is tested too.
  explicit WakeupFd(Kind kind = native());
  ~WakeupFd();
  WakeupFd(const WakeupFd&) = delete;
  WakeupFd& operator=(const WakeupFd&) = delete;

  // Any thread: make the descriptor readable. Lock-free and cheap; wakes at most one poll.
  void notify() noexcept;
  // Loop thread: consume every pending notification, so the next poll blocks again.
  void drain() noexcept;
  // The descriptor to poll for readability.
  int fd() const noexcept { return read_fd_; }

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;  // the same as read_fd_ for an eventfd
};

}  // namespace aio::detail
