// aio::http::Session: an HTTP/1.1 client with a keep-alive connection pool (aiohttp's
// ClientSession).
//
//   aio::http::Session session;                         // one per program part, not per request
//   auto response = co_await session.get("http://127.0.0.1:8080/users/python");
//   response.raise_for_status();                        // HttpStatusError naming URL and status
//   std::string login = response.json()["login"];
//   session.close();                                     // the destructor does it too
//
// The pool:
// - A connection goes back to the pool only once its response has been read completely and
//   both sides keep it alive ("Connection: close", HTTP/1.0 without keep-alive, a body that
//   ended with the connection: closed instead). A request that fails or is cancelled (a
//   timeout) closes its connection: a half-read connection is never reused.
// - `limit` connections in use at once in total (default 100, as aiohttp) and, if set,
//   `limit_per_host` per host:port. A request over a limit waits for a connection, first come
//   first served.
// - A pooled connection the server has closed meanwhile (its idle timeout) is noticed before
//   use and replaced by a fresh one. If the server closes it just as the request goes out (no
//   answer byte at all), an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) is sent
//   once more on a fresh connection; a POST is not (it might have been acted upon): the error is
//   thrown.
// Bodies: Content-Length, chunked, or until the server closes; HEAD has none.
// Errors: InvalidUrl (also for https://: TLS is not supported), net::ConnectionRefused and the
// other net errors, ProtocolError for a malformed response, aio::TimeoutError.
//
// Lifetimes: the session belongs to one loop (it is used by that loop's tasks only) and must
// outlive every request made with it. Each request coroutine takes its arguments by value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aio/http/errors.hpp"
#include "aio/http/message.hpp"
#include "aio/http/parser.hpp"
#include "aio/http/url.hpp"
#include "aio/loop.hpp"
#include "aio/net.hpp"
#include "aio/semaphore.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

namespace aio::http {

// A response status that raise_for_status() refuses (4xx, 5xx).
class HttpStatusError : public HttpError {
 public:
  HttpStatusError(int status, std::string method, std::string url, const std::string& message)
      : HttpError(message), status_(status), method_(std::move(method)), url_(std::move(url)) {}
  int status() const noexcept { return status_; }
  const std::string& method() const noexcept { return method_; }
  const std::string& url() const noexcept { return url_; }

 private:
  int status_;
  std::string method_;
  std::string url_;
};

// What Session gives back: the response, and what it answered.
struct ClientResponse : Response {
  std::string method;              // "GET"
  std::string url;                 // as requested: "http://127.0.0.1:8080/users/python"
  bool reused_connection = false;  // sent on a pooled connection (not a fresh one)

  // HttpStatusError for a 4xx or 5xx status: "404 Not Found for GET http://...". Else nothing.
  void raise_for_status() const;
};

struct SessionOptions {
  std::size_t limit = 100;         // connections in use at once in total; 0: no limit
  std::size_t limit_per_host = 0;  // per host:port; 0: no limit
  // The whole request (waiting for a connection, connecting, sending, reading), like aiohttp's
  // total timeout (300 s). no_deadline: none.
  Duration timeout = std::chrono::seconds(300);
  Duration connect_timeout = std::chrono::seconds(30);  // one connect; no_deadline: none
  Limits limits{};                                      // for the responses
  Headers headers{};  // sent with every request; a name the request gives itself replaces it
};

struct SessionStats {
  std::size_t connections_opened = 0;
  std::size_t connections_reused = 0;  // requests sent on a pooled connection
  std::size_t retries = 0;             // idempotent requests resent after a stale connection
  std::size_t stale_discarded = 0;     // pooled connections found closed by the server
};

class Session {
 public:
  explicit Session(SessionOptions options = {});
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();  // close()

  Task<ClientResponse> get(std::string url, Headers headers = {});
  Task<ClientResponse> request(std::string method, std::string url, std::string body = {},
                               Headers headers = {});

  // Closes every pooled connection; requests after it throw aio::RuntimeError. Requests still
  // running keep their connection until they finish, then close it.
  void close() noexcept;
  bool closed() const noexcept { return closed_; }

  const SessionStats& stats() const noexcept { return stats_; }
  std::size_t idle_connections() const noexcept;
  std::size_t connections_in_use() const noexcept { return in_use_; }
  const SessionOptions& options() const noexcept { return options_; }

 private:
  struct Connection;
  struct HostSlot;
  Task<ClientResponse> perform(std::string method, Url url, std::string text, std::string body,
                               Headers headers);
  Task<ClientResponse> exchange(Connection& connection, const std::string& method,
                                const std::string& bytes, bool& answered);
  Task<std::unique_ptr<Connection>> open(const Url& url, const std::string& key);
  std::unique_ptr<Connection> take_idle(const std::string& key);
  void give_back(std::unique_ptr<Connection> connection);
  HostSlot& slot_for(const std::string& key);

  SessionOptions options_;
  Semaphore total_;
  std::map<std::string, std::unique_ptr<HostSlot>> hosts_;
  std::size_t in_use_ = 0;
  bool closed_ = false;
  SessionStats stats_;
};

}  // namespace aio::http
