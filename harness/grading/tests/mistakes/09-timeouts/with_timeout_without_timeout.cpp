// Mistake: with_timeout awaits the operation directly (co_await operation()) instead of through
// aio::wait_for, so nothing ever gives up on it: a 10 s operation takes 10 s.
// test: WithTimeout.ReportsTheTimeoutOnlyOnceTheOperationHasCleanedUp
// expect: with_timeout waited for the whole operation
#include "exercise.hpp"

#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace ch09 {

using namespace std::chrono_literals;

aio::Task<std::string> long_operation() {
  try {
    co_await aio::sleep(10s);
  } catch (const aio::CancelledError&) {
    // Synchronous cleanup may stay in the handler; then the cancellation goes on its way, so
    // that the timeout that cancelled us sees it and turns it into a TimeoutError.
    aio::print("Operation cancelled, cleaning up");
    throw;
  }
  co_return "Done";
}

aio::Task<std::optional<std::string>> with_timeout(Operation operation, aio::Duration timeout) {
  try {
    // wait_for cancels the operation at the deadline AND waits until it has finished
    // cancelling: when the TimeoutError arrives, nothing of the operation is left running.
    std::string result = co_await operation();  // no timeout at all
    (void)timeout;
    aio::print(result);
    co_return result;
  } catch (const aio::TimeoutError&) {
    // Only the timeout is caught: the operation's own errors, and a cancellation of
    // with_timeout itself (aio::CancelledError is no std::exception), pass through.
    aio::print("Operation timeout!");
  }
  co_return std::nullopt;
}

aio::Task<std::string> fetch_with_retry(Operation operation, int attempts,
                                        aio::Duration per_try_timeout) {
  if (attempts < 1) {
    throw std::invalid_argument("fetch_with_retry: attempts must be at least 1, got " +
                                std::to_string(attempts));
  }
  aio::Duration backoff = first_backoff;
  for (int attempt = 1;; ++attempt) {
    std::exception_ptr error;  // this try's error, if it is one worth retrying
    try {
      co_return co_await aio::wait_for(operation(), per_try_timeout);
    } catch (const aio::TimeoutError&) {
      error = std::current_exception();
    } catch (const TransientError&) {
      error = std::current_exception();
    }
    // Anything else (PermanentError, another error, aio::CancelledError) has left the function
    // already: none of them is caught above.
    if (attempt == attempts) std::rethrow_exception(error);  // the last try's error, no pause
    // co_await is not allowed inside a catch block: the pause comes after it. A cancellation
    // during the pause is thrown by this sleep, outside any try: it leaves at once.
    co_await aio::sleep(backoff);
    backoff *= 2;
  }
}

aio::Task<std::vector<std::optional<std::string>>> run_batch(Step connect,
                                                             std::vector<Operation> jobs,
                                                             aio::Duration time_limit) {
  std::vector<std::optional<std::string>> results(jobs.size());
  // The whole batch is one body under one scope: connecting uses up part of the time limit,
  // and the jobs get what is left, not a time limit of their own.
  auto batch = [&]() -> aio::Task<> {
    co_await connect();
    auto spawn_every_job = [&](aio::TaskGroup& group) -> aio::Task<> {
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        // Each child stores its own result; a child cancelled at the deadline leaves its slot
        // empty. Named in its own statement (GCC 12: no lambda inside a co_await expression).
        auto run_job = [&results, &jobs, i]() -> aio::Task<> { results[i] = co_await jobs[i](); };
        group.spawn(std::move(run_job));
      }
      co_return;
    };
    co_await aio::task_group(spawn_every_job);
  };
  // At the deadline the scope cancels the body (and with it the group and every job), waits
  // until they have all finished cancelling, and returns false. Whether it timed out or not, the
  // slots say which jobs finished.
  co_await aio::move_on_after(time_limit, batch);
  co_return results;
}

namespace {
// What went wrong, in words, for the report.
std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}
}  // namespace

aio::Task<std::vector<FileReport>> download_report(std::vector<std::string> files,
                                                   Download download) {
  std::vector<aio::Task<std::string>> downloads;
  downloads.reserve(files.size());
  for (const std::string& name : files) downloads.push_back(download(name));
  // gather_settled lets every download run to its end: a failure is an outcome, not a reason to
  // cancel the others (aio::gather would cancel them at the first failure). Cancelling
  // download_report still cancels them all, and the CancelledError comes out of this co_await.
  std::vector<aio::Outcome<std::string>> outcomes =
      co_await aio::gather_settled(std::move(downloads));
  std::vector<FileReport> report;
  report.reserve(files.size());
  int downloaded = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (outcomes[i].ok()) {
      report.push_back({files[i], true, outcomes[i].value()});
      aio::print("Downloaded ", files[i], ": ", report.back().detail);
      ++downloaded;
    } else {
      report.push_back({files[i], false, describe(outcomes[i].error())});
      aio::print("Failed ", files[i], ": ", report.back().detail);
    }
  }
  aio::print("Report: ", downloaded, " downloaded, ", static_cast<int>(files.size()) - downloaded,
             " failed");
  co_return report;
}

}  // namespace ch09
