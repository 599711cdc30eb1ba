// aio::http messages: case-insensitive header lookup, tokens, path and query, JSON bodies.
#include <aio/http/errors.hpp>
#include <aio/http/message.hpp>
#include <string>
#include <vector>

#include "test_http_support.hpp"

namespace {

using aio::http::Headers;
using aio::http::Request;
using aio::http::Response;

TEST(HttpHeaders, LookupIgnoresTheCaseOfNamesAndKeepsTheirSpelling) {
  Headers h;
  h.add("Content-Type", "text/plain");
  h.add("X-Custom", "1");
  EXPECT_EQ(h.get("content-type"), "text/plain");
  EXPECT_EQ(h.get("CONTENT-TYPE"), "text/plain");
  EXPECT_FALSE(h.get("Content-Typ"));
  EXPECT_FALSE(h.get("Content-Type2"));
  EXPECT_TRUE(h.contains("x-custom"));
  EXPECT_EQ(h.begin()->name, "Content-Type");
}

TEST(HttpHeaders, DuplicatesAreKeptInOrder) {
  Headers h{{"Set-Cookie", "a=1"}, {"Other", "x"}, {"set-cookie", "b=2"}};
  EXPECT_EQ(h.get("Set-Cookie"), "a=1") << "get() gives the first";
  EXPECT_EQ(h.get_all("SET-COOKIE"), (std::vector<std::string_view>{"a=1", "b=2"}));
  EXPECT_EQ(h.size(), 3u);
}

TEST(HttpHeaders, SetReplacesEveryFieldOfTheNameAndEraseCountsThem) {
  Headers h{{"A", "1"}, {"B", "2"}, {"a", "3"}};
  h.set("A", "9");
  EXPECT_EQ(h, (Headers{{"B", "2"}, {"A", "9"}}));
  EXPECT_EQ(h.erase("b"), 1u);
  EXPECT_EQ(h.erase("b"), 0u);
  EXPECT_EQ(h, (Headers{{"A", "9"}}));
}

TEST(HttpHeaders, HasTokenReadsCommaSeparatedLists) {
  Headers h{{"Connection", "keep-alive, Upgrade"}, {"connection", " CLOSE "}};
  EXPECT_TRUE(h.has_token("Connection", "close"));
  EXPECT_TRUE(h.has_token("connection", "upgrade"));
  EXPECT_TRUE(h.has_token("Connection", "Keep-Alive"));
  EXPECT_FALSE(h.has_token("Connection", "keep"));
  EXPECT_FALSE(h.has_token("Transfer-Encoding", "chunked"));
}

TEST(HttpRequest, PathAndQueryComeFromTheTarget) {
  Request r;
  r.target = "/users/python?verbose=1&x=2";
  EXPECT_EQ(r.path(), "/users/python");
  EXPECT_EQ(r.query(), "verbose=1&x=2");
  r.target = "/plain";
  EXPECT_EQ(r.path(), "/plain");
  EXPECT_EQ(r.query(), "");
  r.target = "http://example.com:8080/a/b?c";  // absolute form
  EXPECT_EQ(r.path(), "/a/b");
  EXPECT_EQ(r.query(), "c");
  r.target = "http://example.com";
  EXPECT_EQ(r.path(), "/");
  r.target = "*";
  EXPECT_EQ(r.path(), "*");
}

TEST(HttpResponse, JsonParsesTheBody) {
  Response r;
  r.body = R"({"login": "python", "id": 7})";
  const auto json = r.json();
  EXPECT_EQ(json["login"], "python");
  EXPECT_EQ(json["id"], 7);
  EXPECT_TRUE(r.ok());
  r.status = 404;
  EXPECT_FALSE(r.ok());
}

TEST(HttpResponse, JsonOnABodyThatIsNotJsonSaysSo) {
  Response r;
  r.body = "<html>Not Found</html>";
  try {
    (void)r.json();
    ADD_FAILURE() << "no error";
  } catch (const aio::http::InvalidJson& e) {
    EXPECT_TRUE(http_test::contains(e.what(), "the response body is not valid JSON")) << e.what();
  }
  Request q;
  q.body = "{";
  EXPECT_THROW((void)q.json(), aio::http::HttpError);
}

TEST(HttpStatus, ReasonPhrasesAndWhichStatusesHaveABody) {
  EXPECT_EQ(aio::http::reason_phrase(200), "OK");
  EXPECT_EQ(aio::http::reason_phrase(404), "Not Found");
  EXPECT_EQ(aio::http::reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(aio::http::reason_phrase(799), "");
  for (int status : {100, 101, 199, 204, 304}) EXPECT_FALSE(aio::http::status_allows_body(status));
  for (int status : {200, 201, 206, 301, 404, 500})
    EXPECT_TRUE(aio::http::status_allows_body(status));
}

}  // namespace
