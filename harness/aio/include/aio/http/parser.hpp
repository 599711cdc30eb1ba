// Incremental HTTP/1.1 parsers on llhttp: bytes in, complete messages out.
//
//   aio::http::RequestParser parser;
//   parser.feed(bytes_just_read);              // any split: a byte, half a header, two requests
//   while (auto request = parser.next()) handle(*request);
//
// feed() never throws a ProtocolError: it stops at the first bad byte and keeps the error.
// next() hands out the messages that were complete before it, in order, and then throws that
// ProtocolError (again on every later call). So a server answers the good pipelined requests
// first, then 400 / 413 / 431, then closes. The error is the same however the stream was split
// (rarely it is only decided when the byte after the bad one arrives, or at feed_eof()).
//
// Bodies: Content-Length, chunked (extensions ignored, trailers kept), and for responses a body
// that lasts until the server closes (feed_eof() completes it). A response to HEAD, and every
// 1xx / 204 / 304 response, has no body whatever its headers say. Interim 1xx responses (100
// Continue) are skipped; 101 Switching Protocols is an error (no upgrades).
//
// Keep-alive is decided per message (Request::keep_alive, Response::keep_alive). After a message
// that ends the connection, the parser is closed(): later bytes are ignored.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "aio/http/errors.hpp"
#include "aio/http/message.hpp"

namespace aio::http {

// What a parser accepts. A message over a limit is a ProtocolError with status 431 (head, header
// count) or 413 (body).
struct Limits {
  // The request line (or status line) and the header lines, their CRLFs and the blank line
  // included; empty lines before a message count too. In a chunked body, the same bound applies
  // to the bytes between two pieces of data (a chunk-size line with its extensions; the trailers).
  std::size_t max_head_bytes = 8 * 1024;
  // Header fields of one message, trailer fields included.
  std::size_t max_headers = 100;
  // The body after de-chunking. A Content-Length over it is refused before any body byte arrives.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
};

namespace detail {
class ParserCore;
}

// Server side: requests from a client.
class RequestParser {
 public:
  explicit RequestParser(Limits limits = {});
  RequestParser(RequestParser&&) noexcept;
  RequestParser& operator=(RequestParser&&) noexcept;
  ~RequestParser();

  // The next bytes of the stream, as they arrived. Ignored once failed() or closed().
  void feed(std::string_view bytes);
  // The client closed its side. Fine between requests; in the middle of one it is an error
  // (next() throws it after the complete requests).
  void feed_eof();

  // The next complete request; std::nullopt until more bytes arrive; the ProtocolError once the
  // complete requests before it are taken.
  std::optional<Request> next();

  // Has part of a request arrived (at least its first byte) and not all of it?
  bool in_message() const noexcept;
  // Did a complete request end the connection (Request::keep_alive false)?
  bool closed() const noexcept;
  // Did the stream hold an error (which next() throws once the requests before it are taken)?
  bool failed() const noexcept;
  const Limits& limits() const noexcept;

 private:
  std::unique_ptr<detail::ParserCore> core_;
};

// Client side: responses from a server.
class ResponseParser {
 public:
  explicit ResponseParser(Limits limits = {});
  ResponseParser(ResponseParser&&) noexcept;
  ResponseParser& operator=(ResponseParser&&) noexcept;
  ~ResponseParser();

  // Announce the method of each request sent, in order: the response to a HEAD has no body
  // whatever its Content-Length says, and only the client knows which response that is. A
  // response nobody announced is read as the answer to a GET.
  void expect_response_to(std::string_view method);

  // As RequestParser::feed.
  void feed(std::string_view bytes);
  // The server closed the connection: completes a response whose body lasts until then, and is
  // an error in the middle of any other response.
  void feed_eof();

  // The next complete response (interim 1xx responses are skipped); std::nullopt until more
  // bytes arrive; the ProtocolError once the complete responses before it are taken.
  std::optional<Response> next();

  bool in_message() const noexcept;
  bool closed() const noexcept;
  bool failed() const noexcept;
  const Limits& limits() const noexcept;

 private:
  std::unique_ptr<detail::ParserCore> core_;
};

}  // namespace aio::http
