// Mistake: download_all gives each download a task of its own with aio::create_task, but awaits
// each handle before creating the next task, so the downloads still run one at a time.
// test: DownloadAll.StartsEveryDownloadBeforeAnyFinishes
// expect: each download ran as a task of its own.*create_task alone is not enough
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
  std::vector<std::string> results;
  for (const auto& file : files) {
    auto handle = aio::create_task(download(file.name, file.duration));
    results.push_back(co_await handle);  // waits for this download before starting the next
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
