#include "commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>
#include <thread>

#include "compiler_errors.hpp"
#include "debounce.hpp"
#include "hints.hpp"
#include "process.hpp"
#include "results.hpp"
#include "stub.hpp"
#include "terminal.hpp"
#include "text.hpp"
#include "watcher.hpp"

namespace awaitlings {

namespace {

std::string join(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// ---- building and grading -------------------------------------------------------------------

struct Build {
  bool ok = false;
  std::vector<std::string> error;  // the compiler's first error, trimmed
};

Build build_targets(const Context& context, const std::vector<std::string>& targets) {
  Command command{{context.cmake, "--build", context.paths.build.string(), "--target"}, {}, {}};
  command.argv.insert(command.argv.end(), targets.begin(), targets.end());
  Captured captured = run_captured(command);
  Build build;
  build.ok = captured.exit_code == 0;
  if (!build.ok) build.error = first_compiler_error(captured.output, context.paths.source);
  return build;
}

// Runs the chapter's grader tests, as `ctest --preset workbook -L chNN` does. Their verdicts land
// in the results files; ctest's own output (and exit code: failing tests are expected) is not
// needed.
void run_chapter_tests(const Context& context, const Chapter& chapter) {
  unsigned jobs = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  // Removed only when ctest returns: if awaitlings is stopped meanwhile (Ctrl-C, SIGTERM), it
  // stays, and the next look at the results leaves out the tests we killed.
  fs::path mark = context.paths.grading_mark(chapter);
  std::error_code error;
  fs::create_directories(mark.parent_path(), error);
  std::ofstream(mark) << "awaitlings is grading this chapter\n";
  run_captured({{context.ctest, "--test-dir", context.paths.build.string(), "-L",
                 "^" + chapter.id() + "$", "-j", std::to_string(jobs)},
                {},
                {}});
  fs::remove(mark, error);
}

bool configured(const Context& context) {
  std::error_code error;
  if (fs::exists(context.paths.build / "CMakeCache.txt", error)) return true;
  std::cerr << "awaitlings: the workbook is not built yet (no " << context.paths.build.string()
            << "/CMakeCache.txt).\nRun this first, in " << context.paths.source.string()
            << ":\n  cmake --workflow --preset workbook\n";
  return false;
}

std::string test_command(const Chapter& chapter) {
  return "ctest --preset workbook -L " + chapter.id();
}

// A copy of `file` as file.backup-<date>-<time>, with -2, -3... when that name is taken (two
// resets within a second): never over an earlier backup, since the copy refuses an existing
// name. Empty on failure, with `error` set.
fs::path back_up(const fs::path& file, std::error_code& error) {
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  for (int attempt = 1; attempt < 1000; ++attempt) {
    fs::path backup = file;
    backup += std::string(".backup-") + stamp;
    if (attempt > 1) backup += "-" + std::to_string(attempt);
    error.clear();
    if (fs::copy_file(file, backup, fs::copy_options::none, error)) return backup;
    if (error != std::errc::file_exists) return {};
  }
  return {};
}

// ---- hints ------------------------------------------------------------------------------------

}  // namespace

Chapter current_chapter(const Context& context, const State& state) {
  if (auto remembered = find_chapter(context.chapters, state.current)) return *remembered;
  for (const Chapter& chapter : context.chapters) {
    if (summarize_chapter(context.paths, chapter).status != Status::Done) return chapter;
  }
  return context.chapters.back();
}

std::vector<std::string> next_hint(const Context& context, State& state, const Chapter& chapter,
                                   std::optional<int> exercise) {
  std::string hints_file = context.paths.shown(context.paths.hints(chapter));
  Hints hints = parse_hints(read_file(context.paths.hints(chapter)));
  if (hints.exercises.empty()) return {"No hints found in " + hints_file + "."};
  std::optional<std::size_t> index;
  if (exercise) {
    if (*exercise < 1 || *exercise > static_cast<int>(hints.exercises.size())) {
      return {"Chapter " + chapter.number + " has exercises 1 to " +
              std::to_string(hints.exercises.size()) + " (" + hints_file + ")."};
    }
    index = static_cast<std::size_t>(*exercise - 1);
  } else {
    Summary summary = summarize_chapter(context.paths, chapter);
    index = exercise_for_hint(hints, summary.first_failure, [&](std::size_t i) {
      return state.hints_shown_for(chapter.folder, i);
    });
  }
  const HintSection& section = hints.exercises[*index];
  // A heading followed at once by the next one has no text at all: there is no level to show.
  if (section.levels.empty()) {
    return {"Exercise " + std::to_string(*index + 1) + ", " + section.name + ", has no hints in " +
            hints_file + " yet."};
  }
  int total = static_cast<int>(section.levels.size());
  int shown = state.hints_shown_for(chapter.folder, *index);
  int level = std::min(shown + 1, total);
  state.set_hints_shown(chapter.folder, *index, level);
  std::vector<std::string> lines;
  lines.push_back("Hint for exercise " + std::to_string(*index + 1) + ", " + section.name +
                  " (level " + std::to_string(level) + " of " + std::to_string(total) + "):");
  lines.push_back(plain_markdown(section.levels[static_cast<std::size_t>(level - 1)]));
  if (shown >= total) {
    lines.push_back("That is the last level. \"Common failure messages\" in " + hints_file +
                    " explains each failure.");
  }
  return lines;
}

// ---- watch ------------------------------------------------------------------------------------

namespace {

class Watch {
 public:
  Watch(Context& context, const WatchOptions& options)
      : context_(context),
        state_(load_state(context.paths.state_file())),
        chapter_(options.chapter ? *options.chapter : current_chapter(context, state_)),
        watcher_(context.paths.exercise(chapter_), options.poll),
        debounce_(options.debounce) {}

