#include <gtest/gtest.h>

#include "process.hpp"
#include "scratch.hpp"
#include "stub.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

const char* stub_text = "int f() { aio::todo(\"f\"); return 0; }\n";
const char* solved_text = "int f() { return 42; }\n";
const char* path = "chapters/01-x/exercise.cpp";

bool git(const Scratch& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir.path().string()});
  return run_captured({args, {}, {}}).exit_code == 0;
}

bool commit_as(const Scratch& dir, const std::string& email, const std::string& message) {
  return git(dir, {"add", "-A"}) &&
         git(dir, {"-c", "user.name=" + email, "-c", "user.email=" + email, "commit", "-q", "-m",
                   message});
}

bool have_git() {
  return run_captured({{"git", "--version"}, {}, {}}).exit_code == 0;
}

TEST(Stub, FromGitSkippingTheLearnersCommits) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  Scratch dir;
  ASSERT_TRUE(git(dir, {"init", "-q"}));
  dir.write(path, std::string("// old stub\n") + stub_text);
  ASSERT_TRUE(commit_as(dir, "author@project.org", "the project"));
  dir.write(path, stub_text);
  ASSERT_TRUE(commit_as(dir, "author@project.org", "the project, newer"));
  ASSERT_TRUE(git(dir, {"config", "user.email", "learner@home.net"}));
  dir.write(path, solved_text);
  ASSERT_TRUE(commit_as(dir, "learner@home.net", "my solution"));
  dir.write(path, "// still working on it\n");  // and an uncommitted edit

  std::string why;
  auto stub = find_untouched_stub(dir.path(), path, dir.path() / "no-copy", why);
  ASSERT_TRUE(stub) << why;
  EXPECT_EQ(stub->text, stub_text);  // the project's newest, not the learner's commit
  EXPECT_NE(stub->origin.find("git commit"), std::string::npos);
  EXPECT_NE(stub->origin.find("author@project.org"), std::string::npos);
}

TEST(Stub, AVersionWithoutTodoIsNoStub) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  Scratch dir;
  ASSERT_TRUE(git(dir, {"init", "-q"}));
  dir.write(path, solved_text);  // committed solved, by someone who is not the learner
  ASSERT_TRUE(commit_as(dir, "someone@else.org", "solved"));
  std::string why;
  EXPECT_FALSE(find_untouched_stub(dir.path(), path, dir.path() / "no-copy", why));
  EXPECT_NE(why.find("still calls aio::todo"), std::string::npos) << why;
  EXPECT_NE(why.find("no copy at"), std::string::npos) << why;
}

TEST(Stub, OutsideGitTheConfigureTimeCopy) {
  Scratch dir;
  auto copy = dir.write("build/pristine/01-x/exercise.cpp", stub_text);
  std::string why;
  auto stub = find_untouched_stub(dir.path() / "not-a-repo", path, copy, why);
  ASSERT_TRUE(stub) << why;
  EXPECT_EQ(stub->text, stub_text);
  EXPECT_EQ(stub->origin, copy.string());
  EXPECT_NE(why.find("not a git checkout"), std::string::npos);

  auto solved_copy = dir.write("build/pristine/02-x/exercise.cpp", solved_text);
  why.clear();
  EXPECT_FALSE(find_untouched_stub(dir.path() / "not-a-repo", path, solved_copy, why));
}

TEST(Stub, LooksLikeAStub) {
  EXPECT_TRUE(looks_like_stub(stub_text));
  EXPECT_FALSE(looks_like_stub(solved_text));
}

}  // namespace
}  // namespace awaitlings
