// Character classes of HTTP/1.1 (RFC 9110 §5.6, RFC 9112), shared by the parsers and the
// serializer so that whatever one accepts the other can write back, and the reverse.
#pragma once

#include <string_view>

namespace aio::http::detail {

// tchar: the characters of a token (method, header name).
constexpr bool is_token_char(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

constexpr bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// Field values and reason phrases: visible ASCII, space, tab and obs-text (bytes >= 0x80).
// Every other control character, CR and LF above all, is refused.
constexpr bool is_text_char(unsigned char c) noexcept {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

constexpr bool is_text(std::string_view text) noexcept {
  for (unsigned char c : text) {
    if (!is_text_char(c)) return false;
  }
  return true;
}

constexpr bool is_optional_whitespace(char c) noexcept {
  return c == ' ' || c == '\t';
}

// A value without the whitespace around it (which is not part of a field value).
constexpr std::string_view trim_whitespace(std::string_view text) noexcept {
  while (!text.empty() && is_optional_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_optional_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

// A request target: visible ASCII only (no space, no control character, no byte >= 0x80: llhttp
// refuses those too; URLs percent-encode them).
constexpr bool is_target(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace aio::http::detail
