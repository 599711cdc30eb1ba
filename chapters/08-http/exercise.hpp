// Chapter 08 — concurrent HTTP with one shared session: the tutorial's aiohttp example, with
// aio::http::Session (aiohttp's ClientSession) against a local aio::http::Server.
// You implement these in exercise.cpp; the graders and the demo call only what is declared here.
//
// Every function takes the session by reference: the caller made it, keeps it alive until the
// call has finished, and closes it. Use that one session for every request: its pool keeps
// connections open between requests, so a request after another one to the same server does
// not pay for a new connection (a Session of your own per request would).
// None of these functions prints anything.
#pragma once

#include <aio/aio.hpp>
#include <aio/http/session.hpp>
#include <string>
#include <vector>

namespace ch08 {

// GET `url` with `session`, as the tutorial's fetch_url does, and return the user's login:
//   - a status that is not 2xx (404 for a user that does not exist, 500, ...) is an error:
//     throw aio::http::HttpStatusError, whose what() names the status and the URL
//     (ClientResponse::raise_for_status() does exactly that);
//   - otherwise the body is JSON, {"login": "python", "id": 1234, ...}: return its "login"
//     (response.json()["login"]), which is the server's spelling of the name, not the URL's.
// fetch_user(session, "http://127.0.0.1:8080/users/python") returns "python" after one round
// trip: the server's latency, nothing more.
aio::Task<std::string> fetch_user(aio::http::Session& session, std::string url);

// All the URLs at once (aio::gather over a fetch_user for each), results in the order of `urls`.
// The whole call takes as long as the slowest request, not the sum. If a request fails, the call
// fails with that error (the others are cancelled). No URLs: an empty vector, at once.
aio::Task<std::vector<std::string>> fetch_all(aio::http::Session& session,
                                              std::vector<std::string> urls);

// The baseline: one URL after another, each awaited before the next starts, results in the
// order of `urls`. Takes the sum of the latencies, and keeps ONE connection for all of them (the
// session reuses it). The first failing request ends the call with its error; the URLs after it
// are never requested.
aio::Task<std::vector<std::string>> fetch_all_sequentially(aio::http::Session& session,
                                                           std::vector<std::string> urls);

// Like fetch_all, but never more than `limit` requests in flight at once (one aio::Semaphore of
// `limit` permits for the call, as in chapter 10); the others wait their turn in URL order and
// start the instant a request finishes. Results in the order of `urls`. The session then needs
// only `limit` connections: each finished request leaves its connection to the next one.
// A limit below 1 would let nothing start: it throws std::invalid_argument when awaited, before
// any request, even with no URLs.
aio::Task<std::vector<std::string>> fetch_all_limited(aio::http::Session& session,
                                                      std::vector<std::string> urls, int limit);

}  // namespace ch08
