// aio::http::Server: a small HTTP/1.1 server on the event loop, for the lessons, the graders and
// the benchmarks.
//
//   aio::http::Server server;
//   server.route("GET", "/users/<name>", [](aio::http::Request, aio::http::Params params)
//                    -> aio::Task<aio::http::Response> { co_return aio::http::json_response(...);
//                    },
//                {.latency = 100ms});
//   server.start("127.0.0.1", 0);            // listens now (port 0: ephemeral), serves from here
//   ... co_await session.get(server.url("/users/python")) ...
//   co_await server.stop();                   // graceful: in-flight requests finish first
//
// What it does:
// - Routes: a method and a path pattern whose segments are literal or "<name>" (one non-empty
//   segment, handed to the handler in Params). HEAD is answered by the GET route, without body.
//   No route for the path: 404; a route for the path but not the method: 405 with Allow.
// - Per-route latency, slept with aio::sleep before the handler runs: on the loop's clock, so
//   virtual (and exact) in graders.
// - Fault injection per route (Fault below): a status instead of the handler's answer, closing
//   the connection in the middle of the body, a reset (RST) instead of an answer, a slow body.
// - Keep-alive (HTTP/1.1 default; HTTP/1.0 with "Connection: keep-alive"); pipelined requests
//   are answered in order.
// - Bad input: the framing layer's ProtocolError decides the status (400, 413, 431, 501, 505);
//   the server answers it with "Connection: close" and closes.
// - Timeouts on the loop's clock: a connection idle between requests is closed after
//   idle_timeout; a request whose head and body take longer than request_timeout to arrive
//   (slowloris trickling) gets 408 and a close.
// - Counters (stats()): connections accepted, requests in flight and their peak, requests
//   served, requests refused as bad input.
//
// Lifetimes: the server must stay where it is from start() until stop() has returned (its
// tasks refer to it); it is used on one loop, the one that called start(). The destructor does
// not wait (it cannot): call co_await stop() before the run ends, or the connection tasks are
// cancelled at the end of the run and reported as pending.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "aio/http/message.hpp"
#include "aio/http/parser.hpp"
#include "aio/loop.hpp"
#include "aio/net.hpp"
#include "aio/spawn.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

namespace aio::http {

// The values of a route's "<name>" segments: {"name": "python"} for /users/python.
using Params = std::map<std::string, std::string, std::less<>>;

// A route's handler: a coroutine that takes the request and the path parameters and returns the
// response. Both are passed by value (a coroutine keeps its parameters; references could dangle).
using Handler = std::function<Task<Response>(Request request, Params params)>;

// A response with a JSON body and "Content-Type: application/json".
Response json_response(const nlohmann::json& body, int status = 200);
// A response with a text body and "Content-Type: text/plain; charset=utf-8".
Response text_response(std::string body, int status = 200);

// What a route does wrong on purpose.
struct Fault {
  enum class Kind {
    None,
    Status,        // answer `status` (with a short JSON body) instead of calling the handler
    CloseMidBody,  // send the head and half of the body, then close the connection
    Reset,         // reset the connection (RST) instead of answering
    SlowBody,      // send the body `chunk_bytes` at a time, `interval` apart (loop's clock)
  };
  Kind kind = Kind::None;
  int status = 500;
  std::size_t chunk_bytes = 1;
  Duration interval{};
  // The fault applies to this many requests of the route, then the route behaves (0: all).
  std::size_t times = 0;

