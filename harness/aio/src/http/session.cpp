#include "aio/http/session.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <deque>
#include <limits>
#include <optional>
#include <utility>

#include "aio/errors.hpp"
#include "aio/http/serialize.hpp"
#include "aio/sleep.hpp"

namespace aio::http {

namespace {

// "No limit" is a semaphore with more permits than there can ever be connections.
constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max() / 2;

std::size_t permits_for(std::size_t limit) {
  return limit == 0 ? unlimited : limit;
}

bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS" || method == "TRACE";
}

// Is an idle pooled socket still usable? It must be open with nothing to read: readable means
// the server closed it (EOF), reset it, or sent bytes nobody asked for. One poll, no waiting.
bool still_usable(const net::Stream& stream) {
  if (!stream.is_open()) return false;
  ::pollfd entry{stream.native_handle(), POLLIN, 0};
  const int ready = ::poll(&entry, 1, 0);
  return ready == 0;
}

}  // namespace

// One keep-alive connection to one host:port.
struct Session::Connection {
  std::string key;  // "host:port"
  net::Stream stream;
};

// The per-host limit and the idle connections of one host:port.
struct Session::HostSlot {
  explicit HostSlot(std::size_t permits) : limit(permits) {}
  Semaphore limit;
  std::deque<std::unique_ptr<Connection>> idle;  // most recently returned at the back
};

void ClientResponse::raise_for_status() const {
  if (status < 400) return;
  const std::string_view phrase = reason.empty() ? reason_phrase(status) : reason;
  std::string message = std::to_string(status);
  if (!phrase.empty()) message += " " + std::string(phrase);
  message += " for " + method + " " + url;
  throw HttpStatusError(status, method, url, message);
}

Session::Session(SessionOptions options)
    : options_(std::move(options)), total_(permits_for(options_.limit)) {}

Session::~Session() {
  close();
}

void Session::close() noexcept {
  closed_ = true;
  for (auto& [key, slot] : hosts_) slot->idle.clear();  // each Stream closes its socket
}

std::size_t Session::idle_connections() const noexcept {
  std::size_t count = 0;
  for (const auto& [key, slot] : hosts_) count += slot->idle.size();
  return count;
}

Session::HostSlot& Session::slot_for(const std::string& key) {
  auto it = hosts_.find(key);
  if (it == hosts_.end()) {
    it =
        hosts_.emplace(key, std::make_unique<HostSlot>(permits_for(options_.limit_per_host))).first;
  }
  return *it->second;
}

std::unique_ptr<Session::Connection> Session::take_idle(const std::string& key) {
  HostSlot& slot = slot_for(key);
  while (!slot.idle.empty()) {
    std::unique_ptr<Connection> connection = std::move(slot.idle.back());
    slot.idle.pop_back();
    if (still_usable(connection->stream)) return connection;
    ++stats_.stale_discarded;  // closed by the server while idle: dropped (closes here)
  }
  return nullptr;
}

void Session::give_back(std::unique_ptr<Connection> connection) {
  if (closed_) return;  // closes it
  HostSlot& slot = slot_for(connection->key);
  slot.idle.push_back(std::move(connection));
  // Keep at most `limit` idle connections in all: the oldest of this host goes first.
  if (options_.limit != 0 && idle_connections() > options_.limit) slot.idle.pop_front();
}

Task<std::unique_ptr<Session::Connection>> Session::open(const Url& url, const std::string& key) {
  auto connection = std::make_unique<Connection>();
  connection->key = key;
  if (options_.connect_timeout == no_deadline) {
    connection->stream = co_await net::connect(url.host, url.port);
  } else {
    auto attempt = [&]() -> Task<net::Stream> {
      co_return co_await net::connect(url.host, url.port);
    };
    std::optional<net::Stream> stream = co_await move_on_after(options_.connect_timeout, attempt);
    if (!stream) {
      throw TimeoutError(
          "aio::http::Session: connecting to " + key + " took longer than " +
          std::to_string(std::chrono::duration<double>(options_.connect_timeout).count()) +
          " s (connect timeout)");
    }
    connection->stream = std::move(*stream);
  }
  ++stats_.connections_opened;
  co_return connection;
}

Task<ClientResponse> Session::get(std::string url, Headers headers) {
  co_return co_await request("GET", std::move(url), {}, std::move(headers));
}

