// HTTP/1.1 messages as values: Headers, Request, Response.
//
// A parsed message holds its body whole (the parsers collect it, up to a cap), which is what a
// workbook client and test server need. Framing is not part of a message: parsers remove it
// (chunks, Content-Length), serialize() writes it again (always Content-Length).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aio::http {

// The HTTP versions aio::http speaks. Anything else is refused by the parsers (505).
enum class Version { Http10, Http11 };

// "HTTP/1.0" or "HTTP/1.1".
std::string_view to_string(Version version) noexcept;

// ASCII case-insensitive equality, as header names compare.
bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept;

// One header line: its name as it was written, and its value without surrounding whitespace.
struct Field {
  std::string name;
  std::string value;
  friend bool operator==(const Field&, const Field&) = default;
};

// The header fields of a message, in order, duplicates kept. Lookups ignore the case of names
// ("content-type" finds "Content-Type"); names keep the case they were given.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  // Appends a field (a second Set-Cookie is a second field).
  void add(std::string name, std::string value);
  // Replaces every field of this name by one (appended if there was none).
  void set(std::string name, std::string value);
  // Removes every field of this name; returns how many there were.
  std::size_t erase(std::string_view name);

  // The value of the first field of this name.
  std::optional<std::string_view> get(std::string_view name) const;
  // The values of every field of this name, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  // Does a comma-separated header (Connection, Transfer-Encoding) list this token, in any case?
  // `has_token("Connection", "close")` is true for "Connection: keep-alive, Close".
  bool has_token(std::string_view name, std::string_view token) const;

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }

  // Same fields, same order, same spelling.
  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Field> fields_;
};

struct Request {
  std::string method = "GET";
  std::string target = "/";  // as on the request line: "/users/python?x=1"
  Version version = Version::Http11;
  Headers headers;
  std::string body;
  Headers trailers;  // only from a chunked body that had some; serialize() does not send them
  // Set by the parser: may the connection carry another request after this one? (HTTP/1.1: yes
  // unless "Connection: close"; HTTP/1.0: only with "Connection: keep-alive".)
  bool keep_alive = true;

  // The path of the target without its query: "/users/python" (absolute-form targets too:
  // "http://host/a?b" gives "/a").
  std::string_view path() const noexcept;
  // The query without its '?': "x=1", or "" when there is none.
  std::string_view query() const noexcept;
  // The body parsed as JSON; InvalidJson if it is not.
  nlohmann::json json() const;

  friend bool operator==(const Request&, const Request&) = default;
};

struct Response {
  int status = 200;
  std::string reason;  // "" means the standard phrase for the status when serialized
  Version version = Version::Http11;
  Headers headers;
  std::string body;
  Headers trailers;  // only from a chunked body that had some; serialize() does not send them
  // Set by the parser: may the connection carry another request after this response? False
  // after "Connection: close", an HTTP/1.0 response without keep-alive, or a body that lasted
  // until the server closed the connection.
  bool keep_alive = true;

  bool ok() const noexcept { return status >= 200 && status < 300; }
  // The body parsed as JSON; InvalidJson if it is not.
  nlohmann::json json() const;

  friend bool operator==(const Response&, const Response&) = default;
};

// The standard reason phrase of a status ("Not Found"), or "" for a status without one.
std::string_view reason_phrase(int status) noexcept;

// May a response with this status have a body at all? Not 1xx, 204 or 304 (RFC 9110 §6.4.1).
bool status_allows_body(int status) noexcept;

}  // namespace aio::http
