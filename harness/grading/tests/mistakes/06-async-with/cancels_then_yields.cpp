// Mistake: run_queries_concurrently runs the scopes as tasks of its own; when one fails it
// cancels the others and gives them "a moment" (aio::sleep(0s)) instead of awaiting them, then
// rethrows. The cancelled scopes have only started closing their connections when the error
// leaves.
// test: RunQueriesConcurrently.TheErrorComesOutOnlyAfterEveryConnectionClosed
// expect: run_queries_concurrently ended at 2\.250 s, but db2.s close\(\), started at 2\.250 s
#include "exercise.hpp"

#include <exception>

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
  std::vector<aio::TaskHandle<Rows>> scopes;
  for (auto& sql : queries) scopes.push_back(aio::create_task(run_query(open, sql)));
  std::vector<Rows> results;
  std::exception_ptr error;
  try {
    for (auto& scope : scopes) results.push_back(co_await scope);
  } catch (...) {
    error = std::current_exception();  // no co_await in a handler: remember, act below
  }
  if (error) {
    for (auto& scope : scopes) scope.cancel();
    co_await aio::sleep(0s);  // the mistake: a moment for the others, not a wait for them
    std::rethrow_exception(error);
  }
  co_return results;
}

}  // namespace ch06
