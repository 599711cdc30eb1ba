// Chapter 10 — limiting concurrency: aio::Semaphore, a rate limiter, aio::Mutex. This is the file
// you edit.
//
// Read chapters/10-semaphore/README.md first. Check your work with
// `ctest --preset workbook -L ch10`. Stuck? chapters/10-semaphore/HINTS.md has hints, gentlest
// first.
#include <deque>
#include <stdexcept>
#include <utility>

#include "exercise.hpp"

namespace ch10 {

using namespace std::chrono_literals;

aio::Task<std::string> download_file([[maybe_unused]] std::string name,
                                     [[maybe_unused]] aio::Duration duration) {
  // TODO 1: print "Downloading <name>...".
  // TODO 2: wait `duration` without blocking the thread.
  // TODO 3: print "Finished <name>".
  // TODO 4: return the name.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("download_file");
  co_return std::string{};
}

aio::Task<std::vector<std::string>> download_ten([[maybe_unused]] DownloadFn download) {
  // TODO 1: the ten files "file_0.txt" ... "file_9.txt", 2 s each.
  // TODO 2: download them all, at most 3 at a time, with the `download` parameter. (Once
  //         download_limited works, this is one line.)
  // TODO 3: return the ten results in file order.
  aio::todo("download_ten");
  co_return std::vector<std::string>{};
}

aio::Task<std::vector<std::string>> download_limited(
    [[maybe_unused]] std::vector<FileToDownload> files, [[maybe_unused]] int limit,
    [[maybe_unused]] DownloadFn download) {
  // TODO 1: a limit below 1: throw std::invalid_argument (before anything starts).
  // TODO 2: one aio::Semaphore with `limit` permits, local to this call.
  // TODO 3: for every file, a Task that first waits for a permit (co_await semaphore.acquire()
  //         gives an RAII permit), then awaits download(file.name, file.duration) while it
  //         holds the permit. A download that throws a std::exception gives the result
  //         "<name> failed: <what()>" (see exercise.hpp). A helper coroutine does this best:
  //         take its parameters by value, the semaphore by reference.
  // TODO 4: start them all at once and wait for all of them (aio::gather); return the results
  //         in the order of `files`.
  aio::todo("download_limited");
  co_return std::vector<std::string>{};
}

// What your RateLimiter remembers between calls of acquire(): add what you need (exercise.hpp
// explains the window it must keep). For example: the limit, the window, the times of the
// recent starts, and something that keeps the callers in line.
struct RateLimiter::State {};

RateLimiter::RateLimiter([[maybe_unused]] int max_starts, [[maybe_unused]] aio::Duration window) {
  // TODO 1: max_starts below 1, or a window of 0 or less: throw std::invalid_argument.
  // TODO 2: state_ = std::make_shared<State>(), and fill it in.
  aio::todo("RateLimiter");
}

aio::Task<> RateLimiter::acquire() {
  // TODO 1: wait your turn: callers are served in the order they called acquire().
  // TODO 2: if max_starts starts already happened within the last `window`, sleep until the
  //         oldest of them is `window` old (aio::now() tells the time).
  // TODO 3: count this start (now) and return.
  aio::todo("RateLimiter::acquire");
  co_return;
}

aio::Task<std::vector<std::string>> rate_limited([[maybe_unused]] std::vector<FileToDownload> files,
                                                 [[maybe_unused]] int per_second,
                                                 [[maybe_unused]] DownloadFn download) {
  // TODO 1: a rate below 1: throw std::invalid_argument.
  // TODO 2: one RateLimiter(per_second), local to this call.
  // TODO 3: for every file, a Task that awaits limiter.acquire(), then the download (failures
  //         become "<name> failed: <what()>" as above). There is no permit here: nothing to
  //         hold while the download runs.
  // TODO 4: start them all at once, wait for all, return the results in the order of `files`.
  aio::todo("rate_limited");
  co_return std::vector<std::string>{};
}

aio::Task<int> deposit_unlocked([[maybe_unused]] Account& account, [[maybe_unused]] int amount,
                                [[maybe_unused]] Bank bank) {
  // The race, written on purpose (no lock):
  // TODO 1: int credit = co_await bank.convert(amount).
  // TODO 2: read account.balance into a local variable.
  // TODO 3: co_await bank.record(balance + credit).
  // TODO 4: write balance + credit into account.balance, and return it.
  aio::todo("deposit_unlocked");
  co_return 0;
}

aio::Task<int> deposit([[maybe_unused]] Account& account, [[maybe_unused]] int amount,
                       [[maybe_unused]] Bank bank) {
  // TODO 1: convert first, WITHOUT the lock (other deposits may convert at the same time).
  // TODO 2: take the lock: auto guard = co_await account.mutex.lock();
  // TODO 3: read, record, write, as in deposit_unlocked, while holding it; return the balance.
  //         (If record throws, the guard unlocks on the way out and the balance is unchanged.)
  aio::todo("deposit");
  co_return 0;
}

}  // namespace ch10
