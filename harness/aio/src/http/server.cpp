#include "aio/http/server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "aio/errors.hpp"
#include "aio/http/serialize.hpp"
#include "aio/sleep.hpp"

namespace aio::http {

// ---- routes -----------------------------------------------------------------------------------

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '<' && segment.back() == '>';
}

}  // namespace

struct Server::Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  RouteOptions options;
  std::size_t faults_applied = 0;

  // Does `path` match? Fills the "<name>" parameters.
  bool matches(std::string_view path, Params& params) const {
    const auto parts = split_path(path);
    if (parts.size() != segments.size()) return false;
    Params found;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (is_parameter(segments[i])) {
        if (parts[i].empty()) return false;
        found.emplace(segments[i].substr(1, segments[i].size() - 2), std::string(parts[i]));
      } else if (segments[i] != parts[i]) {
        return false;
      }
    }
    params = std::move(found);
    return true;
  }

  // The fault to apply to this request, if any (counting down `times`).
  Fault::Kind take_fault() {
    const Fault& fault = options.fault;
    if (fault.kind == Fault::Kind::None) return Fault::Kind::None;
    if (fault.times != 0 && faults_applied >= fault.times) return Fault::Kind::None;
    ++faults_applied;
    return fault.kind;
  }
};

// One accepted connection. Shared between the server's table and its task: stop() reads `busy`
// and cancels the task of an idle one; the task removes its entry when it ends.
struct Server::Connection {
  std::uint64_t id = 0;
  net::Stream stream;
  TaskHandle<void> task;
  bool busy = false;  // a request is being handled or answered: stop() lets it finish
};

Response json_response(const nlohmann::json& body, int status) {
  Response response;
  response.status = status;
  response.headers.add("Content-Type", "application/json");
  response.body = body.dump();
  return response;
}

Response text_response(std::string body, int status) {
  Response response;
  response.status = status;
  response.headers.add("Content-Type", "text/plain; charset=utf-8");
  response.body = std::move(body);
  return response;
}

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() {
  // No waiting here (a destructor cannot suspend): a server still running has tasks that refer
  // to it. They are cancelled now, so that none resumes its work; they unwind later, and their
  // guards see alive_ false and leave the server's members alone.
  *alive_ = false;
  if (acceptor_.valid() && !acceptor_.done()) acceptor_.cancel();
  for (auto& [id, connection] : connections_) {
    if (connection->task.valid() && !connection->task.done()) connection->task.cancel();
  }
}

Server& Server::route(std::string method, std::string pattern, Handler handler,
                      RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("aio::http::Server::route: a pattern starts with '/', not \"" +
                                pattern + "\"");
  }
  auto route = std::make_unique<Route>();
  route->method = std::move(method);
  for (std::string_view segment : split_path(pattern)) route->segments.emplace_back(segment);
  route->pattern = std::move(pattern);
  route->handler = std::move(handler);
  route->options = options;
  routes_.push_back(std::move(route));
  return *this;
}

void Server::set_route_options(std::string_view method, std::string_view pattern,
                               RouteOptions options) {
  for (auto& route : routes_) {
    if (route->method == method && route->pattern == pattern) {
      route->options = options;
      route->faults_applied = 0;
      return;
    }
  }
  throw std::invalid_argument("aio::http::Server::set_route_options: no route " +
                              std::string(method) + " " + std::string(pattern));
}

Server::Route* Server::find_route(std::string_view method, std::string_view path, Params& params,
                                  std::string& allow) {
  // HEAD is GET without the body (RFC 9110 §9.3.2).
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (auto& route : routes_) {
    Params found;
    if (!route->matches(path, found)) continue;
    if (route->method == wanted) {
      params = std::move(found);
      return route.get();
    }
    if (allow.find(route->method) == std::string::npos) {
      if (!allow.empty()) allow += ", ";
      allow += route->method;
    }
  }
  return nullptr;
}

std::string Server::url(std::string_view path) const {
  const bool ipv6 = host_.find(':') != std::string::npos;
  std::string text = "http://";
  text += ipv6 ? "[" + host_ + "]" : host_;
  text += ":" + std::to_string(port());
  text += path;
  return text;
}

