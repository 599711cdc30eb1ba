// Mistake: run_query opens AsyncDatabaseConnection itself instead of calling the given opener.
// test: RunQuery.OpensQueriesThenClosesAGradersConnection
// expect: the `open` run_query was given was never called, so the grader.s connection
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

aio::Task<Rows> run_query([[maybe_unused]] Opener open, std::string sql) {
  auto body = [&sql](Connection& db) -> aio::Task<Rows> {
    Rows rows = co_await db.query(sql);
    aio::print("Query result: ", format_rows(rows));
    co_return rows;
  };
  // The mistake: always the tutorial's database, not the opener the caller passed.
  co_return co_await aio::with(AsyncDatabaseConnection::open(), body);
}

aio::Task<std::vector<Rows>> run_queries_concurrently(Opener open,
                                                      std::vector<std::string> queries) {
  // One scope per query; gather runs them all at once. If one fails, gather cancels the
  // others, and each one's aio::with still closes its connection before gather rethrows.
  std::vector<aio::Task<Rows>> scopes;
  scopes.reserve(queries.size());
  for (auto& sql : queries) scopes.push_back(run_query(open, sql));
  co_return co_await aio::gather(std::move(scopes));
}

}  // namespace ch06
