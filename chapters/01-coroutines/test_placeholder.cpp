#include <grading/grading.hpp>
#include "exercise.hpp"
TEST(Placeholder, Works) { auto run = grading::run(ch01::placeholder()); ASSERT_TRUE(grading::finished(run)); EXPECT_EQ(run.value, 1); }
