#include <gtest/gtest.h>
#include <unistd.h>

#include "screen.hpp"
#include "terminal.hpp"

namespace awaitlings {
namespace {

bool has_escape(const std::string& text) {
  return text.find('\x1b') != std::string::npos;
}

TEST(Style, EscapesOnlyOnAnAbleTerminal) {
  EXPECT_TRUE(style_for(true, nullptr, "xterm-256color", "en_US.UTF-8", 80, 24).escapes);
  EXPECT_FALSE(style_for(false, nullptr, "xterm", "C", 80, 24).escapes);  // piped
  EXPECT_FALSE(style_for(true, "", "xterm", "C", 80, 24).escapes);        // NO_COLOR, any value
  EXPECT_FALSE(style_for(true, "1", "xterm", "C", 80, 24).escapes);
  EXPECT_FALSE(style_for(true, nullptr, "dumb", "C", 80, 24).escapes);
  Style plain = style_for(false, nullptr, nullptr, nullptr, 0, 0);
  EXPECT_EQ(plain.bold("x"), "x");
  EXPECT_EQ(plain.clear(), "\n");
  EXPECT_EQ(plain.width, 80);  // unknown size: 80x24
  EXPECT_EQ(plain.height, 24);
}

TEST(Style, Utf8FromTheLocale) {
  EXPECT_TRUE(style_for(false, nullptr, "xterm", "en_US.UTF-8", 80, 24).utf8);
  EXPECT_TRUE(style_for(false, nullptr, "xterm", "C.utf8", 80, 24).utf8);
  EXPECT_FALSE(style_for(false, nullptr, "xterm", "C", 80, 24).utf8);
  EXPECT_FALSE(style_for(false, nullptr, "xterm", nullptr, 80, 24).utf8);
  EXPECT_FALSE(style_for(false, nullptr, "dumb", "en_US.UTF-8", 80, 24).utf8);
}

TEST(Wrap, ProseAtSpacesKeepingItsIndent) {
  auto lines = wrap("one two three four five six", 12);
  EXPECT_EQ(lines, (std::vector<std::string>{"one two", "three four", "five six"}));
  auto indented = wrap(" one two three four", 12);
  EXPECT_EQ(indented, (std::vector<std::string>{" one two", " three four"}));
  // A message's continuation line: indented prose, wrapped under its indentation.
  auto continued = wrap("  Replace the call in exercise.cpp with your code.", 24);
  EXPECT_EQ(continued, (std::vector<std::string>{"  Replace the call in",
                                                 "  exercise.cpp with your", "  code."}));
  // A word longer than the line is broken where the line ends.
  auto path = wrap("see chapters/04-gather/exercise.cpp", 12);
  for (const auto& line : path) EXPECT_LE(display_width(line), 12) << line;
  EXPECT_EQ(wrap("a\n\nb", 10), (std::vector<std::string>{"a", "", "b"}));
}

TEST(Wrap, TablesAreCutNotReflowed) {
  std::string row = "  >>>  [  2.000s] Process finished! | [  0.002s] Process finished!";
  auto lines = wrap(row, 40);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(display_width(lines[0]), 40);
  EXPECT_EQ(lines[0].back(), '>');
  EXPECT_EQ(lines[0].substr(0, 20), row.substr(0, 20));
}

TEST(Wrap, Utf8CharactersCountOnce) {
  EXPECT_EQ(display_width("\u2588\u2588 ok"), 5);
  EXPECT_EQ(display_width("\x1b[1mbold\x1b[0m"), 4);
  auto lines = wrap("expected  \u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588", 12);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "expected  \u2588>");
}

TEST(ProgressBar, FillsInProportionFullOnlyWhenDone) {
  EXPECT_EQ(progress_bar(0, 10, 10, false), "[..........]");
  EXPECT_EQ(progress_bar(5, 10, 10, false), "[#####.....]");
  EXPECT_EQ(progress_bar(1, 100, 10, false), "[#.........]");   // some progress shows
  EXPECT_EQ(progress_bar(99, 100, 10, false), "[#########.]");  // not full until done
  EXPECT_EQ(progress_bar(13, 13, 10, false), "[##########]");
  EXPECT_EQ(progress_bar(0, 0, 4, false), "[....]");
  EXPECT_EQ(progress_bar(1, 2, 2, true), "[\u2588\u2591]");
}

WatchScreen failing_screen(int detail_lines) {
  WatchScreen screen;
  screen.chapter = {"01-coroutines", "01", "coroutines"};
  screen.summary.passed = 3;
  screen.summary.total = 13;
  screen.summary.run = 13;
  screen.summary.status = Status::InProgress;
  screen.exercise_path = "chapters/01-coroutines/exercise.cpp";
  screen.watching = "inotify";
  screen.details_title = "First failing test: Greeting.ReturnsDone";
  for (int i = 0; i < detail_lines; ++i) {
    screen.details += "line " + std::to_string(i) +
                      " of a long explanation that goes on and on well past the width of a "
                      "terminal of eighty columns\n";
  }
  screen.full_details_command = "ctest --preset workbook -L ch01 --output-on-failure";
  return screen;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

TEST(WatchScreen, FitsEightyByTwentyFour) {
  Style style = style_for(false, nullptr, "xterm", "C", 80, 24);
  std::string text = render_watch(failing_screen(40), style);
  auto lines = lines_of(text);
  EXPECT_LE(lines.size(), 23u);  // the last line stays free
  for (const auto& line : lines) EXPECT_LE(display_width(line), 80) << line;
  EXPECT_NE(text.find("01-coroutines"), std::string::npos);
  EXPECT_NE(text.find("3/13 passed"), std::string::npos);
  EXPECT_NE(text.find("in progress"), std::string::npos);
  EXPECT_NE(text.find("First failing test: Greeting.ReturnsDone"), std::string::npos);
  EXPECT_NE(text.find("more lines: ctest --preset workbook -L ch01"), std::string::npos);
  EXPECT_NE(text.find("h hint"), std::string::npos);
  EXPECT_FALSE(has_escape(text));
}

// Every height: the screen uses the lines it has, keeps one free, and ends with the keys.
TEST(WatchScreen, FillsTheTerminalsHeightExactly) {
  for (int height : {12, 24, 40}) {
    Style style = style_for(false, nullptr, "xterm", "C", 80, height);
    auto lines = lines_of(render_watch(failing_screen(60), style));
    EXPECT_EQ(static_cast<int>(lines.size()), height - 1) << height;
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines.back().find("h hint"), std::string::npos) << height;
  }
}

TEST(WatchScreen, ALongHintIsCutToFit) {
  Style style = style_for(false, nullptr, "xterm", "C", 80, 24);
  WatchScreen screen = failing_screen(40);
  screen.notice = {"Moved on to 02-await; 01-coroutines waits for you (awaitlings watch 01)."};
  screen.hint = {"Hint for exercise 1, greeting (level 3 of 3):"};
  for (int i = 0; i < 30; ++i) screen.hint.push_back("hint line " + std::to_string(i));
  std::string text = render_watch(screen, style);
  auto lines = lines_of(text);
  EXPECT_LE(lines.size(), 23u);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("h hint"), std::string::npos);  // the keys stay on screen
  EXPECT_NE(text.find("hint line 0"), std::string::npos);
  EXPECT_EQ(text.find("hint line 29"), std::string::npos);
  EXPECT_NE(text.find("... (cut to fit the terminal: the whole hint is in"), std::string::npos);
  EXPECT_NE(text.find("chapters/01-coroutines/HINTS.md)"), std::string::npos);
  EXPECT_NE(text.find("First failing test: Greeting.ReturnsDone"), std::string::npos);
}

