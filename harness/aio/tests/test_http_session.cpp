// aio::http::Session against aio::http::Server (and hand-written peers) over real loopback TCP
// on the virtual clock, both reactor backends: the pool (reuse, limits, FIFO waiting), chunked
// bodies, Connection: close, stale pooled connections and the one retry, timeouts, statuses,
// malformed responses, TLS refused, close().
#include <optional>
#include <string>
#include <vector>

#include "test_http_net_support.hpp"

namespace {

using namespace std::chrono_literals;
using aio::http::RouteOptions;
using aio::http::Server;
using aio::http::ServerOptions;
using aio::http::Session;
using aio::http::SessionOptions;
using aio_http_test::OverLoopback;

using HttpSession = OverLoopback;

aio::Task<aio::http::Response> hello(aio::http::Request, aio::http::Params) {
  co_return aio::http::text_response("hello");
}

TEST_P(HttpSession, SequentialRequestsReuseOneConnection) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    aio::http::add_tutorial_routes(server);
    server.start();
    Session session;
    for (const char* name : {"python", "django", "fastapi", "flask", "numpy"}) {
      auto response = co_await session.get(server.url("/users/") + name);
      EXPECT_EQ(response.json()["login"], name);
    }
    EXPECT_EQ(server.stats().connections_accepted, 1u);
    EXPECT_EQ(session.stats().connections_opened, 1u);
    EXPECT_EQ(session.stats().connections_reused, 4u);
    EXPECT_EQ(session.idle_connections(), 1u);
    session.close();
    co_await aio_http_test::until_no_connection_open(server);
    EXPECT_EQ(server.stats().connections_open, 0u);  // close() closed the pooled connection
    co_await server.stop();
  });
}

// 10 concurrent requests of 100 ms: never more connections than the peak in flight; then a
// second wave reuses them all.
TEST_P(HttpSession, ConcurrentRequestsOpenAtMostThePeakAndReuseAfterwards) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    aio::http::TutorialOptions tutorial;
    tutorial.latency = [](std::string_view) { return 100ms; };
    aio::http::add_tutorial_routes(server, tutorial);
    server.start();
    Session session;
    auto wave = [&]() -> aio::Task<> {
      std::vector<aio::TaskHandle<aio::http::ClientResponse>> tasks;
      for (int i = 0; i < 10; ++i) {
        tasks.push_back(aio::create_task(session.get(server.url("/users/u" + std::to_string(i)))));
      }
      for (auto& task : tasks) {
        auto response = co_await task;
        EXPECT_EQ(response.status, 200);
      }
    };
    co_await wave();
    EXPECT_EQ(aio::now(), 100ms);
    EXPECT_LE(server.stats().connections_accepted, server.stats().peak_in_flight);
    EXPECT_EQ(server.stats().connections_accepted, 10u);
    co_await wave();
    EXPECT_EQ(aio::now(), 200ms);
    EXPECT_EQ(server.stats().connections_accepted, 10u);
    EXPECT_EQ(session.stats().connections_reused, 10u);
    co_await server.stop();
  });
}

// limit 3: 10 requests of 100 ms run 3 at a time: 4 rounds, 400 ms, 3 connections; FIFO: the
// answers come in request order round by round.
TEST_P(HttpSession, TotalLimitQueuesRequestsFifo) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    server.route("GET", "/slow", hello, {.latency = 100ms});
    server.start();
    SessionOptions options;
    options.limit = 3;
    Session session(options);
    std::vector<aio::Duration> done(10);
    auto one = [&](std::size_t i) -> aio::Task<> {
      (void)co_await session.get(server.url("/slow"));
      done[i] = aio::now();
    };
    std::vector<aio::TaskHandle<void>> tasks;
    for (std::size_t i = 0; i < 10; ++i) tasks.push_back(aio::create_task(one(i)));
    for (auto& task : tasks) co_await task;
    EXPECT_EQ(done, (std::vector<aio::Duration>{100ms, 100ms, 100ms, 200ms, 200ms, 200ms, 300ms,
                                                300ms, 300ms, 400ms}));
    EXPECT_EQ(server.stats().connections_accepted, 3u);
    EXPECT_EQ(server.stats().peak_in_flight, 3u);
    co_await server.stop();
  });
}

