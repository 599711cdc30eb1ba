// Where `awaitlings reset` finds the untouched stub of a chapter's exercise.cpp.
//
// 1. git, in this order: the branch's upstream (the project as last fetched, without the
//    learner's commits), else the file's first commit (the project's original stub), else HEAD;
//    each only if it still calls aio::todo. Not "the newest commit by someone else": a learner
//    without user.email, or committing as the project's author, would get their partial work
//    back.
// 2. Without git (a downloaded archive): the copy of the stubs the workbook's first configure
//    made in the build tree (build/workbook/pristine/).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace awaitlings {

struct Stub {
  std::string text;
  std::string origin;  // "git origin/main", "git commit 1a2b3c4d5e, ..." or the copy's path
};

// `relative` is the file's path from the source root ("chapters/04-gather/exercise.cpp").
// On failure, `why` says what was tried.
std::optional<Stub> find_untouched_stub(const std::filesystem::path& source,
                                        const std::string& relative,
                                        const std::filesystem::path& pristine_copy,
                                        std::string& why);

// A stub calls aio::todo: a file that does not is the learner's work, not a stub.
bool looks_like_stub(const std::string& text);

}  // namespace awaitlings