TEST(WatchScreen, TheLongestHeaderFitsEightyColumns) {
  Style style = style_for(false, nullptr, "xterm", "C", 80, 24);
  WatchScreen screen = failing_screen(1);
  screen.chapter = {"07-async-iterators", "07", "async-iterators"};
  screen.exercise_path = "chapters/07-async-iterators/exercise.cpp";
  screen.summary.passed = 125;
  screen.summary.total = 125;
  screen.summary.stale = true;
  screen.watching = "polling";
  std::string text = render_watch(screen, style);
  for (const auto& line : lines_of(text)) EXPECT_LE(display_width(line), 80) << line;
  EXPECT_NE(text.find("changed since this verdict"), std::string::npos);
}

TEST(WatchScreen, ShortDetailsAreShownWhole) {
  Style style = style_for(false, nullptr, "xterm", "C", 80, 24);
  std::string text = render_watch(failing_screen(2), style);
  EXPECT_NE(text.find("line 1 of"), std::string::npos);
  EXPECT_EQ(text.find("more lines"), std::string::npos);
}

TEST(WatchScreen, NoticeHintAndCompileErrors) {
  Style style = style_for(true, nullptr, "xterm", "en_US.UTF-8", 80, 24);
  WatchScreen screen = failing_screen(1);
  screen.compile_failed = true;
  screen.notice = {"01-coroutines is done: all 13 tests pass!"};
  screen.hint = {"Hint for exercise 1, greeting (level 1 of 3):", "Level 1. Print, then return."};
  std::string text = render_watch(screen, style);
  EXPECT_TRUE(has_escape(text));
  EXPECT_NE(text.find("does not compile"), std::string::npos);
  EXPECT_NE(text.find("all 13 tests pass"), std::string::npos);
  EXPECT_NE(text.find("Level 1. Print, then return."), std::string::npos);
  screen.compile_failed = false;
  screen.busy = true;
  EXPECT_NE(render_watch(screen, style).find("grading..."), std::string::npos);
}

