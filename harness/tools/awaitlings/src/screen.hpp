// What awaitlings prints, as plain strings: the watch screen, the chapter list, wrapped text,
// progress bars. No terminal I/O here, so every screen is testable as text; the terminal's
// abilities come in as a Style.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chapters.hpp"
#include "results.hpp"

namespace awaitlings {

struct Style {
  bool escapes = false;  // colours and clearing the screen (a TTY, no NO_COLOR, TERM not dumb)
  bool utf8 = false;     // block characters in progress bars
  int width = 80;
  int height = 24;

  std::string bold(std::string_view text) const { return wrap_in("1", text); }
  std::string green(std::string_view text) const { return wrap_in("32", text); }
  std::string red(std::string_view text) const { return wrap_in("31", text); }
  std::string yellow(std::string_view text) const { return wrap_in("33", text); }
  std::string dim(std::string_view text) const { return wrap_in("2", text); }
  // Home, clear the screen and its scrollback; plain output separates screens by a blank line.
  std::string clear() const { return escapes ? "\x1b[H\x1b[2J\x1b[3J" : "\n"; }

 private:
  std::string wrap_in(const char* code, std::string_view text) const {
    if (!escapes) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
};

// The style for output to `fd` under this environment: escapes only on a TTY, without NO_COLOR
// (any value) and with a TERM other than "dumb"; UTF-8 when the locale says so; the size of the
// terminal, 80x24 when unknown.
Style detect_style(int fd);

// For tests and callers that know their environment.
Style style_for(bool tty, const char* no_color, const char* term, const char* locale, int width,
                int height);

// Text as lines of at most `width` columns (UTF-8 characters count once). Prose is wrapped at
// spaces, keeping its indentation; a line with two spaces in a row after its indentation is
// preformatted (a table, a source excerpt) and is cut with a final '>' instead, so its columns
// stay aligned.
std::vector<std::string> wrap(std::string_view text, int width);

// Columns a string takes: UTF-8 characters count once, escape sequences not at all.
int display_width(std::string_view text);

// "[####......]" (or with block characters), `cells` wide inside the brackets.
std::string progress_bar(int passed, int total, int cells, bool utf8);

// "3/12", or "-" for a chapter without tests yet.
std::string score(const Summary& summary);

// The watch screen, top to bottom: the chapter's header, a notice (a chapter just finished, a
// question), a hint, the details (the first failing check or the compiler's error), the keys.
// A long hint, then the details, are cut to what fits the terminal's height, each with a note of
// what was left out.
struct WatchScreen {
  Chapter chapter;
  Summary summary;
  std::string exercise_path;  // "chapters/01-coroutines/exercise.cpp"
  bool compile_failed = false;
  bool busy = false;                 // grading right now
  std::string watching;              // "inotify" or "polling"
  std::vector<std::string> notice;   // lines shown under the header, highlighted
  std::vector<std::string> hint;     // the hint asked for with h
  std::string details_title;         // "First failing test: Greeting.ReturnsDone"
  std::string details;               // its whole explanation, or the compiler's error
  std::string full_details_command;  // where the rest of a cut explanation is
};
std::string render_watch(const WatchScreen& screen, const Style& style);

// One row of `awaitlings list`.
struct ListRow {
  Chapter chapter;
  Summary summary;
  bool current = false;
};
std::string render_list(const std::vector<ListRow>& rows, const Style& style);

}  // namespace awaitlings
