// Chapter 06 — resources with async set-up and tear-down. This is the file you edit.
//
// Read chapters/06-async-with/README.md first. Check your work with
// `ctest --preset workbook -L ch06`. Stuck? chapters/06-async-with/HINTS.md has hints, gentlest
// first.
#include "exercise.hpp"

namespace ch06 {

using namespace std::chrono_literals;

// ---- Exercise 1: the connection -----------------------------------------------------------

aio::Task<std::unique_ptr<Connection>> AsyncDatabaseConnection::open() {
  // TODO 1: print "Opening database connection...".
  // TODO 2: take 1 s to connect, without blocking the thread.
  // TODO 3: return a new AsyncDatabaseConnection (std::make_unique); it converts to the
  //         std::unique_ptr<Connection> this function returns.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("AsyncDatabaseConnection::open");
  co_return nullptr;
}

aio::Task<Rows> AsyncDatabaseConnection::query([[maybe_unused]] std::string sql) {
  // TODO 1: take 0.5 s.
  // TODO 2: return the rows "result1" and "result2" (the toy database ignores `sql`).
  aio::todo("AsyncDatabaseConnection::query");
  co_return Rows{};
}

aio::Task<> AsyncDatabaseConnection::close() {
  // TODO 1: print "Closing database connection..." (first, before waiting).
  // TODO 2: take 0.5 s.
  aio::todo("AsyncDatabaseConnection::close");
  co_return;
}

// ---- Exercise 2: one connection, used inside a scope --------------------------------------

aio::Task<Rows> run_query([[maybe_unused]] Opener open, [[maybe_unused]] std::string sql) {
  // TODO 1: write the body of the scope as a coroutine lambda, in its own statement:
  //         it receives the open connection (Connection&), runs `sql` on it, prints
  //         "Query result: " followed by format_rows(rows), and returns the rows.
  // TODO 2: hand `open` and the body to aio::with, co_await the scope, and return what the
  //         body returned. aio::with closes the connection for you - do not call close().
  // Do not catch the query's exception: it must reach whoever called run_query.
  aio::todo("run_query");
  co_return Rows{};
}

// ---- Exercise 3: several connections at once ----------------------------------------------

aio::Task<std::vector<Rows>> run_queries_concurrently(
    [[maybe_unused]] Opener open, [[maybe_unused]] std::vector<std::string> queries) {
  // TODO 1: make one scope (one Task) per query - run_query already is one.
  // TODO 2: run them all at the same time and wait for all of them (chapter 04), returning
  //         their rows in the order of `queries`.
  aio::todo("run_queries_concurrently");
  co_return std::vector<Rows>{};
}

}  // namespace ch06
