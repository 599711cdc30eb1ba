// Chapter 11 — CPU-bound work: don't block the loop. This is the file you edit.
//
// Read chapters/11-cpu-bound/README.md first. Check your work with
// `ctest --preset workbook -L ch11`. Stuck? chapters/11-cpu-bound/HINTS.md has hints, gentlest
// first.
//
// Inside every function below, `checksum` is the function you were given as a parameter (the
// graders' instrumented one, or ch11::checksum by default): call that one, not ch11::checksum.
#include <stdexcept>
#include <utility>

#include "exercise.hpp"

namespace ch11 {

aio::Task<std::vector<std::uint64_t>> checksum_all_blocking(
    [[maybe_unused]] std::vector<Block> blocks, [[maybe_unused]] ChecksumFn checksum) {
  // The naive version, on purpose: you write it to watch it block the loop.
  // TODO 1: for every block, in order, call checksum(block) directly (no to_thread, no
  //         co_await) and keep the result.
  // TODO 2: return the results, in the order of `blocks`.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("checksum_all_blocking");
  co_return std::vector<std::uint64_t>{};
}

aio::Task<std::vector<std::uint64_t>> checksum_all_offloaded(
    [[maybe_unused]] std::vector<Block> blocks, [[maybe_unused]] ChecksumFn checksum) {
  // TODO 1: for every block, a Task that runs checksum(block) on a worker thread:
  //         aio::to_thread(checksum, block) (or std::move(block)). Keep them in a
  //         std::vector<aio::Task<std::uint64_t>>; nothing runs yet (Tasks are lazy).
  // TODO 2: start them all at once and wait for all (aio::gather); return its results, which
  //         come in the order of the Tasks you gave it.
  //         Do not write co_await aio::to_thread([block] {...}) with a lambda right inside the
  //         co_await: GCC 12 destroys that lambda twice. Pass the function and its argument.
  aio::todo("checksum_all_offloaded");
  co_return std::vector<std::uint64_t>{};
}

aio::Task<Block> fetch_block([[maybe_unused]] Download download) {
  // TODO 1: print "Downloading <name>...".
  // TODO 2: wait download.latency ON THE LOOP (co_await aio::sleep): a wait needs no thread.
  // TODO 3: print "Downloaded <name>".
  // TODO 4: return make_block(download.name, download.size).
  aio::todo("fetch_block");
  co_return Block{};
}

aio::Task<std::vector<Checked>> download_and_check([[maybe_unused]] std::vector<Download> downloads,
                                                   [[maybe_unused]] FetchFn fetch,
                                                   [[maybe_unused]] ChecksumFn checksum) {
  // TODO 1: a helper coroutine for one file (parameters by value): Block block = co_await
  //         fetch(download); then the checksum on a worker: co_await aio::to_thread(checksum,
  //         std::move(block)); then print "Checked <name>"; return Checked{name, sum}.
  // TODO 2: one helper Task per download, all started at once with aio::gather; return the
  //         results (in the order of `downloads`).
  aio::todo("download_and_check");
  co_return std::vector<Checked>{};
}

aio::Task<std::vector<Checked>> download_and_check_limited(
    [[maybe_unused]] std::vector<Download> downloads, [[maybe_unused]] int max_jobs,
    [[maybe_unused]] FetchFn fetch, [[maybe_unused]] ChecksumFn checksum) {
  // TODO 1: max_jobs below 1: throw std::invalid_argument (before anything starts).
  // TODO 2: one aio::Semaphore with max_jobs permits, local to this call.
  // TODO 3: a helper per file, as in download_and_check, but: download first (no permit: the
  //         downloads are not limited), THEN auto permit = co_await semaphore.acquire(), and
  //         hold it only while the to_thread job runs (a block { } around the two lines).
  //         Take the semaphore by reference.
  // TODO 4: start them all at once (aio::gather), return the results in the order of
  //         `downloads`.
  aio::todo("download_and_check_limited");
  co_return std::vector<Checked>{};
}

}  // namespace ch11
