// Mistake: the query escapes the scope (create_task in the body, awaited after aio::with).
// test: RunQuery.ClosesOnlyAfterTheQueryFinished
// expect: db1's close\(\) started at .* while the query was still running \(it finished at
#include "exercise.hpp"

#include <optional>
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
  // The mistake: the query is started in the body but awaited after the scope, so it outlives
  // the connection, which aio::with has closed by then.
  std::optional<aio::TaskHandle<Rows>> pending;
  auto body = [&](Connection& db) -> aio::Task<> {
    pending = aio::create_task(db.query(sql));
    co_return;
  };
  co_await aio::with(open, body);
  Rows rows = co_await *pending;
  aio::print("Query result: ", format_rows(rows));
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
