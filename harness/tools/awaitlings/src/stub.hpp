// Where `awaitlings reset` finds the untouched stub of a chapter's exercise.cpp.
//
// 1. git: the newest version of the file committed by someone other than the learner (whose
//    address is git's user.email), that still calls aio::todo. So a learner who committed their
//    own work still gets the project's stub, and one who pulled a newer project gets the newer
//    stub.
// 2. Without git (a downloaded archive): the copy of the stubs the workbook's first configure
//    made in the build tree (build/workbook/pristine/).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace awaitlings {

struct Stub {
  std::string text;
  std::string origin;  // "git commit 1a2b3c4 (Jane Doe)" or the copy's path
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
