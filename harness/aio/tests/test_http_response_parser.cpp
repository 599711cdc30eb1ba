// aio::http::ResponseParser: responses in any split, bodies by Content-Length, chunks or the
// end of the connection; no body after HEAD, 1xx, 204, 304; keep-alive; rejections.
#include <string>
#include <vector>

#include "test_http_support.hpp"

namespace {

using aio::http::Headers;
using aio::http::Limits;
using aio::http::Response;
using aio::http::Version;
using http_test::contains;
using http_test::every_byte;
using http_test::Outcome;
using http_test::parse_responses;

const std::string json_response =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 28\r\n"
    "\r\n"
    "{\"login\": \"python\", \"id\": 1}";

const std::string chunked_response =
    "HTTP/1.1 201 Created\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "4;kind=first\r\n"
    "Wiki\r\n"
    "6\r\n"
    "pedia \r\n"
    "e\r\n"
    "in \r\n"
    "\r\n"
    "chunks.\r\n"
    "0\r\n"
    "Expires: never\r\n"
    "\r\n";

Response expected_json() {
  Response r;
  r.status = 200;
  r.reason = "OK";
  r.headers = Headers{{"Content-Type", "application/json"}, {"Content-Length", "28"}};
  r.body = "{\"login\": \"python\", \"id\": 1}";
  return r;
}

Response expected_chunked() {
  Response r;
  r.status = 201;
  r.reason = "Created";
  r.headers = Headers{{"Transfer-Encoding", "chunked"}};
  r.body = "Wikipedia in \r\n\r\nchunks.";
  r.trailers = Headers{{"Expires", "never"}};
  return r;
}

Outcome<Response> just(std::vector<Response> messages, bool closed = false) {
  Outcome<Response> outcome;
  outcome.messages = std::move(messages);
  outcome.closed = closed;
  return outcome;
}

// The error a stream ends in, the same whatever the split.
std::pair<std::string, int> rejection_of(const std::string& bytes, bool eof = false,
                                         Limits limits = {}) {
  const auto outcome = parse_responses(bytes, {}, limits, eof);
  EXPECT_EQ(outcome, parse_responses(bytes, every_byte(bytes), limits, eof))
      << "a byte-by-byte feed decided differently";
  if (!outcome.error) {
    ADD_FAILURE() << "accepted: " << ::testing::PrintToString(outcome);
    return {};
  }
  EXPECT_TRUE(contains(*outcome.error, "invalid HTTP response: ")) << *outcome.error;
  return {*outcome.error, outcome.status};
}

// ---- every split point ------------------------------------------------------------------------

TEST(HttpResponseParser, ParsesAJsonResponseAtEverySplitPoint) {
  const auto expected = just({expected_json()});
  for (std::size_t cut = 0; cut <= json_response.size(); ++cut) {
    EXPECT_EQ(parse_responses(json_response, {cut}), expected) << "cut at " << cut;
  }
  EXPECT_EQ(parse_responses(json_response, every_byte(json_response)), expected);
  EXPECT_EQ(parse_responses(json_response).messages.at(0).json()["login"], "python");
}

TEST(HttpResponseParser, ParsesChunksWithCrlfInsideTheDataAtEverySplitPoint) {
  // The third chunk's data holds CRLFs: data is counted, never scanned for line ends.
  const auto expected = just({expected_chunked()});
  for (std::size_t cut = 0; cut <= chunked_response.size(); ++cut) {
    EXPECT_EQ(parse_responses(chunked_response, {cut}), expected) << "cut at " << cut;
  }
  EXPECT_EQ(parse_responses(chunked_response, every_byte(chunked_response)), expected);
}

TEST(HttpResponseParser, PipelinedResponsesComeOutInOrder) {
  const std::string stream = json_response + chunked_response + json_response;
  const auto expected = just({expected_json(), expected_chunked(), expected_json()});
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    EXPECT_EQ(parse_responses(stream, {cut}), expected) << "cut at " << cut;
  }
}

TEST(HttpResponseParser, AStatusLineWithoutReasonIsFine) {
  const auto outcome = parse_responses(
      "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n"
      "HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(outcome.messages.size(), 2u) << ::testing::PrintToString(outcome);
  EXPECT_EQ(outcome.messages[0].status, 404);
  EXPECT_EQ(outcome.messages[0].reason, "");
  EXPECT_EQ(outcome.messages[1].status, 500);
  EXPECT_FALSE(outcome.messages[1].ok());
}

// ---- bodies that end with the connection ------------------------------------------------------

TEST(HttpResponseParser, ABodyWithoutLengthLastsUntilTheServerCloses) {
  const std::string stream = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it, until";
  aio::http::ResponseParser parser;
  parser.feed(stream);
  EXPECT_FALSE(parser.next()) << "not complete before the close";
  EXPECT_TRUE(parser.in_message());
  parser.feed(" the end");
  parser.feed_eof();
  const auto response = parser.next();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "all of it, until the end");
  EXPECT_FALSE(response->keep_alive) << "the connection is over";
  // At every split point too.
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const auto outcome = parse_responses(stream, {cut}, {}, /*eof=*/true);
    ASSERT_EQ(outcome.messages.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(outcome.messages[0].body, "all of it, until");
  }
}

