// Helpers for aio::http's tests: feed a stream in chosen pieces, collect what came out.
#pragma once

#include <gtest/gtest.h>

#include <aio/http/parser.hpp>
#include <aio/http/serialize.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace aio::http {

// gtest prints these on failure (found by argument-dependent lookup).
inline void PrintTo(const Headers& headers, std::ostream* out) {
  *out << "{";
  for (const Field& f : headers) *out << " [" << f.name << ": " << f.value << "]";
  *out << " }";
}
inline void PrintTo(const Request& r, std::ostream* out) {
  *out << r.method << " " << r.target << " " << to_string(r.version)
       << " keep_alive=" << r.keep_alive << " headers=";
  PrintTo(r.headers, out);
  *out << " body=\"" << r.body << "\" trailers=";
  PrintTo(r.trailers, out);
}
inline void PrintTo(const Response& r, std::ostream* out) {
  *out << to_string(r.version) << " " << r.status << " \"" << r.reason
       << "\" keep_alive=" << r.keep_alive << " headers=";
  PrintTo(r.headers, out);
  *out << " body=\"" << r.body << "\" trailers=";
  PrintTo(r.trailers, out);
}

}  // namespace aio::http

namespace http_test {

// Everything a parser made of a stream: the messages, then the error if there was one.
template <class Message>
struct Outcome {
  std::vector<Message> messages;
  std::optional<std::string> error;
  int status = 0;  // the error's status
  bool closed = false;
  bool in_message = false;

  friend bool operator==(const Outcome&, const Outcome&) = default;
};

template <class Message>
void PrintTo(const Outcome<Message>& outcome, std::ostream* out) {
  *out << outcome.messages.size() << " message(s):";
  for (const Message& m : outcome.messages) {
    *out << "\n  ";
    aio::http::PrintTo(m, out);
  }
  *out << "\n  error: " << (outcome.error ? *outcome.error : "none") << " (" << outcome.status
       << ")";
}

// Takes every message and then the error out of a parser.
template <class Message, class Parser>
Outcome<Message> drain(Parser& parser) {
  Outcome<Message> outcome;
  try {
    while (auto message = parser.next()) outcome.messages.push_back(std::move(*message));
  } catch (const aio::http::ProtocolError& e) {
    outcome.error = e.what();
    outcome.status = e.status();
  }
  outcome.closed = parser.closed();
  outcome.in_message = parser.in_message();
  return outcome;
}

// Feeds `bytes` cut at `cuts` (increasing offsets), then EOF if asked.
template <class Parser, class Message = decltype(*std::declval<Parser&>().next())>
auto parse_in_pieces(Parser& parser, std::string_view bytes, const std::vector<std::size_t>& cuts,
                     bool eof = false) {
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    parser.feed(bytes.substr(from, cut - from));
    from = cut;
  }
  parser.feed(bytes.substr(from));
  if (eof) parser.feed_eof();
  return drain<std::remove_cvref_t<Message>>(parser);
}

inline Outcome<aio::http::Request> parse_requests(std::string_view bytes,
                                                  const std::vector<std::size_t>& cuts = {},
                                                  aio::http::Limits limits = {}, bool eof = false) {
  aio::http::RequestParser parser(limits);
  return parse_in_pieces(parser, bytes, cuts, eof);
}

inline Outcome<aio::http::Response> parse_responses(std::string_view bytes,
                                                    const std::vector<std::size_t>& cuts = {},
                                                    aio::http::Limits limits = {}, bool eof = false,
                                                    const std::vector<std::string>& methods = {}) {
  aio::http::ResponseParser parser(limits);
  for (const std::string& method : methods) parser.expect_response_to(method);
  return parse_in_pieces(parser, bytes, cuts, eof);
}

// Cut points that feed one byte at a time.
inline std::vector<std::size_t> every_byte(std::string_view bytes) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < bytes.size(); ++i) cuts.push_back(i);
  return cuts;
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace http_test
