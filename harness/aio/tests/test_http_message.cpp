#include <gtest/gtest.h>
#include <aio/http/message.hpp>
TEST(HttpHeaders, Placeholder) {
  EXPECT_TRUE(aio::http::equals_ignoring_case("a", "A"));
}
