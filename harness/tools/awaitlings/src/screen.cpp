#include "screen.hpp"

#include "text.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace awaitlings {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The bytes of `text` that fill at most `columns` columns, whole UTF-8 characters only.
std::string take_columns(std::string_view text, int columns) {
  std::string out;
  int used = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!is_continuation(c)) {
      if (used == columns) break;
      ++used;
    }
    out += text[i];
  }
  return out;
}

// A table, a chart, a source excerpt: aligned by spaces, so it must not be re-flowed. Two spaces
// in a row after the indentation give it away; indentation alone does not (a message's
// continuation lines are indented prose).
bool is_preformatted(const std::string& line) {
  std::size_t text = line.find_first_not_of(' ');
  return text != std::string::npos && line.find("  ", text) != std::string::npos;
}

void wrap_prose(const std::string& line, int width, std::vector<std::string>& out) {
  std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string::npos) {
    out.emplace_back();
    return;
  }
  std::string margin(std::min<std::size_t>(indent, static_cast<std::size_t>(width / 2)), ' ');
  std::istringstream words(line.substr(indent));
  std::string current = margin;
  for (std::string word; words >> word;) {
    int room = width - display_width(current);
    bool empty = current.size() == margin.size();
    if (!empty && display_width(word) + 1 > room) {
      out.push_back(current);
      current = margin;
      empty = true;
    }
    if (!empty) current += ' ';
    // A word longer than a whole line (a path, a URL) is broken where the line ends.
    while (display_width(current) + display_width(word) > width) {
      std::string part = take_columns(word, width - display_width(current));
      if (part.empty()) break;
      out.push_back(current + part);
      word.erase(0, part.size());
      current = margin;
    }
    current += word;
  }
  if (current.size() > margin.size()) out.push_back(current);
}

const char* status_colour(Status status) {
  switch (status) {
    case Status::Done:
      return "green";
    case Status::InProgress:
      return "yellow";
    default:
      return "plain";
  }
}

std::string coloured(const Style& style, const char* colour, std::string_view text) {
  std::string_view name = colour;
  if (name == "green") return style.green(text);
  if (name == "yellow") return style.yellow(text);
  if (name == "red") return style.red(text);
  return std::string(text);
}

std::string pad(std::string text, int width) {
  int shown = display_width(text);
  if (shown < width) text += std::string(static_cast<std::size_t>(width - shown), ' ');
  return text;
}

}  // namespace

Style style_for(bool tty, const char* no_color, const char* term, const char* locale, int width,
                int height) {
  Style style;
  bool dumb = term && std::string_view(term) == "dumb";
  style.escapes = tty && !no_color && !dumb;
  std::string lower = locale ? locale : "";
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  style.utf8 = !dumb && (lower.find("utf-8") != std::string::npos ||
                         lower.find("utf8") != std::string::npos);
  style.width = width >= 20 ? width : 80;
  style.height = height >= 8 ? height : 24;
  return style;
}

Style detect_style(int fd) {
  // The locale that decides the character set: the first of LC_ALL, LC_CTYPE, LANG that is set.
  const char* locale = nullptr;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value && *value) {
      locale = value;
      break;
    }
  }
  bool tty = ::isatty(fd) == 1;
  winsize size{};
  int width = 0;
  int height = 0;
  if (tty && ::ioctl(fd, TIOCGWINSZ, &size) == 0) {
    width = size.ws_col;
    height = size.ws_row;
  }
  return style_for(tty, std::getenv("NO_COLOR"), std::getenv("TERM"), locale, width, height);
}

int display_width(std::string_view text) {
  int width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b && i + 1 < text.size() && text[i + 1] == '[') {
      // An escape sequence: up to and including its final letter.
      i += 2;
      while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
      continue;
    }
    if (!is_continuation(c)) ++width;
  }
  return width;
}

std::vector<std::string> wrap(std::string_view text, int width) {
  std::vector<std::string> out;
  if (width < 10) width = 10;
  for (const std::string& line : split_lines(text)) {
    if (display_width(line) <= width) {
      out.push_back(line);
    } else if (is_preformatted(line)) {
      out.push_back(take_columns(line, width - 1) + ">");
    } else {
      wrap_prose(line, width, out);
    }
  }
  return out;
}

std::string progress_bar(int passed, int total, int cells, bool utf8) {
  int filled = 0;
  if (total > 0 && passed > 0) {
    filled = passed * cells / total;
    // Some progress always shows, and a full bar means every test passed.
    filled = std::clamp(filled, 1, passed == total ? cells : cells - 1);
  }
  std::string bar = "[";
  for (int i = 0; i < cells; ++i) {
    if (utf8) {
      bar += i < filled ? "\u2588" : "\u2591";
    } else {
      bar += i < filled ? '#' : '.';
    }
  }
  return bar + "]";
}

std::string score(const Summary& summary) {
  if (summary.total == 0) return "-";
  return std::to_string(summary.passed) + "/" + std::to_string(summary.total);
}

