// A file:line:function triple captured at a call site.
//
// Why not std::source_location? Clang 14 with libstdc++ cannot compile it (it needs
// __builtin_source_location, which arrived in Clang 15). The three builtins below work on
// GCC and Clang alike. Used as a default argument, they record the *caller's* position: that is
// how the runtime knows the file:line of every co_await for its diagnostics.
#pragma once

#include <string>

namespace aio {

struct SourceLocation {
  const char* file = "";
  unsigned line = 0;
  const char* function = "";

  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE(),
                                          const char* function = __builtin_FUNCTION()) noexcept {
    return SourceLocation{file, line, function};
  }

  // "02-await/exercise.cpp:17": the last two path components keep messages short but unambiguous.
  std::string short_str() const;
};

}  // namespace aio