  int run() {
    KeyMode keys(STDIN_FILENO);
    remember_chapter();
    enter_chapter();
    bool keys_open = true;
    for (;;) {
      auto now = Debouncer::Clock::now();
      auto timeout = std::chrono::milliseconds(500);
      if (auto left = debounce_.time_left(now)) {
        timeout = std::min(timeout, std::chrono::ceil<std::chrono::milliseconds>(*left));
      }
      Readiness ready = wait_for_input(keys_open ? STDIN_FILENO : -1, watcher_.fd(), timeout);
      if (ready.key) {
        auto key = read_key(STDIN_FILENO);
        if (!key) {
          keys_open = false;  // end of input (not a terminal): keep watching, without keys
        } else if (!on_key(*key)) {
          break;
        }
      }
      if (ready.key_closed) keys_open = false;
      if (watcher_.changed()) debounce_.changed(Debouncer::Clock::now());
      if (debounce_.due(Debouncer::Clock::now())) grade(true);
    }
    std::cout << "\nawaitlings: see you. `awaitlings list` shows your progress.\n" << std::flush;
    return 0;
  }

 private:
  // Shows the chapter from what was recorded; grades it only when nothing was, or the file
  // changed since: resuming never rebuilds a chapter whose verdict is current.
  void enter_chapter(std::vector<std::string> notice = {}) {
    screen_ = WatchScreen{};
    screen_.notice = std::move(notice);
    screen_.chapter = chapter_;
    screen_.exercise_path = context_.paths.shown(context_.paths.exercise(chapter_));
    screen_.watching = watcher_.mode();
    load_verdict();
    if (screen_.summary.run == 0 || screen_.summary.stale || screen_.summary.interrupted) {
      grade(false);
    } else {
      show();
    }
  }

  void grade(bool clear_notice) {
    if (clear_notice) screen_.notice.clear();
    screen_.busy = true;
    show();
    // The chapter's grader, and its demo (a relink: they share the exercise's object), so that
    // running the demo afterwards shows the code just graded.
    Build build = build_targets(context_, {chapter_.id() + "_grader", chapter_.id() + "_demo"});
    mark_build(context_.paths, chapter_, build.ok);
    screen_.busy = false;
    if (!build.ok) {
      screen_.summary = summarize_chapter(context_.paths, chapter_);
      screen_.compile_failed = true;
      screen_.details_title = "Your code does not compile. The compiler's first error:";
      screen_.details = join(build.error);
      screen_.full_details_command =
          "cmake --build --preset workbook --target " + chapter_.id() + "_grader";
      show();
      return;
    }
    run_chapter_tests(context_, chapter_);
    load_verdict();
    if (screen_.summary.status == Status::Done && !screen_.summary.stale) {
      chapter_done();
    } else {
      show();
    }
  }

