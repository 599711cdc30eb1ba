// Chapter 08 demo: the tutorial's three GitHub users, fetched through your fetch_all() from a
// local server that answers like GitHub's API (each answer after 500 ms).
//
//   ./build/workbook/chapters/08-http/ch08_demo             real time: about 0.5 s
//   ./build/workbook/chapters/08-http/ch08_demo --virtual   simulated clock: same output, at once
//   add --compare to also fetch 20 users one after another, all at once, and 5 at a time
//
// Expected:
//   User: python
//   User: django
//   User: fastapi
//   Total time: 0.500 s           (the slowest request, not 1.5 s: they ran at the same time)
#include <chrono>
#include <cstring>
#include <exception>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include <aio/demo.hpp>
#include <aio/http/server.hpp>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0) return true;
  return false;
}

using Fetch = aio::Task<std::vector<std::string>> (*)(aio::http::Session&,
                                                      std::vector<std::string>);

// One way of fetching `names`, timed on the loop's clock.
aio::Task<std::vector<std::string>> timed(const char* what, Fetch fetch,
                                          aio::http::Session& session, std::string base,
                                          std::vector<std::string> names) {
  std::vector<std::string> urls;
  for (const auto& name : names) urls.push_back(base + "/users/" + name);
  const aio::Duration start = aio::now();
  auto logins = co_await fetch(session, urls);
  std::cout << std::fixed << std::setprecision(3) << what << ": " << logins.size() << " users in "
            << std::chrono::duration<double>(aio::now() - start).count() << " s\n";
  co_return logins;
}

aio::Task<std::vector<std::string>> limited_to_five(aio::http::Session& session,
                                                    std::vector<std::string> urls) {
  co_return co_await ch08::fetch_all_limited(session, std::move(urls), 5);
}

aio::Task<> demo(bool compare) {
  // The local "GitHub": GET /users/<name> answers {"login": ..., "id": ...} after 500 ms.
  aio::http::Server server;
  aio::http::add_tutorial_routes(server, {.latency = [](std::string_view) { return 500ms; }});
  server.start("127.0.0.1", 0);
  std::cout << "serving the tutorial's API on " << server.url("/") << "\n";

  aio::http::Session session;  // one session for every request, as the tutorial's ClientSession
  std::exception_ptr error;
  try {
    std::vector<std::string> urls;
    for (const char* name : {"python", "django", "fastapi"})
      urls.push_back(server.url("/users/") + name);
    const aio::Duration start = aio::now();
    std::vector<std::string> logins = co_await ch08::fetch_all(session, urls);
    for (const auto& login : logins) aio::print("User: ", login);
    std::cout << std::fixed << std::setprecision(3)
              << "Total time: " << std::chrono::duration<double>(aio::now() - start).count()
              << " s (the slowest request, not the sum: 1.5 s one after another)\n";

    if (compare) {
      const std::string base = server.url("");
      std::vector<std::string> many;
      for (int i = 1; i <= 20; ++i) many.push_back("user" + std::to_string(i));
      std::cout << "\n20 users, 500 ms each:\n";
      (void)co_await timed("fetch_all_sequentially (expect 10 s)", ch08::fetch_all_sequentially,
                           session, base, many);
      (void)co_await timed("fetch_all              (expect 0.5 s)", ch08::fetch_all, session, base,
                           many);
      (void)co_await timed("fetch_all_limited, 5   (expect 2 s)", limited_to_five, session, base,
                           many);
      const auto& stats = server.stats();
      std::cout << "the server accepted " << stats.connections_accepted << " connections for "
                << stats.requests_served << " requests: the session's pool reused them\n";
    }
  } catch (...) {
    error = std::current_exception();
  }
  session.close();
  co_await server.stop();
  if (error) std::rethrow_exception(error);
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    aio::run(demo(has_flag(argc, argv, "--compare")));
  } catch (const std::exception& error) {
    std::cout << error.what() << "\nSee chapters/08-http/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
