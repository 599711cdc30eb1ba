// Chapter 09 — timeouts and errors. This is the file you edit.
//
// Read chapters/09-timeouts/README.md first. Check your work with `ctest --preset workbook -L
// ch09`. Stuck? chapters/09-timeouts/HINTS.md has hints, gentlest first.
#include "exercise.hpp"

namespace ch09 {

using namespace std::chrono_literals;

aio::Task<std::string> long_operation() {
  // TODO 1: wait 10 s without blocking the thread.
  // TODO 2: if that wait is cancelled, it throws aio::CancelledError: catch it by name, print
  //         "Operation cancelled, cleaning up", and rethrow it (`throw;`). Swallowing it would
  //         turn the caller's timeout into a late "Done".
  // TODO 3: return "Done".
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("long_operation");
  co_return std::string{};
}

aio::Task<std::optional<std::string>> with_timeout([[maybe_unused]] Operation operation,
                                                   [[maybe_unused]] aio::Duration timeout) {
  // `operation` is your long_operation unless the caller passes another one (the graders do):
  // call it like the function, operation().
  // TODO 1: wait for operation() for at most `timeout`, in one co_await (which aio function
  //         gives up on a Task after a while, and cancels it?).
  // TODO 2: in time: print the result and return it.
  // TODO 3: too late: catch aio::TimeoutError by name, print "Operation timeout!" and return
  //         std::nullopt. When that error arrives the operation has already finished cleaning
  //         up; printing it any other way (a sleep of your own, then cancel()) is too early.
  // Catch nothing else: the operation's own errors and a cancellation of with_timeout are not
  // timeouts.
  aio::todo("with_timeout");
  co_return std::nullopt;
}

aio::Task<std::string> fetch_with_retry([[maybe_unused]] Operation operation,
                                        [[maybe_unused]] int attempts,
                                        [[maybe_unused]] aio::Duration per_try_timeout) {
  // TODO 1: attempts < 1: throw std::invalid_argument (before calling operation at all).
  // TODO 2: a loop of tries. Each try: co_await aio::wait_for(operation(), per_try_timeout);
  //         a result is returned at once.
  // TODO 3: catch exactly the two errors worth retrying, by name: aio::TimeoutError and
  //         TransientError. Keep the error (std::current_exception()). Nothing else is caught:
  //         a PermanentError, any other error and aio::CancelledError leave on their own.
  // TODO 4: that was the last try? Rethrow its error (std::rethrow_exception), without a pause.
  // TODO 5: otherwise pause before the next try, AFTER the catch block (co_await is not allowed
  //         inside one): first_backoff (1 s) after the first try, then 2 s, 4 s, ...
  aio::todo("fetch_with_retry");
  co_return std::string{};
}

aio::Task<std::vector<std::optional<std::string>>> run_batch(
    [[maybe_unused]] Step connect, [[maybe_unused]] std::vector<Operation> jobs,
    [[maybe_unused]] aio::Duration time_limit) {
  // TODO 1: make the result: one empty slot (std::optional) per job.
  // TODO 2: write the whole batch as ONE body, a named lambda in a statement of its own:
  //           auto batch = [&]() -> aio::Task<> { ... };
  //         It awaits connect(), then runs every job concurrently (an aio::task_group whose
  //         children each store their job's result in its slot, or a gather of such children).
  // TODO 3: run that body under one deadline for all of it: co_await aio::move_on_after(
  //         time_limit, batch). At the deadline it cancels what is still running and waits for
  //         it. A time limit per job is not the same: the connection uses up part of the time.
  // TODO 4: return the slots.
  aio::todo("run_batch");
  co_return std::vector<std::optional<std::string>>{};
}

aio::Task<std::vector<FileReport>> download_report([[maybe_unused]] std::vector<std::string> files,
                                                   [[maybe_unused]] Download download) {
  // TODO 1: make one download(name) Task per file, in order (a std::vector of Tasks).
  // TODO 2: run them all concurrently so that a failure does not cancel the others, and get one
  //         aio::Outcome per download (aio::gather would cancel the rest at the first failure;
  //         which function settles every child instead?).
  // TODO 3: for each file, in order: outcome.ok()? print "Downloaded <name>: <content>";
  //         otherwise print "Failed <name>: <what()>" (rethrow outcome.error() inside a
  //         try to read it; an error that is no std::exception is "unknown error").
  // TODO 4: print "Report: <k> downloaded, <m> failed" and return the FileReports.
  aio::todo("download_report");
  co_return std::vector<FileReport>{};
}

}  // namespace ch09
