// Graders of chapter 08 — concurrent HTTP with one shared session.
//
// Every test starts a real aio::http::Server on 127.0.0.1 (an ephemeral port) inside the graded
// run, makes ONE aio::http::Session, hands it to your function, and looks at what the server saw.
// The requests go over real loopback TCP; the server's latency is slept on the loop's clock, so
// on the simulated clock every time is exact (the loop lets loopback traffic through, with a
// short real grace, before it moves time: see the README). One test runs on the real clock.
//
// The server answers GET /users/<name> after the latency the test chose for that name with
// {"login": <the name in lower case>, "id": ...}: the login is the server's spelling, so a
// login read off the URL ("Ada-7") is not the JSON's ("ada-7"). Names the test marks missing
// answer 404, broken ones 500. For every request it records when it arrived and when it was
// answered (a timeline, compared with the one the exercise should give), how many were in
// flight at once (the peak is what concurrency is about) and how many TCP connections it
// accepted (the session's pool should reuse them). Names, counts and latencies are random
// (seeded: the seed is printed with every failure); fixed edge cases come on top.
#include <grading/grading.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <aio/http/server.hpp>
#include <nlohmann/json.hpp>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using aio::Duration;
using grading::format_duration;
using grading::Run;
using grading::Timeline;
using std::chrono::milliseconds;
using Names = std::vector<std::string>;
using Results = std::vector<std::string>;

// ---- the users -----------------------------------------------------------------------------

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// `count` distinct names with upper-case letters in them ("Ada-7"), so that the login the
// server answers (lower case) is never the name in the URL.
Names random_names(int count) {
  static const char* const first[] = {"Ada", "Grace",  "Linus",   "Guido", "Bjarne",
                                      "Ken", "Dennis", "Barbara", "Alan",  "Edsger"};
  Names names;
  for (int i = 0; i < count; ++i)
    names.push_back(std::string(first[grading::random_int(0, 9)]) + "-" + std::to_string(i + 1));
  return names;
}

Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

// Latencies per name: random, from min_ms to max_ms, never 0.
std::map<std::string, Duration> random_latencies(const Names& names, int min_ms = 50,
                                                 int max_ms = 3000) {
  std::map<std::string, Duration> latencies;
  for (const auto& name : names) latencies[name] = random_ms(min_ms, max_ms);
  return latencies;
}

// ---- the server ----------------------------------------------------------------------------

// One request the server received.
struct Request {
  std::string name;
  Duration arrived{};
  Duration answered{-1};  // -1: never answered
  int status = 0;
};

// What the test sets up, and everything the server and the session saw.
struct Probe {
  std::map<std::string, Duration> latency;  // per name (none: 0)
  std::set<std::string> missing;            // answered 404
  std::set<std::string> broken;             // answered 500

  std::vector<Request> requests;  // in arrival order
  std::size_t in_flight = 0;
  std::size_t peak = 0;
  Duration peak_at{};
  Names peak_names;
  std::vector<std::size_t> running;  // indexes into requests

  // Filled in by the scenario after the exercise returned (or threw).
  Duration elapsed{};  // the exercise's own time, from its call to its end
  aio::http::ServerStats server;
  aio::http::SessionStats session;
  std::size_t session_in_use = 0;    // connections the session still lent out
  std::size_t open_after_close = 0;  // server connections still open once the session closed
  std::string base;                  // "http://127.0.0.1:<port>"
};

// Marks a request answered when its handler's frame ends (answered, or cancelled by stop()).
struct Answering {
  Probe* probe;
  std::size_t index;
  ~Answering() {
    auto& running = probe->running;
    running.erase(std::remove(running.begin(), running.end(), index), running.end());
    --probe->in_flight;
    probe->requests[index].answered = aio::now();
  }
};

// The handler of GET /users/<name>: a free coroutine taking everything by value.
aio::Task<aio::http::Response> answer_user(std::shared_ptr<Probe> probe, std::string name) {
  const std::size_t index = probe->requests.size();
  probe->requests.push_back({name, aio::now()});
  probe->running.push_back(index);
  if (++probe->in_flight > probe->peak) {
    probe->peak = probe->in_flight;
    probe->peak_at = aio::now();
    probe->peak_names.clear();
    for (std::size_t i : probe->running) probe->peak_names.push_back(probe->requests[i].name);
  }
  Answering guard{probe.get(), index};
  if (auto found = probe->latency.find(name); found != probe->latency.end())
    co_await aio::sleep(found->second);
  int status = 200;
  nlohmann::json body = {{"login", lower(name)}, {"id", aio::http::tutorial_user_id(lower(name))}};
  if (probe->missing.count(name)) {
    status = 404;
    body = {{"message", "Not Found"}};
  } else if (probe->broken.count(name)) {
    status = 500;
    body = {{"message", "Server Error"}};
  }
  probe->requests[index].status = status;
  co_return aio::http::json_response(body, status);
}

std::string url_of(const Probe& probe, const std::string& name) {
  return probe.base + "/users/" + name;
}

// ---- running the exercises -----------------------------------------------------------------

