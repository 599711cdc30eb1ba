#include "state.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace awaitlings {

namespace {

std::string hints_key(const std::string& folder, std::size_t exercise) {
  return folder + "." + std::to_string(exercise + 1);
}

}  // namespace

int State::hints_shown_for(const std::string& folder, std::size_t exercise) const {
  auto found = hints_shown.find(hints_key(folder, exercise));
  return found == hints_shown.end() ? 0 : found->second;
}

void State::set_hints_shown(const std::string& folder, std::size_t exercise, int levels) {
  hints_shown[hints_key(folder, exercise)] = levels;
}

State parse_state(std::string_view text) {
  State state;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string key = line.substr(0, equals);
    std::string value = line.substr(equals + 1);
    if (key == "current") {
      state.current = value;
    } else if (key.rfind("hints.", 0) == 0 && key.size() > 6) {
      int levels = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), levels);
      if (error == std::errc() && end == value.data() + value.size() && levels >= 0) {
        state.hints_shown[key.substr(6)] = levels;
      }
    }
  }
  return state;
}

std::string format_state(const State& state) {
  std::string text = "# awaitlings: the chapter you are on, and the hints you have seen\n";
  if (!state.current.empty()) text += "current=" + state.current + "\n";
  for (const auto& [key, levels] : state.hints_shown) {
    text += "hints." + key + "=" + std::to_string(levels) + "\n";
  }
  return text;
}

State load_state(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_state(text.str());
}

bool save_state(const std::filesystem::path& file, const State& state) {
  std::filesystem::path temporary = file;
  temporary += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << format_state(state);
    if (!out.flush()) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  if (error) std::filesystem::remove(temporary, error);
  return !error;
}

}  // namespace awaitlings
