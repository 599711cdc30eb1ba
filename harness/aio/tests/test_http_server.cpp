// aio::http::Server over real loopback TCP on the virtual clock, both reactor backends: routes
// and the tutorial's API, exact latencies, counters, bad input (status, then close), idle and
// slowloris timeouts, fault injection, graceful stop.
#include <optional>
#include <string>
#include <vector>

#include "test_http_net_support.hpp"

namespace {

using namespace std::chrono_literals;
using aio::http::Fault;
using aio::http::RouteOptions;
using aio::http::Server;
using aio::http::ServerOptions;
using aio::http::Session;
using aio_http_test::exchange_raw;
using aio_http_test::OverLoopback;

using HttpServer = OverLoopback;

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST_P(HttpServer, ServesTheTutorialUsersAsJson) {
  auto [status, login, id] = rec_.run([]() -> aio::Task<std::tuple<int, std::string, long>> {
    Server server;
    aio::http::add_tutorial_routes(server);
    server.start();
    Session session;
    auto response = co_await session.get(server.url("/users/python"));
    co_await server.stop();
    auto json = response.json();
    EXPECT_EQ(response.headers.get("Content-Type"), "application/json");
    co_return std::tuple{response.status, json["login"].get<std::string>(), json["id"].get<long>()};
  });
  EXPECT_EQ(status, 200);
  EXPECT_EQ(login, "python");
  EXPECT_EQ(id, aio::http::tutorial_user_id("python"));
  EXPECT_NE(aio::http::tutorial_user_id("python"), aio::http::tutorial_user_id("django"));
}

// Three concurrent requests of 100, 200 and 300 ms of route latency: each answer arrives at
// exactly its latency on the virtual clock, the whole run takes the slowest one.
TEST_P(HttpServer, LatenciesAreExactOnTheVirtualClock) {
  auto times = rec_.run([]() -> aio::Task<std::vector<aio::Duration>> {
    Server server;
    aio::http::TutorialOptions tutorial;
    tutorial.latency = [](std::string_view name) { return name.size() * 100ms; };
    aio::http::add_tutorial_routes(server, tutorial);
    server.start();
    Session session;
    std::vector<aio::Duration> arrived(3);
    auto fetch = [&](std::string name, std::size_t slot) -> aio::Task<> {
      auto response = co_await session.get(server.url("/users/" + name));
      EXPECT_EQ(response.status, 200);
      arrived[slot] = aio::now();
    };
    auto a = aio::create_task(fetch("a", 0));
    auto b = aio::create_task(fetch("bb", 1));
    auto c = aio::create_task(fetch("ccc", 2));
    co_await a;
    co_await b;
    co_await c;
    EXPECT_EQ(server.stats().peak_in_flight, 3u);
    EXPECT_EQ(server.stats().requests_served, 3u);
    EXPECT_EQ(server.stats().connections_accepted, 3u);
    EXPECT_EQ(server.stats().in_flight, 0u);
    co_await server.stop();
    co_return arrived;
  });
  EXPECT_EQ(times, (std::vector<aio::Duration>{100ms, 200ms, 300ms}));
}

TEST_P(HttpServer, UnknownPathIs404AndWrongMethodIs405) {
  auto [missing, wrong] = rec_.run([]() -> aio::Task<std::pair<std::string, std::string>> {
    Server server;
    aio::http::add_tutorial_routes(server);
    server.start();
    std::string missing_reply = co_await exchange_raw(
        server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string wrong_reply = co_await exchange_raw(
        server.port(), "DELETE /users/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    co_await server.stop();
    co_return std::pair{missing_reply, wrong_reply};
  });
  EXPECT_TRUE(starts_with(missing, "HTTP/1.1 404 Not Found\r\n")) << missing;
  EXPECT_TRUE(starts_with(wrong, "HTTP/1.1 405 Method Not Allowed\r\n")) << wrong;
  EXPECT_NE(wrong.find("Allow: GET\r\n"), std::string::npos) << wrong;
}

// Keep-alive and pipelining: two requests in one write, two answers in order, one connection.
TEST_P(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  std::string reply = rec_.run([]() -> aio::Task<std::string> {
    Server server;
    aio::http::add_tutorial_routes(server);
    server.start();
    std::string text =
        co_await exchange_raw(server.port(),
                              "GET /users/a HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /users/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(server.stats().connections_accepted, 1u);
    co_await server.stop();
    co_return text;
  });
  const auto first = reply.find("\"login\":\"a\"");
  const auto second = reply.find("\"login\":\"b\"");
  ASSERT_NE(first, std::string::npos) << reply;
  ASSERT_NE(second, std::string::npos) << reply;
  EXPECT_LT(first, second);
  EXPECT_EQ(reply.find("<still open>"), std::string::npos) << reply;
}

struct BadInput {
  std::string name;
  std::string bytes;
  std::string status_line;
};

TEST_P(HttpServer, BadInputGetsItsStatusThenClose) {
  const std::vector<BadInput> cases = {
      {"garbage", "HELLO\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
      {"smuggling",
       "POST /users/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: "
       "chunked\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request\r\n"},
      {"huge header", "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(9000, 'a') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
      {"body over the cap", "POST /users/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n",
       "HTTP/1.1 413 Content Too Large\r\n"},
  };
  auto replies = rec_.run([&]() -> aio::Task<std::vector<std::string>> {
    ServerOptions options;
    options.limits.max_body_bytes = 1000;
    Server server(options);
    aio::http::add_tutorial_routes(server);
    server.start();
    std::vector<std::string> texts;
    for (const auto& c : cases) texts.push_back(co_await exchange_raw(server.port(), c.bytes, 5s));
    EXPECT_EQ(server.stats().requests_refused, cases.size());
    EXPECT_EQ(server.stats().requests_served, 0u);
    co_await server.stop();
    co_return texts;
  });
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_TRUE(starts_with(replies[i], cases[i].status_line))
        << cases[i].name << ": " << replies[i];
    EXPECT_NE(replies[i].find("Connection: close\r\n"), std::string::npos) << cases[i].name;
    // The server closed: exchange_raw saw EOF before its 5 s were up.
    EXPECT_EQ(replies[i].find("<still open>"), std::string::npos) << cases[i].name;
  }
}

// Slowloris: half a request head, then nothing. The server answers 408 and closes exactly
// request_timeout after the first byte. An idle connection (no byte) is closed at idle_timeout.
TEST_P(HttpServer, SlowlorisAndIdleConnectionsTimeOut) {
  auto [reply, slow_at, idle_at] =
      rec_.run([]() -> aio::Task<std::tuple<std::string, aio::Duration, aio::Duration>> {
        ServerOptions options;
        options.request_timeout = 3s;
        options.idle_timeout = 5s;
        Server server(options);
        aio::http::add_tutorial_routes(server);
        server.start();
        auto idle = [&]() -> aio::Task<aio::Duration> {
          aio::net::Stream stream = co_await aio::net::connect("127.0.0.1", server.port());
          char buffer[16];
          const std::size_t got = co_await stream.read_some(buffer);
          EXPECT_EQ(got, 0u);
          co_return aio::now();
        };
        auto idle_task = aio::create_task(idle);
        const std::string text =
            co_await exchange_raw(server.port(), "GET /users/a HTTP/1.1\r\nHo", 60s);
        const aio::Duration slow = aio::now();
        const aio::Duration idle_closed = co_await idle_task;
        co_await server.stop();
        co_return std::tuple{text, slow, idle_closed};
      });
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 408 Request Timeout\r\n")) << reply;
  EXPECT_EQ(slow_at, 3s);
  EXPECT_EQ(idle_at, 5s);
}

TEST_P(HttpServer, InjectedStatusThenNormalAgain) {
  auto statuses = rec_.run([]() -> aio::Task<std::vector<int>> {
    Server server;
    aio::http::add_tutorial_routes(server);
    RouteOptions faulty;
    faulty.fault = Fault::answer_status(503, 2);
    server.set_route_options("GET", "/users/<name>", faulty);
    server.start();
    Session session;
    std::vector<int> seen;
    for (int i = 0; i < 3; ++i) {
      auto response = co_await session.get(server.url("/users/a"));
      seen.push_back(response.status);
    }
    co_await server.stop();
    co_return seen;
  });
  EXPECT_EQ(statuses, (std::vector<int>{503, 503, 200}));
}

TEST_P(HttpServer, InjectedResetAndCloseMidBody) {
  auto [reset_error, mid_body_error] =
      rec_.run([]() -> aio::Task<std::pair<std::string, std::string>> {
        Server server;
        aio::http::add_tutorial_routes(server);
        server.route("GET", "/reset",
                     [](aio::http::Request, aio::http::Params) -> aio::Task<aio::http::Response> {
                       co_return aio::http::text_response("never sent");
                     },
                     {.latency = 0ms, .fault = Fault::reset()});
        server.route("GET", "/half",
                     [](aio::http::Request, aio::http::Params) -> aio::Task<aio::http::Response> {
                       co_return aio::http::text_response(std::string(1000, 'x'));
                     },
                     {.latency = 0ms, .fault = Fault::close_mid_body()});
        server.start();
        Session session;
        std::string reset_text = "no error";
        std::string half_text = "no error";
        try {
          (void)co_await session.get(server.url("/reset"));
        } catch (const aio::net::ConnectionReset& e) {
          reset_text = e.what();
        }
        try {
          (void)co_await session.get(server.url("/half"));
        } catch (const aio::http::ProtocolError& e) {
          half_text = e.what();
        }
        EXPECT_EQ(session.idle_connections(), 0u);  // neither connection went back
        co_await server.stop();
        co_return std::pair{reset_text, half_text};
      });
  EXPECT_NE(reset_error.find("127.0.0.1:"), std::string::npos) << reset_error;
  EXPECT_NE(mid_body_error, "no error");
}

// A slow body: 10 bytes sent 2 at a time, 100 ms apart: the response is complete at 500 ms.
TEST_P(HttpServer, SlowBodyArrivesAtTheInjectedPace) {
  auto [body, at] = rec_.run([]() -> aio::Task<std::pair<std::string, aio::Duration>> {
    Server server;
    server.route("GET", "/slow",
                 [](aio::http::Request, aio::http::Params) -> aio::Task<aio::http::Response> {
                   co_return aio::http::text_response("0123456789");
                 },
                 {.latency = 0ms, .fault = Fault::slow_body(2, 100ms)});
    server.start();
    Session session;
    auto response = co_await session.get(server.url("/slow"));
    const aio::Duration done = aio::now();
    co_await server.stop();
    co_return std::pair{response.body, done};
  });
  EXPECT_EQ(body, "0123456789");
  EXPECT_EQ(at, 500ms);
}

// stop() at 500 ms while a 1 s request is in flight: the request is answered at 1 s (with
// Connection: close), an idle keep-alive connection is closed at once, stop returns at 1 s.
TEST_P(HttpServer, GracefulStopLetsInFlightRequestsFinish) {
  auto [reply, stopped_at, idle_closed_at] =
      rec_.run([]() -> aio::Task<std::tuple<std::string, aio::Duration, aio::Duration>> {
        Server server;
        aio::http::TutorialOptions tutorial;
        tutorial.latency = [](std::string_view) { return 1s; };
        aio::http::add_tutorial_routes(server, tutorial);
        server.start();
        auto idle = [&]() -> aio::Task<aio::Duration> {
          aio::net::Stream stream = co_await aio::net::connect("127.0.0.1", server.port());
          char buffer[16];
          (void)co_await stream.read_some(buffer);
          co_return aio::now();
        };
        auto idle_task = aio::create_task(idle);
        auto busy = aio::create_task(
            exchange_raw(server.port(), "GET /users/a HTTP/1.1\r\nHost: x\r\n\r\n", 10s));
        co_await aio::sleep(500ms);
        co_await server.stop();
        const aio::Duration stopped = aio::now();
        std::string text = co_await busy;
        const aio::Duration idle_at = co_await idle_task;
        co_return std::tuple{text, stopped, idle_at};
      });
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 200 OK\r\n")) << reply;
  EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("<still open>"), std::string::npos) << reply;
  EXPECT_EQ(stopped_at, 1s);
  EXPECT_EQ(idle_closed_at, 500ms);
}

// HTTP/1.0: the connection closes after the answer, unless the request asks for keep-alive;
// then it stays open for the next request, and the answer says so.
TEST_P(HttpServer, Http10ClosesUnlessAskedToKeepAlive) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    aio::http::add_tutorial_routes(server);
    server.start();
    const std::string plain = co_await aio_http_test::exchange_raw(
        server.port(), "GET /users/python HTTP/1.0\r\n\r\n", 5s);
    EXPECT_EQ(plain.find("<still open>"), std::string::npos) << plain;
    EXPECT_NE(plain.find("\"login\":\"python\""), std::string::npos) << plain;
    const std::string kept = co_await aio_http_test::exchange_raw(
        server.port(),
        "GET /users/python HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        "GET /users/django HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        5s);
    EXPECT_NE(kept.find("\"login\":\"python\""), std::string::npos) << kept;
    EXPECT_NE(kept.find("\"login\":\"django\""), std::string::npos) << kept;
    EXPECT_NE(kept.find("<still open>"), std::string::npos) << kept;
    EXPECT_NE(kept.find("eep-alive"), std::string::npos) << kept;  // Connection: keep-alive
    co_await server.stop();
  });
}

INSTANTIATE_TEST_SUITE_P(BothReactors, HttpServer,
                         ::testing::Values(aio::ReactorKind::Epoll, aio::ReactorKind::Poll),
                         [](const auto& info) {
                           return info.param == aio::ReactorKind::Epoll ? "epoll" : "poll";
                         });

}  // namespace
