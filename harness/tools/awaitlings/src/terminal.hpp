// The terminal while watch runs: keys one at a time without echo, and the terminal put back as it
// was on every way out (q, the end of main, Ctrl-C, SIGTERM, SIGHUP).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace awaitlings {

// While alive, the terminal on `fd` delivers each key at once and does not echo it. Ctrl-C still
// sends SIGINT (ISIG stays on), which the handlers of install_signal_handlers() turn into a clean
// exit. Does nothing when `fd` is not a terminal.
class KeyMode {
 public:
  explicit KeyMode(int fd);
  ~KeyMode();
  KeyMode(const KeyMode&) = delete;
  KeyMode& operator=(const KeyMode&) = delete;
  bool active() const { return active_; }

 private:
  int fd_;
  bool active_ = false;
};

// SIGINT, SIGTERM, SIGHUP, a crash (SIGSEGV, SIGABRT, ...) and std::terminate: stop the child
// being run (if any), restore the terminal, show the cursor and end as the signal would have
// ended the process.
void install_signal_handlers();

// Waits up to `timeout` for a key on `key_fd` or for `other_fd` (-1: none) to be readable.
struct Readiness {
  bool key = false;
  bool other = false;
  bool key_closed = false;  // end of input: no more keys will come
};
Readiness wait_for_input(int key_fd, int other_fd, std::chrono::milliseconds timeout);

// The next key from `fd`: one byte, or '\0' for a key that means nothing here (an escape
// sequence such as F2, Home or an arrow, read whole; a lone ESC). Nothing at the end of input.
std::optional<char> read_key(int fd);

// Asks a yes/no question on stdout and reads the answer from stdin: a single key in KeyMode,
// a line otherwise. Anything but y or Y is no.
bool confirm(const std::string& question);

}  // namespace awaitlings
