// The loop's worker pool: the machinery behind aio::to_thread (see to_thread.hpp for what
// learners use). The only part of the runtime where more than one thread runs.
//
// The rule that keeps it simple: a worker thread touches nothing of the loop's but this pool's
// queues. It never sees a task, a TaskRef, a TaskHandle or a coroutine frame — those are
// single-threaded by design (plain integer reference counts, a per-thread frame pool). A job is
// handed to a worker, the worker calls the job's run(), which writes only the job's own result,
// and then posts the job back to the loop. Everything else — delivering the result, waking the
// task, freeing the job — happens on the loop thread, in finish().
//
//   loop thread                      worker thread
//   submit(job) ----- queued_ ----->  job->run()
//                                     completed_.push_back(job); wakeup.notify()
//   finish_completed() <--------------'
//     job->finish(); delete job
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "aio/detail/wakeup.hpp"

namespace aio::detail {

class ThreadJob {
 public:
  virtual ~ThreadJob() = default;
  // On a worker thread: do the work and keep its outcome in the job. Must not throw (the
  // outcome includes the exception) and must not touch anything the loop owns.
  virtual void run() noexcept = 0;
  // On the loop thread, once run() is over: hand the outcome to whoever still waits for it.
  virtual void finish() noexcept = 0;
};

class ThreadJobs {
 public:
  // No thread yet: workers start on demand (start_wanted_workers), up to `max_workers`.
  explicit ThreadJobs(std::size_t max_workers);
  // Stops and joins the workers. Only once nothing is in flight (the loop waits for that).
  ~ThreadJobs();
  ThreadJobs(const ThreadJobs&) = delete;
  ThreadJobs& operator=(const ThreadJobs&) = delete;

  // Loop thread: queue a job for the next free worker. The pool owns it until finish_completed.
  void submit(std::unique_ptr<ThreadJob> job);
  // Loop thread, between steps: start the workers that queued jobs need. Not inside submit:
  // starting a thread can take long on a busy machine (and under ThreadSanitizer), and inside
  // a task's step it would count as that step blocking the loop. Throws if no worker can be
  // started at all (the jobs could never run).
  bool wants_workers() const noexcept { return workers_wanted_ > 0; }
  void start_wanted_workers();
  // Loop thread: jobs submitted and not yet finished.
  std::size_t in_flight() const noexcept { return in_flight_; }
  // Loop thread: finish() and free every job the workers have completed. Returns how many.
  std::size_t finish_completed() noexcept;
  // Readable when a job has completed since the last finish_completed(): the loop polls it.
  int wakeup_fd() const noexcept { return wakeup_.fd(); }
  // Loop thread, before it blocks: watch for a completion for a few microseconds (at most
  // `limit`). See `spin`.
  bool spin_for_completion(std::chrono::nanoseconds limit) const noexcept;

  // Last resort when a job never returns (the debug watchdog fired at shutdown): the loop cannot
  // wait any longer, and a running thread cannot be stopped. The pool, its workers and their
  // jobs are left behind, deliberately leaked, so that the stuck worker never writes into freed
  // memory when (if) it returns.
  static void leave_running(std::unique_ptr<ThreadJobs> pool) noexcept;

 private:
  void start_worker();
  void work();  // a worker's loop: take a job, run it, post it back

  // Why spin at all: waking a sleeping thread costs far more than a short job. On the virtual
  // machines this project runs on, one condition-variable round trip between two threads takes
  // ~60 µs, a spinning one ~0.2 µs. So the loop, about to block for a job, and a worker that
  // has just finished one, first watch for a few microseconds — long enough to catch the next
  // event of a quick job, short enough to cost nothing next to a long one.
  static constexpr std::chrono::microseconds spin{20};

  const std::size_t max_workers_;
  std::size_t in_flight_ = 0;       // loop thread only
  std::size_t workers_wanted_ = 0;  // loop thread only: to start before the loop goes on

  // Shared with the workers, under mutex_.
  std::mutex mutex_;
  std::condition_variable job_queued_;
  std::deque<ThreadJob*> queued_;
  std::vector<ThreadJob*> completed_;
  std::size_t idle_workers_ = 0;
  bool stopping_ = false;
  // Hints for the spins, read without the lock: a job is queued / a job has completed.
  std::atomic<bool> job_waiting_{false};
  std::atomic<bool> completion_waiting_{false};

  WakeupFd wakeup_;
  std::vector<std::thread> workers_;  // loop thread only (workers never look at it)
};

}  // namespace aio::detail
