// Chapter 09 — timeouts and errors: giving up on an operation (aio::wait_for), retrying with
// backoff, one deadline for a whole batch (aio::move_on_after / move_on_at), and reporting
// failures without stopping the rest (aio::gather_settled). You implement these in exercise.cpp;
// the graders and the demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ch09 {

using namespace std::chrono_literals;

// Something that takes a while and gives back a string: a request, a query, a download.
// with_timeout, fetch_with_retry and run_batch take their operations as parameters, so that
// their callers (the graders, the demo) choose what the operation does.
using Operation = std::function<aio::Task<std::string>()>;

// The tutorial's long operation: waits 10 s (co_await aio::sleep), then returns "Done". It
// prints nothing while it works. When it is cancelled, its sleep throws aio::CancelledError:
// catch it by name, print "Operation cancelled, cleaning up", and rethrow it (`throw;`), so that
// whoever cancelled it (a timeout) learns that it stopped. Cancelled at 2 s:
//   [  2.000s] Operation cancelled, cleaning up
aio::Task<std::string> long_operation();

// The tutorial's main: waits for operation() for at most `timeout` (aio::wait_for).
// - In time: prints the operation's result and returns it.
// - Too late: wait_for cancels the operation, waits until it has finished cancelling (its
//   cleanup may take time), then throws aio::TimeoutError: catch it by name, print
//   "Operation timeout!" and return std::nullopt.
// - Any other error of the operation leaves with_timeout unchanged, and so does a cancellation
//   of with_timeout itself (aio::CancelledError is not a timeout).
// With the defaults (long_operation, 2 s):
//   [  2.000s] Operation cancelled, cleaning up
//   [  2.000s] Operation timeout!
// at 2 s, not 10 s, and nothing is left running. `operation` is long_operation unless the caller
// passes another one (the graders pass one whose cleanup takes time, to check that "Operation
// timeout!" comes only once it has finished): call it like the function, operation().
aio::Task<std::optional<std::string>> with_timeout(Operation operation = long_operation,
                                                   aio::Duration timeout = 2s);

// The two kinds of error an operation may throw besides a timeout. A transient error may go away
// if you try again (a dropped connection, "503 Service Unavailable"); a permanent one will not
// ("404 Not Found", "access denied"): retrying it only wastes time.
class TransientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class PermanentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The pause before the second try; it doubles before each further try: 1 s, 2 s, 4 s, 8 s...
inline constexpr aio::Duration first_backoff = 1s;

// Tries operation() up to `attempts` times, each try limited to `per_try_timeout`
// (aio::wait_for), and returns the first result.
// - A try that times out (aio::TimeoutError) or throws a TransientError is retried, after a
//   pause: 1 s after the first try, 2 s after the second, 4 s after the third... (first_backoff,
//   doubled each time). The pause starts when the try has ended (after a timed-out operation's
//   cleanup).
// - A PermanentError, or any other error, is not retried: it leaves fetch_with_retry at once.
// - A cancellation (aio::CancelledError: fetch_with_retry itself was cancelled, during a try or
//   during a pause) is never retried: it leaves at once, and no further try starts.
// - After `attempts` failed tries, it gives up and rethrows the error of the LAST try, at once:
//   no pause after the last try.
// - attempts < 1 is a mistake of the caller: throw std::invalid_argument without calling
//   operation.
// Tries of 0.5 s failing with TransientError, attempts = 3: tries start at 0 s, 1.5 s (0.5 + 1)
// and 4 s (2 + 2); the third one's error comes out at 4.5 s.
aio::Task<std::string> fetch_with_retry(Operation operation, int attempts,
                                        aio::Duration per_try_timeout);

// A step without a result: connecting, logging in.
using Step = std::function<aio::Task<>()>;

// A batch of jobs under ONE deadline for the whole batch: `time_limit` from the moment run_batch
// is called, connect() included. Awaits connect(), then runs every job concurrently (they all
// start when the connection is up). Returns one slot per job, in the order of `jobs`: the job's
// result if it finished in time (a job finishing exactly at the deadline counts), std::nullopt if
// not. At the deadline, every job still running is cancelled, and run_batch returns once they
// have finished cancelling (their cleanup may take time); jobs that had not started (the
// connection was not up yet) never start. If everything finishes before the deadline, run_batch
// returns right then. If a job throws, the batch stops: the other jobs are cancelled and that
// error comes out of run_batch (a task group, or gather, does this for you).
// connect of 1 s, jobs of 0.5 s, 3 s and 1 s, time limit 2.5 s: the jobs start at 1 s; the first
// and third finish at 1.5 s and 2 s; the second is cancelled at 2.5 s; {r1, nullopt, r3}.
aio::Task<std::vector<std::optional<std::string>>> run_batch(Step connect,
                                                             std::vector<Operation> jobs,
                                                             aio::Duration time_limit);

// Downloads a file: gives back its content, or throws (TransientError, PermanentError, ...).
using Download = std::function<aio::Task<std::string>(std::string name)>;

// One line of a download report.
struct FileReport {
  std::string name;
  bool ok = false;
  std::string detail;  // the content if ok, else the error's what()
  friend bool operator==(const FileReport&, const FileReport&) = default;
};

// The tutorial's "handle exceptions well": downloads every file CONCURRENTLY with
// download(name), and a failure does not stop the others (aio::gather_settled). When all have
// ended, prints one line per file, in the order of `files`:
//   Downloaded <name>: <content>        or        Failed <name>: <the error's what()>
// then "Report: <k> downloaded, <m> failed", and returns one FileReport per file, in the order
// of `files`. An error that is not a std::exception is reported as "unknown error". A name that
// appears twice is downloaded twice. If download_report itself is cancelled, every download is
// cancelled and waited for, and the aio::CancelledError leaves download_report (no report).
aio::Task<std::vector<FileReport>> download_report(std::vector<std::string> files,
                                                   Download download);

}  // namespace ch09
