#include "stub.hpp"

#include <fstream>
#include <sstream>

#include "process.hpp"
#include "text.hpp"

namespace awaitlings {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

Captured git(const std::filesystem::path& source, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", source.string()});
  return run_captured({args, {}, {}});
}

// The file as `revision` has it, if that is a stub. "<rev>:./<path>": relative to the source
// folder (git -C), which need not be the repository's root (the workbook inside a bigger repo).
std::optional<Stub> stub_at(const std::filesystem::path& source, const std::string& revision,
                            const std::string& relative, const std::string& origin,
                            std::string& why) {
  Captured version = git(source, {"show", revision + ":./" + relative});
  if (version.exit_code != 0) {
    why += "  - " + origin + ": no " + relative + "\n";
    return std::nullopt;
  }
  if (!looks_like_stub(version.output)) {
    why += "  - " + origin + ": " + relative + " does not call aio::todo\n";
    return std::nullopt;
  }
  return Stub{version.output, origin};
}

std::optional<Stub> from_git(const std::filesystem::path& source, const std::string& relative,
                             std::string& why) {
  Captured inside = git(source, {"rev-parse", "--is-inside-work-tree"});
  if (inside.exit_code != 0 || trimmed(inside.output) != "true") {
    why += "  - " + source.string() + " is not a git checkout (or git is not installed)\n";
    return std::nullopt;
  }
  // 1. The project as last fetched: the branch's upstream (origin/main), else the remote's
  //    default branch. The learner's commits, partial work that still calls aio::todo included,
  //    are not there unless they pushed them.
  for (const std::string& name : {std::string("@{upstream}"), std::string("origin/HEAD")}) {
    Captured ref = git(source, {"rev-parse", "--abbrev-ref", "--symbolic-full-name", name});
    std::string upstream = trimmed(ref.output);
    if (ref.exit_code != 0 || upstream.empty()) continue;
    if (auto stub = stub_at(source, upstream, relative, "git " + upstream, why)) return stub;
    break;  // origin/HEAD is the same project: no better
  }
  // 2. The file's first version: the project's, before the learner touched it (oldest first;
  //    no -n, which would cut before reversing).
  Captured history = git(source, {"log", "--reverse", "--format=%H", "--", relative});
  std::string first = history.output.substr(0, history.output.find('\n'));
  if (history.exit_code == 0 && !first.empty()) {
    if (auto stub =
            stub_at(source, first, relative,
                    "git commit " + first.substr(0, 10) + ", the file's first version", why)) {
      return stub;
    }
  }
  // 3. HEAD: a shallow or squashed history whose only version is the current commit.
  return stub_at(source, "HEAD", relative, "git HEAD", why);
}

}  // namespace

bool looks_like_stub(const std::string& text) {
  return text.find("aio::todo(") != std::string::npos;
}

std::optional<Stub> find_untouched_stub(const std::filesystem::path& source,
                                        const std::string& relative,
                                        const std::filesystem::path& pristine_copy,
                                        std::string& why) {
  if (auto stub = from_git(source, relative, why)) return stub;
  std::error_code error;
  if (!std::filesystem::is_regular_file(pristine_copy, error)) {
    why += "  - no copy at " + pristine_copy.string() + "\n";
    return std::nullopt;
  }
  std::string text = read_file(pristine_copy);
  if (!looks_like_stub(text)) {
    why += "  - the copy at " + pristine_copy.string() + " does not call aio::todo\n";
    return std::nullopt;
  }
  return Stub{text, pristine_copy.string()};
}

}  // namespace awaitlings