Task<ClientResponse> Session::request(std::string method, std::string url, std::string body,
                                      Headers headers) {
  if (closed_) throw RuntimeError("aio::http::Session: the session is closed (close() was called)");
  Url parsed = parse_url(url);  // InvalidUrl, "TLS is not supported" for https://
  if (options_.timeout == no_deadline) {
    co_return co_await perform(std::move(method), std::move(parsed), std::move(url),
                               std::move(body), std::move(headers));
  }
  // The whole request under one deadline. The body is a named lambda (GCC 12: no lambda
  // temporaries in a co_await statement); it refers to this frame, which outlives the scope.
  auto whole = [&]() -> Task<ClientResponse> {
    co_return co_await perform(method, parsed, url, body, headers);
  };
  std::optional<ClientResponse> response = co_await move_on_after(options_.timeout, whole);
  if (!response) {
    throw TimeoutError("aio::http::Session: " + method + " " + url + " took longer than " +
                       std::to_string(std::chrono::duration<double>(options_.timeout).count()) +
                       " s (request timeout)");
  }
  co_return std::move(*response);
}

Task<ClientResponse> Session::perform(std::string method, Url url, std::string text,
                                      std::string body, Headers headers) {
  const std::string key = url.host + ":" + std::to_string(url.port);
  // The session's default headers, but a name the request gives itself replaces the default
  // (as in aiohttp): no second Authorization or Content-Type.
  Headers all = options_.headers;
  for (const Field& field : headers) all.erase(field.name);
  for (const Field& field : headers) all.add(field.name, field.value);
  const std::string bytes = serialize(make_request(method, url, std::move(body), std::move(all)));

  // Per host first, then the total: a request waiting for its host holds no total permit, so
  // it cannot keep another host's requests waiting. Both are FIFO; RAII gives them back.
  Semaphore::Permit host_permit = co_await slot_for(key).limit.acquire();
  Semaphore::Permit total_permit = co_await total_.acquire();
  ++in_use_;
  struct InUse {
    std::size_t& count;
    ~InUse() { --count; }
  } in_use{in_use_};

  // The connection lives in this frame until it is given back: if the request fails or is
  // cancelled half-way, the unique_ptr closes it, so no half-read connection returns to the pool.
  std::unique_ptr<Connection> connection = take_idle(key);
  bool reused = connection != nullptr;
  if (!connection) connection = co_await open(url, key);
  if (reused) ++stats_.connections_reused;

  std::optional<ClientResponse> response;
  bool answered = false;  // did any byte of an answer arrive?
  try {
    response = co_await exchange(*connection, method, bytes, answered);
  } catch (const net::NetError&) {
    // A reused connection the server closed just before our request (its idle timeout raced
    // us): no byte of an answer came. Safe to send once more only if the method is idempotent.
    if (!reused || answered || !is_idempotent(method)) throw;
  }
  if (!response) {
    ++stats_.retries;
    connection = co_await open(url, key);
    reused = false;
    response = co_await exchange(*connection, method, bytes, answered);
  }
  response->method = method;
  response->url = text;
  response->reused_connection = reused;
  if (response->keep_alive) give_back(std::move(connection));
  co_return std::move(*response);
}

Task<ClientResponse> Session::exchange(Connection& connection, const std::string& method,
                                       const std::string& bytes, bool& answered) {
  net::Stream& stream = connection.stream;
  co_await stream.write_all(bytes);
  ResponseParser parser(options_.limits);
  parser.expect_response_to(method);
  std::array<char, 16 * 1024> buffer{};
  while (true) {
    if (std::optional<Response> parsed = parser.next()) {  // ProtocolError if malformed
      ClientResponse response;
      static_cast<Response&>(response) = std::move(*parsed);
      // Bytes after the response that nobody asked for (part of a message, a whole one, or
      // garbage): the connection's state is unclear, so it is not reused.
      bool unasked = parser.in_message() || parser.failed();
      if (!unasked) {
        try {
          unasked = parser.next().has_value();
        } catch (const ProtocolError&) {
          unasked = true;
        }
      }
      if (unasked) response.keep_alive = false;
      co_return response;
    }
    const std::size_t got = co_await stream.read_some(buffer);
    if (got == 0) {
      if (!answered) {
        throw net::ConnectionClosed("aio::http::Session: " + stream.peer().str() +
                                        " closed the connection without answering",
                                    0);
      }
      parser.feed_eof();  // completes a body that lasts until the close, or is an error
      if (std::optional<Response> parsed = parser.next()) {
        ClientResponse response;
        static_cast<Response&>(response) = std::move(*parsed);
        response.keep_alive = false;
        co_return response;
      }
      throw ProtocolError(502, "invalid HTTP response: " + stream.peer().str() +
                                   " closed the connection before a complete response");
    }
    answered = true;
    parser.feed(std::string_view(buffer.data(), got));
  }
}

}  // namespace aio::http
