#include "aio/errors.hpp"

namespace aio {

std::string SourceLocation::short_str() const {
  std::string path = file;
  // Keep "02-await/exercise.cpp": the chapter folder and the file name.
  auto last = path.find_last_of('/');
  if (last != std::string::npos && last > 0) {
    auto before = path.find_last_of('/', last - 1);
    if (before != std::string::npos) path = path.substr(before + 1);
  }
  return path + ":" + std::to_string(line);
}

namespace {
std::string not_implemented_message(const std::string& function, const SourceLocation& where) {
  return "not started: " + function + "() still has its TODO (" + where.short_str() + ")";
}
}  // namespace

NotImplemented::NotImplemented(std::string function, SourceLocation where)
    : std::logic_error(not_implemented_message(function, where)),
      function_(std::move(function)),
      where_(where) {}

void todo(std::string_view function, SourceLocation where) {
  throw NotImplemented(std::string(function), where);
}

}  // namespace aio

namespace aio {

bool is_cancellation(const std::exception_ptr& error) noexcept {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace aio
