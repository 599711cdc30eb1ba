// Mistake: run_query prints the rows after aio::with returned, i.e. after the connection closed.
// test: RunQuery.TheTutorialsTimelineInTwoSeconds
// expect: the rows were printed at 2\.000 s, after "Closing database connection\.\.\." \(at 1
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
  auto body = [&sql](Connection& db) -> aio::Task<Rows> { co_return co_await db.query(sql); };
  Rows rows = co_await aio::with(open, body);
  aio::print("Query result: ", format_rows(rows));  // the mistake: printed after close()
  co_return rows;
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
