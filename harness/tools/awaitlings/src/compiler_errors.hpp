// The compiler's first error, trimmed to what a learner needs: the error line, its source
// excerpt, and the line before it that names the function, with the build tree's noise (Ninja's
// progress lines, the compiler's command line, colour codes, absolute paths) removed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace awaitlings {

// At most `max_lines` lines. Paths under `source` are shown relative to it. A build log without
// a recognisable error gives its last lines.
std::vector<std::string> first_compiler_error(std::string_view build_output,
                                              const std::filesystem::path& source,
                                              std::size_t max_lines = 14);

// The text without terminal escape sequences (a compiler may colour its output).
std::string strip_escapes(std::string_view text);

}  // namespace awaitlings
