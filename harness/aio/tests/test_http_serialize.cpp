// aio::http::serialize: exact bytes, Content-Length always ours, Host required, header
// injection refused, and every serialized message parses back to itself.
#include <aio/http/serialize.hpp>
#include <stdexcept>
#include <string>

#include "test_http_support.hpp"

namespace {

using aio::http::Headers;
using aio::http::make_request;
using aio::http::parse_url;
using aio::http::Request;
using aio::http::Response;
using aio::http::serialize;
using aio::http::Version;

TEST(HttpSerialize, AGetFromAUrl) {
  const Request r = make_request("GET", parse_url("http://127.0.0.1:8080/users/python?x=1"), "",
                                 Headers{{"Accept", "application/json"}});
  EXPECT_EQ(serialize(r),
            "GET /users/python?x=1 HTTP/1.1\r\n"
            "Host: 127.0.0.1:8080\r\n"
            "Accept: application/json\r\n"
            "\r\n");
}

TEST(HttpSerialize, APostWithABodyGetsItsContentLength) {
  const Request r = make_request("POST", parse_url("http://example.com/submit"), "{\"a\":1}",
                                 Headers{{"Content-Type", "application/json"}});
  EXPECT_EQ(serialize(r),
            "POST /submit HTTP/1.1\r\n"
            "Host: example.com\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 7\r\n"
            "\r\n"
            "{\"a\":1}");
  const Request empty_post = make_request("POST", parse_url("http://example.com/"));
  EXPECT_TRUE(http_test::contains(serialize(empty_post), "Content-Length: 0\r\n"));
}

TEST(HttpSerialize, HeadersMayOverrideHost) {
  const Request r =
      make_request("GET", parse_url("http://127.0.0.1:9/"), "", Headers{{"host", "virtual.test"}});
  EXPECT_EQ(r.headers, (Headers{{"host", "virtual.test"}}));
}

TEST(HttpSerialize, FramingIsAlwaysOurContentLength) {
  Request r = make_request("PUT", parse_url("http://h/x"), "abc");
  r.headers.add("Transfer-Encoding", "chunked");  // a lie about the body: dropped
  r.headers.add("content-length", "99");          // also dropped
  EXPECT_EQ(serialize(r), "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
}

TEST(HttpSerialize, RefusesHeaderInjectionAndBadNames) {
  Request r = make_request("GET", parse_url("http://h/"));
  r.headers.add("X-Evil", "a\r\nContent-Length: 5");
  EXPECT_THROW((void)serialize(r), std::invalid_argument);
  Request bad_name = make_request("GET", parse_url("http://h/"));
  bad_name.headers.add("Bad Name", "x");
  EXPECT_THROW((void)serialize(bad_name), std::invalid_argument);
  Request bad_target = make_request("GET", parse_url("http://h/"));
  bad_target.target = "/a b";
  EXPECT_THROW((void)serialize(bad_target), std::invalid_argument);
  Request bad_method = make_request("GE T", parse_url("http://h/"));
  EXPECT_THROW((void)serialize(bad_method), std::invalid_argument);
}

TEST(HttpSerialize, AnHttp11RequestNeedsExactlyOneHost) {
  Request r;
  EXPECT_THROW((void)serialize(r), std::invalid_argument);
  r.headers.add("Host", "a");
  EXPECT_NO_THROW((void)serialize(r));
  r.headers.add("Host", "b");
  EXPECT_THROW((void)serialize(r), std::invalid_argument);
  Request old;
  old.version = Version::Http10;
  EXPECT_EQ(serialize(old), "GET / HTTP/1.0\r\n\r\n");
}

TEST(HttpSerialize, AResponse) {
  Response r;
  r.status = 404;
  r.headers.add("Content-Type", "text/plain");
  r.body = "no such user";
  EXPECT_EQ(serialize(r),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n"
            "no such user");
  r.reason = "Nobody Here";
  EXPECT_TRUE(http_test::contains(serialize(r), "HTTP/1.1 404 Nobody Here\r\n"));
}

TEST(HttpSerialize, TheAnswerToAHeadHasTheLengthButNotTheBody) {
  Response r;
  r.body = "hello";
  EXPECT_EQ(serialize(r, /*to_head_request=*/true), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
}

TEST(HttpSerialize, NoContentHasNoLengthAndNoBody) {
  Response r;
  r.status = 204;
  EXPECT_EQ(serialize(r), "HTTP/1.1 204 No Content\r\n\r\n");
  r.body = "x";
  EXPECT_THROW((void)serialize(r), std::invalid_argument);
  Response bad;
  bad.status = 42;
  EXPECT_THROW((void)serialize(bad), std::invalid_argument);
}

TEST(HttpSerialize, ARequestParsesBackToItself) {
  Request r = make_request("POST", parse_url("http://example.com:81/a?b=c"),
                           std::string("body\r\nwith\0bytes", 16),
                           Headers{{"X-One", "1"}, {"x-two", "two words"}, {"X-One", "again"}});
  const std::string bytes = serialize(r);
  const auto outcome = http_test::parse_requests(bytes);
  ASSERT_EQ(outcome.messages.size(), 1u) << ::testing::PrintToString(outcome);
  Request expected = r;
  expected.headers.add("Content-Length", std::to_string(r.body.size()));
  EXPECT_EQ(outcome.messages[0], expected);
}

TEST(HttpSerialize, AResponseParsesBackToItself) {
  Response r;
  r.status = 201;
  r.reason = "Created";
  r.headers = Headers{{"Location", "/users/7"}, {"Connection", "close"}};
  r.body = "{}";
  const auto outcome = http_test::parse_responses(serialize(r));
  ASSERT_EQ(outcome.messages.size(), 1u) << ::testing::PrintToString(outcome);
  Response expected = r;
  expected.headers.add("Content-Length", "2");
  expected.keep_alive = false;
  EXPECT_EQ(outcome.messages[0], expected);
}

}  // namespace
