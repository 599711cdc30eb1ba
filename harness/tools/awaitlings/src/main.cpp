// awaitlings: the learner's companion. `awaitlings` alone watches the current chapter's
// exercise.cpp and grades it on every save; the other commands list progress, give hints, run a
// demo, reset an exercise, show a solution, grade everything, run a benchmark.
//
// Built into the workbook's build tree (build/workbook/awaitlings), which it knows, with the
// source tree: AWAITLINGS_SOURCE_DIR, AWAITLINGS_BUILD_DIR, and the cmake and ctest that
// configured it, AWAITLINGS_CMAKE and AWAITLINGS_CTEST. --source and --build override them.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"

#ifndef AWAITLINGS_SOURCE_DIR
#define AWAITLINGS_SOURCE_DIR "."
#endif
#ifndef AWAITLINGS_BUILD_DIR
#define AWAITLINGS_BUILD_DIR "build/workbook"
#endif
#ifndef AWAITLINGS_CMAKE
#define AWAITLINGS_CMAKE "cmake"
#endif
#ifndef AWAITLINGS_CTEST
#define AWAITLINGS_CTEST "ctest"
#endif

namespace {

using awaitlings::Chapter;
using awaitlings::Context;

// The chapter a command names; exits with a clear message for a name that is no chapter.
Chapter chapter_named(const Context& context, const std::string& name) {
  if (auto chapter = awaitlings::find_chapter(context.chapters, name)) return *chapter;
  std::cerr << "awaitlings: no chapter \"" << name << "\". The chapters:";
  for (const Chapter& chapter : context.chapters) std::cerr << " " << chapter.folder;
  std::cerr << "\n(name one by number, 04, or topic, gather)\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "awaitlings: grades your current chapter on every save, with hints and progress.\n"
      "Without a command: watch."};
  app.require_subcommand(0, 1);

  std::string source = AWAITLINGS_SOURCE_DIR;
  std::string build = AWAITLINGS_BUILD_DIR;
  bool plain = false;
  app.add_option("--source", source, "the workbook's source folder")->capture_default_str();
  app.add_option("--build", build, "its build folder (the workbook preset's)")
      ->capture_default_str();
  app.add_flag("--plain", plain, "no colours or screen clearing (also: NO_COLOR, TERM=dumb)");
  bool poll = false;
  app.add_flag("--poll", poll,
               "watch notices saves by checking the file's time only (where inotify is silent: "
               "network drives, WSL's Windows folders)");
  // Each subcommand hands the options it does not know to the app: the global ones above work
  // after the subcommand too (awaitlings list --plain). Set before the subcommands exist, which
  // inherit it.
  app.fallthrough();

  std::string chapter_name;
  // `awaitlings 04`: a chapter alone is watch on that chapter.
  app.add_option("chapter", chapter_name, "without a command: the chapter to watch");
  int debounce_ms = 300;
  CLI::App* watch = app.add_subcommand("watch", "grade the chapter on every save (the default)");
  watch->add_option("chapter", chapter_name, "the chapter to start with (default: where you are)");
  watch->add_option("--debounce", debounce_ms, "milliseconds of quiet after a save before grading")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();

  CLI::App* list = app.add_subcommand("list", "every chapter with its tests passed");

  CLI::App* hint = app.add_subcommand("hint", "the next hint level (remembered)");
  int exercise = 0;
  hint->add_option("chapter", chapter_name, "the chapter (default: where you are)");
  hint->add_option("--exercise", exercise,
                   "the exercise's number in HINTS.md (default: the one "
                   "your first failing test is about)")
      ->check(CLI::Range(1, 99));

  CLI::App* run = app.add_subcommand("run", "build and run the chapter's demo");
  bool virtual_clock = false;
  std::string trace;
  std::vector<std::string> extra;
  run->add_option("chapter", chapter_name, "the chapter")->required();
  run->add_flag("--virtual", virtual_clock, "on the simulated clock: the same output, instantly");
  run->add_option("--trace", trace, "write a trace for https://ui.perfetto.dev to this file");
  run->add_option("args", extra, "more arguments for the demo (after --)");

  CLI::App* reset = app.add_subcommand("reset", "restore the untouched stub (keeps a backup)");
  bool yes = false;
  reset->add_option("chapter", chapter_name, "the chapter")->required();
  reset->add_flag("--yes,-y", yes, "do not ask");

  CLI::App* solution = app.add_subcommand("solution", "the reference solution, once you pass");
  bool force = false;
  solution->add_option("chapter", chapter_name, "the chapter")->required();
  solution->add_flag("--force", force, "show it even though the chapter is not done");

  CLI::App* verify = app.add_subcommand("verify", "build and grade every chapter");

  CLI::App* bench = app.add_subcommand("bench", "build and run the chapter's benchmark (Release)");
  bench->add_option("chapter", chapter_name, "the chapter")->required();
  bench->add_option("args", extra, "arguments for Google Benchmark (after --)");

  CLI11_PARSE(app, argc, argv);

  Context context;
  context.paths = {std::filesystem::absolute(source), std::filesystem::absolute(build)};
  context.cmake = AWAITLINGS_CMAKE;
  context.ctest = AWAITLINGS_CTEST;
  context.style = awaitlings::detect_style(STDOUT_FILENO);
  if (plain) context.style.escapes = false;
  context.chapters = awaitlings::discover_chapters(context.paths.source);
  if (context.chapters.empty()) {
    std::cerr << "awaitlings: no chapters under " << context.paths.source.string()
              << "/chapters (is --source the workbook's folder?)\n";
    return 2;
  }

  std::optional<Chapter> named;
  if (!chapter_name.empty()) named = chapter_named(context, chapter_name);

  if (*list) return awaitlings::list(context);
  if (*hint) {
    return awaitlings::hint(context, named,
                            exercise > 0 ? std::optional<int>(exercise) : std::nullopt);
  }
  if (*run) return awaitlings::run_demo(context, *named, virtual_clock, trace, extra);
  if (*reset) return awaitlings::reset(context, *named, yes);
  if (*solution) return awaitlings::solution(context, *named, force);
  if (*verify) return awaitlings::verify(context);
  if (*bench) return awaitlings::bench(context, *named, extra);
  awaitlings::WatchOptions options;
  options.chapter = named;
  options.poll = poll;
  options.debounce = std::chrono::milliseconds(debounce_ms);
  return awaitlings::watch(context, options);
}
