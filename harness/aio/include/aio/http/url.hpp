// The URLs a client can fetch: http://host[:port][/path][?query][#fragment].
//
//   auto url = aio::http::parse_url("http://127.0.0.1:8080/users/python?verbose=1");
//   url.host == "127.0.0.1", url.port == 8080, url.target() == "/users/python?verbose=1"
//
// https:// is refused with "TLS is not supported" (aio::http is plain TCP). A bad URL is an
// aio::http::InvalidUrl that quotes it and says what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aio::http {

struct Url {
  std::string host;    // "example.com", "127.0.0.1", or "::1" (brackets removed), lower case
  std::uint16_t port;  // 80 unless the URL says otherwise
  std::string path;    // "/" when the URL has none
  std::string query;   // without its '?'; "" when there is none

  // The request target: "/path" or "/path?query".
  std::string target() const;
  // The Host field: "host" on port 80, else "host:port"; an IPv6 address in brackets.
  std::string host_header() const;
  // "http://host:port/path?query", the port only when it is not 80.
  std::string to_string() const;

  friend bool operator==(const Url&, const Url&) = default;
};

// Parses an absolute http:// URL; the fragment, if any, is dropped (it never goes on the wire).
Url parse_url(std::string_view text);

}  // namespace aio::http
