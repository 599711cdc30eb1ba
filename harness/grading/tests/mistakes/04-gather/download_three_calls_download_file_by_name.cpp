// Mistake: download_three gathers download_file(...) by its name instead of the `download`
// parameter, so a caller's download function is never used (and the graders' values never
// reach the result).
// test: DownloadThree.StartsAllThreeAtOnceAndTakesThreeSecondsNotSix
// expect: it called download_file by its name, which the parameter cannot replace
#include "exercise.hpp"

namespace ch04 {

using namespace std::chrono_literals;

aio::Task<std::string> download_file(std::string name, aio::Duration duration) {
  aio::print("Start download ", name, "...");
  // Suspends only this download: the loop runs the other downloads meanwhile.
  co_await aio::sleep(duration);
  aio::print("Finished download ", name);
  co_return name + " downloaded";
}

aio::Task<std::vector<std::string>> download_three([[maybe_unused]] DownloadFn download) {
  // `download` is download_file unless the caller chose another one. gather starts all three (in
  // this order) before waiting for any, then waits for all three: the total is the longest
  // download, 3 s. The results come back in argument order, as a tuple.
  auto [first, second, third] =
      co_await aio::gather(download_file("file1.txt", 2s), download_file("file2.txt", 3s),
                           download_file("file3.txt", 1s));
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
