// session_interop: aio::http::Session against a server nobody here wrote (peer_servers.py runs
// Python's http.server or aiohttp and passes its base URL as the last argument).
//
//   session_interop http://127.0.0.1:<port>
//
// Each check prints "ok   <what>" or "FAIL <what>: <why>"; the exit status is 1 if any failed.
// The reactor comes from AIO_REACTOR (ctest runs both epoll and poll). Real clock: the peer is
// another process, so there is no virtual time to share with it.
#include <aio/aio.hpp>
#include <aio/http/session.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace http = aio::http;

int failures = 0;

void check(bool passed, const std::string& what, const std::string& why = {}) {
  if (passed) {
    std::printf("ok   %s\n", what.c_str());
  } else {
    ++failures;
    std::printf("FAIL %s: %s\n", what.c_str(), why.c_str());
  }
}

// The number of TCP connections the peer has seen, from its own /connections.
aio::Task<long> connections_seen_by_peer(std::string base) {
  http::Session probe;  // its own session: the probe's connection is one more the peer counts
  auto response = co_await probe.get(base + "/connections");
  co_return std::stol(response.body);
}

aio::Task<> json_and_keep_alive(std::string base) {
  http::Session session;
  const long before = co_await connections_seen_by_peer(base);
  bool all_logins = true;
  for (const char* name : {"python", "django", "fastapi", "python", "django"}) {
    auto response = co_await session.get(base + "/users/" + name);
    response.raise_for_status();
    all_logins = all_logins && response.json()["login"] == name;
  }
  check(all_logins, "GET /users/<name> five times: JSON with the right login each time");
  check(session.stats().connections_opened == 1, "keep-alive: one connection for five requests",
        "opened " + std::to_string(session.stats().connections_opened));
  const long after = co_await connections_seen_by_peer(base);
  // The probe adds one connection of its own each time it asks.
  check(after - before == 2, "the peer saw one connection from the session (and one probe)",
        "peer counted " + std::to_string(after - before) + " new connections, expected 2");
}

aio::Task<> bodies(std::string base) {
  http::Session session;
  auto chunked = co_await session.get(base + "/chunked");
  check(chunked.status == 200 && chunked.body == "hello, chunked world", "chunked body",
        "status " + std::to_string(chunked.status) + ", body '" + chunked.body + "'");
  auto big = co_await session.get(base + "/big");
  check(big.body == std::string(1 << 20, 'x'), "1 MiB Content-Length body arrives intact",
        "got " + std::to_string(big.body.size()) + " bytes");
  const std::string payload(100'000, 'p');
  auto echo = co_await session.request("POST", base + "/echo", payload);
  check(echo.body == payload, "POST of 100,000 bytes is echoed back",
        "got " + std::to_string(echo.body.size()) + " bytes");
  auto head = co_await session.request("HEAD", base + "/users/python");
  check(head.status == 200 && head.body.empty(), "HEAD: status 200 and no body",
        "status " + std::to_string(head.status) + ", " + std::to_string(head.body.size()) +
            " body bytes");
  auto after_head = co_await session.get(base + "/users/django");
  check(after_head.json()["login"] == "django", "the connection is usable after a HEAD");
}

aio::Task<> connection_close(std::string base) {
  http::Session session;
  auto bye = co_await session.get(base + "/close");
  check(bye.body == "bye" && !bye.keep_alive, "Connection: close is honoured");
  check(session.idle_connections() == 0, "a closed connection is not pooled",
        std::to_string(session.idle_connections()) + " idle");
  auto next = co_await session.get(base + "/users/python");
  check(next.json()["login"] == "python" && session.stats().connections_opened == 2,
        "the next request opens a fresh connection",
        "opened " + std::to_string(session.stats().connections_opened));
}

aio::Task<> not_found(std::string base) {
  http::Session session;
  auto response = co_await session.get(base + "/nobody/here");
  std::string message;
  try {
    response.raise_for_status();
  } catch (const http::HttpStatusError& error) {
    message = error.what();
  }
  check(response.status == 404 && message.find(base + "/nobody/here") != std::string::npos &&
            message.find("404") != std::string::npos,
        "a 404 raises HttpStatusError naming the status and the URL", "'" + message + "'");
}

aio::Task<> stale_connection(std::string base) {
  http::Session session;
  (void)co_await session.get(base + "/users/python");
  co_await aio::sleep(700ms);  // the peer closes idle connections after 0.3 s
  auto response = co_await session.get(base + "/users/django");
  const auto& stats = session.stats();
  check(response.json()["login"] == "django" && stats.connections_opened == 2,
        "a pooled connection the peer closed is replaced",
        "opened " + std::to_string(stats.connections_opened) + ", stale " +
            std::to_string(stats.stale_discarded) + ", retries " + std::to_string(stats.retries));
}

aio::Task<std::string> login_of(http::Session& session, std::string url) {
  auto response = co_await session.get(std::move(url));
  response.raise_for_status();
  co_return response.json()["login"].get<std::string>();
}

aio::Task<> concurrent(std::string base) {
  http::Session session;
  std::vector<aio::Task<std::string>> requests;
  for (int i = 0; i < 20; ++i)
    requests.push_back(login_of(session, base + "/users/u" + std::to_string(i)));
  auto logins = co_await aio::gather(std::move(requests));
  bool in_order = logins.size() == 20;
  for (std::size_t i = 0; in_order && i < logins.size(); ++i) {
    in_order = logins[i] == "u" + std::to_string(i);
  }
  check(in_order, "20 concurrent GETs: every login, in request order");
  check(session.connections_in_use() == 0 && session.idle_connections() >= 1,
        "after them every connection is back in the pool",
        std::to_string(session.connections_in_use()) + " still in use");
}

aio::Task<> all_checks(std::string base) {
  co_await json_and_keep_alive(base);
  co_await bodies(base);
  co_await connection_close(base);
  co_await not_found(base);
  co_await stale_connection(base);
  co_await concurrent(base);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: session_interop http://127.0.0.1:<port>\n");
    return 2;
  }
  const std::string base = argv[argc - 1];
  try {
    aio::run(all_checks(base), {.clock = aio::Clock::Real});
  } catch (const std::exception& error) {
    ++failures;
    std::printf("FAIL a check threw: %s\n", error.what());
  }
  std::printf("%s\n", failures == 0 ? "all checks passed" : "some checks failed");
  return failures == 0 ? 0 : 1;
}
