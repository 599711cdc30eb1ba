// aio::print("Got: ", result): print one line, stamped with the loop's time.
//
// Inside a loop the line is also recorded in the loop's transcript as {time, task, text}: that
// is what the graders compare. Arguments are written with operator<<, one after the other.
#pragma once

#include <chrono>
#include <sstream>
#include <string>

namespace aio {

namespace detail {
void print_line(std::string text);
}

template <class... Args>
void print(const Args&... args) {
  std::ostringstream line;
  (line << ... << args);
  detail::print_line(std::move(line).str());
}

// "  2.000" — seconds with millisecond precision, as demos print them: "[  2.000s] text".
std::string format_seconds(std::chrono::nanoseconds time);

}  // namespace aio
