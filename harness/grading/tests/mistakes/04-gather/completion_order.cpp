// Mistake: download_all gathers the downloads, but each one appends its result to a shared
// vector when it finishes, so the results come back in completion order.
// test: DownloadAll.ReturnsResultsInArgumentOrderNotCompletionOrder
// expect: the results are in completion order.*not in argument order
#include "exercise.hpp"

namespace ch04 {

using namespace std::chrono_literals;

// Awaits one download and appends its result as soon as it is done.
aio::Task<> append_when_done(std::vector<std::string>& results, aio::Task<std::string> download) {
  results.push_back(co_await std::move(download));
}

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
  std::vector<aio::Task<>> downloads;
  for (const auto& file : files) {
    downloads.push_back(append_when_done(results, download(file.name, file.duration)));
  }
  (void)co_await aio::gather(std::move(downloads));
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
