// The awaitlings commands. Each drives the workbook's own build tree with the same cmake and ctest
// the README shows, reads what the graders recorded, and prints; none grades on its own.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "chapters.hpp"
#include "screen.hpp"
#include "state.hpp"

namespace awaitlings {

struct Context {
  Paths paths;
  std::string cmake = "cmake";
  std::string ctest = "ctest";
  Style style;
  std::vector<Chapter> chapters;
};

// The chapter watch works on: the one remembered, else the first not done, else the last.
Chapter current_chapter(const Context& context, const State& state);

// The next level of the hint for `chapter` (exercise: 1-based, or the one its first failing test
// is about), as lines to print; remembered in `state` (the caller saves it).
std::vector<std::string> next_hint(const Context& context, State& state, const Chapter& chapter,
                                   std::optional<int> exercise);

struct WatchOptions {
  std::optional<Chapter> chapter;
  bool poll = false;
  std::chrono::milliseconds debounce{300};
};

int watch(Context& context, const WatchOptions& options);
int list(const Context& context);
int hint(Context& context, std::optional<Chapter> chapter, std::optional<int> exercise);
int run_demo(Context& context, const Chapter& chapter, bool virtual_clock, const std::string& trace,
             const std::vector<std::string>& args);
int reset(Context& context, const Chapter& chapter, bool yes);
int solution(Context& context, const Chapter& chapter, bool force);
int verify(Context& context);
int bench(Context& context, const Chapter& chapter, const std::vector<std::string>& args);

}  // namespace awaitlings
