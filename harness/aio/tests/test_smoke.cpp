#include <gtest/gtest.h>
#include <aio/aio.hpp>
TEST(Smoke, Runs) { EXPECT_EQ(aio::run([]() -> aio::Task<int> { co_return 1; }), 1); }