// Per host 2, two servers (two host:port keys): each gets 2 at a time, independently.
TEST_P(HttpSession, PerHostLimit) {
  rec_.run([]() -> aio::Task<> {
    Server first;
    Server second;
    first.route("GET", "/slow", hello, {.latency = 100ms});
    second.route("GET", "/slow", hello, {.latency = 100ms});
    first.start();
    second.start();
    SessionOptions options;
    options.limit_per_host = 2;
    Session session(options);
    std::vector<aio::TaskHandle<aio::http::ClientResponse>> tasks;
    for (int i = 0; i < 4; ++i) {
      tasks.push_back(aio::create_task(session.get(first.url("/slow"))));
      tasks.push_back(aio::create_task(session.get(second.url("/slow"))));
    }
    for (auto& task : tasks) co_await task;
    EXPECT_EQ(aio::now(), 200ms);
    EXPECT_EQ(first.stats().peak_in_flight, 2u);
    EXPECT_EQ(second.stats().peak_in_flight, 2u);
    EXPECT_EQ(first.stats().connections_accepted, 2u);
    co_await first.stop();
    co_await second.stop();
  });
}

TEST_P(HttpSession, ChunkedResponsesAndKeepAlive) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    const std::string big(10000, 'z');
    server.route("GET", "/chunked",
                 [big](aio::http::Request, aio::http::Params) -> aio::Task<aio::http::Response> {
                   co_return aio::http::text_response(big);
                 },
                 {.latency = 0ms, .fault = {}, .chunked = 333});
    server.start();
    Session session;
    for (int i = 0; i < 2; ++i) {
      auto response = co_await session.get(server.url("/chunked"));
      EXPECT_EQ(response.body, big);
      EXPECT_FALSE(response.headers.contains("Content-Length"));
      EXPECT_TRUE(response.headers.has_token("Transfer-Encoding", "chunked"));
    }
    EXPECT_EQ(server.stats().connections_accepted, 1u);
    co_await server.stop();
  });
}

TEST_P(HttpSession, ConnectionCloseIsHonoured) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    server.route("GET", "/bye",
                 [](aio::http::Request, aio::http::Params) -> aio::Task<aio::http::Response> {
                   auto response = aio::http::text_response("bye");
                   response.headers.set("Connection", "close");
                   co_return response;
                 });
    server.start();
    Session session;
    for (int i = 0; i < 3; ++i) {
      auto response = co_await session.get(server.url("/bye"));
      EXPECT_FALSE(response.keep_alive);
      EXPECT_FALSE(response.reused_connection);
    }
    EXPECT_EQ(session.idle_connections(), 0u);
    EXPECT_EQ(server.stats().connections_accepted, 3u);
    EXPECT_EQ(session.stats().connections_reused, 0u);
    co_await server.stop();
  });
}

// The server closes idle connections after 1 s; the session waits 2 s: the pooled connection
// is seen closed before use and a fresh one is opened (no error, no retry needed).
TEST_P(HttpSession, ConnectionClosedWhileIdleIsReplaced) {
  rec_.run([]() -> aio::Task<> {
    ServerOptions options;
    options.idle_timeout = 1s;
    Server server(options);
    aio::http::add_tutorial_routes(server);
    server.start();
    Session session;
    (void)co_await session.get(server.url("/users/a"));
    co_await aio::sleep(2s);
    auto response = co_await session.get(server.url("/users/b"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(server.stats().connections_accepted, 2u);
    EXPECT_EQ(session.stats().stale_discarded, 1u);
    EXPECT_EQ(session.stats().retries, 0u);
    co_await server.stop();
  });
}

// A hand-written server that answers the first request of each connection with keep-alive,
// then closes without answering the second: the race of an idle timeout with our request.
aio::Task<> answer_once_then_close(aio::net::Listener& listener, int connections) {
  for (int c = 0; c < connections; ++c) {
    aio::net::Stream stream = co_await listener.accept();
    std::string seen;
    char buffer[4096];
    int requests = 0;
    while (std::size_t got = co_await stream.read_some(buffer)) {
      seen.append(buffer, got);
      const auto end = seen.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      seen.erase(0, end + 4);
      if (++requests == 2) break;  // close, unanswered
      co_await stream.write_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  }
}

TEST_P(HttpSession, IdempotentRequestIsRetriedOnceOnAStaleConnection) {
  rec_.run([]() -> aio::Task<> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto peer = aio::create_task(answer_once_then_close(listener, 2));
    const std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/";
    Session session;
    auto first = co_await session.get(url);
    auto second = co_await session.get(url);  // sent on the pooled one, which the peer closes
    EXPECT_EQ(second.body, "ok");
    EXPECT_FALSE(second.reused_connection);
    EXPECT_EQ(session.stats().retries, 1u);
    EXPECT_EQ(session.stats().connections_opened, 2u);
    session.close();
    peer.cancel();
    try {
      co_await peer;
    } catch (const aio::CancelledError&) {
    }
  });
}

TEST_P(HttpSession, PostIsNotRetried) {
  std::string error = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto peer = aio::create_task(answer_once_then_close(listener, 1));
    const std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/";
    Session session;
    (void)co_await session.request("POST", url, "a");
    std::string text = "no error";
    try {
      (void)co_await session.request("POST", url, "b");
    } catch (const aio::net::ConnectionClosed& e) {
      text = e.what();
    }
    EXPECT_EQ(session.stats().retries, 0u);
    co_await peer;
    co_return text;
  });
  EXPECT_NE(error.find("closed the connection without answering"), std::string::npos) << error;
}