  // The screen's details from the results files: the first failing test's whole explanation.
  void load_verdict() {
    ChapterResults results = load_results(context_.paths, chapter_);
    std::error_code error;
    auto written = fs::last_write_time(context_.paths.exercise(chapter_), error);
    screen_.summary =
        summarize(results, error ? std::nullopt : std::optional<fs::file_time_type>(written));
    screen_.compile_failed = false;
    screen_.full_details_command.clear();
    const Summary& summary = screen_.summary;
    if (summary.first_failure) {
      const std::string& test = *summary.first_failure;
      screen_.details_title = "First failing test: " + test;
      screen_.details = explanation(results, test);
      screen_.full_details_command = test_command(chapter_) + " --output-on-failure";
    } else if (summary.status == Status::Done) {
      screen_.details_title = "All " + std::to_string(summary.total) + " tests pass.";
      screen_.details.clear();
    } else {
      screen_.details_title = "Not graded yet: save " + screen_.exercise_path + ", or press r.";
      screen_.details.clear();
    }
  }

  void chapter_done() {
    std::vector<std::string> notice = {chapter_.folder + " is done: all " +
                                       std::to_string(screen_.summary.total) + " tests pass!"};
    auto next = next_chapter(context_.chapters, chapter_);
    if (!next) {
      notice.push_back(
          "That was the last chapter: the whole workbook is done. Compare your "
          "timings with the reference solutions: benchmarks/README.md.");
      screen_.notice = notice;
      show();
      return;
    }
    notice.push_back("Next: " + next->folder + ". Read " +
                     context_.paths.shown(context_.paths.lesson(*next)) + ", then edit " +
                     context_.paths.shown(context_.paths.exercise(*next)) + ".");
    move_to(*next, notice);
  }

  // Shows `notice` above the new chapter's screen.
  void move_to(const Chapter& chapter, std::vector<std::string> notice) {
    chapter_ = chapter;
    remember_chapter();
    watcher_.watch(context_.paths.exercise(chapter_));
    hint_.clear();
    enter_chapter(std::move(notice));
  }

  void remember_chapter() {
    state_.current = chapter_.folder;
    save_state(context_.paths.state_file(), state_);
  }

  // False to quit.
  bool on_key(char key) {
    if (key == '\0') return true;  // F2, an arrow, ESC: not "any key" either
    if (key == 'q' || key == 'Q') return false;
    if (listing_) {
      listing_ = false;  // any key goes back
      show();
      return true;
    }
    if (confirming_next_) {
      confirming_next_ = false;
      auto next = next_chapter(context_.chapters, chapter_);
      if ((key == 'y' || key == 'Y') && next) {
        move_to(*next, {"Moved on to " + next->folder + "; " + chapter_.folder +
                        " waits for you (awaitlings watch " + chapter_.number + ")."});
      } else {
        screen_.notice.clear();
        show();
      }
      return true;
    }
    switch (key) {
      case 'h':
      case 'H':
        hint_ = next_hint(context_, state_, chapter_, std::nullopt);
        save_state(context_.paths.state_file(), state_);
        show();
        break;
      case 'n':
      case 'N':
        ask_next();
        break;
      case 'l':
      case 'L':
        listing_ = true;
        show();
        break;
      case 'r':
      case 'R':
        grade(true);
        break;
      default:
        break;  // other keys (arrows, Enter) do nothing
    }
    return true;
  }

  void ask_next() {
    auto next = next_chapter(context_.chapters, chapter_);
    if (!next) {
      screen_.notice = {"This is the last chapter."};
    } else if (screen_.summary.status == Status::Done && !screen_.summary.stale) {
      move_to(*next, {});
      return;
    } else {
      confirming_next_ = true;
      screen_.notice = {chapter_.folder + " is not done yet (" + score(screen_.summary) +
                        " passed). Move on to " + next->folder + " anyway? y: yes, any " +
                        "other key: stay"};
    }
    show();
  }

