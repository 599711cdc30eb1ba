// Timelines drawn per call: a small Gantt chart under a failed timeline or elapsed-time check,
// so that "they ran one after another" shows as a staircase.
//
//              0s        1s        2s        3s
//   expected  file1  ██████████████████████
//             file2  ███████████████████████████████
//   actual    file1  ██████████████████████
//             file2                        ███████████████████████████████
//
// Rows: one per call of a coroutine that printed (TranscriptLine::frame), in the order they
// first printed. A row's bar runs from its first line to its last. Expected lines are placed
// on the row of the actual line with the same text, so both halves share their rows.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "grading/grading.hpp"

namespace grading {

namespace {

constexpr std::size_t max_width = 100;  // the whole chart, in columns
constexpr std::size_t label_width = 12;
constexpr std::size_t prefix_width = 10;  // "expected  "

struct Row {
  std::string label;
  std::vector<Duration> expected;  // times of the expected lines placed on this row
  std::vector<Duration> actual;    // times of the lines this call printed
};

// A word of a printed line, without the punctuation around it ("file1.txt..." -> "file1.txt").
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    while (!word.empty() && std::ispunct(static_cast<unsigned char>(word.back()))) word.pop_back();
    while (!word.empty() && std::ispunct(static_cast<unsigned char>(word.front())))
      word.erase(word.begin());
    if (!word.empty()) words.push_back(word);
  }
  return words;
}

// The rows of the actual transcript, and for each line the row it belongs to.
std::vector<Row> rows_of(const std::vector<aio::TranscriptLine>& transcript,
                         std::vector<std::size_t>& row_of_line) {
  std::vector<Row> rows;
  std::vector<std::set<std::string>> common;  // words every line of the row has
  std::map<std::string, std::size_t> by_key;
  for (const auto& line : transcript) {
    // A call when recorded; else the task and coroutine (prints outside debug mode).
    std::string key = line.frame ? std::to_string(line.frame) : line.task + "/" + line.coroutine;
    auto words = words_of(line.text);
    std::set<std::string> word_set(words.begin(), words.end());
    auto [it, fresh] = by_key.try_emplace(key, rows.size());
    if (fresh) {
      rows.push_back({line.coroutine.empty() ? line.task : line.coroutine, {}, {}});
      common.push_back(word_set);
    } else {
      std::set<std::string> kept;
      for (const auto& w : common[it->second])
        if (word_set.count(w)) kept.insert(w);
      common[it->second] = std::move(kept);
    }
    rows[it->second].actual.push_back(line.time);
    row_of_line.push_back(it->second);
  }
  // Label a row by a word all its lines share and no other such row has ("file1.txt"), when
  // its lines share one; otherwise by the coroutine's name. Rows of a single line are left out
  // of the comparison: a summary line ("All results: file1.txt, file2.txt") names everything.
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].actual.size() < 2) continue;
    for (const auto& word : common[r]) {
      bool unique = true;
      for (std::size_t o = 0; o < rows.size() && unique; ++o)
        if (o != r && rows[o].actual.size() >= 2 && common[o].count(word)) unique = false;
      if (unique) {
        rows[r].label = word;
        break;
      }
    }
  }
  return rows;
}

bool utf8_terminal() {
  if (const char* forced = std::getenv("AWAITLINGS_ASCII"); forced && *forced) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    std::string text = value;
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text.find("utf-8") != std::string::npos || text.find("utf8") != std::string::npos;
  }
  return false;
}

std::string fit(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 1) + "~";
  return text + std::string(width - text.size(), ' ');
}

// "1s", "1.5s", "250ms"
std::string tick_label(Duration t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
  if (ms == 0) return "0s";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms >= 1000 && ms % 100 == 0)
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
  return std::to_string(ms) + "ms";
}

class Canvas {
 public:
  Canvas(Duration end, std::size_t width) : end_(end), width_(width) {}

  std::size_t column(Duration t) const {
    double share = static_cast<double>(t.count()) / static_cast<double>(end_.count());
    return std::min(width_ - 1, static_cast<std::size_t>(std::lround(share * (width_ - 1))));
  }

  std::string axis() const {
    // A step of 1, 2 or 5 times a power of ten (in ms) that leaves room for each label.
    double span_ms = std::chrono::duration<double, std::milli>(end_).count();
    double step = 1;
    const double factors[] = {1, 2, 5};
    for (int k = 0;; ++k) {
      double candidate = factors[k % 3] * std::pow(10.0, k / 3);
      if (span_ms / candidate <= static_cast<double>(width_) / 8.0) {
        step = candidate;
        break;
      }
    }
    std::string line(width_ + 8, ' ');
    for (double at = 0; at <= span_ms + 1e-9; at += step) {
      Duration t =
          std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(at));
      std::string label = tick_label(t);
      std::size_t col = column(t);
      if (col + label.size() > line.size()) break;
      line.replace(col, label.size(), label);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
  }

  std::string bar(const std::vector<Duration>& times, bool utf8) const {
    if (times.empty()) return "";
    auto [first, last] = std::minmax_element(times.begin(), times.end());
    std::size_t from = column(*first);
    std::size_t to = column(*last);
    std::string cells(from, ' ');
    for (std::size_t c = from; c <= to; ++c) cells += utf8 ? "\u2588" : "#";
    return cells;
  }

 private:
  Duration end_;
  std::size_t width_;
};

}  // namespace

std::string task_chart(const std::vector<aio::TranscriptLine>& transcript,
                       const Timeline* expected) {
  std::vector<std::size_t> row_of_line;
  std::vector<Row> rows = rows_of(transcript, row_of_line);
  // Expected lines join the row of the first unused actual line with the same text.
  bool missing = false;
  Row not_printed{"(not printed)", {}, {}};
  if (expected) {
    std::vector<bool> used(transcript.size(), false);
    for (const auto& line : *expected) {
      bool placed = false;
      for (std::size_t i = 0; i < transcript.size() && !placed; ++i) {
        if (used[i] || transcript[i].text != line.text) continue;
        used[i] = true;
        rows[row_of_line[i]].expected.push_back(line.time);
        placed = true;
      }
      if (!placed) {
        not_printed.expected.push_back(line.time);
        missing = true;
      }
    }
  }
  if (missing) rows.push_back(not_printed);
  if (rows.size() < 2) return "";  // one row shows nothing the side-by-side lines do not

  Duration end{};
  for (const auto& row : rows) {
    for (Duration t : row.actual) end = std::max(end, t);
    for (Duration t : row.expected) end = std::max(end, t);
  }
  if (end <= Duration::zero()) return "";  // everything at 0 s: no time to draw

  // Short labels keep the bars long.
  std::size_t label = 4;
  for (const auto& row : rows) label = std::max(label, std::min(row.label.size(), label_width));
  std::size_t width = max_width - prefix_width - label - 2 - 6;  // room for the last tick label
  Canvas canvas(end, width);
  bool utf8 = utf8_terminal();

  std::ostringstream out;
  out << "Per call (a bar runs from its first printed line to its last):\n";
  out << std::string(prefix_width + label + 2, ' ') << canvas.axis() << '\n';
  auto half = [&](const char* title, bool actual) {
    bool first = true;
    for (const auto& row : rows) {
      const auto& times = actual ? row.actual : row.expected;
      if (times.empty()) continue;
      out << fit(first ? title : "", prefix_width) << fit(row.label, label) << "  "
          << canvas.bar(times, utf8) << '\n';
      first = false;
    }
  };
  if (expected) half("expected", false);
  half("actual", true);
  return out.str();
}

}  // namespace grading
