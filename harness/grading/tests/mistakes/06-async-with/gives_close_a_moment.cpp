// Mistake: run_query does not wait for the goodbye: it opens and queries by hand, starts close()
// as a task of its own and gives it "a moment" (aio::sleep(0s)) before returning. The close()
// takes its first step (it prints) and is still running when run_query has returned.
// test: RunQuery.ReturnsOnlyAfterASlowCloseHasFinished
// expect: run_query ended at 1\.500 s, but db1.s close\(\), started at 1\.500 s, had not finished
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
  std::unique_ptr<Connection> db = co_await open();
  Rows rows = co_await db->query(sql);
  aio::print("Query result: ", format_rows(rows));
  // The mistake: close() is started, not awaited; a zero sleep lets it take one step only.
  auto closing = aio::create_task(db->close());
  co_await aio::sleep(0s);
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
