// The loop's wake-up descriptor, both kinds: readable after notify() from any thread, quiet
// again after drain(), and never lost between the two.
#include <gtest/gtest.h>
#include <poll.h>

#include <aio/detail/wakeup.hpp>
#include <thread>
#include <vector>

namespace {

using Kind = aio::detail::WakeupFd::Kind;

bool readable(const aio::detail::WakeupFd& wakeup, int timeout_ms = 0) {
  pollfd fd{wakeup.fd(), POLLIN, 0};
  return ::poll(&fd, 1, timeout_ms) == 1 && (fd.revents & POLLIN);
}

class Wakeup : public ::testing::TestWithParam<Kind> {};

TEST_P(Wakeup, QuietUntilNotifiedThenQuietAgainAfterDrain) {
  aio::detail::WakeupFd wakeup(GetParam());
  EXPECT_FALSE(readable(wakeup));
  wakeup.notify();
  EXPECT_TRUE(readable(wakeup));
  wakeup.drain();
  EXPECT_FALSE(readable(wakeup));
}

TEST_P(Wakeup, ManyNotificationsAreDrainedAtOnce) {
  aio::detail::WakeupFd wakeup(GetParam());
  for (int i = 0; i < 10'000; ++i) wakeup.notify();  // more than a pipe buffer holds
  EXPECT_TRUE(readable(wakeup));
  wakeup.drain();
  EXPECT_FALSE(readable(wakeup));
}

TEST_P(Wakeup, ANotificationFromAnotherThreadWakesABlockedPoll) {
  aio::detail::WakeupFd wakeup(GetParam());
  std::thread notifier([&] { wakeup.notify(); });
  EXPECT_TRUE(readable(wakeup, 10'000));
  notifier.join();
}

INSTANTIATE_TEST_SUITE_P(BothKinds, Wakeup,
#ifdef __linux__
                         ::testing::Values(Kind::EventFd, Kind::Pipe),
#else
                         ::testing::Values(Kind::Pipe),
#endif
                         [](const auto& info) {
                           return info.param == Kind::EventFd ? std::string("eventfd")
                                                              : std::string("pipe");
                         });

}  // namespace
