// The exceptions the runtime throws, and aio::todo() which every exercise stub calls.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "aio/detail/source_location.hpp"

namespace aio {

// Thrown at a task's suspension point after someone called cancel() on it.
//
// Deliberately NOT derived from std::exception, like asyncio.CancelledError (a BaseException since
// Python 3.8): a `catch (const std::exception&)` written for real errors must not swallow a
// cancellation by accident. Catch it by name, clean up, and rethrow with `throw;`.
class CancelledError {
 public:
  const char* what() const noexcept { return "aio::CancelledError: the task was cancelled"; }
};

// Misuse of the runtime: aio::run inside a running loop, create_task with no loop, ...
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every task is waiting and nothing (timer, I/O, worker thread) can ever wake one of them.
class DeadlockError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

// The run exceeded a limit it was given (real-time watchdog, simulated-time limit).
class WatchdogError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

// Does `error` hold an aio::CancelledError? False for a null one. (An exception_ptr can only be
// inspected by rethrowing it, so this costs a throw: use it on error paths.)
bool is_cancellation(const std::exception_ptr& error) noexcept;

// Thrown by aio::todo(): the exercise function has not been written yet.
class NotImplemented : public std::logic_error {
 public:
  NotImplemented(std::string function, SourceLocation where);
  const std::string& function() const noexcept { return function_; }
  const SourceLocation& where() const noexcept { return where_; }

 private:
  std::string function_;
  SourceLocation where_;
};

// Marks an unfinished exercise: `aio::todo("long_process");` throws NotImplemented, and the graders
// report "not started: long_process() still has its TODO". Delete the call when you write the code.
[[noreturn]] void todo(std::string_view function, SourceLocation where = SourceLocation::current());

}  // namespace aio
