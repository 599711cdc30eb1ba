// Chapter 08 — concurrent HTTP with one shared session. This is the file you edit.
//
// Read chapters/08-http/README.md first. Check your work with `ctest --preset workbook -L ch08`
// (or `./build/workbook/awaitlings`, which grades on every save). Stuck?
// chapters/08-http/HINTS.md has hints, gentlest first.
#include <stdexcept>
#include <utility>

#include "exercise.hpp"

namespace ch08 {

aio::Task<std::string> fetch_user([[maybe_unused]] aio::http::Session& session,
                                  [[maybe_unused]] std::string url) {
  // TODO 1: auto response = co_await session.get(url);
  // TODO 2: a status that is not 2xx must throw, naming the URL: response.raise_for_status().
  // TODO 3: return the login from the JSON body: response.json()["login"].get<std::string>().
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("fetch_user");
  co_return std::string{};
}

aio::Task<std::vector<std::string>> fetch_all([[maybe_unused]] aio::http::Session& session,
                                              [[maybe_unused]] std::vector<std::string> urls) {
  // TODO 1: one Task per URL: fetch_user(session, url). Creating a Task starts nothing yet
  //         (chapter 04): keep them in a std::vector<aio::Task<std::string>>.
  // TODO 2: run them all at once and wait for all: co_await aio::gather(std::move(tasks)).
  // TODO 3: return what gather gives back: the logins, in the order of `urls`.
  aio::todo("fetch_all");
  co_return std::vector<std::string>{};
}

aio::Task<std::vector<std::string>> fetch_all_sequentially(
    [[maybe_unused]] aio::http::Session& session, [[maybe_unused]] std::vector<std::string> urls) {
  // TODO 1: for each URL in order: co_await fetch_user(session, url), and keep the login.
  // TODO 2: return the logins.
  aio::todo("fetch_all_sequentially");
  co_return std::vector<std::string>{};
}

aio::Task<std::vector<std::string>> fetch_all_limited(
    [[maybe_unused]] aio::http::Session& session, [[maybe_unused]] std::vector<std::string> urls,
    [[maybe_unused]] int limit) {
  // TODO 1: a limit below 1: throw std::invalid_argument (before any request).
  // TODO 2: one aio::Semaphore of `limit` permits, local to this call.
  // TODO 3: a helper coroutine that takes a permit (auto permit = co_await
  //         semaphore.acquire();), then returns co_await fetch_user(session, url) while it
  //         holds it. Parameters: the session and the semaphore by reference (they outlive the
  //         gather), the URL by value.
  // TODO 4: one helper Task per URL, all gathered at once; return the logins in URL order.
  aio::todo("fetch_all_limited");
  co_return std::vector<std::string>{};
}

}  // namespace ch08
