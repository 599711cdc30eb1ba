// aio_workloads: eight workloads that show what the runtime costs, one line of output each
// (W5: two).
//
//   aio_workloads --workload W1|W2|W3|W4|W5|W6|W7|W8 [--n N] [--port P] [--cold] [--no-recycling]
//   workload=W1 runtime=aio n=100000 total_s=0.004210 per_op_ns=42.1 rss_kb=30120
//
// Steady state: W1-W4, W7 and W8 run once untimed (a warm-up), then once timed, in the same
// process. The first pass pays for memory the process has never touched: every page of the 100,000
// frames is a page fault in the kernel, which costs more than the runtime's own work. The timed
// pass measures the runtime. `--cold` times the first pass instead. W6 always measures a first
// pass: its point is how much memory the tasks take.
// `--no-recycling` turns off the runtime's frame pool (aio/detail/frame_allocator.hpp): every
// frame and task state then comes from malloc, as with a plain coroutine type. Compare the two
// to see what the pool buys.
//
// The same workloads in Python's asyncio live in asyncio/workloads.py; compare.py runs both and
// prints them side by side. Everything runs on the real clock (Clock::Real): these are
// measurements, not grades. Build with the `bench` preset (Release).
#include <malloc.h>
#include <unistd.h>
#include <aio/aio.hpp>
#include <aio/http/server.hpp>
#include <aio/http/session.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

long rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Set during a warm-up pass: the workload runs, but prints nothing.
bool warming_up = false;

void report(const char* workload, long n, Clock::duration total, double per_op_ns, long kb) {
  if (warming_up) return;
  std::printf("workload=%s runtime=aio n=%ld total_s=%.6f per_op_ns=%.1f rss_kb=%ld\n", workload, n,
              std::chrono::duration<double>(total).count(), per_op_ns, kb);
}

double per_op_ns(Clock::duration total, long n) {
  return std::chrono::duration<double, std::nano>(total).count() / static_cast<double>(n);
}

aio::RunOptions real_clock() {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  return options;
}

aio::Task<> noop() {
  co_return;
}

// W1: create and gather n no-op tasks. Per task: a coroutine frame, a task, a trip through the
// ready queue, a result.
aio::Task<> w1(long n) {
  std::vector<aio::Task<>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) tasks.push_back(noop());
  co_await aio::gather(std::move(tasks));
  auto total = Clock::now() - start;
  report("W1", n, total, per_op_ns(total, n), rss_kb());
}

aio::Task<> sleep_50ms() {
  co_await aio::sleep(50ms);
}

// W2: n tasks each sleep 50 ms of real time concurrently. Ideal total: 50 ms; per_op_ns is the
// overhead above that, per task.
aio::Task<> w2(long n) {
  std::vector<aio::Task<>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) tasks.push_back(sleep_50ms());
  co_await aio::gather(std::move(tasks));
  auto total = Clock::now() - start;
  auto overhead = total > Clock::duration(50ms) ? total - Clock::duration(50ms) : Clock::duration{};
  report("W2", n, total, per_op_ns(overhead, n), rss_kb());
}

aio::Task<> produce(aio::Queue<long>& queue, long n) {
  for (long i = 0; i < n; ++i) co_await queue.put(i);
}

aio::Task<> consume(aio::Queue<long>& queue, long n) {
  for (long i = 0; i < n; ++i) (void)co_await queue.get();
}

// W3: two tasks exchange n messages through a queue of capacity 1: every message is a handoff
// from one task to the other.
aio::Task<> w3(long n) {
  aio::Queue<long> queue(1);
  auto start = Clock::now();
  co_await aio::gather(produce(queue, n), consume(queue, n));
  auto total = Clock::now() - start;
  report("W3", n, total, per_op_ns(total, n), rss_kb());
}

aio::Task<> acquire_yield_release(aio::Semaphore& semaphore) {
  auto permit = co_await semaphore.acquire();
  co_await aio::sleep(0s);
}

