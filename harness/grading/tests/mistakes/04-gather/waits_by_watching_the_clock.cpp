// Mistake: download_file "waits" in a loop that checks aio::now() instead of suspending with
// co_await aio::sleep. The step never returns to the event loop: the runtime's watchdog must end
// the test within seconds, say where it is stuck, and the results must record it as failed.
// test: DownloadFile.PrintsStartThenFinishedAfterItsDuration
// expect: it is in download_file\(\) .*a loop with no co_await
// reason: stuck
#include "exercise.hpp"

namespace ch04 {

using namespace std::chrono_literals;

aio::Task<std::string> download_file(std::string name, aio::Duration duration) {
  aio::print("Start download ", name, "...");
  // The mistake: waiting by watching the clock. The loop's clock moves only when this coroutine
  // suspends, and nothing here suspends: on the simulated clock this never ends, on the real one
  // it freezes every other download.
  aio::Duration until = aio::now() + duration;
  while (aio::now() < until) {
  }
  aio::print("Finished download ", name);
  co_return name + " downloaded";
}

aio::Task<std::vector<std::string>> download_three(DownloadFn download) {
  // `download` is download_file unless the caller chose another one. gather starts all three (in
  // this order) before waiting for any, then waits for all three: the total is the longest
  // download, 3 s. The results come back in argument order, as a tuple.
  auto [first, second, third] = co_await aio::gather(
      download("file1.txt", 2s), download("file2.txt", 3s), download("file3.txt", 1s));
  aio::print("All results: [", first, ", ", second, ", ", third, "]");
  co_return std::vector<std::string>{first, second, third};
}

aio::Task<std::vector<std::string>> download_all(std::vector<FileToDownload> files,
                                                 DownloadFn download) {
  // Create the (lazy) Tasks first, in their own statements: nothing runs yet. Building the
  // vector outside the co_await also keeps GCC 12 away from braced lists inside co_await.
  std::vector<aio::Task<std::string>> downloads;
  downloads.reserve(files.size());
  for (const auto& file : files) downloads.push_back(download(file.name, file.duration));
  // Start them all, then wait for all: results in the order of `files`.
  co_return co_await aio::gather(std::move(downloads));
}

aio::Task<std::vector<std::string>> download_sequentially(std::vector<FileToDownload> files,
                                                          DownloadFn download) {
  std::vector<std::string> results;
  results.reserve(files.size());
  // Each co_await finishes one download before the loop body creates the next: the durations
  // add up.
  for (const auto& file : files) results.push_back(co_await download(file.name, file.duration));
  co_return results;
}

}  // namespace ch04
