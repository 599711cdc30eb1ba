#include <grading/grading.hpp>
#include "exercise.hpp"
TEST(Placeholder, Works) { auto run = grading::run(ch03::placeholder()); ASSERT_TRUE(grading::finished(run)); EXPECT_EQ(run.value, 1); }
