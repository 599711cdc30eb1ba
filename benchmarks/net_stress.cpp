// net_stress: one loop holds N concurrent loopback TCP connections (default 10,000).
//
//   net_stress [--connections N]
//   connections=10000 side=server total_s=1.92 rss_kb_per_1k_connections=... peak_open=10000
//   connections=10000 side=client total_s=1.90 rss_kb_per_1k_connections=... peak_open=10000
//
// Two processes, so that each needs one descriptor per connection (20,000 in one process would
// pass the usual hard limit): the parent serves, a forked child is the clients. Both raise their
// RLIMIT_NOFILE to the hard limit first. The clients connect (at most 500 handshakes at a time,
// so the listen backlog never overflows), and only when every one of them is connected — all N
// open at once on both sides — does each send a request ("ping\n") and read the reply
// ("pong\n"); then each closes, and the server sees EOF on every connection. Anything else
// (a refused connect, a lost byte, a missing EOF) fails the run with exit code 1.
//
// Real clock: this measures the runtime (the epoll reactor by default; AIO_REACTOR=poll for the
// other one). RSS counts the process's own memory, not the kernel's socket buffers.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aio/aio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Every connection is one descriptor on each side: ask for as many as the hard limit allows.
bool raise_descriptor_limit(long needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (static_cast<long>(limit.rlim_cur) < needed) {
    std::fprintf(stderr, "net_stress: needs %ld descriptors, the limit is %ld (ulimit -Hn)\n",
                 needed, static_cast<long>(limit.rlim_cur));
    return false;
  }
  return true;
}

struct Side {
  long open = 0;
  long peak_open = 0;
  long rss_at_peak_kb = 0;
  long failures = 0;
  void opened(long n) {
    open += 1;
    if (open > peak_open) peak_open = open;
    if (open == n) rss_at_peak_kb = rss_kb();
  }
};

void print(const char* side, long n, Clock::duration took, long rss_before, const Side& s) {
  double per_1k = n ? double(s.rss_at_peak_kb - rss_before) * 1000.0 / double(n) : 0;
  std::printf("connections=%ld side=%s total_s=%.3f rss_kb_per_1k_connections=%.0f peak_open=%ld\n",
              n, side, std::chrono::duration<double>(took).count(), per_1k, s.peak_open);
  std::fflush(stdout);
}

aio::Task<> serve_one(aio::net::Stream peer, Side& side, aio::Event& all_accepted) {
  try {
    char request[5];
    co_await peer.read_exact(request);
    if (std::string(request, 5) != "ping\n") ++side.failures;
    co_await all_accepted.wait();  // no reply (so no client closes) before all N are open here
    co_await peer.write_all("pong\n");
    char rest[1];
    if (co_await peer.read_some(rest) != 0) ++side.failures;  // the client closes: EOF
  } catch (const aio::net::NetError& e) {
    std::fprintf(stderr, "server: %s\n", e.what());
    ++side.failures;
  }
  --side.open;
}

aio::Task<Side> serve(aio::net::Listener& listener, long n) {
  Side side;
  aio::Event all_accepted;
  std::vector<aio::TaskHandle<void>> handlers;
  handlers.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    aio::net::Stream peer = co_await listener.accept();
    side.opened(n);
    handlers.push_back(
        aio::create_task(serve_one(std::move(peer), side, all_accepted), "connection"));
  }
  all_accepted.set();
  for (auto& handler : handlers) co_await handler;
  co_return side;
}

aio::Task<> client_one(std::uint16_t port, long n, Side& side, aio::Semaphore& handshakes,
                       aio::Event& all_connected) {
  try {
    aio::net::Stream stream;
    {
      auto permit = co_await handshakes.acquire();
      stream = co_await aio::net::connect("127.0.0.1", port);
    }
    side.opened(n);
    if (side.open == n) all_connected.set();
    co_await all_connected.wait();  // all N connections are open now, on both sides
    co_await stream.write_all("ping\n");
    char reply[5];
    co_await stream.read_exact(reply);
    if (std::string(reply, 5) != "pong\n") ++side.failures;
  } catch (const aio::net::NetError& e) {
    std::fprintf(stderr, "client: %s\n", e.what());
    ++side.failures;
    all_connected.set();  // do not leave the others waiting for ever
  }
  --side.open;
}

aio::Task<Side> clients(std::uint16_t port, long n) {
  Side side;
  aio::Semaphore handshakes(500);
  aio::Event all_connected;
  std::vector<aio::Task<>> all;
  all.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) all.push_back(client_one(port, n, side, handshakes, all_connected));
  co_await aio::gather(std::move(all));
  co_return side;
}

aio::RunOptions real_clock() {
  aio::RunOptions options;
  options.clock = aio::Clock::Real;
  options.quiet = true;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 10'000;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--connections" && i + 1 < argc) {
      n = std::atol(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: net_stress [--connections N]\n");
      return 2;
    }
  }
  if (!raise_descriptor_limit(n + 64)) return 1;
  aio::net::Listener listener = aio::net::listen("127.0.0.1", 0, 4096);
  std::fflush(stdout);
  pid_t child = ::fork();
  if (child < 0) {
    std::perror("fork");
    return 1;
  }
  if (child == 0) {
    listener.close();
    long before = rss_kb();
    auto start = Clock::now();
    Side side = aio::run(clients(listener.port(), n), real_clock());
    print("client", n, Clock::now() - start, before, side);
    std::_Exit(side.failures == 0 && side.peak_open == n ? 0 : 1);
  }
  long before = rss_kb();
  auto start = Clock::now();
  Side side = aio::run(serve(listener, n), real_clock());
  print("server", n, Clock::now() - start, before, side);
  int status = 0;
  ::waitpid(child, &status, 0);
  bool clients_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!clients_ok) std::fprintf(stderr, "net_stress: the clients failed\n");
  if (side.failures || side.peak_open != n) std::fprintf(stderr, "net_stress: the server failed\n");
  return clients_ok && side.failures == 0 && side.peak_open == n ? 0 : 1;
}
