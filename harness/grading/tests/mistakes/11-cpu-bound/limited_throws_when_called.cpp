// Mistake: download_and_check_limited checks max_jobs in a plain function, before it returns the
// coroutine's Task: the error comes when the function is called, not when the Task is awaited.
// test: DownloadAndCheckLimited.RefusesMaxJobsBelowOne
// expect: threw when called, not when awaited
#include <stdexcept>
#include <string>
#include <utility>

#include "exercise.hpp"

namespace ch11 {

aio::Task<std::vector<std::uint64_t>> checksum_all_blocking(std::vector<Block> blocks,
                                                            ChecksumFn checksum) {
  std::vector<std::uint64_t> sums;
  sums.reserve(blocks.size());
  // No co_await anywhere in this loop: it is one step of the task, and for the whole of it the
  // loop's thread computes. No other task runs until the loop is over.
  for (const Block& block : blocks) sums.push_back(checksum(block));
  co_return sums;
}

aio::Task<std::vector<std::uint64_t>> checksum_all_offloaded(std::vector<Block> blocks,
                                                             ChecksumFn checksum) {
  std::vector<aio::Task<std::uint64_t>> jobs;
  jobs.reserve(blocks.size());
  // to_thread copies `checksum` and moves each block into its job before anything runs: the job
  // owns its data, so nothing here may go away under a worker. The Tasks are lazy: gather starts
  // them all, and each submits its job to the pool.
  for (Block& block : blocks) jobs.push_back(aio::to_thread(checksum, std::move(block)));
  // Results in the order of `jobs`, whatever order the workers finish in.
  co_return co_await aio::gather(std::move(jobs));
}

aio::Task<Block> fetch_block(Download download) {
  aio::print("Downloading ", download.name, "...");
  co_await aio::sleep(download.latency);  // a wait: on the loop, no thread held
  aio::print("Downloaded ", download.name);
  co_return make_block(download.name, download.size);
}

namespace {

// One file through the pipeline. Parameters by value: this coroutine outlives the statement that
// created it (gather runs it later).
aio::Task<Checked> download_then_check(Download download, FetchFn fetch, ChecksumFn checksum) {
  Block block = co_await fetch(download);  // I/O: stays on the loop
  // CPU: on a worker. A named function and a named argument, no lambda temporary inside the
  // co_await (GCC 12 destroys such a temporary twice).
  std::uint64_t sum = co_await aio::to_thread(checksum, std::move(block));
  aio::print("Checked ", download.name);
  co_return Checked{download.name, sum};
}

// The same, with the job under a permit of `jobs`: taken after the download (the downloads are
// not limited), held until the job's result is back. The semaphore by reference: its owner
// awaits every one of these before it goes away.
aio::Task<Checked> download_then_check_limited(aio::Semaphore& jobs, Download download,
                                               FetchFn fetch, ChecksumFn checksum) {
  Block block = co_await fetch(download);
  std::uint64_t sum = 0;
  {
    auto permit = co_await jobs.acquire();
    sum = co_await aio::to_thread(checksum, std::move(block));
  }  // the permit goes back here: the next finished download's job may start
  aio::print("Checked ", download.name);
  co_return Checked{download.name, sum};
}

}  // namespace

aio::Task<std::vector<Checked>> download_and_check(std::vector<Download> downloads, FetchFn fetch,
                                                   ChecksumFn checksum) {
  std::vector<aio::Task<Checked>> files;
  files.reserve(downloads.size());
  for (auto& download : downloads)
    files.push_back(download_then_check(std::move(download), fetch, checksum));
  co_return co_await aio::gather(std::move(files));
}

namespace {

aio::Task<std::vector<Checked>> limited_pipeline(std::vector<Download> downloads, int max_jobs,
                                                 FetchFn fetch, ChecksumFn checksum) {
  aio::Semaphore jobs(static_cast<std::size_t>(max_jobs));  // this call's own
  std::vector<aio::Task<Checked>> files;
  files.reserve(downloads.size());
  for (auto& download : downloads)
    files.push_back(download_then_check_limited(jobs, std::move(download), fetch, checksum));
  co_return co_await aio::gather(std::move(files));
}

}  // namespace

// Not a coroutine: this runs when called.
aio::Task<std::vector<Checked>> download_and_check_limited(std::vector<Download> downloads,
                                                           int max_jobs, FetchFn fetch,
                                                           ChecksumFn checksum) {
  if (max_jobs < 1)
    throw std::invalid_argument("download_and_check_limited: max_jobs must be at least 1, not " +
                                std::to_string(max_jobs));
  return limited_pipeline(std::move(downloads), max_jobs, std::move(fetch), std::move(checksum));
}

}  // namespace ch11
