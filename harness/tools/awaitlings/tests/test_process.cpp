#include <gtest/gtest.h>

#include <signal.h>

#include <sstream>

#include "process.hpp"
#include "scratch.hpp"

namespace awaitlings {
namespace {

// The stop signals are blocked around fork (a Ctrl-C then cannot miss the new child): the
// child must not inherit that mask, and ours must be back afterwards.
TEST(Process, SignalsAreBlockedOnlyAroundTheFork) {
  Captured captured = run_captured({{"grep", "^SigBlk", "/proc/self/status"}, {}, {}});
  ASSERT_EQ(captured.exit_code, 0) << captured.output;
  EXPECT_EQ(captured.output, "SigBlk:\t0000000000000000\n");
  sigset_t now;
  ::sigprocmask(SIG_BLOCK, nullptr, &now);
  EXPECT_FALSE(sigismember(&now, SIGINT));
  EXPECT_FALSE(sigismember(&now, SIGTERM));
}

TEST(Process, CapturesOutputAndExitCode) {
  Captured captured = run_captured({{"sh", "-c", "echo out; echo err >&2; exit 3"}, {}, {}});
  EXPECT_EQ(captured.exit_code, 3);
  EXPECT_NE(captured.output.find("out\n"), std::string::npos);
  EXPECT_NE(captured.output.find("err\n"), std::string::npos);
}

TEST(Process, EnvironmentDirectoryAndNoInput) {
  testing::Scratch dir;
  Captured captured = run_captured({{"sh", "-c", "pwd; echo \"$AWAITLINGS_X\"; cat; echo end"},
                                    dir.path(),
                                    {{"AWAITLINGS_X", "42"}}});
  EXPECT_EQ(captured.exit_code, 0);
  EXPECT_NE(captured.output.find(dir.path().filename().string()), std::string::npos);
  EXPECT_NE(captured.output.find("42\nend\n"), std::string::npos);  // cat read /dev/null
}

TEST(Process, AMissingProgramIs127) {
  Captured captured = run_captured({{"awaitlings-no-such-program"}, {}, {}});
  EXPECT_EQ(captured.exit_code, 127);
  EXPECT_NE(captured.output.find("cannot run awaitlings-no-such-program"), std::string::npos);
  EXPECT_EQ(run_captured({{}, {}, {}}).exit_code, -1);
}

// Stopping a captured command stops what it started too: it leads a process group of its own.
TEST(Process, ACapturedCommandLeadsItsOwnProcessGroup) {
  Captured captured = run_captured({{"sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"}, {}, {}});
  ASSERT_EQ(captured.exit_code, 0) << captured.output;
  std::istringstream lines(captured.output);
  std::string pid, group;
  lines >> pid >> group;
  EXPECT_EQ(pid, group);
}

TEST(Process, ASignalIs128Plus) {
  EXPECT_EQ(run_captured({{"sh", "-c", "kill -TERM $$"}, {}, {}}).exit_code, 128 + 15);
}

}  // namespace
}  // namespace awaitlings
