// The Linux backend: epoll. The kernel keeps the interest list, so a wait costs what is ready,
// not what is watched — what lets one loop hold 10,000 connections.
//
// Level-triggered, and one-shot by hand: after a waiter is told, its direction is dropped from
// the descriptor's interest set (EPOLL_CTL_MOD, or DEL when neither direction is left).
#include "aio/detail/reactor.hpp"
#include "aio/errors.hpp"

#ifdef __linux__

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace aio::detail {

namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class EpollReactor final : public Reactor {
 public:
  EpollReactor() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epoll_ < 0) throw_errno("aio: epoll_create1");
  }
  ~EpollReactor() override { ::close(epoll_); }
  EpollReactor(const EpollReactor&) = delete;
  EpollReactor& operator=(const EpollReactor&) = delete;

  void watch(int fd, Interest interest, IoWaiter& waiter) override {
    if (auto found = entries_.find(fd); found != entries_.end()) {
      IoWaiter* current = slot(found->second, interest);
      if (current && current != &waiter) refuse_second_waiter(fd, interest);
    }
    Entry& entry = entries_[fd];
    IoWaiter* previous = std::exchange(slot(entry, interest), &waiter);
    try {
      update(fd, entry);
    } catch (...) {
      // Not watched after all (a descriptor epoll refuses, e.g. a regular file).
      if (auto found = entries_.find(fd); found != entries_.end())
        slot(found->second, interest) = previous;
      throw;
    }
    if (!previous) ++watched_;
  }

  void unwatch(int fd, Interest interest, const IoWaiter& waiter) noexcept override {
    auto found = entries_.find(fd);
    if (found == entries_.end() || slot(found->second, interest) != &waiter) return;
    slot(found->second, interest) = nullptr;
    --watched_;
    update_noexcept(fd, found);
  }

  void forget(int fd) noexcept override {
    auto found = entries_.find(fd);
    if (found == entries_.end()) return;
    IoWaiter* reader = std::exchange(found->second.reader, nullptr);
    IoWaiter* writer = std::exchange(found->second.writer, nullptr);
    watched_ -= (reader != nullptr) + (writer != nullptr);
    update_noexcept(fd, found);  // before close(): the kernel still knows the descriptor
    if (reader) reader->io_ready();
    if (writer) writer->io_ready();
  }

  // epoll_wait takes whole milliseconds, so a timer would fire up to 1 ms late: with a server
  // answering after 20 ms, that is 5 % on every request. epoll_pwait2 (Linux 5.11, glibc 2.35)
  // takes a timespec; an older kernel answers ENOSYS once, and from then on epoll_wait serves.
  int wait_for_events(std::chrono::nanoseconds timeout) {
    const int capacity = static_cast<int>(events_.size());
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
    if (precise_timeouts_) {
      timespec limit{};
      timespec* limit_or_none = nullptr;
      if (timeout >= std::chrono::nanoseconds::zero()) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
        limit.tv_sec = static_cast<time_t>(seconds.count());
        limit.tv_nsec = static_cast<long>((timeout - seconds).count());
        limit_or_none = &limit;
      }
      int count = ::epoll_pwait2(epoll_, events_.data(), capacity, limit_or_none, nullptr);
      if (count >= 0 || errno != ENOSYS) return count;
      precise_timeouts_ = false;
    }
#endif
    return ::epoll_wait(epoll_, events_.data(), capacity, timeout_in_milliseconds(timeout));
  }

  void add_wakeup(int fd) override {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) throw_errno("aio: epoll_ctl(wake-up)");
  }

  std::size_t wait(std::chrono::nanoseconds timeout) override {
    int count = wait_for_events(timeout);
    if (count < 0) {
      if (errno == EINTR) return 0;
      throw_errno("aio: epoll_wait");
    }
    std::size_t woken = 0;
    for (int i = 0; i < count; ++i) {
      auto found = entries_.find(events_[i].data.fd);
      if (found == entries_.end()) continue;  // the wake-up descriptor
      std::uint32_t ready = events_[i].events;
      bool failed = ready & (EPOLLERR | EPOLLHUP);  // wakes both sides: the next call reports it
      IoWaiter* reader = nullptr;
      IoWaiter* writer = nullptr;
      if ((ready & EPOLLIN) || failed) reader = std::exchange(found->second.reader, nullptr);
      if ((ready & EPOLLOUT) || failed) writer = std::exchange(found->second.writer, nullptr);
      watched_ -= (reader != nullptr) + (writer != nullptr);
      // Forgotten before being told, so that the waiter may watch again at once.
      update_noexcept(found->first, found);
      if (reader) ++woken, reader->io_ready();
      if (writer) ++woken, writer->io_ready();
    }
    return woken;
  }

  std::size_t watched() const noexcept override {
    return watched_;
  }
  const char* name() const noexcept override {
    return "epoll";
  }

 private:
  struct Entry {
    bool registered = false;  // known to the kernel's interest list
    IoWaiter* reader = nullptr;
    IoWaiter* writer = nullptr;
  };
  using Entries = std::unordered_map<int, Entry>;

  static IoWaiter*& slot(Entry& entry, Interest interest) {
    return interest == Interest::Read ? entry.reader : entry.writer;
  }

  // Tell the kernel what the entry now wants; drop the entry when it wants nothing.
  void update(int fd, Entry& entry) {
    std::uint32_t events = (entry.reader ? EPOLLIN : 0u) | (entry.writer ? EPOLLOUT : 0u);
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (events == 0) {
      if (entry.registered) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, &event);
      entries_.erase(fd);
      return;
    }
    int op = entry.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(epoll_, op, fd, &event) != 0) {
      int error = errno;
      if (!entry.registered) entries_.erase(fd);
      errno = error;
      throw_errno("aio: epoll_ctl");
    }
    entry.registered = true;
  }

  void update_noexcept(int fd, Entries::iterator found) noexcept {
    try {
      update(fd, found->second);
    } catch (...) {
      // MOD/DEL of a descriptor already closed: the kernel dropped it itself.
      entries_.erase(fd);
    }
  }

  int epoll_;
  Entries entries_;
  std::array<epoll_event, 256> events_{};
  std::size_t watched_ = 0;
  bool precise_timeouts_ = true;  // false once epoll_pwait2 said ENOSYS
};

}  // namespace

std::unique_ptr<Reactor> make_epoll_reactor() {
  return std::make_unique<EpollReactor>();
}

}  // namespace aio::detail

#else

namespace aio::detail {
std::unique_ptr<Reactor> make_epoll_reactor() {
  throw RuntimeError("aio: epoll is Linux only; use the poll reactor (AIO_REACTOR=poll)");
}
}  // namespace aio::detail

#endif