std::string render_watch(const WatchScreen& screen, const Style& style) {
  const int width = style.width;
  std::vector<std::string> top;
  std::string state;
  if (screen.busy) {
    state = style.yellow("grading...");
  } else if (screen.compile_failed) {
    state = style.red("does not compile");
  } else {
    state =
        coloured(style, status_colour(screen.summary.status), status_word(screen.summary.status));
  }
  top.push_back(style.bold("awaitlings  " + screen.chapter.folder) + "  " +
                progress_bar(screen.summary.passed, screen.summary.total, 10, style.utf8) + " " +
                score(screen.summary) + " passed  " + state);
  std::string watching = "edit " + screen.exercise_path;
  if (!screen.watching.empty()) watching += " (watched: " + screen.watching + ")";
  for (auto& line : wrap(watching, width)) top.push_back(style.dim(line));
  if (screen.summary.stale && !screen.busy && !screen.compile_failed) {
    for (auto& line : wrap("exercise.cpp changed since this verdict: r grades it again", width)) {
      top.push_back(style.yellow(line));
    }
  }
  top.emplace_back();
  for (const auto& text : screen.notice) {
    for (auto& line : wrap(text, width)) top.push_back(style.bold(style.yellow(line)));
  }
  if (!screen.notice.empty()) top.emplace_back();

  std::vector<std::string> bottom;
  bottom.emplace_back();
  bottom.push_back(style.dim("h hint  n next chapter  l list  r grade again  q quit"));

  // A hint takes what is left once the details keep three lines (their title, a line, what was
  // cut) and one line stays free: a long level would push the keys off a 24-line terminal.
  std::vector<std::string> hint;
  for (const auto& text : screen.hint) {
    for (auto& line : wrap(text, width)) hint.push_back(line);
  }
  if (!hint.empty()) {
    int hint_room = style.height - 1 - static_cast<int>(top.size() + bottom.size()) - 3 - 1;
    hint_room = std::max(hint_room, 2);
    if (static_cast<int>(hint.size()) > hint_room) {
      std::string hints_file = fs::path(screen.exercise_path).parent_path().string();
      hints_file += hints_file.empty() ? "HINTS.md" : "/HINTS.md";
      std::string more = style.utf8 ? "\u2026" : "...";
      more += " (cut to fit the terminal: the whole hint is in " + hints_file + ")";
      std::vector<std::string> more_lines = wrap(more, width);
      int kept = std::max(1, hint_room - static_cast<int>(more_lines.size()));
      hint.resize(static_cast<std::size_t>(kept));
      for (auto& line : more_lines) hint.push_back(style.dim(line));
    }
    top.insert(top.end(), hint.begin(), hint.end());
    top.emplace_back();
  }

  std::vector<std::string> details;
  if (!screen.details_title.empty()) {
    for (auto& line : wrap(screen.details_title, width)) details.push_back(style.bold(line));
  }
  for (auto& line : wrap(screen.details, width)) details.push_back(line);
  while (!details.empty() && details.back().empty()) details.pop_back();

  // One line stays free: printing on the terminal's last line would scroll the screen.
  int room = style.height - 1 - static_cast<int>(top.size() + bottom.size());
  room = std::max(room, 3);
  if (static_cast<int>(details.size()) > room) {
    int hidden = static_cast<int>(details.size()) - (room - 1);
    details.resize(static_cast<std::size_t>(room - 1));
    std::string more = "(" + std::to_string(hidden) + " more lines";
    if (!screen.full_details_command.empty()) more += ": " + screen.full_details_command;
    more += ")";
    for (auto& line : wrap(more, width)) details.push_back(style.dim(line));
  }

  std::string out;
  for (const auto& part : {top, details, bottom}) {
    for (const auto& line : part) out += line + "\n";
  }
  return out;
}

std::string render_list(const std::vector<ListRow>& rows, const Style& style) {
  constexpr int name_width = 22;
  constexpr int score_width = 8;
  std::string out = style.bold("awaitlings: your chapters") + "\n\n";
  out += "    " + pad("chapter", name_width) + pad("passed", score_width) + pad("progress", 14) +
         "status\n";
  int done = 0;
  int passed = 0;
  int total = 0;
  bool any_stale = false;
  for (const ListRow& row : rows) {
    const Summary& s = row.summary;
    if (s.status == Status::Done && !s.build_failed) ++done;
    passed += s.passed;
    total += s.total;
    // As the progress report: the verdicts are about code that no longer compiles.
    std::string status = s.build_failed
                             ? style.red("does not compile")
                             : coloured(style, status_colour(s.status), status_word(s.status));
    if (s.stale) {
      status += ", " + style.yellow("stale");
      any_stale = true;
    }
    std::string marker = row.current ? "  > " : "    ";
    std::string name = pad(row.chapter.folder, name_width);
    out += marker + (row.current ? style.bold(name) : name) + pad(score(s), score_width) +
           progress_bar(s.passed, s.total, 10, style.utf8) + "  " + status + "\n";
  }
  out += "\n  " + std::to_string(done) + " of " + std::to_string(rows.size()) + " chapters done, " +
         std::to_string(passed) + "/" + std::to_string(total) + " tests passed\n";
  out += style.dim("  > the chapter watch works on") + "\n";
  if (any_stale) out += style.dim("  stale: exercise.cpp changed since it was last graded") + "\n";
  return out;
}

}  // namespace awaitlings