  static Fault answer_status(int status, std::size_t times = 0) {
    return {Kind::Status, status, 1, {}, times};
  }
  static Fault close_mid_body(std::size_t times = 0) {
    return {Kind::CloseMidBody, 500, 1, {}, times};
  }
  static Fault reset(std::size_t times = 0) { return {Kind::Reset, 500, 1, {}, times}; }
  static Fault slow_body(std::size_t chunk_bytes, Duration interval, std::size_t times = 0) {
    return {Kind::SlowBody, 500, chunk_bytes, interval, times};
  }
};

struct RouteOptions {
  Duration latency{};  // slept (aio::sleep) before the handler runs
  Fault fault{};
  // Send the body with Transfer-Encoding: chunked, in pieces of this many bytes (0: framed by
  // Content-Length, the default). For clients' tests.
  std::size_t chunked = 0;
};

struct ServerOptions {
  Limits limits{};  // request line + headers 8 KiB, 100 headers, body 8 MiB
  // A keep-alive connection with no request for this long is closed (no_deadline: never).
  Duration idle_timeout = std::chrono::seconds(60);
  // From a request's first byte to its last: longer is answered 408 and closed (slowloris).
  Duration request_timeout = std::chrono::seconds(10);
};

struct ServerStats {
  std::size_t connections_accepted = 0;
  std::size_t connections_open = 0;
  std::size_t in_flight = 0;         // requests being handled now (latency and handler included)
  std::size_t peak_in_flight = 0;    // the most at once since start (or reset_peak())
  std::size_t requests_served = 0;   // answered by a route (faults included) or 404 / 405
  std::size_t requests_refused = 0;  // bad input answered 400 / 408 / 413 / 431 / 501 / 505
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Adds a route; routes are tried in the order they were added. Before or after start().
  Server& route(std::string method, std::string pattern, Handler handler,
                RouteOptions options = {});
  // Changes the options of an existing route (latency, fault); std::invalid_argument if none.
  void set_route_options(std::string_view method, std::string_view pattern, RouteOptions options);

  // Listens on host:port now and serves from the next suspension of the calling task on. Must
  // be called inside aio::run. NetError if the address cannot be bound.
  void start(const std::string& host = "127.0.0.1", std::uint16_t port = 0);
  // Stops accepting, closes idle connections, lets every request in flight finish (its answer
  // says "Connection: close"), and returns once every connection is closed.
  Task<> stop();

  bool running() const noexcept { return running_; }
  std::uint16_t port() const noexcept { return listener_.port(); }
  const std::string& host() const noexcept { return host_; }
  // "http://127.0.0.1:<port>" + path.
  std::string url(std::string_view path = "/") const;

  const ServerStats& stats() const noexcept { return stats_; }
  void reset_peak() noexcept { stats_.peak_in_flight = stats_.in_flight; }

 private:
  struct Route;
  struct Connection;
  Task<> accept_loop();
  Task<> serve_connection(std::uint64_t id);
  Task<bool> answer(Connection& connection, Request request);
  Route* find_route(std::string_view method, std::string_view path, Params& params,
                    std::string& allow);

  ServerOptions options_;
  std::vector<std::unique_ptr<Route>> routes_;
  net::Listener listener_;
  std::string host_;
  bool running_ = false;
  bool stopping_ = false;
  TaskHandle<void> acceptor_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::shared_ptr<Connection>> connections_;
  ServerStats stats_;
  // False once the Server is destroyed. A destroyed server's tasks are only cancelled (a
  // destructor cannot wait for them); they unwind later, and their guards look here before
  // they touch the server's counters and connection list.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The tutorial's API, served by `awaitlings_http_server` and used by chapter 08:
//   GET /users/<name>  ->  {"login": "<name>", "id": <a number derived from the name>}
//   GET /health        ->  {"status": "ok"}
//   POST /echo         ->  the request body, as text
//   GET /stats         ->  {"connections_accepted": ..., "requests_served": ..., "peak_in_flight":
//   ...}
struct TutorialOptions {
  // The latency of each /users/<name> request, by name (nullptr: none).
  std::function<Duration(std::string_view name)> latency{};
  // Names answered 404 ({"message": "Not Found"}), like GitHub for an unknown user.
  std::vector<std::string> missing{};
};
void add_tutorial_routes(Server& server, TutorialOptions options = {});
// The "id" the tutorial routes give a login (stable: a hash of the name).
std::int64_t tutorial_user_id(std::string_view login);

}  // namespace aio::http
