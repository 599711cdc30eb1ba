// Chapter 09 demo: the tutorial's timeout example, run through your with_timeout().
//
//   ./build/workbook/chapters/09-timeouts/ch09_demo            real time: about 2 s, not 10 s
//   ./build/workbook/chapters/09-timeouts/ch09_demo --virtual  simulated clock: same output,
//                                                              instantly
//   add --all to also run fetch_with_retry, run_batch and download_report on made-up operations
//
// Expected (the tutorial prints only the last line; the first is long_operation's cleanup):
//   [  2.000s] Operation cancelled, cleaning up
//   [  2.000s] Operation timeout!
#include <aio/demo.hpp>
#include <chrono>
#include <cstring>
#include <exception>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0) return true;
  return false;
}

// Runs `task` on a fresh loop (the demo's clock) and prints how long it took on the loop's clock
// and on the wall clock (about 0 s with --virtual).
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

// A flaky server: the first two tries fail with a TransientError after 0.2 s, the third answers.
aio::Task<std::string> flaky_request(int attempt) {
  aio::print("try ", attempt, " started");
  co_await aio::sleep(200ms);
  if (attempt < 3) {
    aio::print("try ", attempt, ": 503 Service Unavailable");
    throw ch09::TransientError("503 Service Unavailable");
  }
  aio::print("try ", attempt, ": 200 OK");
  co_return "the page";
}

aio::Task<> connect() {
  aio::print("connecting...");
  co_await aio::sleep(1s);
  aio::print("connected");
}

aio::Task<std::string> job(std::string name, aio::Duration takes) {
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    aio::print(name, " cancelled at the deadline");
    throw;
  }
  aio::print(name, " done");
  co_return name + " result";
}

aio::Task<std::string> download(std::string name) {
  co_await aio::sleep(name == "missing.txt" ? 500ms : 1s);
  if (name == "missing.txt") throw ch09::PermanentError("404 Not Found");
  co_return "contents of " + name;
}

void more() {
  std::cout << "\nfetch_with_retry(flaky, 3 attempts, 1 s per try): tries at 0, 1.2 and 3.4 s\n";
  auto attempts = std::make_shared<int>(0);
  ch09::Operation flaky = [attempts] { return flaky_request(++*attempts); };
  std::string page = run_and_time(ch09::fetch_with_retry(flaky, 3, 1s));
  std::cout << "got: " << page << '\n';

  std::cout << "\nrun_batch(connect 1 s, jobs of 0.5 s, 3 s, 1 s, time limit 2.5 s for it all)\n";
  const std::vector<ch09::Operation> jobs = {[] { return job("job 1", 500ms); },
                                             [] { return job("job 2", 3s); },
                                             [] { return job("job 3", 1s); }};
  std::vector<std::optional<std::string>> results =
      run_and_time(ch09::run_batch(connect, jobs, 2500ms));
  for (std::size_t i = 0; i < results.size(); ++i)
    std::cout << "  slot " << i + 1 << ": " << results[i].value_or("(not in time)") << '\n';

  std::cout << "\ndownload_report(a.txt, missing.txt, b.txt)\n";
  const std::vector<std::string> files = {"a.txt", "missing.txt", "b.txt"};
  (void)run_and_time(ch09::download_report(files, download));
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    // No arguments: your long_operation, and a timeout of 2 s.
    std::optional<std::string> result = run_and_time(ch09::with_timeout());
    std::cout << "(2 s, not 10 s: wait_for gave up at the deadline and waited for the cleanup; "
              << "with_timeout() returned " << (result ? "\"" + *result + "\"" : "nullopt")
              << ")\n";
    if (has_flag(argc, argv, "--all")) more();
  } catch (const std::exception& error) {
    std::cout << error.what()
              << "\nFinish the exercises in chapters/09-timeouts/exercise.cpp (see "
                 "chapters/09-timeouts/README.md, and HINTS.md if stuck).\n";
    return 1;
  } catch (const aio::CancelledError& error) {  // not a std::exception
    std::cout << error.what() << "\nA cancellation escaped: see chapters/09-timeouts/README.md.\n";
    return 1;
  }
  return 0;
}
