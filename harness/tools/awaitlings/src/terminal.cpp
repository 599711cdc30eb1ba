#include "terminal.hpp"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "process.hpp"

namespace awaitlings {

namespace {

// What the signal handlers restore: set while a KeyMode is alive. Plain globals, written before
// the handlers can see them and read only by the handlers (tcsetattr is async-signal-safe).
struct termios saved_termios;
volatile sig_atomic_t saved_fd = -1;

void restore_terminal() {
  if (saved_fd >= 0) ::tcsetattr(saved_fd, TCSAFLUSH, &saved_termios);
}

// Async-signal-safe: the child is stopped, the terminal's mode, colours and cursor put back.
void clean_up() {
  if (running_child > 0) ::kill(running_group ? -running_child : running_child, SIGTERM);
  bool had_terminal = saved_fd >= 0;
  restore_terminal();
  saved_fd = -1;  // once only: a crash during std::terminate's clean-up reaches here again
  // Show the cursor and reset colours, in case a screen was half drawn.
  static const char reset[] = "\x1b[0m\x1b[?25h\n";
  if (had_terminal) (void)!::write(STDOUT_FILENO, reset, sizeof reset - 1);
}

void on_signal(int signal) {
  clean_up();
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

std::terminate_handler previous_terminate = nullptr;

// An exception nobody caught: the terminal first, then the usual report and abort.
[[noreturn]] void on_terminate() {
  clean_up();
  if (previous_terminate) previous_terminate();
  std::abort();
}

}  // namespace

KeyMode::KeyMode(int fd) : fd_(fd) {
  if (!::isatty(fd) || ::tcgetattr(fd, &saved_termios) != 0) return;
  struct termios keys = saved_termios;
  keys.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  keys.c_cc[VMIN] = 1;
  keys.c_cc[VTIME] = 0;
  if (::tcsetattr(fd, TCSANOW, &keys) != 0) return;
  saved_fd = fd;
  active_ = true;
}

KeyMode::~KeyMode() {
  if (!active_) return;
  restore_terminal();
  saved_fd = -1;
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal, &action, nullptr);
  // A crash of awaitlings itself must not leave the learner's shell without echo: the same clean
  // up, then the signal's own end (a core dump, the shell's "Segmentation fault").
  action.sa_flags = SA_RESETHAND;
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
    ::sigaction(signal, &action, nullptr);
  if (std::get_terminate() != on_terminate) previous_terminate = std::set_terminate(on_terminate);
}

Readiness wait_for_input(int key_fd, int other_fd, std::chrono::milliseconds timeout) {
  Readiness ready;
  struct pollfd fds[2] = {{key_fd, POLLIN, 0}, {other_fd, POLLIN, 0}};
  int count = other_fd >= 0 ? 2 : 1;
  if (key_fd < 0) {
    fds[0] = fds[1];
    count = other_fd >= 0 ? 1 : 0;
  }
  int result = ::poll(fds, static_cast<nfds_t>(count), static_cast<int>(timeout.count()));
  if (result <= 0) return ready;
  for (int i = 0; i < count; ++i) {
    bool readable = fds[i].revents & (POLLIN | POLLHUP | POLLERR);
    if (fds[i].fd == key_fd && key_fd >= 0) {
      ready.key = fds[i].revents & POLLIN;
      ready.key_closed = !ready.key && readable;
    } else if (readable) {
      ready.other = true;
    }
  }
  return ready;
}

namespace {

std::optional<char> read_byte(int fd) {
  char key = 0;
  for (;;) {
    ssize_t got = ::read(fd, &key, 1);
    if (got == 1) return key;
    if (got < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

// The next byte of an escape sequence: a terminal sends the whole sequence at once, so a byte
// that is not there within a moment belongs to no sequence (a lone ESC).
std::optional<char> read_byte_soon(int fd) {
  struct pollfd ready = {fd, POLLIN, 0};
  if (::poll(&ready, 1, 50) <= 0 || !(ready.revents & POLLIN)) return std::nullopt;
  return read_byte(fd);
}

}  // namespace

std::optional<char> read_key(int fd) {
  auto key = read_byte(fd);
  if (!key || *key != '\x1b') return key;
  // F2, Home, the arrows...: ESC [ parameters final (CSI) or ESC O final (SS3). Read to the end,
  // so that no byte of it counts as a key ('A' of an arrow, '~' of F5), and ignore it.
  auto next = read_byte_soon(fd);
  if (next == '[') {
    while (auto byte = read_byte_soon(fd)) {
      if (*byte >= 0x40 && *byte <= 0x7e) break;  // the final byte
    }
  } else if (next == 'O') {
    read_byte_soon(fd);
  }
  // A lone ESC, or ESC and a key (Alt+key): nothing either.
  return '\0';
}

bool confirm(const std::string& question) {
  std::cout << question << " [y/N] " << std::flush;
  if (saved_fd >= 0) {
    auto key = read_key(STDIN_FILENO);
    std::cout << (key ? std::string(1, *key) : "") << "\n";
    return key && (*key == 'y' || *key == 'Y');
  }
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace awaitlings
