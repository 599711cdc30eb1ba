// Chapter 04 demo: the tutorial's gather example, run through your download_three().
//
//   ./build/workbook/chapters/04-gather/ch04_demo             real time: about 3 s, not 6 s
//   ./build/workbook/chapters/04-gather/ch04_demo --virtual   simulated clock: same output,
//                                                             instantly
//   add --compare to also run the same three files through download_sequentially() (6 s) and
//   download_all() (3 s)
#include <chrono>
#include <cstring>
#include <exception>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include <aio/demo.hpp>

#include "exercise.hpp"

namespace {

// Runs `task` on a fresh loop (the demo's clock) and prints how long it took: on the loop's clock
// (simulated or real) and on the wall clock (about 0 s with --virtual).
template <class T>
T run_and_time(aio::Task<T> task) {
  aio::RunOptions options = aio::default_run_options();
  aio::Duration loop_time{};
  options.on_finish = [&loop_time](const aio::RunReport& report) { loop_time = report.elapsed; };
  auto start = std::chrono::steady_clock::now();
  T result = aio::run(std::move(task), options);
  std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  std::cout << std::fixed << std::setprecision(3)
            << "Total time: " << std::chrono::duration<double>(loop_time).count()
            << " s (measured: " << wall.count() << " s of real time)\n";
  return result;
}

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0) return true;
  return false;
}

// The baseline and the general version on the tutorial's files, each with its measured time.
void compare() {
  using namespace std::chrono_literals;
  // Built in its own statement: never write a braced list inside a co_await (see the README).
  const std::vector<ch04::FileToDownload> files = {
      {"file1.txt", 2s}, {"file2.txt", 3s}, {"file3.txt", 1s}};

  std::cout << "\ndownload_sequentially(the same files): the baseline, expect the sum (6 s)\n";
  std::vector<std::string> one_by_one = run_and_time(ch04::download_sequentially(files));

  std::cout << "\ndownload_all(the same files): expect the longest (3 s)\n";
  std::vector<std::string> together = run_and_time(ch04::download_all(files));
  std::cout << "same results in the same order: " << (one_by_one == together ? "yes" : "no")
            << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    // No argument: download_three's `download` is your download_file.
    std::vector<std::string> results = run_and_time(ch04::download_three());
    std::cout << "(3 s, not 2 + 3 + 1 = 6 s: the downloads overlapped; download_three() returned "
              << results.size() << " results)\n";
    if (has_flag(argc, argv, "--compare")) compare();
  } catch (const std::exception& error) {
    std::cout << error.what() << "\nSee chapters/04-gather/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