// A request timeout of 1 s against 5 s of latency: TimeoutError at exactly 1 s, and the
// connection (half-way through its exchange) is closed, not pooled.
TEST_P(HttpSession, RequestTimeoutClosesTheConnection) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    server.route("GET", "/slow", hello, {.latency = 5s});
    server.start();
    SessionOptions options;
    options.timeout = 1s;
    Session session(options);
    std::string error = "no error";
    try {
      (void)co_await session.get(server.url("/slow"));
    } catch (const aio::TimeoutError& e) {
      error = e.what();
    }
    EXPECT_EQ(aio::now(), 1s);
    EXPECT_NE(error.find("request timeout"), std::string::npos) << error;
    EXPECT_EQ(session.idle_connections(), 0u);
    EXPECT_EQ(session.connections_in_use(), 0u);
    co_await server.stop();  // the server sees the close: its request still finishes at 5 s
    EXPECT_EQ(server.stats().connections_open, 0u);
  });
}

TEST_P(HttpSession, RaiseForStatusNamesTheUrlAndStatus) {
  std::string error = rec_.run([]() -> aio::Task<std::string> {
    Server server;
    aio::http::TutorialOptions tutorial;
    tutorial.missing = {"nobody"};
    aio::http::add_tutorial_routes(server, tutorial);
    server.start();
    Session session;
    const std::string url = server.url("/users/nobody");
    auto response = co_await session.get(url);
    std::string text = "no error";
    try {
      response.raise_for_status();
    } catch (const aio::http::HttpStatusError& e) {
      EXPECT_EQ(e.status(), 404);
      EXPECT_EQ(e.url(), url);
      text = e.what();
    }
    auto fine = co_await session.get(server.url("/users/python"));
    fine.raise_for_status();  // 200: nothing
    co_await server.stop();
    co_return text + " | " + url;
  });
  const auto bar = error.find(" | ");
  EXPECT_EQ(error.substr(0, bar), "404 Not Found for GET " + error.substr(bar + 3));
}

aio::Task<> answer_with(aio::net::Listener& listener, std::string bytes) {
  aio::net::Stream stream = co_await listener.accept();
  char buffer[4096];
  (void)co_await stream.read_some(buffer);
  co_await stream.write_all(bytes);
}

TEST_P(HttpSession, MalformedResponsesAreProtocolErrors) {
  const std::vector<std::string> replies = {
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "NOT HTTP AT ALL\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",  // then the server closes
  };
  auto errors = rec_.run([&]() -> aio::Task<std::vector<std::string>> {
    std::vector<std::string> seen;
    for (const auto& reply : replies) {
      auto listener = aio::net::listen("127.0.0.1", 0);
      auto peer = aio::create_task(answer_with(listener, reply));
      Session session;
      std::string text = "no error";
      try {
        (void)co_await session.get("http://127.0.0.1:" + std::to_string(listener.port()) + "/");
      } catch (const aio::http::ProtocolError& e) {
        text = e.what();
      }
      co_await peer;
      seen.push_back(text);
    }
    co_return seen;
  });
  for (std::size_t i = 0; i < replies.size(); ++i) {
    EXPECT_NE(errors[i].find("invalid HTTP response"), std::string::npos)
        << replies[i] << " -> " << errors[i];
  }
}