enum class Call { User, UserTwice, Sequentially, All, AllTwice, Limited };

// Starts the server, makes the session, calls the exercise with the URLs of `names`, then looks
// at what is left (connections lent out, connections open once the session is closed), stops
// the server, and hands back what the exercise returned or rethrows what it threw.
aio::Task<Results> scenario(std::shared_ptr<Probe> probe, Call call, Names names, int limit) {
  aio::http::Server server;
  server.route("GET", "/users/<name>", [probe](aio::http::Request, aio::http::Params params) {
    return answer_user(probe, params["name"]);
  });
  server.start("127.0.0.1", 0);
  probe->base = server.url("");
  aio::http::Session session;
  std::vector<std::string> urls;
  for (const auto& name : names) urls.push_back(url_of(*probe, name));

  Results results;
  std::exception_ptr error;
  const Duration start = aio::now();
  try {
    switch (call) {
      case Call::User:
        results.push_back(co_await ch08::fetch_user(session, urls.at(0)));
        break;
      case Call::UserTwice:
        results.push_back(co_await ch08::fetch_user(session, urls.at(0)));
        results.push_back(co_await ch08::fetch_user(session, urls.at(1)));
        break;
      case Call::Sequentially:
        results = co_await ch08::fetch_all_sequentially(session, urls);
        break;
      case Call::All:
        results = co_await ch08::fetch_all(session, urls);
        break;
      case Call::AllTwice: {
        results = co_await ch08::fetch_all(session, urls);
        Results again = co_await ch08::fetch_all(session, urls);
        results.insert(results.end(), again.begin(), again.end());
        break;
      }
      case Call::Limited:
        results = co_await ch08::fetch_all_limited(session, urls, limit);
        break;
    }
  } catch (...) {
    error = std::current_exception();
  }
  probe->elapsed = aio::now() - start;
  probe->server = server.stats();
  probe->session = session.stats();
  probe->session_in_use = session.connections_in_use();
  session.close();
  // Requests cancelled by a failure are closed by the session at once, but the server notices
  // only when it answers them: let their latencies run out first.
  while (probe->in_flight > 0) co_await aio::sleep(50ms);
  co_await aio::sleep(1ms);  // the server notices the closed connections
  probe->open_after_close = server.stats().connections_open;
  co_await server.stop();
  if (error) std::rethrow_exception(error);
  co_return results;
}

struct Graded {
  Run<Results> run;
  std::shared_ptr<Probe> probe;
};

// A forgotten permit, or a limit of 0, makes the rest wait forever; with a listening server the
// loop cannot prove that, so the watchdog is shortened and the simulated time capped.
grading::Settings capped(Duration expected) {
  grading::Settings settings;
  settings.virtual_limit = 2 * expected + 30s;
  settings.watchdog = 3s;
  return settings;
}

Graded run_call(Call call, const Names& names, std::shared_ptr<Probe> probe, int limit = 0,
                Duration expected = 0s, grading::Settings settings = {}) {
  if (settings.clock == aio::Clock::Virtual) settings = capped(expected);
  return {grading::run(scenario(probe, call, names, limit), settings), probe};
}

std::shared_ptr<Probe> probe_with(std::map<std::string, Duration> latency) {
  auto probe = std::make_shared<Probe>();
  probe->latency = std::move(latency);
  return probe;
}

// ---- what should happen --------------------------------------------------------------------

struct Expected {
  Timeline timeline;  // "request <name>" when it arrives, "answer <name>" when answered
  Results logins;
  Results by_completion;  // the logins in the order the requests are answered
  Duration elapsed{};
};

Expected expected_from_starts(const Probe& probe, const Names& names,
                              const std::vector<Duration>& starts) {
  Expected expected;
  std::vector<std::pair<Duration, std::size_t>> ends;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Duration latency = probe.latency.count(names[i]) ? probe.latency.at(names[i]) : 0s;
    expected.timeline.push_back({starts[i], "request " + names[i]});
    expected.timeline.push_back({starts[i] + latency, "answer " + names[i]});
    expected.logins.push_back(lower(names[i]));
    ends.emplace_back(starts[i] + latency, i);
    expected.elapsed = std::max(expected.elapsed, starts[i] + latency);
  }
  std::sort(expected.timeline.begin(), expected.timeline.end(), [](const auto& a, const auto& b) {
    return std::tie(a.time, a.text) < std::tie(b.time, b.text);
  });
  std::stable_sort(ends.begin(), ends.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [end, index] : ends) expected.by_completion.push_back(expected.logins[index]);
  return expected;
}

// At most `limit` at once, a freed slot going to the first URL still waiting.
Expected expected_limited(const Probe& probe, const Names& names, std::size_t limit) {
  std::vector<Duration> starts(names.size());
  std::priority_queue<Duration, std::vector<Duration>, std::greater<>> slots;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i >= limit) {
      starts[i] = slots.top();
      slots.pop();
    }
    const Duration latency = probe.latency.count(names[i]) ? probe.latency.at(names[i]) : 0s;
    slots.push(starts[i] + latency);
  }
  return expected_from_starts(probe, names, starts);
}

