// Chapter 08 — concurrent HTTP with one shared session: the reference solution.
//
// Read chapters/08-http/README.md first. Check your work with `ctest --preset workbook -L ch08`
// (or `./build/workbook/awaitlings`, which grades on every save). Stuck?
// chapters/08-http/HINTS.md has hints, gentlest first.
#include <stdexcept>
#include <utility>

#include "exercise.hpp"

namespace ch08 {

aio::Task<std::string> fetch_user(aio::http::Session& session, std::string url) {
  auto response = co_await session.get(url);
  response.raise_for_status();  // HttpStatusError("404 Not Found for GET <url>") if not 2xx
  co_return response.json()["login"].get<std::string>();
}

aio::Task<std::vector<std::string>> fetch_all(aio::http::Session& session,
                                              std::vector<std::string> urls) {
  std::vector<aio::Task<std::string>> requests;
  requests.reserve(urls.size());
  for (auto& url : urls) requests.push_back(fetch_user(session, std::move(url)));
  co_return co_await aio::gather(std::move(requests));
}

aio::Task<std::vector<std::string>> fetch_all_sequentially(aio::http::Session& session,
                                                           std::vector<std::string> urls) {
  std::vector<std::string> logins;
  logins.reserve(urls.size());
  for (auto& url : urls) logins.push_back(co_await fetch_user(session, std::move(url)));
  co_return logins;
}

namespace {

// One request under the call's semaphore: the permit is held from before the request starts
// until its response has been read, and given back (RAII) the instant it ends, failed or not.
aio::Task<std::string> fetch_with_permit(aio::http::Session& session, aio::Semaphore& semaphore,
                                         std::string url) {
  auto permit = co_await semaphore.acquire();
  co_return co_await fetch_user(session, std::move(url));
}

}  // namespace

aio::Task<std::vector<std::string>> fetch_all_limited(aio::http::Session& session,
                                                      std::vector<std::string> urls, int limit) {
  if (limit < 1) throw std::invalid_argument("fetch_all_limited: limit must be at least 1");
  aio::Semaphore semaphore(static_cast<std::size_t>(limit));
  std::vector<aio::Task<std::string>> requests;
  requests.reserve(urls.size());
  for (auto& url : urls) requests.push_back(fetch_with_permit(session, semaphore, std::move(url)));
  co_return co_await aio::gather(std::move(requests));
}

}  // namespace ch08
