// Mistake: run_queries_concurrently collects the rows in a static vector (as if a local would
// not survive the co_await), so a second call returns the first call's rows as well.
// test: RunQueriesConcurrently.RepeatedQueriesTwiceInOneProcess
// expect: the second call returned the rows of the first call too
#include "exercise.hpp"

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
  // One scope per query; gather runs them all at once. If one fails, gather cancels the
  // others, and each one's aio::with still closes its connection before gather rethrows.
  std::vector<aio::Task<Rows>> scopes;
  scopes.reserve(queries.size());
  for (auto& sql : queries) scopes.push_back(run_query(open, sql));
  static std::vector<Rows> results;  // the mistake: one vector shared by every call
  for (auto& rows : co_await aio::gather(std::move(scopes))) results.push_back(std::move(rows));
  co_return results;
}

}  // namespace ch06