TEST(HttpResponseParser, AnHttp10ResponseWithoutLengthEndsWithTheConnection) {
  const auto outcome = parse_responses("HTTP/1.0 200 OK\r\n\r\nhello", {}, {}, true);
  ASSERT_EQ(outcome.messages.size(), 1u);
  EXPECT_EQ(outcome.messages[0].version, Version::Http10);
  EXPECT_EQ(outcome.messages[0].body, "hello");
}

TEST(HttpResponseParser, AnEndlessBodyIsCutAtTheCap) {
  Limits limits;
  limits.max_body_bytes = 10;
  aio::http::ResponseParser parser(limits);
  parser.feed("HTTP/1.1 200 OK\r\n\r\n0123456789");
  EXPECT_FALSE(parser.failed());
  parser.feed("x");
  ASSERT_TRUE(parser.failed());
  try {
    (void)parser.next();
  } catch (const aio::http::ProtocolError& e) {
    EXPECT_EQ(e.status(), 413);
    EXPECT_STREQ(e.what(), "invalid HTTP response: the body is larger than the limit of 10 bytes");
  }
}

TEST(HttpResponseParser, TheConnectionClosingEarlyIsAnError) {
  const auto in_body = rejection_of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true);
  EXPECT_EQ(in_body.first,
            "invalid HTTP response: the connection closed in the middle of the response, after 3 "
            "of 10 body bytes");
  const auto in_head = rejection_of("HTTP/1.1 200 OK\r\nContent-Le", true);
  EXPECT_TRUE(contains(in_head.first, "before the end of its headers")) << in_head.first;
  // Between responses it is not an error: no response was cut.
  EXPECT_EQ(parse_responses(json_response, {}, {}, true), just({expected_json()}));
}

// ---- responses without a body -----------------------------------------------------------------

TEST(HttpResponseParser, TheAnswerToAHeadHasNoBodyWhateverItsContentLength) {
  const std::string stream = "HTTP/1.1 200 OK\r\nContent-Length: 28\r\n\r\n"  // answers the HEAD
                             + json_response;                                 // answers the GET
  const auto outcome = parse_responses(stream, {}, {}, false, {"HEAD", "GET"});
  ASSERT_EQ(outcome.messages.size(), 2u) << ::testing::PrintToString(outcome);
  EXPECT_EQ(outcome.messages[0].body, "");
  EXPECT_EQ(outcome.messages[0].headers.get("Content-Length"), "28");
  EXPECT_EQ(outcome.messages[1], expected_json());
  // Without being told, the parser reads the first response's "body" from the second one.
  const auto unannounced = parse_responses(stream);
  ASSERT_FALSE(unannounced.messages.empty());
  EXPECT_EQ(unannounced.messages[0].body, json_response.substr(0, 28));
}

TEST(HttpResponseParser, TheAnswerToAHeadMayEvenSayChunked) {
  const auto outcome =
      parse_responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + json_response, {},
                      {}, false, {"HEAD", "GET"});
  ASSERT_EQ(outcome.messages.size(), 2u) << ::testing::PrintToString(outcome);
  EXPECT_EQ(outcome.messages[0].body, "");
  EXPECT_EQ(outcome.messages[1], expected_json());
}

TEST(HttpResponseParser, NoContentAndNotModifiedHaveNoBody) {
  for (const char* status_line : {"HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified"}) {
    SCOPED_TRACE(status_line);
    const auto outcome =
        parse_responses(std::string(status_line) + "\r\nContent-Length: 5\r\n\r\n" + json_response);
    ASSERT_EQ(outcome.messages.size(), 2u) << ::testing::PrintToString(outcome);
    EXPECT_EQ(outcome.messages[0].body, "");
    EXPECT_EQ(outcome.messages[1], expected_json());
  }
}

TEST(HttpResponseParser, InterimResponsesAreSkipped) {
  const std::string interim =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n";
  const std::string head_answer = "HTTP/1.1 200 OK\r\nContent-Length: 28\r\n\r\n";
  const std::string stream = interim + head_answer + json_response;
  // The interim responses do not use up the requests announced: the HEAD is the first final one.
  const auto outcome = parse_responses(stream, {}, {}, false, {"HEAD", "GET"});
  ASSERT_EQ(outcome.messages.size(), 2u) << ::testing::PrintToString(outcome);
  EXPECT_EQ(outcome.messages[0].status, 200);
  EXPECT_EQ(outcome.messages[0].body, "");
  EXPECT_EQ(outcome.messages[1], expected_json());
  EXPECT_EQ(parse_responses(stream, every_byte(stream), {}, false, {"HEAD", "GET"}), outcome);
}

