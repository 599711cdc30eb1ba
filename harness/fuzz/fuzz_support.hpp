// Shared by the framing fuzz targets: how an input is split and configured, what a parse gives,
// and the invariants every input must keep. A broken invariant prints what differed and aborts,
// which libFuzzer records as a crash (with the input, under artifacts/).
//
// An input is the raw byte stream, so the seed corpus is plain HTTP written by hand. Everything
// else is derived from a hash of it: where the stream is cut into feed() calls, and (for one
// input in four) small limits, so that the limit checks are reached by inputs of a few hundred
// bytes.
#pragma once

#include <aio/http/parser.hpp>
#include <aio/http/serialize.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline std::uint64_t hash_of(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// xorshift64*: a small deterministic generator, seeded by the input's hash.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed | 1) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 2685821657736338717ULL;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// Cut points: mostly short pieces (1 to 8 bytes, the hard cases), sometimes long ones.
inline std::vector<std::size_t> cuts_for(std::size_t size, Random& random) {
  std::vector<std::size_t> cuts;
  std::size_t at = 0;
  while (true) {
    at += random.below(4) == 0 ? 1 + random.below(300) : 1 + random.below(8);
    if (at >= size) break;
    cuts.push_back(at);
  }
  return cuts;
}

inline aio::http::Limits limits_for(Random& random) {
  aio::http::Limits limits;
  if (random.below(4) == 0) {
    limits.max_head_bytes = 8 + random.below(400);
    limits.max_headers = random.below(8);
    limits.max_body_bytes = random.below(300);
  }
  return limits;
}

// Limits that a message which passed any limits cannot reach once serialized again (a
// serialized head may be a little longer: "Name:v" becomes "Name: v", Content-Length is added).
inline aio::http::Limits roomy_limits() {
  aio::http::Limits limits;
  limits.max_head_bytes = 1 << 22;
  limits.max_headers = 1 << 16;
  limits.max_body_bytes = 1 << 24;
  return limits;
}

template <class Message>
struct Outcome {
  std::vector<Message> messages;
  std::optional<std::string> error;
  int status = 0;
  bool closed = false;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

template <class Message, class Parser>
Outcome<Message> run(Parser& parser, std::string_view bytes, const std::vector<std::size_t>& cuts) {
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    parser.feed(bytes.substr(from, cut - from));
    from = cut;
  }
  parser.feed(bytes.substr(from));
  parser.feed_eof();
  Outcome<Message> outcome;
  // Only a ProtocolError may come out of next(): anything else escapes and is a crash.
  try {
    while (auto message = parser.next()) outcome.messages.push_back(std::move(*message));
  } catch (const aio::http::ProtocolError& e) {
    outcome.error = e.what();
    outcome.status = e.status();
    if (e.status() != 400 && e.status() != 413 && e.status() != 431 && e.status() != 501 &&
        e.status() != 505) {
      std::fprintf(stderr, "unexpected status %d for: %s\n", e.status(), e.what());
      std::abort();
    }
  }
  outcome.closed = parser.closed();
  return outcome;
}

[[noreturn]] inline void broken(const char* invariant, const std::string& detail) {
  std::fprintf(stderr, "\n*** invariant broken: %s\n%s\n", invariant, detail.c_str());
  std::abort();
}

inline std::string describe(const std::optional<std::string>& error, std::size_t messages) {
  return std::to_string(messages) + " message(s), error: " + (error ? *error : "none");
}

}  // namespace fuzz
