#include "aio/http/message.hpp"

#include <algorithm>

#include "aio/http/errors.hpp"
#include "syntax.hpp"

namespace aio::http {

namespace {

constexpr char to_lower_ascii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

nlohmann::json parse_json(const std::string& body, const char* whose) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidJson(std::string("the ") + whose + " body is not valid JSON: " + e.what());
  }
}

}  // namespace

std::string_view to_string(Version version) noexcept {
  return version == Version::Http10 ? "HTTP/1.0" : "HTTP/1.1";
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower_ascii(x) == to_lower_ascii(y);
         });
}

// ---- Headers ----------------------------------------------------------------------------------

void Headers::add(std::string name, std::string value) {
  fields_.push_back(Field{std::move(name), std::move(value)});
}

void Headers::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

std::size_t Headers::erase(std::string_view name) {
  const auto before = fields_.size();
  std::erase_if(fields_, [name](const Field& f) { return equals_ignoring_case(f.name, name); });
  return before - fields_.size();
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const Field& f : fields_) {
    if (equals_ignoring_case(f.name, name)) return std::string_view(f.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Field& f : fields_) {
    if (equals_ignoring_case(f.name, name)) values.emplace_back(f.value);
  }
  return values;
}

bool Headers::has_token(std::string_view name, std::string_view token) const {
  for (std::string_view value : get_all(name)) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      const std::string_view item = detail::trim_whitespace(value.substr(0, comma));
      if (equals_ignoring_case(item, token)) return true;
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return false;
}

// ---- Request, Response ------------------------------------------------------------------------

std::string_view Request::path() const noexcept {
  std::string_view rest = target;
  // Absolute form ("http://host/a?b", which a server must accept): skip scheme and authority.
  if (!rest.empty() && rest.front() != '/') {
    const auto scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos) return rest.substr(0, rest.find('?'));  // "*"
    rest.remove_prefix(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?");
    if (path_start == std::string_view::npos) return "/";
    rest.remove_prefix(path_start);
    if (rest.front() == '?') return "/";
  }
  return rest.substr(0, rest.find('?'));
}

std::string_view Request::query() const noexcept {
  const auto question = target.find('?');
  if (question == std::string::npos) return {};
  return std::string_view(target).substr(question + 1);
}

nlohmann::json Request::json() const {
  return parse_json(body, "request");
}
nlohmann::json Response::json() const {
  return parse_json(body, "response");
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

bool status_allows_body(int status) noexcept {
  return status >= 200 && status != 204 && status != 304;
}

}  // namespace aio::http
