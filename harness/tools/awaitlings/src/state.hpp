// What awaitlings remembers between runs, in one small file in the build tree
// (build/workbook/awaitlings.state), key=value lines:
//
//   current=02-await
//   hints.04-gather.3=2        <- two levels of exercise 3 of chapter 04 were shown
//
// Unknown or malformed lines are ignored: a damaged file costs the memory, never a crash.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace awaitlings {

struct State {
  std::string current;                     // the chapter folder watch works on
  std::map<std::string, int> hints_shown;  // "04-gather.3" -> levels shown

  int hints_shown_for(const std::string& folder, std::size_t exercise) const;
  void set_hints_shown(const std::string& folder, std::size_t exercise, int levels);
  friend bool operator==(const State&, const State&) = default;
};

State parse_state(std::string_view text);
std::string format_state(const State& state);

State load_state(const std::filesystem::path& file);
// Written under another name and renamed: two awaitlings at once never leave half a file.
// False when the file cannot be written.
bool save_state(const std::filesystem::path& file, const State& state);

}  // namespace awaitlings