// ---- lifecycle --------------------------------------------------------------------------------

void Server::start(const std::string& host, std::uint16_t port) {
  if (running_) throw RuntimeError("aio::http::Server::start: the server is already running");
  listener_ = net::listen(host, port);
  host_ = listener_.local().host;
  running_ = true;
  stopping_ = false;
  acceptor_ = create_task(accept_loop(), "http server: accept");
}

Task<> Server::stop() {
  if (!running_) co_return;
  stopping_ = true;
  // 1. No new connections: the accept loop is cancelled, then the listening socket closes.
  if (acceptor_.valid() && !acceptor_.done()) {
    acceptor_.cancel();
    try {
      co_await acceptor_;
    } catch (...) {
      // CancelledError, as asked; whatever else ended the accept loop does not stop the stop
    }
  }
  listener_.close();
  // 2. Idle connections (waiting for a request) are cancelled; busy ones finish their request
  //    and close, since stopping_ makes the answer say "Connection: close". The handles are
  //    copied first: each task removes its own entry from connections_ when it ends.
  std::vector<TaskHandle<void>> tasks;
  for (auto& [id, connection] : connections_) {
    if (!connection->busy) connection->task.cancel();
    tasks.push_back(connection->task);
  }
  for (auto& task : tasks) {
    try {
      co_await task;
    } catch (const CancelledError&) {
    }
  }
  // A connection task cancelled before it ever ran has not removed its own entry: its socket
  // closes here.
  connections_.clear();
  running_ = false;
}

Task<> Server::accept_loop() {
  while (true) {
    net::Stream stream;
    bool failed = false;
    try {
      stream = co_await listener_.accept();
    } catch (const net::NetError&) {
      failed = true;  // out of descriptors or memory (EMFILE, ENOBUFS...), or the listener closed
    }
    if (failed) {
      if (!listener_.is_open()) co_return;
      // Not a reason to stop serving: the connections being served will free descriptors.
      co_await sleep(std::chrono::milliseconds(10));
      continue;
    }
    ++stats_.connections_accepted;
    auto connection = std::make_shared<Connection>();
    connection->id = next_id_++;
    connection->stream = std::move(stream);
    connections_.emplace(connection->id, connection);
    connection->task = create_task(serve_connection(connection->id),
                                   "http server: connection " + std::to_string(connection->id));
  }
}

// ---- one connection ---------------------------------------------------------------------------

namespace {

// The head of a chunked response: what serialize() writes for the same response without a
// body, with its "Content-Length: 0" line replaced by "Transfer-Encoding: chunked".
std::string chunked_head(Response response) {
  response.body.clear();
  std::string head = serialize(response);
  constexpr std::string_view length_line = "Content-Length: 0\r\n\r\n";
  head.resize(head.size() - length_line.size());
  head += "Transfer-Encoding: chunked\r\n\r\n";
  return head;
}

std::string hex(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[n % 16]);
    n /= 16;
  } while (n != 0);
  return out;
}

// RST instead of FIN: SO_LINGER with a zero timeout, then close.
void reset_connection(net::Stream& stream) noexcept {
  if (!stream.is_open()) return;
  ::linger option{1, 0};
  ::setsockopt(stream.native_handle(), SOL_SOCKET, SO_LINGER, &option, sizeof option);
  stream.close();
}

Response error_response(int status, std::string message) {
  nlohmann::json body = {{"error", std::move(message)}};
  return json_response(body, status);
}

}  // namespace