TEST(HttpResponseParser, ResponsesAreMatchedToTheirRequestsInOrder) {
  const std::string head_answer = "HTTP/1.1 200 OK\r\nContent-Length: 28\r\n\r\n";
  const auto outcome = parse_responses(json_response + head_answer + json_response, {}, {}, false,
                                       {"GET", "HEAD", "GET"});
  ASSERT_EQ(outcome.messages.size(), 3u) << ::testing::PrintToString(outcome);
  EXPECT_EQ(outcome.messages[0], expected_json());
  EXPECT_EQ(outcome.messages[1].body, "");
  EXPECT_EQ(outcome.messages[2], expected_json());
}

// ---- keep-alive -------------------------------------------------------------------------------

TEST(HttpResponseParser, KeepAliveIsDecidedPerResponse) {
  struct Case {
    std::string head;
    bool keep_alive;
  };
  const std::vector<Case> cases = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", true},
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n", false},
      {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n", false},
      {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n", true},
  };
  for (const Case& c : cases) {
    const auto outcome = parse_responses(c.head + "\r\n");
    ASSERT_EQ(outcome.messages.size(), 1u) << c.head;
    EXPECT_EQ(outcome.messages[0].keep_alive, c.keep_alive) << c.head;
    EXPECT_EQ(outcome.closed, !c.keep_alive) << c.head;
  }
}

// ---- rejections -------------------------------------------------------------------------------

TEST(HttpResponseParser, RefusesWhatARequestParserRefuses) {
  EXPECT_EQ(
      rejection_of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "0\r\n\r\n")
          .second,
      400);
  EXPECT_TRUE(
      contains(rejection_of("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n").first, "bare LF"));
  EXPECT_TRUE(
      contains(rejection_of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n").first, "bare LF"));
  EXPECT_TRUE(
      contains(rejection_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n").first,
               "bad chunk size"));
  EXPECT_TRUE(contains(rejection_of("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n").first,
                       "Content-Length is not a decimal number"));
  EXPECT_TRUE(contains(rejection_of("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n").first,
                       "obsolete line folding"));
}

TEST(HttpResponseParser, RefusesBadStatusLines) {
  EXPECT_TRUE(contains(rejection_of("HTTP/1.1 2000 OK\r\n\r\n").first, "invalid status code"));
  EXPECT_TRUE(contains(rejection_of("HTTP/1.1 042 Odd\r\n\r\n").first,
                       "status code 42 is not a valid status"));
  EXPECT_TRUE(contains(rejection_of("HTTP/1.1 OK\r\n\r\n").first, "invalid status code"));
  EXPECT_EQ(rejection_of("HTTP/2.0 200 OK\r\n\r\n").second, 505);
  EXPECT_TRUE(contains(rejection_of("ICE/1.0 200 OK\r\n\r\n").first, "malformed response"));
  EXPECT_TRUE(contains(rejection_of("<html>hello</html>").first, "malformed response"));
}

TEST(HttpResponseParser, RefusesAProtocolSwitch) {
  const auto r = rejection_of(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
  EXPECT_EQ(r.first,
            "invalid HTTP response: 101 Switching Protocols: protocol upgrades are not supported");
}

TEST(HttpResponseParser, AppliesTheHeadLimit) {
  std::string head = "HTTP/1.1 200 OK\r\nX-Pad: ";
  head.append(8192 - head.size() - 4, 'p');
  head += "\r\n\r\n";
  ASSERT_EQ(head.size(), 8192u);
  EXPECT_EQ(parse_responses(head, {}, {}, true).messages.size(), 1u);
  head.insert(20, "p");
  const auto over = rejection_of(head, true);
  EXPECT_EQ(over.second, 431);
  EXPECT_EQ(over.first,
            "invalid HTTP response: the status line and headers are larger than 8192 bytes");
}

}  // namespace

// ---- found by fuzzing -------------------------------------------------------------------------

namespace {

TEST(HttpResponseParserFoundByFuzzing, ABadReasonAndTheHeadLimitGiveOneErrorWhateverTheSplit) {
  // The reason phrase holds a NUL (llhttp passes it on), and the head limit falls on the CR
  // after it. The reason is checked when the head ends, so the head limit, met first in the
  // stream, is reported in every split.
  Limits limits;
  limits.max_head_bytes = 30;
  const char raw[] =
      "HTTP/1.1 100 Coontinu\x8e\xe9\xb4\x00p`\x00\x00"
      "e\r\n\r\n";
  const std::string stream(raw, sizeof raw - 1);
  ASSERT_EQ(stream.find('\r'), 30u);
  const auto [error, status] = rejection_of(stream, false, limits);
  EXPECT_EQ(status, 431) << error;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    EXPECT_EQ(parse_responses(stream, {cut}, limits).error, error) << "cut at " << cut;
  }
  EXPECT_TRUE(contains(rejection_of(stream).first, "invalid character in the reason phrase"));
}

}  // namespace
