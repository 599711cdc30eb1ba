#include "hints.hpp"

#include "text.hpp"

#include <cctype>
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

// "- x", "* x", "+ x", "1. x", "12) x" (without the indentation).
bool is_list_item(std::string_view text) {
  if (text.size() >= 2 && (text[0] == '-' || text[0] == '*' || text[0] == '+') && text[1] == ' ') {
    return true;
  }
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  return digits > 0 && digits + 1 < text.size() && (text[digits] == '.' || text[digits] == ')') &&
         text[digits + 1] == ' ';
}

}  // namespace

std::string plain_markdown(std::string_view markdown) {
  std::vector<std::string> out;
  bool in_fence = false;
  bool joinable = false;  // the last line is prose that the next line may continue
  bool in_item = false;   // ... and a list item, which an indented line continues
  for (const std::string& line : split_lines(markdown)) {
    std::size_t start = line.find_first_not_of(' ');
    std::string_view text =
        start == std::string::npos ? std::string_view() : std::string_view(line).substr(start);
    if (starts_with(text, "```") || starts_with(text, "~~~")) {
      in_fence = !in_fence;
      out.push_back(line);
      joinable = false;
      continue;
    }
    if (in_fence) {
      out.push_back(line);
      continue;
    }
    if (text.empty()) {
      out.emplace_back();
      joinable = in_item = false;
      continue;
    }
    bool indented = start > 0;
    bool item = is_list_item(text);
    bool block = indented && !item && !in_item && !joinable;  // an indented (code) block
    std::string plain(block ? line : line.substr(0, start) + std::string(text));
    if (!block) {
      for (auto at = plain.find("**"); at != std::string::npos; at = plain.find("**", at)) {
        plain.erase(at, 2);
      }
    }
    bool own_line = item || block || text[0] == '#' || text[0] == '|' || text[0] == '>';
    if (joinable && !own_line && (!indented || in_item)) {
      out.back() += " " + plain.substr(start);
      continue;
    }
    out.push_back(plain);
    if (item) in_item = true;
    joinable = !block && text[0] != '|';
  }
  std::string joined;
  for (std::size_t i = 0; i < out.size(); ++i) joined += (i ? "\n" : "") + out[i];
  return joined;
}

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
  for (const std::string& line : split_lines(markdown)) {
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

}  // namespace awaitlings
