#include "hints.hpp"

#include <cctype>

#include "text.hpp"

#include <grading/tasks.hpp>
#include <sstream>

namespace awaitlings {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string trim_blank_lines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && text[start] == '\n') ++start;
  return text.substr(start);
}

}  // namespace

Hints parse_hints(std::string_view markdown) {
  Hints hints;
  HintSection* section = nullptr;  // the exercise being read, or none (intro, other sections)
  std::string body;                // the text of the level being read
  bool in_level = false;           // body holds a "**Level N.**" paragraph (not an introduction)
  auto close_level = [&] {
    std::string text = trim_blank_lines(body);
    if (section && !text.empty()) section->levels.push_back(text);
    body.clear();
  };
  std::istringstream lines{std::string(markdown)};
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (starts_with(line, "## ") || starts_with(line, "# ")) {
      // A section without level markers closes here as a single level.
      close_level();
      in_level = false;
      section = nullptr;
      std::string name = grading::tasks::exercise_name(line);
      if (!name.empty()) {
        hints.exercises.push_back({line.substr(3), name, {}});
        section = &hints.exercises.back();
      }
      continue;
    }
    if (!section) continue;
    if (starts_with(line, "**Level ")) {
      // Text before the first level (an introduction to the exercise) stays with level 1.
      if (in_level) close_level();
      in_level = true;
    }
    body += line + "\n";
  }
  close_level();
  return hints;
}

std::string suite_of(std::string_view test) {
  // The suite ends at the first '.' after the last '/' of a parameterised instance prefix.
  std::size_t from = 0;
  if (auto slash = test.find('/'); slash != std::string_view::npos) {
    auto dot = test.find('.');
    if (dot != std::string_view::npos && slash < dot) from = slash;
  }
  auto dot = test.find('.', from);
  return std::string(test.substr(0, dot));
}

std::optional<std::size_t> exercise_of_test(const Hints& hints, std::string_view test) {
  std::vector<std::string> names;
  for (const HintSection& section : hints.exercises) names.push_back(section.name);
  if (auto task = grading::tasks::task_of(suite_of(test), names)) {
    return static_cast<std::size_t>(*task - 1);
  }
  return std::nullopt;
}

namespace {

// A Markdown line that never continues the paragraph before it.
bool starts_a_line_of_its_own(const std::string& line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '|') return true;
  if (line.rfind("- ", 0) == 0 || line.rfind("* ", 0) == 0 || line.rfind("```", 0) == 0) {
    return true;
  }
  std::size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  return digits > 0 && line.compare(digits, 2, ". ") == 0;
}

}  // namespace

std::string plain_markdown(std::string text) {
  for (auto at = text.find("**"); at != std::string::npos; at = text.find("**", at)) {
    text.erase(at, 2);
  }
  std::string flowed;
  bool in_code = false;
  bool joinable = false;  // the line before was prose: this one may continue it
  for (const std::string& line : split_lines(text)) {
    const bool fence = line.rfind("```", 0) == 0;
    if (!in_code && !fence && joinable && !starts_a_line_of_its_own(line)) {
      flowed += ' ' + line;
      continue;
    }
    if (!flowed.empty()) flowed += '\n';
    flowed += line;
    if (fence) in_code = !in_code;
    joinable = !in_code && !fence && !line.empty();
  }
  return flowed;
}

}  // namespace awaitlings