Task<> Server::serve_connection(std::uint64_t id) {
  std::shared_ptr<Connection> connection = connections_.at(id);
  ++stats_.connections_open;
  // Whatever way this task ends (a close, an error, a cancellation), the entry goes and the
  // count drops. The guard holds the shared_ptr, so the Connection outlives the erase.
  struct Cleanup {
    Server& server;
    std::shared_ptr<Connection> connection;
    std::shared_ptr<bool> alive;
    ~Cleanup() {
      if (!*alive) return;  // the Server is gone (destroyed while this task ran)
      --server.stats_.connections_open;
      server.connections_.erase(connection->id);
    }
  } cleanup{*this, connection, alive_};

  net::Stream& stream = connection->stream;
  RequestParser parser(options_.limits);
  std::array<char, 16 * 1024> buffer{};
  std::optional<Duration> request_started;  // when the first byte of the current request came
  try {
    while (true) {
      std::optional<Request> request;
      std::optional<Response> refusal;  // built in the handler, sent after it (no co_await there)
      try {
        request = parser.next();
      } catch (const ProtocolError& e) {
        refusal = error_response(e.status(), e.what());
      }
      if (refusal) {
        ++stats_.requests_refused;
        refusal->headers.set("Connection", "close");
        connection->busy = true;
        co_await stream.write_all(serialize(*refusal));
        break;
      }
      if (request) {
        request_started.reset();
        connection->busy = true;
        const bool keep_open = co_await answer(*connection, std::move(*request));
        connection->busy = false;
        if (!keep_open || stopping_) break;
        continue;
      }
      if (parser.closed()) break;
      if (parser.in_message() && !request_started) request_started = now();
      if (!parser.in_message()) request_started.reset();
      const Duration deadline =
          request_started ? (options_.request_timeout == no_deadline
                                 ? no_deadline
                                 : *request_started + options_.request_timeout)
                          : (options_.idle_timeout == no_deadline ? no_deadline
                                                                  : now() + options_.idle_timeout);
      auto read = [&]() -> Task<std::size_t> { co_return co_await stream.read_some(buffer); };
      std::optional<std::size_t> got;
      if (deadline == no_deadline) {
        got = co_await read();
      } else {
        got = co_await move_on_at(deadline, read);
      }
      if (!got) {
        if (request_started) {  // slowloris: a request that takes too long to arrive
          ++stats_.requests_refused;
          Response refusal = error_response(408, "the request took too long to arrive");
          refusal.headers.set("Connection", "close");
          connection->busy = true;
          co_await stream.write_all(serialize(refusal));
        }
        break;  // idle: close without a word, as servers do
      }
      if (*got == 0) {
        parser.feed_eof();  // between requests: fine; mid-request: next() throws (400)
        if (!parser.in_message() && !parser.failed()) break;
        continue;
      }
      parser.feed(std::string_view(buffer.data(), *got));
    }
  } catch (const net::NetError&) {
    // The client went away (reset, broken pipe): nothing to answer.
  }
  // Closing: our FIN goes out; pending bytes from the client are dropped with the socket.
  stream.close();
}

