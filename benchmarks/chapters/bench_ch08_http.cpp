// Chapter 08 on the real clock: 100 GETs of /users/<name> against a local aio::http::Server that
// answers each after 20 ms — through fetch_all_sequentially, fetch_all, and fetch_all_limited
// with a limit of 10.
//
//   ./build/bench/benchmarks/ch08_bench
//
// It uses your exercise.cpp (chapters/08-http/exercise.cpp), or the solutions' with
// -DWORKBOOK_SOLUTIONS=ON. Each iteration starts the server and one Session on a fresh loop, so
// a concurrent call also pays for its connections. Expect about 2,000 ms one after another
// (speedup ~1), about 20 ms all at once (ideal = 100), and about 200 ms with 10 at a time
// (ideal = 10: ten rounds of 20 ms). Counters: see bench_support.hpp.
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <aio/http/server.hpp>

#include "bench_support.hpp"
#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

constexpr aio::Duration latency = 20ms;
constexpr std::int64_t url_count = 100;

enum class Way { Sequentially, All, Limited };

std::vector<std::string> names() {
  std::vector<std::string> result;
  for (std::int64_t i = 0; i < url_count; ++i) result.push_back("user" + std::to_string(i));
  return result;
}

// The server's login is the name: every login, in URL order.
void check_logins(const std::vector<std::string>& logins) {
  const auto expected = names();
  bench::expect(logins.size() == expected.size(), std::to_string(logins.size()) + " logins for " +
                                                      std::to_string(expected.size()) + " URLs");
  for (std::size_t i = 0; i < logins.size() && i < expected.size(); ++i)
    bench::expect(logins[i] == expected[i], "login " + std::to_string(i) + " is \"" + logins[i] +
                                                "\", expected \"" + expected[i] + "\"");
}

// One iteration: a server, a session, the 100 URLs one way; the server is stopped even if the
// exercise throws (a TODO left: the benchmark is then skipped with its message).
aio::Task<> fetch_once(Way way, int limit) {
  aio::http::Server server;
  aio::http::add_tutorial_routes(server, {.latency = [](std::string_view) { return latency; }});
  server.start("127.0.0.1", 0);
  std::vector<std::string> urls;
  for (const auto& name : names()) urls.push_back(server.url("/users/") + name);
  std::exception_ptr error;
  {
    aio::http::Session session;
    try {
      std::vector<std::string> logins;
      if (way == Way::Sequentially) {
        logins = co_await ch08::fetch_all_sequentially(session, urls);
      } else if (way == Way::All) {
        logins = co_await ch08::fetch_all(session, urls);
      } else {
        logins = co_await ch08::fetch_all_limited(session, urls, limit);
      }
      check_logins(logins);
    } catch (...) {
      error = std::current_exception();
    }
  }
  co_await server.stop();
  if (error) std::rethrow_exception(error);
}

void bm_fetch_all_sequentially(benchmark::State& state) {
  auto work = []() { return fetch_once(Way::Sequentially, 0); };
  auto measured = bench::run_iterations(state, {"08-http", "fetch_all_sequentially"}, work);
  if (!measured) return;
  bench::report_sequential(state, url_count, *measured, url_count * latency);
}
BENCHMARK(bm_fetch_all_sequentially)->UseRealTime()->Unit(benchmark::kMillisecond);

void bm_fetch_all(benchmark::State& state) {
  auto work = []() { return fetch_once(Way::All, 0); };
  auto measured = bench::run_iterations(state, {"08-http", "fetch_all"}, work);
  if (!measured) return;
  bench::report(state, url_count, *measured, url_count * latency, latency);
}
BENCHMARK(bm_fetch_all)->UseRealTime()->Unit(benchmark::kMillisecond);

void bm_fetch_all_limited(benchmark::State& state) {
  const int limit = static_cast<int>(state.range(0));
  state.SetLabel("limit " + std::to_string(limit));
  auto work = [limit]() { return fetch_once(Way::Limited, limit); };
  auto measured = bench::run_iterations(state, {"08-http", "fetch_all_limited"}, work);
  if (!measured) return;
  const std::int64_t rounds = (url_count + limit - 1) / limit;
  bench::report(state, url_count, *measured, url_count * latency, rounds * latency);
}
BENCHMARK(bm_fetch_all_limited)
    ->ArgName("limit")
    ->Arg(10)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
