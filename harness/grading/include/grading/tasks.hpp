// Which exercise of a chapter a grader test is about, from the chapter's HINTS.md.
//
// A chapter's HINTS.md has one section per exercise, in the order of exercise.cpp, each headed by
// the function (or type) it is about:
//
//   ## 1. `download_file(name, duration)`        or   ## Exercise 1: `greeting()`
//
// and then sections without a name in backticks ("## Common failure messages"). The graders' main
// uses this to give each test of results.json its Exercism `task_id` (the exercise's 1-based
// number); the `awaitlings` command uses it to pick the hints of the exercise that fails. Both
// read the same rule from here, so they never disagree.
//
// Header-only and without dependencies: the awaitlings command includes it without GoogleTest.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grading::tasks {

// The name an exercise heading is about: the identifier at the start of its first `code span`
// ("download_file" from "## 1. `download_file(name, duration)`"), or "" when the line is not an
// exercise heading (not a "## " heading, or no identifier in backticks).
inline std::string exercise_name(std::string_view heading) {
  if (heading.substr(0, 3) != "## ") return "";
  auto tick = heading.find('`');
  if (tick == std::string_view::npos) return "";
  std::string name;
  for (std::size_t i = tick + 1; i < heading.size(); ++i) {
    char c = heading[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':') {
      name += c;
    } else {
      break;
    }
  }
  // "ch04::download_file" and "download_file" name the same exercise.
  if (auto colons = name.rfind("::"); colons != std::string::npos) name = name.substr(colons + 2);
  return name;
}

// The exercises' names in HINTS.md order: element i is exercise i + 1.
inline std::vector<std::string> exercise_names(std::string_view markdown) {
  std::vector<std::string> names;
  std::size_t begin = 0;
  while (begin <= markdown.size()) {
    std::size_t end = markdown.find('\n', begin);
    if (end == std::string_view::npos) end = markdown.size();
    std::string name = exercise_name(markdown.substr(begin, end - begin));
    if (!name.empty()) names.push_back(name);
    begin = end + 1;
  }
  return names;
}

// "DownloadFile" -> "download_file": how graders name a suite after the function it tests.
inline std::string snake_case(std::string_view camel) {
  std::string snake;
  for (std::size_t i = 0; i < camel.size(); ++i) {
    auto c = static_cast<unsigned char>(camel[i]);
    if (std::isupper(c)) {
      if (i > 0 && camel[i - 1] != '_') snake += '_';
      snake += static_cast<char>(std::tolower(c));
    } else {
      snake += static_cast<char>(c);
    }
  }
  return snake;
}

// The 1-based exercise number a test suite is about, or nothing when no exercise matches. A suite
// is named after its function (DownloadFile tests download_file) or type (RateLimiter); failing
// that, a function whose name contains the suite's (Pipeline tests run_pipeline).
inline std::optional<int> task_of(std::string_view suite, const std::vector<std::string>& names) {
  // "Sizes/DownloadAll" (a value-parameterised suite): the part after the instance prefix.
  if (auto slash = suite.rfind('/'); slash != std::string_view::npos)
    suite = suite.substr(slash + 1);
  std::string snake = snake_case(suite);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == suite || names[i] == snake) return static_cast<int>(i + 1);
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (snake.size() >= 4 && names[i].find(snake) != std::string::npos) {
      return static_cast<int>(i + 1);
    }
  }
  return std::nullopt;
}

}  // namespace grading::tasks
