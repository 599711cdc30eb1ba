#include "aio/http/url.hpp"

#include <cctype>

#include "aio/http/errors.hpp"
#include "aio/http/message.hpp"

namespace aio::http {

namespace {

[[noreturn]] void refuse(std::string_view url, const std::string& what) {
  throw InvalidUrl("invalid URL \"" + std::string(url) + "\": " + what);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

bool is_host_char(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_ipv6_char(unsigned char c) {
  return std::isxdigit(c) || c == ':' || c == '.';
}

// Path and query: visible ASCII. A space or a byte >= 0x80 must be percent-encoded.
void check_path_chars(std::string_view url, std::string_view part, const char* name) {
  for (unsigned char c : part) {
    if (c == ' ')
      refuse(url, std::string("the ") + name + " holds a space (percent-encode it: %20)");
    if (c < 0x21 || c >= 0x7f) {
      refuse(url, std::string("the ") + name +
                      " holds a control character or a non-ASCII byte (percent-encode it)");
    }
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::uint16_t parse_port(std::string_view url, std::string_view digits) {
  if (digits.empty()) return 80;  // "http://host:/" (RFC 3986 allows an empty port)
  unsigned long value = 0;
  for (unsigned char c : digits) {
    if (!std::isdigit(c)) refuse(url, "the port \"" + std::string(digits) + "\" is not a number");
    value = value * 10 + (c - '0');
    if (value > 65535) refuse(url, "the port " + std::string(digits) + " is over 65535");
  }
  if (value == 0) refuse(url, "port 0 cannot be connected to");
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Url parse_url(std::string_view text) {
  if (starts_with_ignoring_case(text, "https://")) {
    refuse(text, "TLS is not supported (aio::http speaks plain HTTP/1.1 over TCP: use http://)");
  }
  if (!starts_with_ignoring_case(text, "http://")) {
    if (text.find("://") != std::string_view::npos) refuse(text, "only http:// URLs are supported");
    refuse(text, "not an absolute URL (expected http://host[:port][/path][?query])");
  }
  std::string_view rest = text.substr(7);
  // The fragment never goes on the wire.
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);

  const auto authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    refuse(text, "user names and passwords in URLs are not supported");
  }

  Url url;
  std::string_view port_digits;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) refuse(text, "an IPv6 address without its closing ]");
    const std::string_view address = authority.substr(1, close - 1);
    if (address.empty()) refuse(text, "an empty IPv6 address");
    for (unsigned char c : address) {
      if (!is_ipv6_char(c)) refuse(text, "invalid character in the IPv6 address");
    }
    url.host = lower(address);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') refuse(text, "unexpected characters after the IPv6 address");
      port_digits = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (host.empty()) refuse(text, "no host");
    for (unsigned char c : host) {
      if (!is_host_char(c)) refuse(text, "invalid character in the host name");
    }
    url.host = lower(host);
    if (colon != std::string_view::npos) port_digits = authority.substr(colon + 1);
  }
  url.port = parse_port(text, port_digits);

  const auto question = rest.find('?');
  url.path = std::string(rest.substr(0, question));
  if (url.path.empty()) url.path = "/";
  if (question != std::string_view::npos) url.query = std::string(rest.substr(question + 1));
  check_path_chars(text, url.path, "path");
  check_path_chars(text, url.query, "query");
  return url;
}

std::string Url::target() const {
  return query.empty() ? path : path + "?" + query;
}

std::string Url::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 80) out += ":" + std::to_string(port);
  return out;
}

std::string Url::to_string() const {
  return "http://" + host_header() + target();
}

}  // namespace aio::http