TEST_P(HttpSession, HttpsIsRefusedAndAClosedSessionRefusesRequests) {
  rec_.run([]() -> aio::Task<> {
    Session session;
    std::string tls = "no error";
    try {
      (void)co_await session.get("https://example.com/");
    } catch (const aio::http::InvalidUrl& e) {
      tls = e.what();
    }
    EXPECT_NE(tls.find("TLS is not supported"), std::string::npos) << tls;
    session.close();
    // A port where nobody listens: a session that still tried would fail with
    // ConnectionRefused (also a RuntimeError), so the message is what tells the two apart.
    std::string refused = "no error";
    try {
      (void)co_await session.get("http://127.0.0.1:1/");
    } catch (const aio::RuntimeError& e) {
      refused = e.what();
    }
    EXPECT_NE(refused.find("the session is closed"), std::string::npos) << refused;
  });
}

TEST_P(HttpSession, ConnectionRefusedNamesThePeer) {
  std::uint16_t port = 0;
  {
    auto probe = aio::net::listen("127.0.0.1", 0);
    port = probe.port();
  }
  std::string error = rec_.run([port]() -> aio::Task<std::string> {
    Session session;
    try {
      (void)co_await session.get("http://127.0.0.1:" + std::to_string(port) + "/");
    } catch (const aio::net::ConnectionRefused& e) {
      co_return e.what();
    }
    co_return "connected";
  });
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
}

// Per host 1: three requests to one host wait in the order they were made (FIFO), each on the
// connection the one before it used.
TEST_P(HttpSession, PerHostWaitersAreServedFirstComeFirstServed) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    std::vector<std::string> order;
    for (const char* path : {"/a", "/b", "/c"}) {
      server.route(
          "GET", path,
          [&order](aio::http::Request request, aio::http::Params) -> aio::Task<aio::http::Response> {
            order.push_back(request.target);
            co_return aio::http::text_response("ok");
          },
          {.latency = 100ms});
    }
    server.start();
    SessionOptions options;
    options.limit_per_host = 1;
    Session session(options);
    std::vector<aio::TaskHandle<aio::http::ClientResponse>> tasks;
    for (const char* path : {"/c", "/a", "/b"})
      tasks.push_back(aio::create_task(session.get(server.url(path))));
    for (auto& task : tasks) co_await task;
    EXPECT_EQ(order, (std::vector<std::string>{"/c", "/a", "/b"}));
    EXPECT_EQ(aio::now(), 300ms);
    EXPECT_EQ(server.stats().connections_accepted, 1u);
    co_await server.stop();
  });
}

// close() while a request is in flight: that request finishes normally, its connection is then
// closed instead of pooled, and the next request is refused.
TEST_P(HttpSession, CloseDuringARequestLetsItFinishThenClosesItsConnection) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    server.route("GET", "/slow", hello, {.latency = 1s});
    server.start();
    Session session;
    auto request = aio::create_task(session.get(server.url("/slow")));
    co_await aio::sleep(500ms);
    session.close();
    auto response = co_await request;
    EXPECT_EQ(response.body, "hello");
    EXPECT_EQ(aio::now(), 1s);
    EXPECT_EQ(session.idle_connections(), 0u);
    EXPECT_EQ(session.connections_in_use(), 0u);
    co_await aio_http_test::until_no_connection_open(server);
    EXPECT_EQ(server.stats().connections_open, 0u);
    std::string refused = "not refused";
    try {
      (void)co_await session.get(server.url("/slow"));
    } catch (const aio::RuntimeError& e) {
      refused = e.what();
    }
    EXPECT_NE(refused.find("closed"), std::string::npos) << refused;
    co_await server.stop();
  });
}

// A fault with times = 1: the first request is reset (an error for the client, which does not
// resend a request whose connection was fresh), the second is answered.
TEST_P(HttpSession, AFaultForOneRequestThenTheRouteBehaves) {
  rec_.run([]() -> aio::Task<> {
    Server server;
    server.route("GET", "/flaky", hello, {.fault = aio::http::Fault::reset(1)});
    server.start();
    Session session;
    std::string first = "no error";
    try {
      (void)co_await session.get(server.url("/flaky"));
    } catch (const std::exception& e) {
      first = e.what();
    }
    EXPECT_NE(first, "no error");
    auto second = co_await session.get(server.url("/flaky"));
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.body, "hello");
    EXPECT_EQ(server.stats().connections_accepted, 2u);
    co_await server.stop();
  });
}

INSTANTIATE_TEST_SUITE_P(BothReactors, HttpSession,
                         ::testing::Values(aio::ReactorKind::Epoll, aio::ReactorKind::Poll),
                         [](const auto& info) {
                           return info.param == aio::ReactorKind::Epoll ? "epoll" : "poll";
                         });

}  // namespace