  void show() {
    Style style = detect_style(STDOUT_FILENO);
    if (context_.style.escapes == false) style.escapes = false;  // --plain, NO_COLOR, ...
    std::string text = style.clear();
    if (listing_) {
      std::vector<ListRow> rows;
      for (const Chapter& chapter : context_.chapters) {
        rows.push_back({chapter, summarize_chapter(context_.paths, chapter), chapter == chapter_});
      }
      text +=
          render_list(rows, style) + "\n" + style.dim("any key: back to " + chapter_.folder) + "\n";
    } else {
      screen_.hint = hint_;
      text += render_watch(screen_, style);
    }
    std::cout << text << std::flush;
  }

  Context& context_;
  State state_;
  Chapter chapter_;
  FileWatcher watcher_;
  Debouncer debounce_;
  WatchScreen screen_;
  std::vector<std::string> hint_;
  bool listing_ = false;
  bool confirming_next_ = false;
};

}  // namespace

int watch(Context& context, const WatchOptions& options) {
  if (!configured(context)) return 1;
  install_signal_handlers();
  return Watch(context, options).run();
}

// ---- the other commands -----------------------------------------------------------------------

int list(const Context& context) {
  State state = load_state(context.paths.state_file());
  Chapter current = current_chapter(context, state);
  std::vector<ListRow> rows;
  for (const Chapter& chapter : context.chapters) {
    rows.push_back({chapter, summarize_chapter(context.paths, chapter), chapter == current});
  }
  std::cout << render_list(rows, context.style);
  return 0;
}

int hint(Context& context, std::optional<Chapter> chapter, std::optional<int> exercise) {
  State state = load_state(context.paths.state_file());
  Chapter which = chapter ? *chapter : current_chapter(context, state);
  std::vector<std::string> lines = next_hint(context, state, which, exercise);
  save_state(context.paths.state_file(), state);
  std::cout << context.style.bold(which.folder) << "\n";
  for (const auto& text : lines) {
    for (const auto& line : wrap(text, context.style.width)) std::cout << line << "\n";
  }
  return 0;
}

int run_demo(Context& context, const Chapter& chapter, bool virtual_clock, const std::string& trace,
             const std::vector<std::string>& args) {
  if (!configured(context)) return 1;
  // The demo is rebuilt first: a demo built before the last edit shows the old behaviour.
  Build build = build_targets(context, {chapter.id() + "_demo"});
  if (!build.ok) {
    std::cout << "Your code does not compile. The compiler's first error:\n" << join(build.error);
    return 1;
  }
  Command command{{context.paths.demo(chapter).string()}, {}, {}};
  if (virtual_clock) command.argv.push_back("--virtual");
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  std::string trace_file;
  if (!trace.empty()) {
    trace_file = fs::absolute(trace).string();
    command.environment["AWAITLINGS_TRACE"] = trace_file;
  }
  int code = run_on_terminal(command);
  if (!trace_file.empty()) {
    std::cout << "\nTrace written to " << trace_file
              << ": open it at https://ui.perfetto.dev (or chrome://tracing).\n";
  }
  return code;
}

int reset(Context& context, const Chapter& chapter, bool yes) {
  fs::path exercise = context.paths.exercise(chapter);
  std::string shown = context.paths.shown(exercise);
  std::string why;
  auto stub =
      find_untouched_stub(context.paths.source, "chapters/" + chapter.folder + "/exercise.cpp",
                          context.paths.pristine_stub(chapter), why);
  if (!stub) {
    std::cerr << "awaitlings: cannot find the untouched stub of " << shown << ":\n" << why;
    return 1;
  }
  std::error_code missing;
  bool exists = fs::exists(exercise, missing);
  if (exists && read_file(exercise) == stub->text) {
    std::cout << shown << " is already the untouched stub: nothing to do.\n";
    return 0;
  }
  if (exists) {
    std::cout << "This replaces " << shown << " with the untouched stub (from " << stub->origin
              << ").\nYour version is kept as " << shown << ".backup-<date>-<time>.\n";
  } else {
    std::cout << shown << " is missing: this writes the untouched stub (from " << stub->origin
              << ").\n";
  }
  if (!yes && !confirm("Reset " + chapter.folder + "?")) {
    std::cout << "Nothing changed.\n";
    return 1;
  }
  fs::path backup;
  if (exists) {
    std::error_code error;
    backup = back_up(exercise, error);
    if (backup.empty()) {
      std::cerr << "awaitlings: cannot write a backup of " << shown << ": " << error.message()
                << "\nNothing changed.\n";
      return 1;
    }
    std::cout << "Your version is in " << context.paths.shown(backup) << ".\n";
  }
  {
    std::ofstream out(exercise, std::ios::binary | std::ios::trunc);
    out << stub->text;
    if (!out.flush()) {
      std::cerr << "awaitlings: cannot write " << shown;
      if (!backup.empty()) std::cerr << "; your version is in " << backup.string();
      std::cerr << "\n";
      return 1;
    }
  }
  std::cout << "Restored " << shown << ". Grade it with " << test_command(chapter) << ".\n";
  return 0;
}

int solution(Context& context, const Chapter& chapter, bool force) {
  Summary summary = summarize_chapter(context.paths, chapter);
  bool passed = summary.status == Status::Done && !summary.stale;
  if (!passed && !force) {
    std::cout << chapter.folder << " is not done yet (" << score(summary)
              << " tests pass). Try first: the hints (awaitlings hint " << chapter.number
              << ") go further than you think.\nTo read the solution anyway: awaitlings solution "
              << chapter.number << " --force\n";
    return 1;
  }
  fs::path file = context.paths.solution(chapter);
  std::error_code error;
  if (!fs::exists(file, error)) {
    std::cerr << "awaitlings: no reference solution at " << file.string() << "\n";
    return 1;
  }
  std::cout << context.style.bold("The reference solution: " + context.paths.shown(file)) << "\n\n"
            << read_file(file);
  return 0;
}

int verify(Context& context) {
  if (!configured(context)) return 1;
  bool all_done = true;
  std::vector<ListRow> rows;
  for (const Chapter& chapter : context.chapters) {
    std::cout << "grading " << chapter.folder << "... " << std::flush;
    Build build = build_targets(context, {chapter.id() + "_grader"});
    mark_build(context.paths, chapter, build.ok);
    if (!build.ok) {
      std::cout << context.style.red("does not compile") << "\n";
      for (const auto& line : build.error) std::cout << "    " << line << "\n";
      all_done = false;
    } else {
      run_chapter_tests(context, chapter);
    }
    Summary summary = summarize_chapter(context.paths, chapter);
    if (build.ok) std::cout << score(summary) << " " << status_word(summary.status) << "\n";
    if (!build.ok || summary.status != Status::Done || summary.stale) all_done = false;
    rows.push_back({chapter, summary, false});
  }
  std::cout << "\n" << render_list(rows, context.style);
  return all_done ? 0 : 1;
}

int bench(Context& context, const Chapter& chapter, const std::vector<std::string>& args) {
  std::error_code error;
  bool has_bench = false;
  for (const auto& entry :
       fs::directory_iterator(context.paths.source / "benchmarks" / "chapters", error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("bench_" + chapter.id() + "_", 0) == 0) has_bench = true;
  }
  if (!has_bench) {
    std::cerr << "awaitlings: chapter " << chapter.number << " has no benchmark "
              << "(benchmarks/chapters/bench_" << chapter.id() << "_*.cpp).\n";
    return 1;
  }
  // The benchmarks build in Release, in the `bench` preset's own tree, from the source folder
  // (presets are read from there).
  fs::path bench_build = context.paths.source / "build" / "bench";
  if (!fs::exists(bench_build / "CMakeCache.txt", error)) {
    std::cout << "Configuring the benchmarks (once): cmake --preset bench\n" << std::flush;
    if (run_on_terminal({{context.cmake, "--preset", "bench"}, context.paths.source, {}}) != 0) {
      return 1;
    }
  }
  std::string target = chapter.id() + "_bench";
  std::cout << "Building: cmake --build --preset bench --target " << target << "\n" << std::flush;
  if (run_on_terminal({{context.cmake, "--build", "--preset", "bench", "--target", target},
                       context.paths.source,
                       {}}) != 0) {
    return 1;
  }
  Command command{{(bench_build / "benchmarks" / target).string()}, {}, {}};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  return run_on_terminal(command);
}

}  // namespace awaitlings
