// libFuzzer target: aio::http::RequestParser on arbitrary bytes.
//
// Invariants, for every input:
//  1. no crash, leak or undefined behaviour (ASan + UBSan), and nothing but ProtocolError thrown;
//  2. the outcome (requests, error text, status) is the same fed whole and fed in random pieces;
//  3. every request parsed serializes without error, and the bytes parse back to one request
//     with the same method, target, version, body and keep-alive, which serializes to the same
//     bytes again.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

namespace {

void check_round_trip(const aio::http::Request& request) {
  const std::string bytes = aio::http::serialize(request);  // must not throw
  aio::http::RequestParser parser(fuzz::roomy_limits());
  const auto again = fuzz::run<aio::http::Request>(parser, bytes, {});
  if (again.error || again.messages.size() != 1) {
    fuzz::broken("a serialized request parses back to one request",
                 bytes + "\n-> " + fuzz::describe(again.error, again.messages.size()));
  }
  const aio::http::Request& back = again.messages.front();
  if (back.method != request.method || back.target != request.target ||
      back.version != request.version || back.body != request.body ||
      back.keep_alive != request.keep_alive) {
    fuzz::broken("the request parsed back has the same method, target, version, body, keep-alive",
                 bytes);
  }
  if (aio::http::serialize(back) != bytes) {
    fuzz::broken("serializing the parsed-back request gives the same bytes", bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::Random random(fuzz::hash_of(input));
  const aio::http::Limits limits = fuzz::limits_for(random);

  aio::http::RequestParser whole_parser(limits);
  const auto whole = fuzz::run<aio::http::Request>(whole_parser, input, {});
  aio::http::RequestParser split_parser(limits);
  const auto split = fuzz::run<aio::http::Request>(split_parser, input, fuzz::cuts_for(size, random));
  if (!(whole == split)) {
    fuzz::broken("the same outcome whole and in pieces",
                 "whole: " + fuzz::describe(whole.error, whole.messages.size()) +
                     "\nsplit: " + fuzz::describe(split.error, split.messages.size()));
  }
  for (const aio::http::Request& request : whole.messages) check_round_trip(request);
  return 0;
}
