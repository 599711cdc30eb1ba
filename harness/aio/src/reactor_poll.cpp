// The portable backend: poll(2) over the list of watched descriptors, rebuilt at every wait.
#include <poll.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aio/detail/reactor.hpp"

namespace aio::detail {

namespace {

// poll() takes whole milliseconds, so a timer would fire up to 1 ms late: with a server
// answering after 20 ms, that is 5 % on every request. Linux's ppoll() takes a timespec.
int poll_for(std::vector<pollfd>& fds, std::chrono::nanoseconds timeout) {
#if defined(__linux__)
  if (timeout >= std::chrono::nanoseconds::zero()) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    timespec limit{};
    limit.tv_sec = static_cast<time_t>(seconds.count());
    limit.tv_nsec = static_cast<long>((timeout - seconds).count());
    return ::ppoll(fds.data(), fds.size(), &limit, nullptr);
  }
  return ::ppoll(fds.data(), fds.size(), nullptr, nullptr);
#else
  return ::poll(fds.data(), fds.size(), timeout_in_milliseconds(timeout));
#endif
}

class PollReactor final : public Reactor {
 public:
  void watch(int fd, Interest interest, IoWaiter& waiter) override {
    if (auto found = entries_.find(fd); found != entries_.end()) {
      IoWaiter* current = slot(found->second, interest);
      if (current && current != &waiter) refuse_second_waiter(fd, interest);
    }
    IoWaiter*& waiting = slot(entries_[fd], interest);
    if (!waiting) ++watched_;
    waiting = &waiter;
  }

  void unwatch(int fd, Interest interest, const IoWaiter& waiter) noexcept override {
    auto found = entries_.find(fd);
    if (found == entries_.end() || slot(found->second, interest) != &waiter) return;
    take(fd, interest);
  }

  void forget(int fd) noexcept override {
    IoWaiter* reader = take(fd, Interest::Read);
    IoWaiter* writer = take(fd, Interest::Write);
    if (reader) reader->io_ready();
    if (writer) writer->io_ready();
  }

  void add_wakeup(int fd) override { wakeups_.push_back(fd); }

  std::size_t wait(std::chrono::nanoseconds timeout) override {
    fds_.clear();
    for (int fd : wakeups_) fds_.push_back({fd, POLLIN, 0});
    for (const auto& [fd, entry] : entries_) {
      short events = 0;
      if (entry.reader) events |= POLLIN;
      if (entry.writer) events |= POLLOUT;
      fds_.push_back({fd, events, 0});
    }
    int count = poll_for(fds_, timeout);
    if (count < 0) {
      if (errno == EINTR) return 0;
      throw std::system_error(errno, std::generic_category(), "aio: poll");
    }
    std::size_t woken = 0;
    for (const pollfd& ready : fds_) {
      if (ready.revents == 0) continue;
      auto found = entries_.find(ready.fd);
      if (found == entries_.end()) continue;  // a wake-up descriptor, or forgotten meanwhile
      // An error or hang-up wakes both sides: the next read or write reports it.
      bool failed = ready.revents & (POLLERR | POLLHUP | POLLNVAL);
      IoWaiter* reader =
          (ready.revents & POLLIN) || failed ? take(ready.fd, Interest::Read) : nullptr;
      IoWaiter* writer =
          (ready.revents & POLLOUT) || failed ? take(ready.fd, Interest::Write) : nullptr;
      if (reader) ++woken, reader->io_ready();
      if (writer) ++woken, writer->io_ready();
    }
    return woken;
  }

  std::size_t watched() const noexcept override { return watched_; }

  const char* name() const noexcept override { return "poll"; }

 private:
  struct Entry {
    IoWaiter* reader = nullptr;
    IoWaiter* writer = nullptr;
  };
  static IoWaiter*& slot(Entry& entry, Interest interest) {
    return interest == Interest::Read ? entry.reader : entry.writer;
  }
  // One-shot: the waiter is forgotten before it is told, so it may watch again at once.
  IoWaiter* take(int fd, Interest interest) {
    auto found = entries_.find(fd);
    if (found == entries_.end()) return nullptr;
    IoWaiter* waiter = std::exchange(slot(found->second, interest), nullptr);
    if (waiter) --watched_;
    if (!found->second.reader && !found->second.writer) entries_.erase(found);
    return waiter;
  }

  std::unordered_map<int, Entry> entries_;
  std::vector<int> wakeups_;
  std::vector<pollfd> fds_;  // reused between waits
  std::size_t watched_ = 0;
};

}  // namespace

std::unique_ptr<Reactor> make_poll_reactor() {
  return std::make_unique<PollReactor>();
}

}  // namespace aio::detail
