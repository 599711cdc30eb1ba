// Mistake: download_limited collects the results in a `static` vector, which outlives the call: a
// second call in the same program returns the first call's results too.
// test: DownloadLimited.TwoCallsWithDifferentLimitsInOneProgram
// expect: "first-a\.txt" is a result of the FIRST call
#include <deque>
#include <stdexcept>
#include <utility>

#include "exercise.hpp"

namespace ch10 {

using namespace std::chrono_literals;

aio::Task<std::string> download_file(std::string name, aio::Duration duration) {
  aio::print("Downloading ", name, "...");
  co_await aio::sleep(duration);
  aio::print("Finished ", name);
  co_return name;
}

namespace {

// One download that first waits for a permit and holds it until the download has finished, or
// thrown. Parameters by value (the semaphore by reference: the caller awaits every one of these
// before its semaphore goes away), so nothing dangles while this waits its turn.
aio::Task<std::string> download_with_permit(aio::Semaphore& semaphore, DownloadFn download,
                                            std::string name, aio::Duration duration) {
  auto permit = co_await semaphore.acquire();  // waits, first come first served, while all taken
  try {
    co_return co_await download(name, duration);
  } catch (const std::exception& error) {
    // Only std::exception: an aio::CancelledError must go on, or cancelling would not stop us.
    co_return name + " failed: " + error.what();
  }
  // `permit` is destroyed when this frame leaves its body (after the download finished or
  // threw): the permit goes to the next waiter at that very instant.
}

}  // namespace

aio::Task<std::vector<std::string>> download_ten(DownloadFn download) {
  // Built in a statement of its own (never a braced list inside a co_await: GCC 12).
  std::vector<FileToDownload> files;
  for (int i = 0; i < 10; ++i) files.push_back({"file_" + std::to_string(i) + ".txt", 2s});
  co_return co_await download_limited(std::move(files), 3, std::move(download));
}

aio::Task<std::vector<std::string>> download_limited(std::vector<FileToDownload> files, int limit,
                                                     DownloadFn download) {
  // Semaphore(0) would make every download wait forever: refuse it before anything starts.
  if (limit < 1) throw std::invalid_argument("download_limited: the limit must be at least 1");
  // One semaphore for this call: local, so a second call (another limit) gets its own.
  aio::Semaphore semaphore(static_cast<std::size_t>(limit));
  // Every download is created at once and started together by gather; each one waits for a
  // permit inside. The semaphore, not the loop, decides who runs.
  std::vector<aio::Task<std::string>> downloads;
  downloads.reserve(files.size());
  for (const auto& file : files)
    downloads.push_back(download_with_permit(semaphore, download, file.name, file.duration));
  static std::vector<std::string> results;
  for (auto& result : co_await aio::gather(std::move(downloads))) results.push_back(result);
  co_return results;
}

// A sliding-window log: the times of the last max_starts starts. A caller may start when the
// oldest of them is at least `window` ago. The mutex lines callers up (FIFO), so that the one
// waiting for the window to move is the first in line, and no later caller slips past it.
struct RateLimiter::State {
  int max_starts;
  aio::Duration window;
  std::deque<aio::Duration> recent_starts;  // never more than max_starts, oldest first
  aio::Mutex turn;
};

RateLimiter::RateLimiter(int max_starts, aio::Duration window) {
  if (max_starts < 1) throw std::invalid_argument("RateLimiter: max_starts must be at least 1");
  if (window <= aio::Duration::zero())
    throw std::invalid_argument("RateLimiter: the window must be longer than 0");
  state_ = std::make_shared<State>();
  state_->max_starts = max_starts;
  state_->window = window;
}

aio::Task<> RateLimiter::acquire() {
  // A copy of the shared state keeps it alive while this caller waits.
  std::shared_ptr<State> state = state_;
  auto guard = co_await state->turn.lock();
  if (static_cast<int>(state->recent_starts.size()) == state->max_starts) {
    // The window is full: wait until its oldest start leaves it (no wait if it already has).
    aio::Duration allowed_at = state->recent_starts.front() + state->window;
    if (aio::now() < allowed_at) co_await aio::sleep(allowed_at - aio::now());
    state->recent_starts.pop_front();
  }
  state->recent_starts.push_back(aio::now());  // this start counts from now on
  // The guard unlocks here: the next caller computes its turn from this start.
}

namespace {

aio::Task<std::string> download_when_allowed(RateLimiter& limiter, DownloadFn download,
                                             std::string name, aio::Duration duration) {
  co_await limiter.acquire();  // waits for a start, then holds nothing: no permit to give back
  try {
    co_return co_await download(name, duration);
  } catch (const std::exception& error) {
    co_return name + " failed: " + error.what();
  }
}

}  // namespace

aio::Task<std::vector<std::string>> rate_limited(std::vector<FileToDownload> files, int per_second,
                                                 DownloadFn download) {
  if (per_second < 1) throw std::invalid_argument("rate_limited: the rate must be at least 1");
  RateLimiter limiter(per_second, 1s);  // local: a second call starts with an empty window
  std::vector<aio::Task<std::string>> downloads;
  downloads.reserve(files.size());
  for (const auto& file : files)
    downloads.push_back(download_when_allowed(limiter, download, file.name, file.duration));
  co_return co_await aio::gather(std::move(downloads));
}

aio::Task<int> deposit_unlocked(Account& account, int amount, Bank bank) {
  int credit = co_await bank.convert(amount);
  int balance = account.balance;           // read...
  co_await bank.record(balance + credit);  // ...other deposits run here and read the same...
  account.balance = balance + credit;      // ...and this write undoes theirs
  co_return account.balance;
}

aio::Task<int> deposit(Account& account, int amount, Bank bank) {
  // Outside the lock: converting touches no shared state, so many deposits convert at once.
  int credit = co_await bank.convert(amount);
  // Read, record, write: one step for every other deposit to this account. The guard unlocks
  // when it goes out of scope, also when record throws (the balance is then left untouched).
  auto guard = co_await account.mutex.lock();
  int balance = account.balance;
  co_await bank.record(balance + credit);
  account.balance = balance + credit;
  co_return account.balance;
}

}  // namespace ch10
