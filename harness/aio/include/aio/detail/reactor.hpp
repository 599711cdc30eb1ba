// The I/O reactor: which sockets the loop waits on, and the one system call that waits for them
// (and for the next timer, and for a finished to_thread job). Learners need not read this; the
// lesson of chapter 08 explains it in a page.
//
// The idea: a non-blocking socket that has no data yet says EAGAIN. The task then parks on an
// IoWaiter, registered here for "readable" or "writable". When the loop has nothing ready to run,
// it asks the OS, in a single call, to sleep until one of the registered sockets is ready (or the
// timeout, the next timer, passes), and wakes the tasks whose sockets are.
//
// Two backends behind one interface, chosen at run time (RunOptions::reactor, or the
// AIO_REACTOR=epoll|poll environment variable):
//   epoll  Linux: the kernel keeps the interest list; a wait costs O(ready sockets).
//   poll   POSIX (macOS too): the list is passed at every wait; O(watched sockets). Simple and
//          portable; CI runs the tests on both, so the portable one cannot rot.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

namespace aio {
// Which backend a loop uses (RunOptions::reactor).
enum class ReactorKind { Automatic, Epoll, Poll };
}  // namespace aio

namespace aio::detail {

enum class Interest { Read, Write };

// The error for a second waiter on the same socket and direction (both backends).
[[noreturn]] void refuse_second_waiter(int fd, Interest interest);

// Whoever waits for a socket: told once when it is ready (then forgotten by the reactor).
class IoWaiter {
 public:
  virtual void io_ready() = 0;

 protected:
  ~IoWaiter() = default;
};

class Reactor {
 public:
  virtual ~Reactor() = default;
  // One-shot: when `fd` is ready for `interest`, call waiter.io_ready() once, from wait(). At
  // most one waiter per (fd, interest) at a time: a second one is refused (RuntimeError), since
  // two tasks reading one socket would get its bytes in an order neither controls.
  virtual void watch(int fd, Interest interest, IoWaiter& waiter) = 0;
  // Stop waiting (a cancelled wait). Does nothing unless `waiter` is the one watching: the
  // descriptor may have been closed and its number reused by another socket meanwhile.
  virtual void unwatch(int fd, Interest interest, const IoWaiter& waiter) noexcept = 0;
  // The socket is about to be closed: forget both directions, and tell their waiters (so that a
  // task waiting on a socket closed under it resumes, and fails on the closed socket, instead of
  // waiting for ever).
  virtual void forget(int fd) noexcept = 0;
  // A descriptor that only wakes the wait (the loop's to_thread wake-up); nobody is called.
  virtual void add_wakeup(int fd) = 0;
  // Wait until a watched socket (or the wake-up) is ready, or `timeout` passes (zero: just
  // look; negative: no limit). Calls io_ready() of every ready waiter; returns how many.
  virtual std::size_t wait(std::chrono::nanoseconds timeout) = 0;
  // Waiters registered now.
  virtual std::size_t watched() const noexcept = 0;
  virtual const char* name() const noexcept = 0;
};

// Automatic: AIO_REACTOR if set ("epoll" or "poll"), else epoll where there is one, else poll.
// Throws aio::RuntimeError for an unknown AIO_REACTOR value or epoll where there is none.
std::unique_ptr<Reactor> make_reactor(ReactorKind kind);

// A wait's timeout for the system calls that take milliseconds (epoll_wait, poll): rounded
// up, since waking before the timer is due would only make the loop wait again; -1 for none.
int timeout_in_milliseconds(std::chrono::nanoseconds timeout) noexcept;

std::unique_ptr<Reactor> make_poll_reactor();
std::unique_ptr<Reactor> make_epoll_reactor();  // throws where there is no epoll

}  // namespace aio::detail
