#include <gtest/gtest.h>

#include "compiler_errors.hpp"

namespace awaitlings {
namespace {

const char* gcc_log =
    "[1/3] Building CXX object chapters/01-coroutines/CMakeFiles/ch01_exercise.dir/exercise.cpp.o\n"
    "FAILED: chapters/01-coroutines/CMakeFiles/ch01_exercise.dir/exercise.cpp.o\n"
    "/usr/bin/c++ -I/src/chapters/01-coroutines -g -std=c++20 -o exercise.cpp.o -c "
    "/src/chapters/01-coroutines/exercise.cpp\n"
    "/src/chapters/01-coroutines/exercise.cpp: In function 'aio::Task<std::string> "
    "ch01::greeting()':\n"
    "/src/chapters/01-coroutines/exercise.cpp:16:3: error: 'prnt' is not a member of 'aio'\n"
    "   16 |   aio::prnt(\"Hello!\");\n"
    "      |        ^~~~\n"
    "/src/chapters/01-coroutines/exercise.cpp:20:1: error: expected ';' before '}' token\n"
    "   20 | }\n"
    "ninja: build stopped: subcommand failed.\n";

TEST(CompilerErrors, TheFirstErrorWithItsFunctionAndExcerpt) {
  auto lines = first_compiler_error(gcc_log, "/src");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "chapters/01-coroutines/exercise.cpp: In function 'aio::Task<std::string> "
            "ch01::greeting()':");
  EXPECT_EQ(lines[1],
            "chapters/01-coroutines/exercise.cpp:16:3: error: 'prnt' is not a member of 'aio'");
  EXPECT_EQ(lines[2], "   16 |   aio::prnt(\"Hello!\");");
  EXPECT_EQ(lines[3], "      |        ^~~~");
}

TEST(CompilerErrors, ColoursAreRemoved) {
  std::string coloured =
      "\x1b[01m\x1b[Kx.cpp:3:1:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[Kbad\n";
  auto lines = first_compiler_error(coloured, "/src");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "x.cpp:3:1: error: bad");
  EXPECT_EQ(strip_escapes("\x1b[1;31mred\x1b[0m"), "red");
}

TEST(CompilerErrors, LinkerErrors) {
  const char* log =
      "[2/3] Linking CXX executable chapters/04-gather/ch04_grader\n"
      "FAILED: chapters/04-gather/ch04_grader\n"
      "/usr/bin/ld: libch04_exercise.a(exercise.cpp.o): in function `main':\n"
      "exercise.cpp:(.text+0x1): undefined reference to `ch04::download_all(...)'\n"
      "collect2: error: ld returned 1 exit status\n";
  auto lines = first_compiler_error(log, "/src");
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("undefined reference to `ch04::download_all"), std::string::npos);
  EXPECT_EQ(lines.size(), 1u);  // collect2's summary adds nothing
}

TEST(CompilerErrors, LongErrorsAreCut) {
  std::string log = "a.cpp:1:1: error: long\n";
  for (int i = 0; i < 50; ++i) log += "a.cpp:1:1: note: candidate " + std::to_string(i) + "\n";
  auto lines = first_compiler_error(log, "/src", 6);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines.back(), "  ...");
}

TEST(CompilerErrors, WithoutAnErrorTheEndOfTheLog) {
  std::string log;
  for (int i = 0; i < 30; ++i) log += "line " + std::to_string(i) + "\n";
  auto lines = first_compiler_error(log, "/src", 5);
  EXPECT_EQ(lines,
            (std::vector<std::string>{"line 25", "line 26", "line 27", "line 28", "line 29"}));
  EXPECT_TRUE(first_compiler_error("", "/src").empty());
}

}  // namespace
}  // namespace awaitlings
