#include "compiler_errors.hpp"

#include "text.hpp"

#include <regex>
#include <sstream>

namespace awaitlings {

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// "file:12:3: error: ..." (GCC, Clang), "ld: ... undefined reference to ...", "CMake Error".
bool is_error(const std::string& line) {
  return contains(line, ": error:") || contains(line, ": fatal error:") ||
         contains(line, "undefined reference to") || line.rfind("CMake Error", 0) == 0;
}

// The start of another diagnostic or of the build's own chatter: the error ends before it.
bool ends_error(const std::string& line) {
  static const std::regex diagnostic(R"(^\S.*:[0-9]+:([0-9]+:)? (error|warning|fatal error):)");
  return std::regex_search(line, diagnostic) || line.rfind("ninja: ", 0) == 0 ||
         line.rfind("FAILED: ", 0) == 0 || line.rfind("[", 0) == 0 ||
         contains(line, "In function") || contains(line, "In member function") ||
         contains(line, "At global scope") || line.rfind("In file included from", 0) == 0 ||
         line.rfind("collect2:", 0) == 0 || contains(line, "errors generated") ||
         contains(line, "error generated");
}

// "exercise.cpp: In function 'aio::Task<int> ch01::greet_all(...)':": says where the error is.
bool names_function(const std::string& line) {
  return contains(line, ": In function") || contains(line, ": In member function") ||
         contains(line, ": In lambda function") || contains(line, ": In instantiation of");
}

}  // namespace

std::string strip_escapes(std::string_view text) {
  static const std::regex escape("\x1b\\[[0-9;?]*[A-Za-z]");
  return std::regex_replace(std::string(text), escape, "");
}

std::vector<std::string> first_compiler_error(std::string_view build_output,
                                              const std::filesystem::path& source,
                                              std::size_t max_lines) {
  std::string text = strip_escapes(build_output);
  std::string root = source.string();
  if (!root.empty() && root.back() != '/') root += '/';
  replace_all(text, root, "");
  std::vector<std::string> lines = split_lines(text);

  std::size_t first = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_error(lines[i])) {
      first = i;
      break;
    }
  }
  std::vector<std::string> shown;
  if (first == lines.size()) {
    // Nothing that looks like an error: the end of the log says most.
    std::size_t from = lines.size() > max_lines ? lines.size() - max_lines : 0;
    for (std::size_t i = from; i < lines.size(); ++i) {
      if (!lines[i].empty()) shown.push_back(lines[i]);
    }
    return shown;
  }
  if (first > 0 && names_function(lines[first - 1])) shown.push_back(lines[first - 1]);
  shown.push_back(lines[first]);
  for (std::size_t i = first + 1; i < lines.size() && shown.size() < max_lines; ++i) {
    if (ends_error(lines[i])) break;
    shown.push_back(lines[i]);
  }
  if (shown.size() >= max_lines) shown.back() = "  ...";
  return shown;
}

}  // namespace awaitlings
