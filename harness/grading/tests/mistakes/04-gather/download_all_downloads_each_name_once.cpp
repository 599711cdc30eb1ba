// Mistake: download_all downloads each distinct name only once and copies its result to every
// file of that name, so a name that repeats in `files` is not downloaded again (with its own
// duration).
// test: DownloadAll.RepeatedNamesAreDownloadsOfTheirOwn
// expect: called download 2 times for 4 files: once per distinct name
#include "exercise.hpp"

#include <algorithm>

namespace ch04 {

using namespace std::chrono_literals;

aio::Task<std::string> download_file(std::string name, aio::Duration duration) {
  aio::print("Start download ", name, "...");
  // Suspends only this download: the loop runs the other downloads meanwhile.
  co_await aio::sleep(duration);
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
  // Downloads each distinct name once and hands its result to every file of that name.
  std::vector<std::string> names;
  std::vector<aio::Task<std::string>> downloads;
  for (const auto& file : files) {
    if (std::find(names.begin(), names.end(), file.name) != names.end()) continue;
    names.push_back(file.name);
    downloads.push_back(download(file.name, file.duration));
  }
  std::vector<std::string> unique = co_await aio::gather(std::move(downloads));
  std::vector<std::string> results;
  for (const auto& file : files) {
    auto at = std::find(names.begin(), names.end(), file.name) - names.begin();
    results.push_back(unique[static_cast<std::size_t>(at)]);
  }
  co_return results;
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