Expected expected_all(const Probe& probe, const Names& names) {
  return expected_limited(probe, names, std::max<std::size_t>(names.size(), 1));
}

Expected expected_sequential(const Probe& probe, const Names& names) {
  return expected_limited(probe, names, 1);
}

// What the server saw, as a timeline sorted like the expected one (requests arriving in the
// same instant come in an order nobody chose: the kernel's).
Timeline server_timeline(const Probe& probe) {
  Timeline lines;
  for (const auto& request : probe.requests) {
    lines.push_back({request.arrived, "request " + request.name});
    if (request.answered >= 0s) lines.push_back({request.answered, "answer " + request.name});
  }
  std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) {
    return std::tie(a.time, a.text) < std::tie(b.time, b.text);
  });
  return lines;
}

// ---- checks --------------------------------------------------------------------------------

std::string names_list(const Names& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == 6 && names.size() > 7) {
      text += ", ... (" + std::to_string(names.size() - 6) + " more)";
      break;
    }
    text += (i == 0 ? "" : ", ") + names[i];
  }
  return text;
}

std::string show_results(const Results& results) {
  std::string text = "{";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) text += ", ";
    if (i == 5 && results.size() > 6) {
      text += "... " + std::to_string(results.size() - 5) + " more";
      break;
    }
    text += grading::show_value(results[i]);
  }
  return text + "}";
}

// The server got exactly one request per URL.
::testing::AssertionResult fetched_each_once(const Graded& graded, const Names& names,
                                             const std::string& function) {
  const Probe& probe = *graded.probe;
  std::map<std::string, int> asked;
  for (const auto& request : probe.requests) ++asked[request.name];
  Names never, twice;
  for (const auto& name : std::set<std::string>(names.begin(), names.end())) {
    const int wanted = static_cast<int>(std::count(names.begin(), names.end(), name));
    if (asked[name] == 0)
      never.push_back(name);
    else if (asked[name] > wanted)
      twice.push_back(name + " (" + std::to_string(asked[name]) + " times)");
  }
  if (never.empty() && twice.empty() && probe.requests.size() == names.size())
    return ::testing::AssertionSuccess();
  // Nothing sent because the code threw first (a TODO left, an error of its own): say that.
  if (probe.requests.empty() && graded.run.error) return grading::finished(graded.run);
  auto failure = ::testing::AssertionFailure();
  if (probe.requests.empty() && !names.empty()) {
    failure << function << " sent no request at all for " << names.size() << " URL"
            << (names.size() == 1 ? "" : "s")
            << ": the server saw nothing. Each URL is one co_await session.get(url) (through "
               "fetch_user), with the session you were given.\n";
  } else if (!twice.empty()) {
    failure << function << " requested some URLs more than once: " << names_list(twice)
            << ". One request per URL: a Task runs once per co_await, and a finished request is "
               "not sent again.\n";
  } else {
    failure << function << " never requested " << names_list(never) << " (the server saw "
            << probe.requests.size() << " requests for " << names.size()
            << " URLs): every URL gets its request.\n";
  }
  return failure << grading::hints_pointer();
}

enum class Mode { Sequential, Concurrent, Limited };

