// The suspension point of every socket operation: park the task until a descriptor is ready.
// Learners need not read this (net.hpp is what they use).
//
//   while ((n = ::recv(fd, ...)) < 0 && errno == EAGAIN) co_await IoWait(fd, Interest::Read,
//   "...");
//
// Cancellation-safe by construction: the task parks *before* it reads, so a cancelled wait has
// consumed nothing, and the bytes are still there for the next read.
#pragma once

#include <string>

#include "aio/detail/reactor.hpp"
#include "aio/detail/task_state.hpp"

namespace aio::detail {

class IoWait final : public Wait, public IoWaiter {
 public:
  // `what` names the wait in deadlock reports and traces ("a read from 127.0.0.1:8080").
  IoWait(int fd, Interest interest, std::string what) noexcept
      : fd_(fd), interest_(interest), what_(std::move(what)) {}
  IoWait(const IoWait&) = delete;
  IoWait& operator=(const IoWait&) = delete;
  // The frame is destroyed while waiting (shutdown): the reactor must forget this waiter.
  ~IoWait();

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>, SourceLocation where = SourceLocation::current());
  void await_resume();

  void io_ready() override;
  void cancel() override;
  std::string describe() const override { return what_; }

 private:
  int fd_;
  Interest interest_;
  std::string what_;
  TaskStateBase* task_ = nullptr;
  bool watching_ = false;
};

}  // namespace aio::detail
