#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace awaitlings {

volatile int running_child = 0;
volatile int running_group = 0;

namespace {

// In the child, between fork and exec: only async-signal-safe calls (plus setenv, which is safe
// here because the parent is single-threaded when it forks).
[[noreturn]] void exec_child(const Command& command, std::vector<char*>& argv) {
  for (const auto& [name, value] : command.environment) ::setenv(name.c_str(), value.c_str(), 1);
  if (!command.directory.empty() && ::chdir(command.directory.c_str()) != 0) {
    const char* message = "awaitlings: cannot enter the command's directory\n";
    (void)!::write(STDERR_FILENO, message, std::strlen(message));
    ::_exit(127);
  }
  ::execvp(argv[0], argv.data());
  const char* message = "awaitlings: cannot run ";
  (void)!::write(STDERR_FILENO, message, std::strlen(message));
  (void)!::write(STDERR_FILENO, argv[0], std::strlen(argv[0]));
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

std::vector<char*> argv_of(const Command& command) {
  std::vector<char*> argv;
  for (const auto& arg : command.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// The signals whose handlers stop running_child (terminal.cpp). Blocked from before fork until
// the child is recorded: a Ctrl-C in between would otherwise find running_child still 0 and
// leave the new child running after awaitlings ends. The handler then runs, with the child
// known, as soon as they are unblocked.
class BlockStopSignals {
 public:
  BlockStopSignals() {
    sigset_t stop;
    sigemptyset(&stop);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&stop, signal);
    ::sigprocmask(SIG_BLOCK, &stop, &old_);
  }
  ~BlockStopSignals() { unblock(); }
  BlockStopSignals(const BlockStopSignals&) = delete;
  BlockStopSignals& operator=(const BlockStopSignals&) = delete;

  void unblock() {
    if (done_) return;
    done_ = true;
    ::sigprocmask(SIG_SETMASK, &old_, nullptr);
  }

  // In the child: our handlers are not its business (exec resets them, but a signal may come
  // before exec), then the mask it would have had.
  void in_child() {
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(signal, SIG_DFL);
    unblock();
  }

 private:
  sigset_t old_;
  bool done_ = false;
};

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  running_child = 0;
  running_group = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Captured run_captured(const Command& command) {
  Captured captured;
  if (command.argv.empty()) return captured;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return captured;
  std::vector<char*> argv = argv_of(command);
  BlockStopSignals blocked;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return captured;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    blocked.in_child();
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    exec_child(command, argv);
  }
  ::setpgid(pid, pid);  // as the child does: whichever runs first, the group exists before a signal
  running_child = pid;
  running_group = 1;
  blocked.unblock();  // a signal that came meanwhile is handled now, and stops the child
  ::close(pipe_fds[1]);
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (got > 0) {
      captured.output.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  captured.exit_code = wait_for(pid);
  return captured;
}

int run_on_terminal(const Command& command) {
  if (command.argv.empty()) return -1;
  std::vector<char*> argv = argv_of(command);
  BlockStopSignals blocked;
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    blocked.in_child();
    exec_child(command, argv);
  }
  running_child = pid;
  // Ctrl-C reaches the child (the terminal signals the whole foreground group): awaitlings waits
  // for it to end instead of ending first and leaving it behind. Ignored before the signals are
  // unblocked: a Ctrl-C pending since the fork reached the child too.
  struct sigaction ignore {
  }, old_int{}, old_quit{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  blocked.unblock();
  int code = wait_for(pid);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  return code;
}

}  // namespace awaitlings
