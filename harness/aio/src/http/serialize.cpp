#include "aio/http/serialize.hpp"

#include <stdexcept>

#include "syntax.hpp"

namespace aio::http {

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw std::invalid_argument("aio::http::serialize: " + what);
}

// Framing is ours: a message's own Content-Length or Transfer-Encoding would contradict the
// Content-Length we write.
bool is_framing_field(std::string_view name) {
  return equals_ignoring_case(name, "Content-Length") ||
         equals_ignoring_case(name, "Transfer-Encoding");
}

void write_fields(std::string& out, const Headers& headers) {
  for (const Field& field : headers) {
    if (is_framing_field(field.name)) continue;
    if (!detail::is_token(field.name)) refuse("invalid header name \"" + field.name + "\"");
    const std::string_view value = detail::trim_whitespace(field.value);
    if (!detail::is_text(value)) {
      refuse("the value of " + field.name + " holds a control character (CR, LF, NUL...)");
    }
    out.append(field.name).append(": ").append(value).append("\r\n");
  }
}

void write_content_length(std::string& out, std::size_t length) {
  out.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
}

// Methods whose requests carry a body by definition: they say Content-Length: 0 when it is
// empty (a server may otherwise answer 411 Length Required).
bool expects_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

std::string serialize(const Request& request) {
  if (!detail::is_token(request.method)) refuse("invalid method \"" + request.method + "\"");
  if (!detail::is_target(request.target)) {
    refuse("invalid request target \"" + request.target +
           "\" (no spaces or control characters; percent-encode them)");
  }
  const auto hosts = request.headers.get_all("Host");
  if (request.version == Version::Http11 && hosts.size() != 1) {
    refuse(hosts.empty() ? "an HTTP/1.1 request needs a Host header (make_request sets it)"
                         : "a request has one Host header, not " + std::to_string(hosts.size()));
  }
  std::string out;
  out.reserve(64 + request.target.size() + request.body.size());
  out.append(request.method).append(" ").append(request.target).append(" ");
  out.append(to_string(request.version)).append("\r\n");
  write_fields(out, request.headers);
  if (!request.body.empty() || expects_body(request.method)) {
    write_content_length(out, request.body.size());
  }
  out.append("\r\n").append(request.body);
  return out;
}

std::string serialize(const Response& response, bool to_head_request) {
  if (response.status < 100 || response.status > 999) {
    refuse("status " + std::to_string(response.status) + " is not a three-digit code");
  }
  const std::string_view reason =
      response.reason.empty() ? reason_phrase(response.status) : std::string_view(response.reason);
  if (!detail::is_text(reason)) refuse("the reason phrase holds a control character");
  const bool has_body = status_allows_body(response.status);
  if (!has_body && !response.body.empty()) {
    refuse("a " + std::to_string(response.status) + " response has no body");
  }
  std::string out;
  out.reserve(64 + response.body.size());
  out.append(to_string(response.version)).append(" ").append(std::to_string(response.status));
  out.append(" ").append(reason).append("\r\n");
  write_fields(out, response.headers);
  if (has_body) write_content_length(out, response.body.size());
  out.append("\r\n");
  if (!to_head_request) out.append(response.body);
  return out;
}

Request make_request(std::string_view method, const Url& url, std::string body, Headers headers) {
  Request request;
  request.method = std::string(method);
  request.target = url.target();
  request.headers.add("Host", url.host_header());
  for (const Field& field : headers) {
    if (equals_ignoring_case(field.name, "Host")) {
      request.headers.set(field.name, field.value);
    } else {
      request.headers.add(field.name, field.value);
    }
  }
  request.body = std::move(body);
  return request;
}

}  // namespace aio::http