// W4: n tasks each acquire a Semaphore(100), yield once, release.
aio::Task<> w4(long n) {
  aio::Semaphore semaphore(100);
  std::vector<aio::Task<>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) tasks.push_back(acquire_yield_release(semaphore));
  co_await aio::gather(std::move(tasks));
  auto total = Clock::now() - start;
  report("W4", n, total, per_op_ns(total, n), rss_kb());
}

aio::Task<> sleep_an_hour() {
  co_await aio::sleep(1h);
}

// W6: resident memory growth with n tasks suspended on a sleep. rss_kb is the growth, so bytes
// per task = rss_kb * 1024 / n; per_op_ns is the time to create and start one task.
aio::Task<> w6(long n) {
  long before = rss_kb();
  std::vector<aio::TaskHandle<void>> handles;
  handles.reserve(static_cast<std::size_t>(n));
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) handles.push_back(aio::create_task(sleep_an_hour()));
  co_await aio::sleep(0s);  // every task starts and suspends on its sleep
  auto created = Clock::now() - start;
  long growth = rss_kb() - before;
  for (auto& handle : handles) handle.cancel();
  for (auto& handle : handles) {
    try {
      co_await handle;
    } catch (const aio::CancelledError&) {
    }
  }
  report("W6", n, created, per_op_ns(created, n), growth);
}

aio::Task<long> in_time(long i) {
  co_return i;
}

// W7: n wait_for calls in a row, each on an operation that finishes long before its timeout.
// Each call arms a timer and cancels it when the result comes: if cancelled timers piled up in
// the timer heap, memory would grow with n. rss_kb_at_10k is the resident size after the first
// 10,000 calls, rss_kb after all of them: the two should be within a few percent.
aio::Task<> w7(long n) {
  long sum = 0;
  long at_10k = rss_kb();
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    sum += co_await aio::wait_for(in_time(i), 1h);
    if (i + 1 == 10'000) at_10k = rss_kb();
  }
  auto total = Clock::now() - start;
  if (sum != n * (n - 1) / 2) std::fprintf(stderr, "W7: wrong sum %ld\n", sum);
  if (warming_up) co_return;
  std::printf(
      "workload=W7 runtime=aio n=%ld total_s=%.6f per_op_ns=%.1f rss_kb=%ld rss_kb_at_10k=%ld\n", n,
      std::chrono::duration<double>(total).count(), per_op_ns(total, n), rss_kb(), at_10k);
}

long empty_job(long i) {
  return i;
}

// W8: n to_thread round trips in a row, each an empty job: the cost of handing a job to a worker
// and getting its result back on the loop (two thread wake-ups), not of any work.
aio::Task<> w8(long n) {
  long sum = 0;
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) sum += co_await aio::to_thread(empty_job, i);
  auto total = Clock::now() - start;
  if (sum != n * (n - 1) / 2) std::fprintf(stderr, "W8: wrong sum %ld\n", sum);
  if (warming_up) co_return;
  report("W8", n, total, per_op_ns(total, n), rss_kb());
}

// W5: n HTTP GETs of /users/u<i> against a local server, first one after another, then all at
// once (gather), each with a fresh Session as a program would start. Two lines: W5_http_seq and
// W5_http_conc (total_s is the whole batch; per_op_ns is total / n). The server is the one on
// --port (compare.py starts benchmarks/asyncio/http_server.py, an aiohttp server, so that aio
// and asyncio fetch from the same server), or without --port an aio::http::Server on this loop.
// Either way each answer comes after 20 ms: the ideal concurrent batch takes 20 ms, the
// sequential one n * 20 ms.
std::uint16_t w5_port = 0;
long w5_wrong_answers = 0;  // any makes the exit status 1
constexpr auto w5_latency = 20ms;

aio::Task<bool> get_user(aio::http::Session& session, std::string base, long i) {
  const std::string login = "u" + std::to_string(i);
  auto response = co_await session.get(base + "/users/" + login);
  co_return response.status == 200 && response.json()["login"] == login;
}

