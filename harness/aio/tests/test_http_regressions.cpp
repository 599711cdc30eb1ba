// Regressions found by review: a Server destroyed while its tasks still run, a connection
// closed right as the server stops, a connection with an unrequested response kept in the pool.
#include <string>

#include "test_http_net_support.hpp"

namespace {
using namespace std::chrono_literals;
using aio::http::Server;
using aio::http::Session;
using HttpRegression = aio_http_test::OverLoopback;

// A server that goes out of scope (an exception, a helper returning early) while a keep-alive
// connection task is parked: ~Server cancels, the task later unwinds into the destroyed server.
aio::Task<> use_and_drop_server() {
  Server server;
  aio::http::add_tutorial_routes(server);
  server.start();
  Session session;
  (void)co_await session.get(server.url("/users/a"));
  // no stop(): the connection task is idle in read_some, the session's pooled conn is open
}

TEST_P(HttpRegression, ServerDestroyedWhileConnectionTaskParked) {
  rec_.run([]() -> aio::Task<> {
    co_await use_and_drop_server();
    co_await aio::sleep(10ms);  // the cancelled connection task runs now
  });
}

// stop() in the same instant as an accept: the connection task was created but never ran.
TEST_P(HttpRegression, StopRightAfterAcceptClosesTheConnection) {
  auto text = rec_.run([]() -> aio::Task<std::string> {
    Server server;
    aio::http::add_tutorial_routes(server);
    server.start();
    aio::net::Stream stream = co_await aio::net::connect("127.0.0.1", server.port());
    co_await aio::sleep(0ms);  // let the acceptor run and create the connection task
    co_await server.stop();
    std::string result = "eof";
    auto read = [&]() -> aio::Task<> {
      char buffer[16];
      try {
        (void)co_await stream.read_some(buffer);
      } catch (const aio::net::NetError& e) {
        result = std::string("error: ") + e.what();
      }
    };
    if (!co_await aio::move_on_after(5s, read)) result = "<still open>";
    co_return result;
  });
  EXPECT_NE(text, "<still open>");
}

// A peer that sends two responses in one write for one request.
aio::Task<> two_answers(aio::net::Listener& listener) {
  aio::net::Stream stream = co_await listener.accept();
  char buffer[4096];
  (void)co_await stream.read_some(buffer);
  co_await stream.write_all(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray");
  (void)co_await stream.read_some(buffer);
}

TEST_P(HttpRegression, UnrequestedCompleteResponseIsNotPooled) {
  auto idle = rec_.run([]() -> aio::Task<std::size_t> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto peer = aio::create_task(two_answers(listener));
    Session session;
    auto r = co_await session.get("http://127.0.0.1:" + std::to_string(listener.port()) + "/");
    EXPECT_EQ(r.body, "ok");
    std::size_t n = session.idle_connections();
    session.close();
    co_await peer;
    co_return n;
  });
  EXPECT_EQ(idle, 0u) << "a connection with an unrequested response went back to the pool";
}

INSTANTIATE_TEST_SUITE_P(BothReactors, HttpRegression,
                         ::testing::Values(aio::ReactorKind::Epoll, aio::ReactorKind::Poll),
                         [](const auto& info) {
                           return info.param == aio::ReactorKind::Epoll ? "epoll" : "poll";
                         });
}  // namespace

namespace {

// A peer that records the request it receives, then answers it.
aio::Task<std::string> record_request(aio::net::Listener& listener) {
  aio::net::Stream stream = co_await listener.accept();
  std::string received;
  char buffer[4096];
  while (received.find("\r\n\r\n") == std::string::npos) {
    std::size_t got = co_await stream.read_some(buffer);
    if (got == 0) break;
    received.append(buffer, got);
  }
  co_await stream.write_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  co_return received;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A header the request gives replaces the session's default of the same name.
TEST_P(HttpRegression, ARequestHeaderReplacesTheSessionDefault) {
  auto sent = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto peer = aio::create_task(record_request(listener));
    aio::http::SessionOptions options;
    options.headers.add("X-Token", "default");
    options.headers.add("X-Kept", "yes");
    Session session(options);
    aio::http::Headers mine;
    mine.add("x-token", "mine");
    (void)co_await session.request(
        "GET", "http://127.0.0.1:" + std::to_string(listener.port()) + "/", "", mine);
    co_return co_await peer;
  });
  EXPECT_EQ(count_of(sent, "oken:"), 1u) << sent;
  EXPECT_NE(sent.find("x-token: mine"), std::string::npos) << sent;
  EXPECT_NE(sent.find("X-Kept: yes"), std::string::npos) << sent;
}

}  // namespace
