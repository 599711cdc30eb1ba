// Mistake: download_file writes its result through a pointer that was never set. The grader
// process crashes (SIGSEGV): the crash handler must say which task and coroutine were running,
// what usually causes this in coroutine code, point to the workbook-asan preset, and the results
// must record the test as failed.
// test: DownloadFile.PrintsStartThenFinishedAfterItsDuration
// expect: Crashed \(SIGSEGV.* while task 'main' was running download_file\(\)
// reason: crashed
#include "exercise.hpp"

namespace ch04 {

using namespace std::chrono_literals;

// Where download_file was meant to leave its result. `volatile` only keeps an optimising build
// from reasoning about the null pointer: the crash happens as written at every -O level.
struct ResultSlot {
  std::string* volatile text = nullptr;
};

aio::Task<std::string> download_file(std::string name, aio::Duration duration) {
  ResultSlot slot;  // the mistake: slot.text is never pointed at anything
  aio::print("Start download ", name, "...");
  // Suspends only this download: the loop runs the other downloads meanwhile.
  co_await aio::sleep(duration);
  aio::print("Finished download ", name);
  *slot.text = name + " downloaded";  // writes through a null pointer
  co_return *slot.text;
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