Task<bool> Server::answer(Connection& connection, Request request) {
  net::Stream& stream = connection.stream;
  ++stats_.in_flight;
  stats_.peak_in_flight = std::max(stats_.peak_in_flight, stats_.in_flight);
  struct InFlight {
    ServerStats& stats;
    std::shared_ptr<bool> alive;
    ~InFlight() {
      if (*alive) --stats.in_flight;
    }
  } in_flight{stats_, alive_};

  const bool head = request.method == "HEAD";
  Params params;
  std::string allow;
  Route* route = find_route(request.method, request.path(), params, allow);
  Response response;
  Fault::Kind fault = Fault::Kind::None;
  RouteOptions options;
  if (route == nullptr) {
    response = allow.empty() ? error_response(404, "no route for " + std::string(request.path()))
                             : error_response(405, request.method + " is not allowed here");
    if (!allow.empty()) response.headers.set("Allow", allow);
  } else {
    options = route->options;
    fault = route->take_fault();
    if (options.latency > Duration::zero()) co_await sleep(options.latency);
    if (fault == Fault::Kind::Reset) {
      ++stats_.requests_served;
      reset_connection(stream);
      co_return false;
    }
    if (fault == Fault::Kind::Status) {
      response = error_response(options.fault.status, "injected fault");
    } else {
      try {
        response = co_await route->handler(request, std::move(params));
      } catch (const std::exception& e) {
        response = error_response(500, std::string("the handler failed: ") + e.what());
      }
    }
  }
  ++stats_.requests_served;
  const bool keep_open = request.keep_alive && !stopping_ &&
                         !response.headers.has_token("Connection", "close") &&
                         fault != Fault::Kind::CloseMidBody;
  if (!keep_open) {
    response.headers.set("Connection", "close");
  } else if (request.version == Version::Http10) {
    response.headers.set("Connection", "keep-alive");
  }
  response.version = request.version == Version::Http10 ? Version::Http10 : Version::Http11;

  if (fault == Fault::Kind::CloseMidBody) {
    const std::string bytes = serialize(response, head);
    const std::size_t body_start = bytes.size() - (head ? 0 : response.body.size());
    co_await stream.write_all(
        std::string_view(bytes).substr(0, body_start + response.body.size() / 2));
    co_return false;
  }
  if (fault == Fault::Kind::SlowBody && !head) {
    const std::string bytes = serialize(response);
    const std::size_t body_start = bytes.size() - response.body.size();
    co_await stream.write_all(std::string_view(bytes).substr(0, body_start));
    const std::size_t step = std::max<std::size_t>(1, options.fault.chunk_bytes);
    for (std::size_t at = 0; at < response.body.size(); at += step) {
      co_await sleep(options.fault.interval);
      co_await stream.write_all(std::string_view(response.body).substr(at, step));
    }
    co_return keep_open;
  }
  if (options.chunked > 0 && !head && status_allows_body(response.status) &&
      request.version == Version::Http11) {
    std::string bytes = chunked_head(response);
    for (std::size_t at = 0; at < response.body.size(); at += options.chunked) {
      const std::string_view piece = std::string_view(response.body).substr(at, options.chunked);
      bytes += hex(piece.size()) + "\r\n";
      bytes += piece;
      bytes += "\r\n";
    }
    bytes += "0\r\n\r\n";
    co_await stream.write_all(bytes);
    co_return keep_open;
  }
  co_await stream.write_all(serialize(response, head));
  co_return keep_open;
}

// ---- the tutorial's API -----------------------------------------------------------------------

std::int64_t tutorial_user_id(std::string_view login) {
  // FNV-1a, folded to a positive number below 10^8: stable across runs and platforms.
  std::uint64_t hash = 1469598103934665603ull;
  for (const char c : login) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return static_cast<std::int64_t>(hash % 100000000ull) + 1;
}

void add_tutorial_routes(Server& server, TutorialOptions options) {
  // The handler is stored in the server's route (a std::function): what it captures lives as
  // long as the server, so the coroutine may read it across its suspensions.
  auto shared = std::make_shared<TutorialOptions>(std::move(options));
  server.route("GET", "/users/<name>", [shared](Request, Params params) -> Task<Response> {
    const std::string name = params.at("name");
    if (shared->latency) {
      const Duration delay = shared->latency(name);
      if (delay > Duration::zero()) co_await sleep(delay);
    }
    const auto& missing = shared->missing;
    if (std::find(missing.begin(), missing.end(), name) != missing.end()) {
      co_return json_response({{"message", "Not Found"}}, 404);
    }
    co_return json_response({{"login", name}, {"id", tutorial_user_id(name)}});
  });
  server.route("GET", "/health", [](Request, Params) -> Task<Response> {
    co_return json_response({{"status", "ok"}});
  });
  // The request body back, as it arrived (after de-chunking): for clients' interop tests.
  server.route("POST", "/echo", [](Request request, Params) -> Task<Response> {
    co_return text_response(std::move(request.body));
  });
  // The server's counters. The routes live in the server, so the reference stays valid.
  server.route("GET", "/stats", [&server](Request, Params) -> Task<Response> {
    const ServerStats& stats = server.stats();
    co_return json_response({{"connections_accepted", stats.connections_accepted},
                             {"requests_served", stats.requests_served},
                             {"peak_in_flight", stats.peak_in_flight}});
  });
}

}  // namespace aio::http
