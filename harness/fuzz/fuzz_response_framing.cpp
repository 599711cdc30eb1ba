// libFuzzer target: aio::http::ResponseParser on arbitrary bytes, some responses announced as
// answers to HEAD.
//
// Invariants, for every input:
//  1. no crash, leak or undefined behaviour (ASan + UBSan), and nothing but ProtocolError thrown;
//  2. the outcome (responses, error text, status) is the same fed whole and fed in random pieces;
//  3. every response parsed serializes without error, and the bytes parse back to one response
//     with the same status, version and body, which serializes to the same bytes again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

namespace {

void check_round_trip(const aio::http::Response& response) {
  const std::string bytes = aio::http::serialize(response);  // must not throw
  aio::http::ResponseParser parser(fuzz::roomy_limits());
  const auto again = fuzz::run<aio::http::Response>(parser, bytes, {});
  if (again.error || again.messages.size() != 1) {
    fuzz::broken("a serialized response parses back to one response",
                 bytes + "\n-> " + fuzz::describe(again.error, again.messages.size()));
  }
  const aio::http::Response& back = again.messages.front();
  if (back.status != response.status || back.version != response.version ||
      back.body != response.body) {
    fuzz::broken("the response parsed back has the same status, version and body", bytes);
  }
  if (aio::http::serialize(back) != bytes) {
    fuzz::broken("serializing the parsed-back response gives the same bytes", bytes);
  }
}

aio::http::ResponseParser announced(const aio::http::Limits& limits,
                                    const std::vector<std::string>& methods) {
  aio::http::ResponseParser parser(limits);
  for (const std::string& method : methods) parser.expect_response_to(method);
  return parser;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::Random random(fuzz::hash_of(input));
  const aio::http::Limits limits = fuzz::limits_for(random);
  // Up to four requests announced; each a HEAD one time in three.
  std::vector<std::string> methods(random.below(5));
  for (std::string& method : methods) method = random.below(3) == 0 ? "HEAD" : "GET";

  auto whole_parser = announced(limits, methods);
  const auto whole = fuzz::run<aio::http::Response>(whole_parser, input, {});
  auto split_parser = announced(limits, methods);
  const auto split =
      fuzz::run<aio::http::Response>(split_parser, input, fuzz::cuts_for(size, random));
  if (!(whole == split)) {
    fuzz::broken("the same outcome whole and in pieces",
                 "whole: " + fuzz::describe(whole.error, whole.messages.size()) +
                     "\nsplit: " + fuzz::describe(split.error, split.messages.size()));
  }
  for (const aio::http::Response& response : whole.messages) check_round_trip(response);
  return 0;
}
