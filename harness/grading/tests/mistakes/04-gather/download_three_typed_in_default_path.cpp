// Mistake: download_three types in the tutorial's timeline (as download_three_typed_in does);
// here it is the default-path test that must catch it: download_file printed nothing.
// test: DownloadThree.ByDefaultYourDownloadFileDoesTheWork
// expect: "Start download file1\.txt\.\.\." was printed by download_three, not by download_file
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
  // Prints the tutorial's timeline itself, with sleeps of its own, and returns literals.
  aio::print("Start download file1.txt...");
  aio::print("Start download file2.txt...");
  aio::print("Start download file3.txt...");
  co_await aio::sleep(1s);
  aio::print("Finished download file3.txt");
  co_await aio::sleep(1s);
  aio::print("Finished download file1.txt");
  co_await aio::sleep(1s);
  aio::print("Finished download file2.txt");
  aio::print("All results: [file1.txt downloaded, file2.txt downloaded, file3.txt downloaded]");
  co_return std::vector<std::string>{"file1.txt downloaded", "file2.txt downloaded",
                                     "file3.txt downloaded"};
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
