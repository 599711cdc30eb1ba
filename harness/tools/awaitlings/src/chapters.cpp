#include "chapters.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

namespace awaitlings {

namespace {

// "04-gather": two digits, a dash, a topic of lower-case letters, digits and dashes.
bool is_chapter_folder(std::string_view name) {
  if (name.size() < 4 || !std::isdigit(static_cast<unsigned char>(name[0])) ||
      !std::isdigit(static_cast<unsigned char>(name[1])) || name[2] != '-') {
    return false;
  }
  return std::all_of(name.begin() + 3, name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

}  // namespace

std::vector<Chapter> discover_chapters(const fs::path& source) {
  std::vector<Chapter> chapters;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(source / "chapters", error)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_directory(error) || !is_chapter_folder(name)) continue;
    // A chapter whose exercise.cpp the learner deleted still is one (reset brings the stub
    // back): its reference solution says so. A half-made folder has neither.
    if (!fs::is_regular_file(entry.path() / "exercise.cpp", error) &&
        !fs::is_regular_file(source / "solutions" / name / "exercise.cpp", error)) {
      continue;
    }
    chapters.push_back({name, name.substr(0, 2), name.substr(3)});
  }
  std::sort(chapters.begin(), chapters.end(),
            [](const Chapter& a, const Chapter& b) { return a.folder < b.folder; });
  return chapters;
}

std::optional<Chapter> find_chapter(const std::vector<Chapter>& chapters, std::string_view name) {
  std::string wanted(name);
  if (wanted.size() > 2 && wanted.rfind("ch", 0) == 0) wanted.erase(0, 2);
  if (wanted.size() == 1 && std::isdigit(static_cast<unsigned char>(wanted[0]))) {
    wanted = "0" + wanted;
  }
  for (const Chapter& chapter : chapters) {
    if (wanted == chapter.number || wanted == chapter.folder || wanted == chapter.topic) {
      return chapter;
    }
  }
  return std::nullopt;
}

std::optional<Chapter> next_chapter(const std::vector<Chapter>& chapters, const Chapter& chapter) {
  auto at = std::find(chapters.begin(), chapters.end(), chapter);
  if (at == chapters.end() || std::next(at) == chapters.end()) return std::nullopt;
  return *std::next(at);
}

std::string Paths::shown(const fs::path& path) const {
  std::error_code error;
  fs::path relative = fs::relative(path, source, error);
  if (error || relative.empty() || *relative.begin() == "..") return path.string();
  return relative.string();
}

}  // namespace awaitlings
