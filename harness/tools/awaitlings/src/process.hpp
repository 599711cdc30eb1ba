// Running the build and the tests: cmake and ctest as child processes, either captured (watch
// shows a summary, not their output) or on the terminal (a demo, a benchmark).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace awaitlings {

struct Captured {
  int exit_code = -1;  // the exit status, or 128 + signal; -1 when it could not start
  std::string output;  // stdout and stderr, interleaved as written
};

struct Command {
  std::vector<std::string> argv;
  std::filesystem::path directory;                 // where it runs; empty: here
  std::map<std::string, std::string> environment;  // set on top of ours
};

// Runs the command with stdin from /dev/null (the keys stay ours) and its output captured.
Captured run_captured(const Command& command);

// Runs the command on our terminal and waits; its exit code as run_captured's.
int run_on_terminal(const Command& command);

// The child running now (0 when none): the signal handlers stop it before awaitlings ends. A
// captured command runs in a process group of its own (its pid), so that stopping it also stops
// what it started (ninja and the compilers, the graders ctest runs): then running_group is set.
extern volatile int running_child;
extern volatile int running_group;

}  // namespace awaitlings
