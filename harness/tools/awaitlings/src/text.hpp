// Small text helpers the commands share: a whole file, and a text's lines.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace awaitlings {

// The file's bytes; empty if it cannot be read (a missing results file is "not graded yet").
std::string read_file(const std::filesystem::path& path);

// The lines of `text`, without their line ends ("\n" or "\r\n": a file saved on Windows).
std::vector<std::string> split_lines(std::string_view text);

}  // namespace awaitlings