aio::Task<> w5(long n) {
  std::unique_ptr<aio::http::Server> own_server;
  std::string base;
  if (w5_port == 0) {
    own_server = std::make_unique<aio::http::Server>();
    aio::http::add_tutorial_routes(*own_server,
                                   {.latency = [](std::string_view) { return w5_latency; }});
    own_server->start("127.0.0.1", 0);
    base = own_server->url("");
  } else {
    base = "http://127.0.0.1:" + std::to_string(w5_port);
  }
  {
    aio::http::Session session;
    auto start = Clock::now();
    for (long i = 0; i < n; ++i) {
      const bool right = co_await get_user(session, base, i);
      w5_wrong_answers += !right;
    }
    auto total = Clock::now() - start;
    report("W5_http_seq", n, total, per_op_ns(total, n), rss_kb());
  }
  {
    aio::http::Session session;
    std::vector<aio::Task<bool>> requests;
    requests.reserve(static_cast<std::size_t>(n));
    auto start = Clock::now();
    for (long i = 0; i < n; ++i) requests.push_back(get_user(session, base, i));
    std::vector<bool> answers = co_await aio::gather(std::move(requests));
    for (bool right : answers) w5_wrong_answers += !right;
    auto total = Clock::now() - start;
    report("W5_http_conc", n, total, per_op_ns(total, n), rss_kb());
  }
  if (own_server) co_await own_server->stop();
}

int usage() {
  std::cerr << "usage: aio_workloads --workload W1|W2|W3|W4|W5|W6|W7|W8 [--n N] [--port P] "
               "[--cold] [--no-recycling]\n";
  return 2;
}

// Runs `workload(n)` on a real-clock loop: first untimed (unless `cold`), then timed.
template <class Workload>
void run_workload(Workload workload, long n, bool cold) {
  if (!cold) {
    warming_up = true;
    aio::run(workload(n), real_clock());
    warming_up = false;
  }
  aio::run(workload(n), real_clock());
}

}  // namespace

// Keep freed memory in the process between the warm-up and the timed pass. By default glibc
// gives large blocks (a vector of 100,000 tasks) back to the kernel as soon as they are freed,
// and the next pass faults every page in again: on this project's virtual machines a page
// fault costs microseconds, and it made W1 three times slower than the runtime's own work. A
// long-running server reaches the same steady state by itself. asyncio/workloads.py does the
// same for Python, so the two are measured alike.
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

int main(int argc, char** argv) {
  keep_freed_memory();
  std::string workload;
  long n = 0;
  bool cold = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    bool has_value = i + 1 < argc;
    if (flag == "--cold") {
      cold = true;
    } else if (flag == "--no-recycling") {
      aio::detail::set_frame_recycling(false);
    } else if (flag == "--workload" && has_value) {
      workload = argv[++i];
    } else if (flag == "--n" && has_value) {
      n = std::atol(argv[++i]);
    } else if (flag == "--port" && has_value) {
      const long port = std::atol(argv[++i]);
      if (port <= 0 || port > 65535) return usage();
      w5_port = static_cast<std::uint16_t>(port);
    } else {
      return usage();
    }
  }
  auto size = [&](long fallback) { return n > 0 ? n : fallback; };
  if (workload == "W1") {
    run_workload(w1, size(100'000), cold);
  } else if (workload == "W2") {
    run_workload(w2, size(10'000), cold);
  } else if (workload == "W3") {
    run_workload(w3, size(1'000'000), cold);
  } else if (workload == "W4") {
    run_workload(w4, size(100'000), cold);
  } else if (workload == "W5") {
    run_workload(w5, size(100), cold);
    if (w5_wrong_answers != 0) {
      std::fprintf(stderr, "W5: %ld wrong answers from the server\n", w5_wrong_answers);
      return 1;
    }
  } else if (workload == "W6") {
    run_workload(w6, size(100'000), /*cold=*/true);
  } else if (workload == "W7") {
    run_workload(w7, size(1'000'000), cold);
  } else if (workload == "W8") {
    run_workload(w8, size(100'000), cold);
  } else {
    return usage();
  }
  return 0;
}
