#include "terminal.hpp"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

void on_signal(int signal) {
  if (running_child > 0) ::kill(running_group ? -running_child : running_child, SIGTERM);
  restore_terminal();
  // Show the cursor and reset colours, in case a screen was half drawn.
  static const char reset[] = "\x1b[0m\x1b[?25h\n";
  if (saved_fd >= 0) (void)!::write(STDOUT_FILENO, reset, sizeof reset - 1);
  ::signal(signal, SIG_DFL);
  ::raise(signal);
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
  char byte = 0;
  for (;;) {
    ssize_t got = ::read(fd, &byte, 1);
    if (got == 1) return byte;
    if (got < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

// The next byte if one arrives within `ms` (the rest of an escape sequence comes at once).
std::optional<char> byte_within(int fd, int ms) {
  pollfd poll_fd{fd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&poll_fd, 1, ms);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0 || !(poll_fd.revents & POLLIN)) return std::nullopt;
  return read_byte(fd);
}

}  // namespace

std::optional<char> read_key(int fd) {
  auto key = read_byte(fd);
  if (!key || *key != '\x1b') return key;
  // F2, Home, the arrows... arrive as ESC [ <parameters> <final byte> or ESC O <byte>: read the
  // whole sequence, so that its letters ("\x1b[H", "\x1bOQ") are not taken for keys. A lone
  // ESC, Alt+key and every sequence give '\0', which no command uses.
  auto next = byte_within(fd, 30);
  if (next && *next == 'O') {
    (void)byte_within(fd, 30);
  } else if (next && *next == '[') {
    for (int i = 0; i < 16; ++i) {  // parameters and intermediates, then a final byte @..~
      auto part = byte_within(fd, 30);
      if (!part || (*part >= '@' && *part <= '~')) break;
    }
  }
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
