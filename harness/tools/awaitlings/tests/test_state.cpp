#include <gtest/gtest.h>

#include "scratch.hpp"
#include "state.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

TEST(State, RoundTrip) {
  State state;
  state.current = "04-gather";
  state.set_hints_shown("04-gather", 2, 3);  // exercise 3
  state.set_hints_shown("01-coroutines", 0, 1);
  std::string text = format_state(state);
  EXPECT_NE(text.find("current=04-gather\n"), std::string::npos);
  EXPECT_NE(text.find("hints.04-gather.3=3\n"), std::string::npos);
  EXPECT_EQ(parse_state(text), state);
  EXPECT_EQ(state.hints_shown_for("04-gather", 2), 3);
  EXPECT_EQ(state.hints_shown_for("04-gather", 0), 0);
}

TEST(State, DamagedLinesAreIgnored) {
  State state = parse_state(
      "current=02-await\nhints.02-await.1=two\nhints.02-await.2=-1\nhints.=4\nno equals\n"
      "hints.02-await.3=2\n\xff\xfe=junk\n");
  EXPECT_EQ(state.current, "02-await");
  EXPECT_EQ(state.hints_shown.size(), 1u);
  EXPECT_EQ(state.hints_shown_for("02-await", 2), 2);
}

TEST(State, SavedAndLoaded) {
  Scratch dir;
  auto file = dir.path() / "awaitlings.state";
  EXPECT_EQ(load_state(file), State{});  // no file yet
  State state;
  state.current = "09-timeouts";
  state.set_hints_shown("09-timeouts", 0, 2);
  ASSERT_TRUE(save_state(file, state));
  EXPECT_EQ(load_state(file), state);
  EXPECT_FALSE(save_state(dir.path() / "missing-folder" / "state", state));
}

}  // namespace
}  // namespace awaitlings
