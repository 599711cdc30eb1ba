// The errors of aio::http.
//
// They derive from std::runtime_error, not from aio::RuntimeError: that one means "misuse of the
// runtime", while these describe what came (or would go) over the wire. A
// `catch (const aio::http::HttpError&)` catches every one of them.
#pragma once

#include <stdexcept>
#include <string>

namespace aio::http {

// Base of every aio::http error.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The peer sent bytes that are not a valid HTTP/1.1 message, or one over our limits.
//
// what() says what was wrong ("invalid HTTP request: Content-Length together with
// Transfer-Encoding ..."); status() is the status a server answers before it closes the
// connection: 400 (malformed), 413 (body over the cap), 431 (request line and headers too large,
// too many headers), 501 (CONNECT), 505 (an HTTP version other than 1.0 and 1.1). A client
// reading a response gets the same classification.
class ProtocolError : public HttpError {
 public:
  ProtocolError(int status, const std::string& message) : HttpError(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

// A URL aio::http cannot use: not http://host[:port][/path][?query], or https:// (TLS is not
// supported).
class InvalidUrl : public HttpError {
 public:
  using HttpError::HttpError;
};

// A body that is not valid JSON (Request::json(), Response::json()).
class InvalidJson : public HttpError {
 public:
  using HttpError::HttpError;
};

}  // namespace aio::http
