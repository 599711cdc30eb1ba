// Helpers for the tests of aio::http::Server and Session over real loopback TCP, on the virtual
// clock, on both reactor backends.
#pragma once

#include <aio/http/server.hpp>
#include <aio/http/session.hpp>
#include <string>
#include <string_view>

#include "test_support.hpp"

namespace aio_http_test {

using namespace std::chrono_literals;

// Each test runs once per reactor backend (epoll, poll), on the virtual clock.
class OverLoopback : public ::testing::TestWithParam<aio::ReactorKind> {
 protected:
  aio_test::Recorder rec_{aio::Clock::Virtual};
  void SetUp() override { rec_.options().reactor = GetParam(); }
};

// A raw client: sends `bytes`, then reads until the server closes (or `limit` of loop time
// passes: then what came so far, followed by "<still open>").
inline aio::Task<std::string> exchange_raw(std::uint16_t port, std::string bytes,
                                           aio::Duration limit = 60s) {
  aio::net::Stream stream = co_await aio::net::connect("127.0.0.1", port);
  co_await stream.write_all(bytes);
  std::string received;
  auto read_all = [&]() -> aio::Task<> {
    char buffer[4096];
    while (std::size_t got = co_await stream.read_some(buffer)) received.append(buffer, got);
  };
  const bool closed = co_await aio::move_on_after(limit, read_all);
  if (!closed) received += "<still open>";
  co_return received;
}

// The server's connections go away asynchronously (their FIN, their task's end): let the loop
// run until the server has none open, or give up after `limit` of loop time.
inline aio::Task<> until_no_connection_open(const aio::http::Server& server,
                                            aio::Duration limit = 10s) {
  const aio::Duration end = aio::now() + limit;
  while (server.stats().connections_open > 0 && aio::now() < end) co_await aio::sleep(1ms);
}

}  // namespace aio_http_test
