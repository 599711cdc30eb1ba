// What the per-chapter benchmark programs (bench_chNN_*.cpp) share: running one piece of chapter
// work per benchmark iteration on a fresh real-clock loop, turning an unfinished or broken
// exercise into a skipped benchmark with a clear message, and the counters.
//
// Counters, the same in every program:
//   items_per_second  items of work (downloads, jobs, queries, values) finished per second.
//   speedup           sequential_time / measured wall time of one iteration, where
//                     sequential_time is what the work takes one piece after another in theory:
//                     the SUM of its durations (not a measurement of the sequential variant, so
//                     the concurrent variant has a speedup even at sizes where the slow baseline
//                     is not run). A sequential variant therefore shows about 1.0 (a little
//                     less: the overhead of each sleep on a real clock adds up).
//   ideal             the best speedup the work allows: sequential_time / best_time, where
//                     best_time is the least real time the work can take (for work that
//                     overlaps completely, the LONGEST single duration: ideal = sum / max).
//                     Sequential variants report ideal = 1. Compare speedup with ideal: the
//                     closer, the less your code and the runtime cost on top of the waiting.
#pragma once

#include <benchmark/benchmark.h>

#include <aio/aio.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bench {

// The exercise a benchmark measures, named in its skip messages: chapter folder and function,
// e.g. {"04-gather", "download_all"} gives "ch04 download_all ... chapters/04-gather/...".
struct Exercise {
  std::string_view chapter;
  std::string_view function;

  std::string label() const {
    return "ch" + std::string(chapter.substr(0, 2)) + " " + std::string(function);
  }
};

// An exercise function returned something wrong. Timing wrong code would only mislead (a
// download_all that returns at once looks infinitely fast), so the benchmark is skipped instead.
class WrongResult : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void expect(bool ok, const std::string& what_went_wrong) {
  if (!ok) throw WrongResult(what_went_wrong);
}

// Real clock (the point is to measure real waiting), quiet (the exercises print on every
// download: thousands of lines per iteration would flood the terminal and time the terminal),
// no debug diagnostics (slow-step detection and the watchdog cost time on every step). The
// always-on diagnostics (a task never awaited, left pending, ...) are kept in `first_diagnostic`
// instead of being printed on every iteration.
inline aio::RunOptions real_clock_options(std::optional<std::string>& first_diagnostic) {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  options.debug = false;
  options.on_diagnostic = [&first_diagnostic](const aio::Diagnostic& diagnostic) {
    if (!first_diagnostic) first_diagnostic = diagnostic.message;
  };
  return options;
}

// One iteration: runs make_task() (a callable returning aio::Task<>, which awaits the exercise
// and checks its result with bench::expect) on a fresh loop. A fresh loop per iteration costs a
// few microseconds against milliseconds of waiting, and keeps one iteration's leftovers (tasks
// a buggy exercise left running) out of the next. Returns false, after SkipWithError, if the
// work could not be measured: the caller must then leave its `for (auto _ : state)` loop.
template <class MakeTask>
bool run_once(benchmark::State& state, const Exercise& exercise, MakeTask& make_task) {
  std::optional<std::string> diagnostic;
  std::string error;
  try {
    aio::run(make_task, real_clock_options(diagnostic));
  } catch (const aio::NotImplemented& e) {
    // The stub's aio::todo(): not an error of the program, the chapter is just not done yet.
    // Name the function that threw when it is not the one measured (download_all calls your
    // download_file, evens is pulled by your sum_until...).
    std::string from = e.function() == exercise.function ? "" : " from " + e.function() + "()";
    error = exercise.label() + " is not implemented yet (aio::NotImplemented" + from +
            "): finish chapters/" + std::string(exercise.chapter) + "/exercise.cpp";
  } catch (const WrongResult& e) {
    error = exercise.label() + " returned a wrong result, not timed: " + e.what();
  } catch (const std::exception& e) {
    error = exercise.label() + " failed: " + e.what();
  } catch (const aio::CancelledError& e) {  // not a std::exception, on purpose
    error = exercise.label() + " failed: " + e.what();
  } catch (...) {
    error = exercise.label() + " failed with an exception that is not a std::exception";
  }
  if (error.empty() && diagnostic) {
    error = exercise.label() + ": the runtime reported a problem, not timed: " + *diagnostic;
  }
  if (error.empty()) return true;
  state.SkipWithError(error.c_str());
  return false;
}

// The whole benchmark loop: one run_once per iteration; stops at the first problem (Google
// Benchmark 1.7: after SkipWithError a range-for loop must be left explicitly). Returns the mean
// wall time of one iteration, or nothing if the benchmark was skipped. The benchmark times the
// same thing; this copy is what the speedup counter divides by (a counter cannot read the time
// Google Benchmark measured, and a rate counter would be printed with a misleading "/s").
template <class MakeTask>
std::optional<aio::Duration> run_iterations(benchmark::State& state, const Exercise& exercise,
                                            MakeTask make_task) {
  std::chrono::steady_clock::duration total{};
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    if (!run_once(state, exercise, make_task)) return std::nullopt;
    total += std::chrono::steady_clock::now() - start;
  }
  if (state.iterations() == 0) return std::nullopt;
  return std::chrono::duration_cast<aio::Duration>(total) / state.iterations();
}

// The counters described at the top, for `items` pieces of work per iteration that took
// `measured` (run_iterations' result) each.
inline void report(benchmark::State& state, std::int64_t items, aio::Duration measured,
                   aio::Duration sequential_time, aio::Duration best_time) {
  using seconds = std::chrono::duration<double>;
  state.SetItemsProcessed(state.iterations() * items);  // per second of real time: UseRealTime()
  state.counters["speedup"] = seconds(sequential_time) / seconds(measured);
  state.counters["ideal"] = seconds(sequential_time) / seconds(best_time);
}

// For work done one piece after another: the best it can do is the sum itself (ideal = 1).
inline void report_sequential(benchmark::State& state, std::int64_t items, aio::Duration measured,
                              aio::Duration sequential_time) {
  report(state, items, measured, sequential_time, sequential_time);
}

}  // namespace bench
