#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <functional>
#include <string>

#include "terminal.hpp"

namespace awaitlings {
namespace {

// Runs `crash` in a child whose KeyMode is on a pseudo-terminal; returns how the child ended and
// whether the terminal got its line mode and echo back.
struct Ending {
  int signal = 0;
  bool line_mode_back = false;
};

Ending crash_in_key_mode(const std::function<void()>& crash) {
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    struct rlimit no_core {};  // a crash on purpose: no core file
    ::setrlimit(RLIMIT_CORE, &no_core);
    KeyMode keys(slave);
    if (!keys.active()) ::_exit(3);
    install_signal_handlers();
    crash();
    ::_exit(4);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Ending ending;
  if (WIFSIGNALED(status)) ending.signal = WTERMSIG(status);
  struct termios now {};
  ::tcgetattr(slave, &now);
  ending.line_mode_back = (now.c_lflag & ICANON) && (now.c_lflag & ECHO);
  ::close(slave);
  ::close(master);
  return ending;
}

TEST(Terminal, ACrashRestoresTheTerminalAndStillCrashes) {
  Ending ending = crash_in_key_mode([] { ::raise(SIGSEGV); });
  EXPECT_EQ(ending.signal, SIGSEGV);
  EXPECT_TRUE(ending.line_mode_back);
}

TEST(Terminal, AnUncaughtExceptionRestoresTheTerminal) {
  Ending ending = crash_in_key_mode([] { std::terminate(); });
  EXPECT_EQ(ending.signal, SIGABRT);
  EXPECT_TRUE(ending.line_mode_back);
}

TEST(Terminal, CtrlCWhileIdleRestoresTheTerminal) {
  // Watch waiting for a key or a save, and Ctrl-C: the terminal sends SIGINT (ISIG stays on).
  Ending ending = crash_in_key_mode([] { ::raise(SIGINT); });
  EXPECT_EQ(ending.signal, SIGINT);  // ends as Ctrl-C would: the shell sees 130
  EXPECT_TRUE(ending.line_mode_back);
}

TEST(Terminal, WithoutHandlersTheTerminalStaysRaw) {
  // The check above can fail: a child that dies without the handlers leaves the mode raw.
  int master = -1;
  int slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    struct rlimit no_core {};
    ::setrlimit(RLIMIT_CORE, &no_core);
    KeyMode keys(slave);
    ::signal(SIGSEGV, SIG_DFL);
    ::raise(SIGSEGV);
    ::_exit(4);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  struct termios now {};
  ::tcgetattr(slave, &now);
  EXPECT_FALSE(now.c_lflag & ICANON);
  ::close(slave);
  ::close(master);
}

// The keys read from what a terminal sends, '\0' for one that means nothing; "." for the end.
std::string keys_of(const std::string& sent, bool close_after = true) {
  int fds[2];
  if (::pipe(fds) != 0) return "no pipe";
  (void)!::write(fds[1], sent.data(), sent.size());
  if (close_after) ::close(fds[1]);
  std::string keys;
  for (std::size_t i = 0; i <= sent.size(); ++i) {
    auto key = read_key(fds[0]);
    if (!key) {
      keys += '.';
      break;
    }
    keys += *key == '\0' ? '_' : *key;
    if (!close_after) break;  // more would wait for the writer
  }
  ::close(fds[0]);
  if (!close_after) ::close(fds[1]);
  return keys;
}

TEST(Terminal, AnEscapeSequenceIsOneKeyThatDoesNothing) {
  EXPECT_EQ(keys_of("h"), "h.");
  EXPECT_EQ(keys_of("\x1b[A"
                    "h"),
            "_h.");  // up arrow, then h
  EXPECT_EQ(keys_of("\x1b[12~"
                    "q"),
            "_q.");  // F2 (rxvt, linux console)
  EXPECT_EQ(keys_of("\x1bOQ"
                    "r"),
            "_r.");  // F2 (xterm)
  EXPECT_EQ(keys_of("\x1b[1;5H"
                    "l"),
            "_l.");                           // Ctrl+Home
  EXPECT_EQ(keys_of("\x1b[H\x1b[F"), "__.");  // Home, End
  EXPECT_EQ(keys_of("\x1b"), "_.");           // a lone ESC at the end
  // A lone ESC with the terminal still open: not waiting for more than a moment.
  EXPECT_EQ(keys_of("\x1b", /*close_after=*/false), "_");
}

}  // namespace
}  // namespace awaitlings
