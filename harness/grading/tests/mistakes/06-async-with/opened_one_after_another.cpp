// Mistake: run_queries_concurrently awaits each run_query before starting the next.
// test: RunQueriesConcurrently.OpensBothConnectionsAtOnce
// expect: the connections were opened one after the other: db1 at 0.000 s, db2 at
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
  // The mistake: each scope is awaited before the next one starts.
  std::vector<Rows> results;
  for (auto& sql : queries) results.push_back(co_await run_query(open, sql));
  co_return results;
}

}  // namespace ch06
