#include "aio/detail/wakeup.hpp"

#include <cerrno>
#include <cstdint>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

namespace aio::detail {

namespace {
[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}
}  // namespace

WakeupFd::Kind WakeupFd::native() noexcept {
#ifdef __linux__
  return Kind::EventFd;
#else
  return Kind::Pipe;
#endif
}

WakeupFd::WakeupFd(Kind kind) {
  if (kind == Kind::EventFd) {
#ifdef __linux__
    read_fd_ = write_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (read_fd_ < 0) throw_errno("aio: eventfd for the loop's wake-up");
    return;
#else
    throw std::system_error(ENOSYS, std::generic_category(), "aio: no eventfd on this system");
#endif
  }
  int fds[2];
  if (::pipe(fds) != 0) throw_errno("aio: pipe for the loop's wake-up");
  for (int fd : fds) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
}

WakeupFd::~WakeupFd() {
  ::close(read_fd_);
  if (write_fd_ != read_fd_) ::close(write_fd_);
}

void WakeupFd::notify() noexcept {
  // 8 bytes suit both: an eventfd adds the value to its counter; a pipe just holds bytes. A full
  // pipe (EAGAIN) is fine: it is readable already, which is all a notification means.
  std::uint64_t one = 1;
  ssize_t written;
  do {
    written = ::write(write_fd_, &one, sizeof one);
  } while (written < 0 && errno == EINTR);
}

void WakeupFd::drain() noexcept {
  // An eventfd gives its whole counter in one read; a pipe may hold many notifications.
  std::uint64_t buffer[16];
  while (true) {
    ssize_t got = ::read(read_fd_, buffer, sizeof buffer);
    if (got > 0 && read_fd_ != write_fd_ && got == static_cast<ssize_t>(sizeof buffer)) continue;
    if (got < 0 && errno == EINTR) continue;
    return;  // empty (EAGAIN), or everything read
  }
}

}  // namespace aio::detail
