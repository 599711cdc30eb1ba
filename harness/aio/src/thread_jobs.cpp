#include "aio/detail/thread_jobs.hpp"

#include <algorithm>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace aio::detail {

namespace {
// Tell the CPU this is a spin-wait (it saves power and lets the other hyperthread run).
inline void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Spin until `flag` is set or `limit` has passed; true if it was set.
bool spin_until_set(const std::atomic<bool>& flag, std::chrono::nanoseconds limit) noexcept {
  auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    for (int i = 0; i < 64; ++i) {
      if (flag.load(std::memory_order_acquire)) return true;
      relax();
    }
    if (std::chrono::steady_clock::now() >= until) return false;
  }
}
}  // namespace

ThreadJobs::ThreadJobs(std::size_t max_workers) : max_workers_(max_workers ? max_workers : 1) {}

ThreadJobs::~ThreadJobs() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_queued_.notify_all();
  for (auto& worker : workers_) worker.join();
  // Nothing is in flight by now (the loop waited); a job still queued here would be a loop bug,
  // but freeing it is still right: no worker will take it.
  for (ThreadJob* job : queued_) delete job;
  for (ThreadJob* job : completed_) delete job;
}

void ThreadJobs::leave_running(std::unique_ptr<ThreadJobs> pool) noexcept {
  for (auto& worker : pool->workers_) worker.detach();
  (void)pool.release();  // leaked on purpose: see the header
}

void ThreadJobs::start_worker() {
  workers_.emplace_back([this] { work(); });
}

void ThreadJobs::submit(std::unique_ptr<ThreadJob> job) {
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(job.release());  // the pool owns it now; finish_completed frees it
    job_waiting_.store(true, std::memory_order_release);
    ++in_flight_;
    // Every idle worker is already promised a queued job: another one is needed, if allowed.
    if (queued_.size() > idle_workers_ + workers_wanted_ &&
        workers_.size() + workers_wanted_ < max_workers_) {
      ++workers_wanted_;
    }
  }
  job_queued_.notify_one();
}

void ThreadJobs::start_wanted_workers() {
  for (; workers_wanted_ > 0; --workers_wanted_) {
    try {
      start_worker();
    } catch (...) {
      // The OS refused a thread: the workers already running will get to the jobs, but with
      // none at all they never would.
      if (workers_.empty()) {
        workers_wanted_ = 0;
        throw;
      }
    }
  }
}

bool ThreadJobs::spin_for_completion(std::chrono::nanoseconds limit) const noexcept {
  return spin_until_set(completion_waiting_, std::min<std::chrono::nanoseconds>(limit, spin));
}

void ThreadJobs::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    ++idle_workers_;
    if (queued_.empty() && !stopping_) {
      lock.unlock();
      spin_until_set(job_waiting_, spin);  // the loop may submit the next job right away
      lock.lock();
    }
    job_queued_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    --idle_workers_;
    if (queued_.empty()) return;  // stopping, and nothing left to do
    ThreadJob* job = queued_.front();
    queued_.pop_front();
    job_waiting_.store(!queued_.empty(), std::memory_order_relaxed);
    lock.unlock();
    job->run();  // the work itself, outside the lock: jobs run in parallel
    lock.lock();
    // One notification per batch: if completed_ was not empty, the loop has one pending
    // already and will take this job with the others.
    bool first = completed_.empty();
    completed_.push_back(job);
    completion_waiting_.store(true, std::memory_order_release);
    if (first) wakeup_.notify();
  }
}

std::size_t ThreadJobs::finish_completed() noexcept {
  // Drain the descriptor before taking the jobs, not after: a job posted between the two then
  // leaves a fresh notification behind instead of being stranded without one.
  wakeup_.drain();
  std::vector<ThreadJob*> done;
  {
    std::lock_guard lock(mutex_);
    done.swap(completed_);
    completion_waiting_.store(false, std::memory_order_relaxed);
  }
  for (ThreadJob* job : done) {
    job->finish();
    delete job;
    --in_flight_;
  }
  return done.size();
}

}  // namespace aio::detail
