// aio::http::parse_url: http://host[:port][/path][?query], and clear errors for the rest.
#include <aio/http/errors.hpp>
#include <aio/http/url.hpp>
#include <string>

#include "test_http_support.hpp"

namespace {

using aio::http::parse_url;
using aio::http::Url;

TEST(HttpUrl, ParsesHostPortPathAndQuery) {
  const Url url = parse_url("http://127.0.0.1:8080/users/python?verbose=1");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.path, "/users/python");
  EXPECT_EQ(url.query, "verbose=1");
  EXPECT_EQ(url.target(), "/users/python?verbose=1");
  EXPECT_EQ(url.host_header(), "127.0.0.1:8080");
  EXPECT_EQ(url.to_string(), "http://127.0.0.1:8080/users/python?verbose=1");
}

TEST(HttpUrl, DefaultsToPort80AndPathSlash) {
  const Url url = parse_url("HTTP://Example.COM");
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.target(), "/");
  EXPECT_EQ(url.host_header(), "example.com");
  EXPECT_EQ(url.to_string(), "http://example.com/");
  EXPECT_EQ(parse_url("http://example.com?q=1").target(), "/?q=1");
  EXPECT_EQ(parse_url("http://example.com:/x").port, 80);
}

TEST(HttpUrl, DropsTheFragment) {
  const Url url = parse_url("http://example.com/page?a=1#section-2");
  EXPECT_EQ(url.target(), "/page?a=1");
  EXPECT_EQ(parse_url("http://example.com#top").target(), "/");
}

TEST(HttpUrl, TakesIpv6AddressesInBrackets) {
  const Url url = parse_url("http://[::1]:9000/x");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9000);
  EXPECT_EQ(url.host_header(), "[::1]:9000");
  EXPECT_EQ(parse_url("http://[::1]/").host_header(), "[::1]");
}

std::string error_of(const std::string& text) {
  try {
    (void)parse_url(text);
  } catch (const aio::http::InvalidUrl& e) {
    return e.what();
  }
  ADD_FAILURE() << text << " was accepted";
  return "";
}

TEST(HttpUrl, HttpsSaysTlsIsNotSupported) {
  EXPECT_EQ(error_of("https://api.github.com/users/python"),
            "invalid URL \"https://api.github.com/users/python\": TLS is not supported (aio::http "
            "speaks plain HTTP/1.1 over TCP: use http://)");
  EXPECT_TRUE(http_test::contains(error_of("HTTPS://x"), "TLS is not supported"));
}

TEST(HttpUrl, RefusesWhatItCannotUse) {
  using http_test::contains;
  EXPECT_TRUE(contains(error_of("ftp://example.com/"), "only http:// URLs are supported"));
  EXPECT_TRUE(contains(error_of("example.com/users"), "not an absolute URL"));
  EXPECT_TRUE(contains(error_of("/users/python"), "not an absolute URL"));
  EXPECT_TRUE(contains(error_of("http:///path"), "no host"));
  EXPECT_TRUE(contains(error_of("http://:80/"), "no host"));
  EXPECT_TRUE(contains(error_of("http://user:pw@example.com/"), "user names and passwords"));
  EXPECT_TRUE(contains(error_of("http://exa mple.com/"), "invalid character in the host name"));
  EXPECT_TRUE(contains(error_of("http://example.com:http/"), "is not a number"));
  EXPECT_TRUE(contains(error_of("http://example.com:65536/"), "over 65535"));
  EXPECT_TRUE(contains(error_of("http://example.com:0/"), "port 0"));
  EXPECT_TRUE(contains(error_of("http://example.com/a b"), "holds a space"));
  EXPECT_TRUE(contains(error_of("http://example.com/a?b=\x01"), "control character"));
  EXPECT_TRUE(contains(error_of("http://[::1/"), "closing ]"));
  EXPECT_TRUE(contains(error_of("http://[]/"), "empty IPv6"));
  EXPECT_TRUE(contains(error_of("http://[::1]x/"), "after the IPv6 address"));
  EXPECT_TRUE(contains(error_of(""), "not an absolute URL"));
}

}  // namespace
