// Mistake: run_queries_concurrently runs each distinct query text only once and copies its rows
// to the repeats, so two identical queries share one connection and one result.
// test: RunQueriesConcurrently.RepeatedQueriesTwiceInOneProcess
// expect: the opener was called 4 times for 6 queries
#include "exercise.hpp"

#include <algorithm>

#include <utility>

namespace ch06 {

using namespace std::chrono_literals;

// A constructor cannot co_await, so the asynchronous part of making a connection lives in a
// static factory coroutine.
aio::Task<std::unique_ptr<Connection>> AsyncDatabaseConnection::open() {
  aio::print("Opening database connection...");
  co_await aio::sleep(1s);
  co_return std::make_unique<AsyncDatabaseConnection>();
}

aio::Task<Rows> AsyncDatabaseConnection::query(std::string /*sql: a toy database*/) {
  co_await aio::sleep(500ms);
  co_return Rows{"result1", "result2"};
}

aio::Task<> AsyncDatabaseConnection::close() {
  aio::print("Closing database connection...");
  co_await aio::sleep(500ms);
}

aio::Task<Rows> run_query(Opener open, std::string sql) {
  // The body: what runs while the connection is open. It captures `sql` by reference, which is
  // safe: `sql` lives in run_query's frame, and run_query waits for the whole scope below.
  auto body = [&sql](Connection& db) -> aio::Task<Rows> {
    Rows rows = co_await db.query(sql);
    aio::print("Query result: ", format_rows(rows));
    co_return rows;
  };
  // The lambda was written in its own statement (the GCC 12 trap: see the README); aio::with
  // opens, runs the body, and closes - also when the body throws or is cancelled.
  co_return co_await aio::with(open, body);
}

aio::Task<std::vector<Rows>> run_queries_concurrently(Opener open,
                                                      std::vector<std::string> queries) {
  // The mistake: "the same query gives the same rows", so each text runs once.
  std::vector<std::string> distinct;
  for (auto& sql : queries)
    if (std::find(distinct.begin(), distinct.end(), sql) == distinct.end()) distinct.push_back(sql);
  std::vector<aio::Task<Rows>> scopes;
  for (auto& sql : distinct) scopes.push_back(run_query(open, sql));
  std::vector<Rows> rows = co_await aio::gather(std::move(scopes));
  std::vector<Rows> results;
  for (auto& sql : queries) {
    auto at = std::find(distinct.begin(), distinct.end(), sql) - distinct.begin();
    results.push_back(rows[static_cast<std::size_t>(at)]);
  }
  co_return results;
}

}  // namespace ch06