TEST(ListScreen, MarksTheCurrentChapterAndStaleOnes) {
  Style style = style_for(false, nullptr, "xterm", "C", 80, 24);
  Summary done{13, 13, 13, Status::Done, false, std::nullopt};
  Summary stale{3, 12, 12, Status::InProgress, true, std::string("A.b")};
  Summary none{0, 0, 0, Status::NotRunYet, false, std::nullopt};
  std::string text = render_list({{{"01-coroutines", "01", "coroutines"}, done, false},
                                  {{"02-await", "02", "await"}, stale, true},
                                  {{"03-running", "03", "running"}, none, false}},
                                 style);
  auto lines = lines_of(text);
  for (const auto& line : lines) EXPECT_LE(display_width(line), 80) << line;
  EXPECT_NE(text.find("    01-coroutines         13/13   [##########]  done"), std::string::npos);
  EXPECT_NE(text.find("  > 02-await              3/12    [##........]  in progress, stale"),
            std::string::npos);
  EXPECT_NE(text.find("    03-running            -       [..........]  not run yet"),
            std::string::npos);
  EXPECT_NE(text.find("1 of 3 chapters done, 16/25 tests passed"), std::string::npos);
  EXPECT_FALSE(has_escape(text));
}

// F2 (ESC [ 1 2 ~), Home (ESC [ H), F3 (ESC O R) and a lone ESC are no keys: the review found
// their letters taken for commands ('H' for hint, 'R' for re-run).
TEST(Keys, EscapeSequencesAreReadWholeAndIgnored) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string typed = "\x1b[12~\x1b[H\x1bORq";
  ASSERT_EQ(::write(fds[1], typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  EXPECT_EQ(read_key(fds[0]), '\0');
  EXPECT_EQ(read_key(fds[0]), '\0');
  EXPECT_EQ(read_key(fds[0]), '\0');
  EXPECT_EQ(read_key(fds[0]), 'q');
  ASSERT_EQ(::write(fds[1], "\x1b", 1), 1);
  EXPECT_EQ(read_key(fds[0]), '\0');  // a lone ESC: nothing follows within 30 ms
  ::close(fds[1]);
  EXPECT_EQ(read_key(fds[0]), std::nullopt);
  ::close(fds[0]);
}

}  // namespace
}  // namespace awaitlings
