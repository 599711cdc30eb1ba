// Chapter 10 demo: the tutorial's ten downloads under Semaphore(3), run through your
// download_ten().
//
//   ./build/workbook/chapters/10-semaphore/ch10_demo             real time: about 8 s
//   ./build/workbook/chapters/10-semaphore/ch10_demo --virtual   simulated clock: same output,
//                                                                instantly
//   add --compare to also run the same ten files through rate_limited() (3 starts per second:
//   about 5 s), and three deposits at once with deposit_unlocked() and with deposit()
//
// Expected: "Downloading" lines at 0, 0, 0, 2, 2, 2, 4, 4, 4 and 6 s, each "Finished" line 2 s
// after its "Downloading" line, 8 s in total.
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

using namespace std::chrono_literals;

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

// The demo's bank: converting takes 1 s (1 unit becomes 1), recording 0.5 s.
aio::Task<int> convert(int amount) {
  co_await aio::sleep(1s);
  co_return amount;
}

aio::Task<> record(int new_balance) {
  aio::print("  ledger records ", new_balance);
  co_await aio::sleep(500ms);
}

// Three deposits of 10, 20 and 30 at once on one account, with `deposit`; returns the balance.
aio::Task<int> three_deposits(aio::Task<int> (*deposit)(ch10::Account&, int, ch10::Bank)) {
  ch10::Account account;  // lives in this frame until every deposit has finished
  ch10::Bank bank{convert, record};
  co_await aio::gather(deposit(account, 10, bank), deposit(account, 20, bank),
                       deposit(account, 30, bank));
  co_return account.balance;
}

void compare() {
  std::vector<ch10::FileToDownload> files;
  for (int i = 0; i < 10; ++i) files.push_back({"file_" + std::to_string(i) + ".txt", 2s});

  std::cout << "\nrate_limited(the same files, 3 per second): starts at 0, 0, 0, 1, 1, 1, 2, ... "
               "s, several run at once; expect 5 s\n";
  run_and_time(ch10::rate_limited(files, 3));

  std::cout << "\ndeposit_unlocked x 3 at once (10 + 20 + 30): the race\n";
  int lost = run_and_time(three_deposits(ch10::deposit_unlocked));
  std::cout << "balance: " << lost << " (expected 60: two updates were lost)\n";

  std::cout << "\ndeposit x 3 at once (10 + 20 + 30): with the lock\n";
  int kept = run_and_time(three_deposits(ch10::deposit));
  std::cout << "balance: " << kept << " (expected 60)\n";
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    // No argument: download_ten's `download` is your download_file.
    std::vector<std::string> results = run_and_time(ch10::download_ten());
    std::cout << "(8 s: four rounds of 2 s with at most 3 at once; download_ten() returned "
              << results.size() << " results)\n";
    if (has_flag(argc, argv, "--compare")) compare();
  } catch (const std::exception& error) {
    std::cout << error.what() << "\nSee chapters/10-semaphore/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