// How many requests were in flight at once, at the peak.
::testing::AssertionResult concurrency_is(const Graded& graded, std::size_t expected, Mode mode,
                                          const std::string& function,
                                          const Timeline& expected_timeline) {
  const Probe& probe = *graded.probe;
  if (probe.peak == expected || probe.requests.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  const std::string peak = std::to_string(probe.peak);
  if (mode == Mode::Sequential) {
    failure << function << " had " << peak << " requests in flight at the same moment (at "
            << format_duration(probe.peak_at) << ": " << names_list(probe.peak_names)
            << "), but it is the baseline: one URL after another, each request awaited before "
               "the next one is sent (co_await fetch_user(...) inside the loop, no gather).\n";
  } else if (probe.peak == 1) {
    failure << "the requests went one after another: never two in flight at once, for "
            << probe.requests.size() << " URLs. Each was awaited before the next was sent (a "
            << "co_await inside the loop), so " << function << " took the sum of the latencies, "
            << format_duration(probe.elapsed)
            << ".\nWhat you missed: create every request's Task first (a Task does not start "
               "until it is awaited), then await them all together with aio::gather: the "
               "requests wait for the server at the same time.\n";
  } else if (mode == Mode::Limited && probe.peak > expected) {
    failure << function << " had " << peak << " requests in flight at once (at "
            << format_duration(probe.peak_at) << ": " << names_list(probe.peak_names)
            << "), but the limit allows " << expected
            << ".\nWhat you missed: a request may only be sent while it holds a permit of the "
               "call's one semaphore: co_await semaphore.acquire() first, keep the permit "
               "(a local variable) until co_await fetch_user(...) has returned.\n";
  } else {
    failure << "at most " << peak << " requests were in flight at once, but " << expected
            << " could have been (" << probe.requests.size() << " URLs"
            << (mode == Mode::Limited ? ", limit " + std::to_string(expected) : std::string())
            << "): some requests waited although nothing held them back. "
            << (mode == Mode::Limited
                    ? "One semaphore for the whole call, and every URL's task started at once "
                      "(one gather over all of them): a URL waits only for a permit."
                    : "One aio::gather over every URL's request, all at once: no batches, no "
                      "limit.")
            << "\n";
  }
  return failure << "What the server saw (\"request\": a request arrived; \"answer\": its answer "
                    "left), expected beside actual:\n"
                 << grading::side_by_side(expected_timeline, server_timeline(probe))
                 << grading::hints_pointer();
}

// Every waiting URL was sent the instant a request ended: no start later than the schedule.
::testing::AssertionResult started_when_a_permit_came_back(const Graded& graded,
                                                           const Expected& expected) {
  std::vector<Duration> actual, planned;
  for (const auto& request : graded.probe->requests) actual.push_back(request.arrived);
  for (const auto& line : expected.timeline)
    if (line.text.rfind("request ", 0) == 0) planned.push_back(line.time);
  std::sort(actual.begin(), actual.end());
  std::sort(planned.begin(), planned.end());
  if (actual.size() != planned.size()) return ::testing::AssertionSuccess();  // shown elsewhere
  for (std::size_t k = 0; k < actual.size(); ++k) {
    if (actual[k] <= planned[k]) continue;  // earlier than planned: the limit check shows it
    return ::testing::AssertionFailure()
           << "requests were sent late: request number " << k + 1 << " arrived at "
           << format_duration(actual[k]) << ", but a permit was free from "
           << format_duration(planned[k])
           << " on (a request had been answered then).\nWhat you missed: a URL waiting for a "
              "permit must be sent the instant one comes back. In batches (gather `limit` "
              "URLs, then the next `limit`), every fast request's permit waits for the slowest "
              "of its batch. One semaphore for the whole call, every URL's task gathered at "
              "once, and co_await semaphore.acquire() hands a freed permit on at once.\n"
           << grading::side_by_side(expected.timeline, server_timeline(*graded.probe))
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// The server's requests, arriving and answered when they should.
::testing::AssertionResult requests_timeline_is(const Graded& graded, const Expected& expected,
                                                const std::string& lesson) {
  const Timeline actual = server_timeline(*graded.probe);
  if (actual == expected.timeline) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the server did not see the requests when it should have. " << lesson
         << "\nWhat the server saw (\"request\": a request arrived; \"answer\": its answer "
            "left after its latency), expected beside actual:\n"
         << grading::side_by_side(expected.timeline, actual) << grading::hints_pointer();
}

::testing::AssertionResult elapsed_is(const Graded& graded, Duration expected,
                                      const std::string& lesson) {
  const Duration actual = graded.probe->elapsed;
  if (actual == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the call took " << format_duration(actual) << " of simulated time, expected "
         << format_duration(expected) << ". " << lesson << "\n"
         << grading::hints_pointer();
}

// The logins, one per URL, in URL order.
::testing::AssertionResult logins_are(const Graded& graded, const Expected& expected,
                                      const Names& names, const std::string& function) {
  const Run<Results>& run = graded.run;
  if (run.error) return grading::finished(run);
  const Results& actual = *run.value;
  if (actual == expected.logins) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (actual.size() != expected.logins.size()) {
    failure << function << " returned " << actual.size() << " logins for " << names.size()
            << " URLs: one login per URL, login i for urls[i].\n";
  } else if (actual == names) {
    failure << function << " returned the names as they are in the URLs ("
            << grading::show_value(names[0]) << "), but the server's JSON says "
            << grading::show_value(expected.logins[0])
            << ".\nWhat you missed: the login comes from the response, not from the URL: "
               "response.json()[\"login\"].get<std::string>().\n";
  } else if (actual == expected.by_completion && actual.size() > 1) {
    failure << "the logins are in the order the answers came back, not in the order of the "
               "URLs. Login i belongs to urls[i]: aio::gather gives its results in argument "
               "order; return them as it gives them.\n";
  } else {
    std::size_t i = 0;
    while (actual[i] == expected.logins[i]) ++i;
    failure << "login " << i << " is " << grading::show_value(actual[i]) << ", expected "
            << grading::show_value(expected.logins[i]) << " (for "
            << url_of(*graded.probe, names[i]) << ").\n";
    if (!actual[i].empty() && std::all_of(actual[i].begin(), actual[i].end(),
                                          [](char c) { return c >= '0' && c <= '9'; })) {
      failure << "What you missed: that is the user's \"id\"; the function returns the "
                 "\"login\" field of the JSON.\n";
    } else {
      failure << "What you missed: the login is the \"login\" field of each response's JSON "
                 "body, returned in the order of `urls`.\n";
    }
  }
  return failure << "returned: " << show_results(actual) << "\n" << grading::hints_pointer();
}

// The session it was given did the work, and reused its connections.
::testing::AssertionResult connections_are(const Graded& graded, std::size_t expected,
                                           std::size_t requests, const std::string& function) {
  const Probe& probe = *graded.probe;
  const std::size_t through_session =
      probe.session.connections_opened + probe.session.connections_reused;
  const std::size_t accepted = probe.server.connections_accepted;
  auto failure = ::testing::AssertionFailure();
  if (requests > 0 && through_session < requests && accepted >= requests) {
    failure << "the server accepted " << accepted << " TCP connections for " << requests
            << " requests, and only " << through_session
            << " of the requests went through the session " << function
            << " was given: the others went through a Session of your own.\nWhat you missed: "
               "use the session passed in, for every request. A new aio::http::Session per "
               "request opens a new connection each time (a TCP handshake, and on the internet "
               "a TLS one) and throws it away; the shared session's pool keeps it for the next "
               "request, as the tutorial's one ClientSession does.\n";
  } else if (accepted > expected) {
    failure << "the server accepted " << accepted << " TCP connections for " << requests
            << " requests, but " << expected << " would have done: "
            << (expected == 1 ? "one after another, every request can reuse the connection the "
                                "one before it used."
                              : "a finished request leaves its connection in the session's pool "
                                "for the next one.")
            << " A connection goes back to the pool only once its response has been read to "
               "the end.\n";
  } else {
    return ::testing::AssertionSuccess();
  }
  return failure << grading::hints_pointer();
}

// Nothing lent out at the end, nothing open once the caller's session is closed.
::testing::AssertionResult nothing_left_open(const Graded& graded) {
  const Probe& probe = *graded.probe;
  auto failure = ::testing::AssertionFailure();
  if (probe.session_in_use > 0) {
    failure << probe.session_in_use << " connection(s) of the session were still in use after "
            << "the call returned: a request was left unfinished (a Task that was started and "
               "never awaited to the end).\n";
  } else if (probe.open_after_close > 0) {
    failure << probe.open_after_close
            << " connection(s) to the server were still open after the call had returned and "
               "the session it was given was closed: they belong to a Session of your own that "
               "is still alive (a static one, or one kept somewhere). Use the session you were "
               "given; it is the caller's to close.\n";
  } else {
    return ::testing::AssertionSuccess();
  }
  return failure << grading::hints_pointer();
}

// The call failed with HttpStatusError naming the URL of `name` and the status.
::testing::AssertionResult failed_for(const Graded& graded, const std::string& name, int status,
                                      const std::string& function) {
  const Run<Results>& run = graded.run;
  const std::string url = url_of(*graded.probe, name);
  auto failure = ::testing::AssertionFailure();
  if (!run.error) {
    failure << function << " returned " << show_results(*run.value) << ", but " << url
            << " answered " << status << " (" << (status == 404 ? "no such user" : "a server error")
            << ").\nWhat you missed: a status that is not 2xx is an error: "
               "response.raise_for_status() throws aio::http::HttpStatusError for it. Check the "
               "status before you read the body.\n";
    return failure << grading::hints_pointer();
  }
  try {
    std::rethrow_exception(run.error);
  } catch (const aio::http::HttpStatusError& error) {
    const std::string what = error.what();
    if (error.status() == status && what.find(url) != std::string::npos)
      return ::testing::AssertionSuccess();
    failure << function << " threw HttpStatusError \"" << what << "\", but the failing request "
            << "was " << url << " (" << status << "): let the error of the request that failed "
            << "through, as it is.\n";
  } catch (const aio::NotImplemented&) {
    return grading::finished(run);
  } catch (const nlohmann::json::exception& error) {
    failure << function << " read the body of " << url << " as a user, but it answered " << status
            << " and its body is an error message (\"" << error.what()
            << "\").\nWhat you missed: check the status first: response.raise_for_status() "
               "throws aio::http::HttpStatusError, naming the status and the URL, for anything "
               "that is not 2xx.\n";
  } catch (const std::exception& error) {
    const std::string what = error.what();
    failure << function << " threw \"" << what << "\" for " << url << " (" << status << ")";
    if (what.find(url) == std::string::npos) {
      failure << ": the error does not name the URL, so whoever reads it cannot tell which "
                 "request failed.\nWhat you missed: let the aio::http::HttpStatusError from "
                 "raise_for_status() through, unchanged: it says the status and the URL.\n";
    } else {
      failure << ".\nWhat you missed: the error for a bad status is "
                 "aio::http::HttpStatusError (from response.raise_for_status()), so that callers "
                 "can catch it and ask for status() and url().\n";
    }
  } catch (...) {
    return grading::finished(run);
  }
  return failure << grading::hints_pointer();
}

// ---- the whole of one call -----------------------------------------------------------------

const std::string all_lesson =
    "fetch_all sends every request at once: they all arrive at 0 s, each is answered after its "
    "own latency, and the call ends with the slowest (max, not sum).";
const std::string sequential_lesson =
    "fetch_all_sequentially sends a request only once the previous one has been answered: each "
    "arrives when the one before it is answered, and the call takes the sum of the latencies.";

std::string limited_lesson(std::size_t limit) {
  return "with " + std::to_string(limit) +
         " permits, the first URLs are sent at 0 s, and each answered request hands its permit "
         "to the first URL still waiting, at that very instant, in URL order.";
}

void expect_fetch_all(const Names& names, std::map<std::string, Duration> latency) {
  auto probe = probe_with(std::move(latency));
  const Expected expected = expected_all(*probe, names);
  auto graded = run_call(Call::All, names, probe, 0, expected.elapsed);
  ASSERT_TRUE(grading::finished(graded.run));
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_all"));
  ASSERT_TRUE(
      concurrency_is(graded, names.size(), Mode::Concurrent, "fetch_all", expected.timeline));
  ASSERT_TRUE(requests_timeline_is(graded, expected, all_lesson));
  EXPECT_TRUE(elapsed_is(graded, expected.elapsed, all_lesson));
  EXPECT_TRUE(logins_are(graded, expected, names, "fetch_all"));
  EXPECT_TRUE(connections_are(graded, names.size(), names.size(), "fetch_all"));
  EXPECT_TRUE(nothing_left_open(graded));
  EXPECT_TRUE(grading::real_time_below(graded.run, 10s));
}

void expect_sequentially(const Names& names, std::map<std::string, Duration> latency) {
  auto probe = probe_with(std::move(latency));
  const Expected expected = expected_sequential(*probe, names);
  auto graded = run_call(Call::Sequentially, names, probe, 0, expected.elapsed);
  ASSERT_TRUE(grading::finished(graded.run));
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_all_sequentially"));
  ASSERT_TRUE(
      concurrency_is(graded, 1, Mode::Sequential, "fetch_all_sequentially", expected.timeline));
  ASSERT_TRUE(requests_timeline_is(graded, expected, sequential_lesson));
  EXPECT_TRUE(elapsed_is(graded, expected.elapsed, sequential_lesson));
  EXPECT_TRUE(logins_are(graded, expected, names, "fetch_all_sequentially"));
  EXPECT_TRUE(
      connections_are(graded, names.empty() ? 0 : 1, names.size(), "fetch_all_sequentially"));
  EXPECT_TRUE(nothing_left_open(graded));
  EXPECT_TRUE(grading::real_time_below(graded.run, 10s));
}

void expect_limited(const Names& names, std::map<std::string, Duration> latency, int limit) {
  auto probe = probe_with(std::move(latency));
  const std::size_t permits = static_cast<std::size_t>(limit);
  const Expected expected = expected_limited(*probe, names, permits);
  auto graded = run_call(Call::Limited, names, probe, limit, expected.elapsed);
  const std::size_t allowed = std::min(permits, names.size());
  ASSERT_TRUE(grading::finished(graded.run));
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_all_limited"));
  ASSERT_TRUE(concurrency_is(graded, allowed, allowed == 1 ? Mode::Sequential : Mode::Limited,
                             "fetch_all_limited", expected.timeline));
  ASSERT_TRUE(started_when_a_permit_came_back(graded, expected));
  ASSERT_TRUE(requests_timeline_is(graded, expected, limited_lesson(permits)));
  EXPECT_TRUE(elapsed_is(graded, expected.elapsed, limited_lesson(permits)));
  EXPECT_TRUE(logins_are(graded, expected, names, "fetch_all_limited"));
  EXPECT_TRUE(connections_are(graded, allowed, names.size(), "fetch_all_limited"));
  EXPECT_TRUE(nothing_left_open(graded));
  EXPECT_TRUE(grading::real_time_below(graded.run, 10s));
}

}  // namespace

// ---- fetch_user ---------------------------------------------------------------------------

TEST(FetchUser, ReturnsTheLoginFromTheJson) {
  Names cases = {"python", "django", "fastapi"};
  for (const auto& name : random_names(2)) cases.push_back(name);
  for (const auto& name : cases) {
    SCOPED_TRACE("fetch_user(session, \".../users/" + name + "\")");
    auto probe = probe_with({{name, random_ms(50, 900)}});
    auto graded = run_call(Call::User, {name}, probe, 0, probe->latency[name]);
    ASSERT_TRUE(grading::finished(graded.run));
    ASSERT_TRUE(fetched_each_once(graded, {name}, "fetch_user"));
    const Expected expected = expected_all(*probe, {name});
    ASSERT_TRUE(logins_are(graded, expected, {name}, "fetch_user"));
  }
}

TEST(FetchUser, TakesOneRoundTripOfTheServersLatency) {
  const Names names = random_names(1);
  auto probe = probe_with(random_latencies(names, 100, 5000));
  const Duration latency = probe->latency[names[0]];
  auto graded = run_call(Call::User, names, probe, 0, latency);
  ASSERT_TRUE(grading::finished(graded.run));
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_user"));
  EXPECT_TRUE(elapsed_is(graded, latency,
                         "one request: it is sent at 0 s and its answer comes after the server's "
                         "latency (" +
                             format_duration(latency) + "), and nothing else waits."));
  EXPECT_TRUE(nothing_left_open(graded));
}

TEST(FetchUser, AMissingUserIsAnErrorThatNamesTheUrl) {
  const Names names = random_names(1);
  auto probe = probe_with(random_latencies(names, 50, 500));
  probe->missing.insert(names[0]);
  auto graded = run_call(Call::User, names, probe, 0, 1s);
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_user"));
  EXPECT_TRUE(failed_for(graded, names[0], 404, "fetch_user"));
  EXPECT_TRUE(nothing_left_open(graded));
}

TEST(FetchUser, AServerErrorIsAnErrorToo) {
  const Names names = random_names(1);
  auto probe = probe_with(random_latencies(names, 50, 500));
  probe->broken.insert(names[0]);
  auto graded = run_call(Call::User, names, probe, 0, 1s);
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_user"));
  EXPECT_TRUE(failed_for(graded, names[0], 500, "fetch_user"));
}

TEST(FetchUser, TwoCallsShareTheSessionsConnection) {
  const Names names = random_names(2);
  auto probe = probe_with(random_latencies(names, 50, 900));
  auto graded = run_call(Call::UserTwice, names, probe, 0, 2s);
  ASSERT_TRUE(grading::finished(graded.run));
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_user"));
  EXPECT_TRUE(connections_are(graded, 1, 2, "fetch_user"));
  EXPECT_TRUE(nothing_left_open(graded));
}

// ---- fetch_all_sequentially ---------------------------------------------------------------

TEST(FetchAllSequentially, OneAfterAnotherTakesTheSum) {
  const Names names = random_names(grading::random_int(3, 8));
  expect_sequentially(names, random_latencies(names));
}

TEST(FetchAllSequentially, KeepsOneConnectionForAllAndWorksForMany) {
  const Names names = random_names(grading::random_int(30, 60));
  expect_sequentially(names, random_latencies(names, 10, 500));
}

TEST(FetchAllSequentially, TheFirstFailingUrlEndsTheCall) {
  const Names names = random_names(grading::random_int(4, 8));
  auto probe = probe_with(random_latencies(names, 50, 800));
  const std::size_t failing = static_cast<std::size_t>(grading::random_int(1, 2));
  probe->missing.insert(names[failing]);
  auto graded = run_call(Call::Sequentially, names, probe, 0, 10s);
  ASSERT_TRUE(failed_for(graded, names[failing], 404, "fetch_all_sequentially"));
  const Names before(names.begin(), names.begin() + static_cast<long>(failing) + 1);
  EXPECT_TRUE(fetched_each_once(graded, before, "fetch_all_sequentially"))
      << "The URLs after the failing one are never requested: the error ends the loop.";
  EXPECT_TRUE(nothing_left_open(graded));
}

TEST(FetchAllSequentially, NoUrlsNoRequests) {
  auto graded = run_call(Call::Sequentially, {}, probe_with({}), 0, 0s);
  ASSERT_TRUE(grading::finished(graded.run));
  EXPECT_TRUE(grading::holds(graded.run.value->empty() && graded.probe->requests.empty(),
                             "fetch_all_sequentially of no URLs returns an empty vector and "
                             "sends nothing."));
}

// ---- fetch_all ----------------------------------------------------------------------------

TEST(FetchAll, AllAtOnceTheSlowestDecides) {
  for (int round = 0; round < 2; ++round) {
    const Names names = random_names(grading::random_int(4, 12));
    SCOPED_TRACE(std::to_string(names.size()) + " random users");
    expect_fetch_all(names, random_latencies(names));
    if (HasFailure()) return;
  }
}

TEST(FetchAll, TheTutorialsThreeUsers) {
  const Names names = {"python", "django", "fastapi"};
  expect_fetch_all(names, {{"python", 300ms}, {"django", 500ms}, {"fastapi", 200ms}});
}

TEST(FetchAll, AHundredUrls) {
  const Names names = random_names(100);
  expect_fetch_all(names, random_latencies(names, 1, 3000));
}

TEST(FetchAll, ReturnsTheLoginsInUrlOrderNotCompletionOrder) {
  const Names names = random_names(grading::random_int(5, 9));
  std::map<std::string, Duration> latency;
  // The first URL is the slowest, the last the fastest: answers come back in reverse.
  for (std::size_t i = 0; i < names.size(); ++i)
    latency[names[i]] =
        milliseconds(100 * static_cast<int>(names.size() - i) + grading::random_int(0, 50));
  expect_fetch_all(names, latency);
}

TEST(FetchAll, TheSessionsConnectionsServeTheNextCallToo) {
  // Two fetch_all calls in a row on one session: the second needs no new connection.
  const Names names = random_names(grading::random_int(3, 10));
  auto probe = probe_with(random_latencies(names, 50, 1000));
  auto graded = run_call(Call::AllTwice, names, probe, 0, 3s);
  ASSERT_TRUE(grading::finished(graded.run));
  EXPECT_TRUE(connections_are(graded, names.size(), 2 * names.size(), "fetch_all"));
  EXPECT_TRUE(nothing_left_open(graded));
}

TEST(FetchAll, AFailingUrlFailsTheCallAndNamesIt) {
  const Names names = random_names(grading::random_int(4, 10));
  auto probe = probe_with(random_latencies(names, 500, 2000));
  const std::size_t failing =
      static_cast<std::size_t>(grading::random_int(0, static_cast<int>(names.size()) - 1));
  probe->missing.insert(names[failing]);
  probe->latency[names[failing]] = 100ms;  // it fails first, while the others still wait
  auto graded = run_call(Call::All, names, probe, 0, 3s);
  ASSERT_TRUE(failed_for(graded, names[failing], 404, "fetch_all"));
  EXPECT_TRUE(concurrency_is(graded, names.size(), Mode::Concurrent, "fetch_all",
                             expected_all(*probe, names).timeline));
  EXPECT_TRUE(nothing_left_open(graded));
}

TEST(FetchAll, NoUrlsAndOneUrl) {
  {
    auto graded = run_call(Call::All, {}, probe_with({}), 0, 0s);
    ASSERT_TRUE(grading::finished(graded.run));
    EXPECT_TRUE(grading::holds(graded.run.value->empty() && graded.probe->requests.empty(),
                               "fetch_all of no URLs returns an empty vector and sends nothing."));
  }
  const Names one = random_names(1);
  expect_fetch_all(one, random_latencies(one));
}

TEST(FetchAll, OnTheRealClockFasterThanOneAfterAnother) {
  // 20 requests of 50 ms each: about 50 ms at once, 1 s one after another.
  const Names names = random_names(20);
  std::map<std::string, Duration> latency;
  for (const auto& name : names) latency[name] = 50ms;
  auto probe = probe_with(latency);
  grading::Settings settings;
  settings.clock = aio::Clock::Real;
  settings.slow_step = 1s;  // a busy machine may be slow; this test is about waiting, not steps
  auto graded = run_call(Call::All, names, probe, 0, 0s, settings);
  ASSERT_TRUE(grading::finished(graded.run));
  ASSERT_TRUE(fetched_each_once(graded, names, "fetch_all"));
  EXPECT_TRUE(grading::holds(
      probe->elapsed < 600ms,
      "on the real clock, fetch_all of 20 URLs that each take 50 ms took " +
          format_duration(probe->elapsed) +
          ": one after another they take 1 s, all at once about 50 ms (this bound is generous). "
          "Send all the requests before awaiting any (aio::gather)."));
  EXPECT_TRUE(concurrency_is(graded, names.size(), Mode::Concurrent, "fetch_all",
                             expected_all(*probe, names).timeline));
}

// ---- fetch_all_limited --------------------------------------------------------------------

TEST(FetchAllLimited, NeverMoreThanTheLimitAndNeverFewer) {
  for (int round = 0; round < 2; ++round) {
    const int limit = grading::random_int(2, 6);
    const Names names = random_names(grading::random_int(limit + 2, 16));
    SCOPED_TRACE(std::to_string(names.size()) + " random users, limit " + std::to_string(limit));
    expect_limited(names, random_latencies(names), limit);
    if (HasFailure()) return;
  }
}

TEST(FetchAllLimited, AHundredUrlsUnderARandomLimit) {
  const Names names = random_names(100);
  expect_limited(names, random_latencies(names, 1, 2000), grading::random_int(5, 25));
}

TEST(FetchAllLimited, LimitOneIsOneAfterAnother) {
  const Names names = random_names(grading::random_int(3, 7));
  expect_limited(names, random_latencies(names), 1);
}

TEST(FetchAllLimited, ALimitOfAtLeastTheCountIsFetchAll) {
  const Names names = random_names(grading::random_int(3, 8));
  const int count = static_cast<int>(names.size());
  for (int limit : {count, count + grading::random_int(1, 50)}) {
    SCOPED_TRACE(std::to_string(names.size()) + " users, limit " + std::to_string(limit));
    expect_limited(names, random_latencies(names), limit);
    if (HasFailure()) return;
  }
}

TEST(FetchAllLimited, ALimitBelowOneThrowsBeforeAnyRequest) {
  const Names names = random_names(3);
  for (int limit : {0, -grading::random_int(1, 5)}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    for (const Names& urls : {names, Names{}}) {
      auto probe = probe_with(random_latencies(names, 50, 500));
      auto graded = run_call(Call::Limited, urls, probe, limit, 1s);
      ASSERT_TRUE(grading::threw<std::invalid_argument>(
          graded.run,
          "a limit below 1 lets no request ever start: fetch_all_limited throws "
          "std::invalid_argument (for any URLs, none included) before it sends "
          "anything."));
      EXPECT_TRUE(grading::holds(probe->requests.empty(),
                                 "with a limit of " + std::to_string(limit) +
                                     ", fetch_all_limited sent requests before it threw: check "
                                     "the limit first."));
    }
  }
}

TEST(FetchAllLimited, AFailingUrlFailsTheCallAndNamesIt) {
  const Names names = random_names(grading::random_int(5, 10));
  auto probe = probe_with(random_latencies(names, 500, 2000));
  probe->broken.insert(names[1]);
  probe->latency[names[1]] = 100ms;
  auto graded = run_call(Call::Limited, names, probe, 3, 5s);
  ASSERT_TRUE(failed_for(graded, names[1], 500, "fetch_all_limited"));
  EXPECT_TRUE(nothing_left_open(graded));
}
