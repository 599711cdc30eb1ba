// Small text helpers every part of awaitlings needs the same way.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace awaitlings {

// A whole file as bytes; empty when it cannot be read (a missing results file is no results).
std::string read_file(const std::filesystem::path& path);

// Lines without their '\n', and without a '\r' before it (a file saved on Windows).
std::vector<std::string> split_lines(std::string_view text);

}  // namespace awaitlings
