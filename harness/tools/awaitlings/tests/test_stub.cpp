#include <gtest/gtest.h>

#include <fstream>

#include "process.hpp"
#include "scratch.hpp"
#include "stub.hpp"

namespace awaitlings {
namespace {

using testing::Scratch;

const char* stub_text = "int f() { aio::todo(\"f\"); return 0; }\n";
const char* solved_text = "int f() { return 42; }\n";
const char* path = "chapters/01-x/exercise.cpp";

bool git(const std::filesystem::path& where, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", where.string()});
  return run_captured({args, {}, {}}).exit_code == 0;
}

bool commit_as(const std::filesystem::path& where, const std::string& email,
               const std::string& message) {
  return git(where, {"add", "-A"}) &&
         git(where, {"-c", "user.name=" + email, "-c", "user.email=" + email, "commit", "-q", "-m",
                     message});
}

bool have_git() {
  return run_captured({{"git", "--version"}, {}, {}}).exit_code == 0;
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

const char* partial_text = "int f() { return 1; }\nint g() { aio::todo(\"g\"); return 0; }\n";

// The project (old stub, then a newer one), cloned by a learner who commits partial work that
// still calls aio::todo, as the project's own author (the same address, or none at all).
struct Clone {
  Scratch dir;
  std::filesystem::path project = dir.path() / "project";
  std::filesystem::path learner = dir.path() / "learner";

  bool make() {
    std::filesystem::create_directories(project);
    if (!git(project, {"init", "-q"})) return false;
    write(project / path, std::string("// old stub\n") + stub_text);
    if (!commit_as(project, "author@project.org", "the project")) return false;
    write(project / path, stub_text);
    if (!commit_as(project, "author@project.org", "the project, newer")) return false;
    if (!git(dir.path(), {"clone", "-q", project.string(), learner.string()})) return false;
    write(learner / path, partial_text);
    if (!commit_as(learner, "author@project.org", "half done")) return false;
    write(learner / path, "// still working on it\n");  // and an uncommitted edit
    return true;
  }
};

TEST(Stub, FromTheUpstreamNotTheLearnersCommits) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  Clone clone;
  ASSERT_TRUE(clone.make());
  std::string why;
  auto stub = find_untouched_stub(clone.learner, path, clone.dir.path() / "no-copy", why);
  ASSERT_TRUE(stub) << why;
  EXPECT_EQ(stub->text, stub_text);  // the project's newest, not the learner's half
  EXPECT_NE(stub->origin.find("git origin/"), std::string::npos) << stub->origin;
}

TEST(Stub, WithoutUpstreamTheFilesFirstVersion) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  Clone clone;
  ASSERT_TRUE(clone.make());
  ASSERT_TRUE(git(clone.learner, {"remote", "remove", "origin"}));
  std::string why;
  auto stub = find_untouched_stub(clone.learner, path, clone.dir.path() / "no-copy", why);
  ASSERT_TRUE(stub) << why;
  EXPECT_EQ(stub->text, std::string("// old stub\n") + stub_text);
  EXPECT_NE(stub->origin.find("first version"), std::string::npos) << stub->origin;
}

TEST(Stub, TheWorkbookInASubfolderOfTheRepository) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  Scratch dir;
  ASSERT_TRUE(git(dir.path(), {"init", "-q"}));
  std::filesystem::path workbook = dir.path() / "courses" / "awaitlings";
  write(workbook / path, stub_text);
  ASSERT_TRUE(commit_as(dir.path(), "author@project.org", "the project"));
  write(workbook / path, partial_text);
  std::string why;
  auto stub = find_untouched_stub(workbook, path, dir.path() / "no-copy", why);
  ASSERT_TRUE(stub) << why;  // <rev>:./path, from the source folder, not the repository's root
  EXPECT_EQ(stub->text, stub_text);
}

TEST(Stub, AVersionWithoutTodoIsNoStub) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  Scratch dir;
  ASSERT_TRUE(git(dir.path(), {"init", "-q"}));
  dir.write(path, solved_text);  // committed solved
  ASSERT_TRUE(commit_as(dir.path(), "someone@else.org", "solved"));
  std::string why;
  EXPECT_FALSE(find_untouched_stub(dir.path(), path, dir.path() / "no-copy", why));
  EXPECT_NE(why.find("does not call aio::todo"), std::string::npos) << why;
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
