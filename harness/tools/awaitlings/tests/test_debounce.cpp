#include <gtest/gtest.h>

#include "debounce.hpp"

namespace awaitlings {
namespace {

using namespace std::chrono_literals;

TEST(Debounce, ABurstOfChangesIsOneGrading) {
  Debouncer debounce(300ms);
  auto t0 = Debouncer::Clock::time_point{} + 1h;
  EXPECT_FALSE(debounce.due(t0));  // nothing changed
  debounce.changed(t0);
  debounce.changed(t0 + 100ms);  // the editor writes, truncates, renames...
  debounce.changed(t0 + 250ms);
  EXPECT_FALSE(debounce.due(t0 + 400ms));  // 150 ms after the last change: not quiet yet
  EXPECT_EQ(debounce.time_left(t0 + 400ms), 150ms);
  EXPECT_TRUE(debounce.due(t0 + 550ms));
  EXPECT_FALSE(debounce.due(t0 + 600ms));  // once per burst
  EXPECT_FALSE(debounce.pending());
  EXPECT_FALSE(debounce.time_left(t0 + 600ms));
}

TEST(Debounce, LateChecksAreDueAtOnce) {
  Debouncer debounce(300ms);
  auto t0 = Debouncer::Clock::time_point{} + 1h;
  debounce.changed(t0);
  EXPECT_EQ(debounce.time_left(t0 + 10s), 0ms);
  EXPECT_TRUE(debounce.due(t0 + 10s));
}

TEST(Debounce, ZeroQuietIsImmediate) {
  Debouncer debounce(0ms);
  auto t0 = Debouncer::Clock::time_point{} + 1h;
  debounce.changed(t0);
  EXPECT_TRUE(debounce.due(t0));
}

}  // namespace
}  // namespace awaitlings
