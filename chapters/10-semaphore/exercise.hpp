// Chapter 10 — limiting concurrency: aio::Semaphore (how many run at once), a rate limiter of
// your own (how many start per second), and aio::Mutex (one task at a time across an await).
// You implement these in exercise.cpp; the graders and the demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ch10 {

// ---- downloads under a semaphore -----------------------------------------------------------

// One file to download: its name and how long the download takes.
struct FileToDownload {
  std::string name;
  aio::Duration duration;
};

// Anything that downloads a file the way download_file does: download(name, duration) returns a
// Task that, when awaited, downloads the file and gives back its result. Every function below
// takes one as a parameter (download_file unless the caller passes another): the graders pass
// their own, which counts how many downloads run at once and can fail on purpose.
using DownloadFn = std::function<aio::Task<std::string>(std::string name, aio::Duration duration)>;

// The tutorial's download, without the semaphore (the callers below bring the limit):
//   prints "Downloading <name>...", waits `duration` (co_await aio::sleep),
//   prints "Finished <name>", returns <name>.
// download_file("file_0.txt", 2s) on its own:
//   [  0.000s] Downloading file_0.txt...
//   [  2.000s] Finished file_0.txt
aio::Task<std::string> download_file(std::string name, aio::Duration duration);

// A RULE FOR EVERY FUNCTION BELOW THAT DOWNLOADS: a download that throws a std::exception does
// not stop the others. Its result is "<name> failed: <what()>" (e.g. "file_1.txt failed:
// connection reset"), and whatever it held (a permit) is given back at the instant it threw, so
// the next file can start right then. Anything else (aio::CancelledError) is not caught.

// The tutorial's example: ten files, "file_0.txt" ... "file_9.txt", 2 s each, downloaded with
// download(name, 2s) under ONE aio::Semaphore of 3 permits, all started together (each waits
// for a permit first), results in file order. Prints nothing itself. Timeline:
//   [  0.000s] Downloading file_0.txt...      (file_0, file_1, file_2 take the three permits)
//   [  0.000s] Downloading file_1.txt...
//   [  0.000s] Downloading file_2.txt...
//   [  2.000s] Finished file_0.txt            (each finished download hands its permit on,
//   [  2.000s] Finished file_1.txt             first come, first served)
//   [  2.000s] Finished file_2.txt
//   [  2.000s] Downloading file_3.txt...
//   [  2.000s] Downloading file_4.txt...
//   [  2.000s] Downloading file_5.txt...
//   [  4.000s] ... file_3..5 finish, file_6..8 start
//   [  6.000s] ... file_6..8 finish, file_9 starts
//   [  8.000s] Finished file_9.txt
// Starts at 0, 0, 0, 2, 2, 2, 4, 4, 4, 6 s; never more than 3 at once; 8 s in total (not 2 s:
// that would be no limit; not 20 s: that would be one at a time).
aio::Task<std::vector<std::string>> download_ten(DownloadFn download = download_file);

// The same for any files and any limit: at most `limit` downloads in flight at any moment, the
// others waiting their turn in file order; results in the order of `files`. Works for any number
// of files (none: an empty vector, at once). limit 1 is one at a time; a limit of at least the
// number of files runs them all at once. A limit below 1 would let nothing ever start: it throws
// std::invalid_argument (when awaited, before any download starts, even with no files).
aio::Task<std::vector<std::string>> download_limited(std::vector<FileToDownload> files, int limit,
                                                     DownloadFn download = download_file);

// ---- a rate limiter: how many START per second --------------------------------------------

// At most `max_starts` starts in ANY window of length `window` (a sliding window): the k-th
// start happens no earlier than `window` after the (k - max_starts)-th start. A start happens
// as soon as that allows it, so up to max_starts can go at once (a burst), and callers are served
// in the order they called acquire(). With max_starts 2 and a 1 s window, callers arriving at
// 0.5, 0.6, 1.1, 1.2 and 3.0 s start at 0.5, 0.6, 1.5, 1.6 and 3.0 s.
// Unlike a semaphore there is nothing to give back: a start is used up when it happens, however
// long the work after it takes.
// max_starts below 1, or a window of 0 or less, throws std::invalid_argument.
class RateLimiter {
 public:
  explicit RateLimiter(int max_starts, aio::Duration window = std::chrono::seconds(1));
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Waits until one more start is allowed, and counts it as started when it returns.
  aio::Task<> acquire();

 private:
  // What the limiter remembers. You define it, in exercise.cpp: put in it whatever you need.
  struct State;
  std::shared_ptr<State> state_;
};

// Downloads every file with download(name, duration), starting at most `per_second` downloads
// in any 1 s window (one RateLimiter(per_second)), all asking at once, in file order; results in
// the order of `files`. It does NOT limit how many run at once: with 2 per second and downloads
// of 3 s, two start at 0 s, two at 1 s, two at 2 s, and six run together for a while. With
// downloads of 0.1 s, two start at 0 s and the next two only at 1 s (a semaphore of 2 would
// have started them at 0.1 s). A rate below 1 throws std::invalid_argument.
aio::Task<std::vector<std::string>> rate_limited(std::vector<FileToDownload> files, int per_second,
                                                 DownloadFn download = download_file);

// ---- aio::Mutex: a balance updated across an await ----------------------------------------

// A bank account. Every deposit to it reads `balance`, waits for the bank, and writes it back;
// `mutex` is there to make that read-wait-write one step for the other deposits.
struct Account {
  int balance = 0;
  aio::Mutex mutex;
};

// What a deposit asks of the bank (the graders pass an instrumented one):
struct Bank {
  // Converts `amount` to the account's currency and returns what to add to the balance. Takes
  // time; safe to run for many deposits at once.
  std::function<aio::Task<int>(int amount)> convert;
  // Writes `new_balance` to the bank's ledger. Takes time. May throw (the ledger refused): then
  // the deposit must not change the balance, and must fail with that exception.
  std::function<aio::Task<>(int new_balance)> record;
};

// THE RACE, on purpose (so you can see it lose updates): one deposit, without the lock.
//   1. credit = co_await bank.convert(amount)
//   2. read account.balance
//   3. co_await bank.record(balance + credit)
//   4. account.balance = balance + credit, and return it.
// Three of these at once on one account, all reading before any writes: only the last write
// survives, the other two deposits are lost. No threads involved.
aio::Task<int> deposit_unlocked(Account& account, int amount, Bank bank);

// The same deposit, correct: steps 2-4 (read, record, write) while holding account.mutex, and
// only those (convert, step 1, runs before taking the lock, so that many deposits convert at
// once). Returns the balance it wrote. If record throws, the balance stays as it was, the mutex
// is unlocked at that instant, and the exception leaves deposit. Deposits to different accounts
// never wait for each other. With three deposits at once, convert taking 1 s and record 0.5 s:
// all three convert from 0 to 1 s, then record one after another: done at 2.5 s (not 4.5 s).
// `account` is a reference: the caller keeps the account alive until every deposit has finished.
aio::Task<int> deposit(Account& account, int amount, Bank bank);

}  // namespace ch10
