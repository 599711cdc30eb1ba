// A chapter's HINTS.md in pieces: one section per exercise, each in levels, gentlest first.
//
//   ## 2. `download_three()`          <- an exercise: the name in backticks (grading/tasks.hpp)
//   **Level 1.** ...                  <- a level runs until the next level or heading
//   **Level 2.** ...
//   ## Common failure messages        <- no name in backticks: not an exercise
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awaitlings {

struct HintSection {
  std::string title;                // "2. `download_three()`" (the heading without "## ")
  std::string name;                 // "download_three"
  std::vector<std::string> levels;  // each level's text, "**Level N.**" included
};

struct Hints {
  std::vector<HintSection> exercises;  // exercise i + 1 is exercises[i]
};

Hints parse_hints(std::string_view markdown);

// Which exercise to give a hint for (an index into hints.exercises): the one the first failing
// test is about (its suite names the exercise), else the first whose levels are not all shown.
// `shown(i)` is how many levels of exercise i were shown already. Nothing for a file without
// exercises.
template <class Shown>
std::optional<std::size_t> exercise_for_hint(const Hints& hints,
                                             const std::optional<std::string>& failing_test,
                                             Shown shown);

// The suite of "Suite.Test" ("Sizes/DownloadAll.Works/3" -> "Sizes/DownloadAll").
std::string suite_of(std::string_view test);

std::optional<std::size_t> exercise_of_test(const Hints& hints, std::string_view test);

// A hint's Markdown, a little lighter for a terminal: no bold markers, and each paragraph on one
// line (its line breaks are the file's, not meant for the terminal's width), for wrap() to flow.
// A list keeps one line per item (an item's indented continuation joins it); fenced code and an
// indented block keep their lines, indentation and ** as they are.
std::string plain_markdown(std::string_view markdown);

template <class Shown>
std::optional<std::size_t> exercise_for_hint(const Hints& hints,
                                             const std::optional<std::string>& failing_test,
                                             Shown shown) {
  if (hints.exercises.empty()) return std::nullopt;
  if (failing_test) {
    if (auto exercise = exercise_of_test(hints, *failing_test)) return exercise;
  }
  for (std::size_t i = 0; i < hints.exercises.size(); ++i) {
    if (shown(i) < static_cast<int>(hints.exercises[i].levels.size())) return i;
  }
  return hints.exercises.size() - 1;
}

}  // namespace awaitlings
