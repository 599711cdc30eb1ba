// Chapter 06 — resources with async set-up and tear-down (aio::with). You implement these in
// exercise.cpp; the graders and the demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ch06 {

using Rows = std::vector<std::string>;

// Given, not an exercise: rows as the exercises print them, "[result1, result2]".
inline std::string format_rows(const Rows& rows) {
  std::string text = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) text += (i == 0 ? "" : ", ") + rows[i];
  return text + "]";
}

// Given, not an exercise: an open database connection, as the exercises use it. Your
// AsyncDatabaseConnection is one kind; the graders hand your functions connections of their own
// through this interface (other durations and rows, or a query that throws).
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs `sql` and returns the rows it produced. May throw.
  virtual aio::Task<Rows> query(std::string sql) = 0;
  // Says goodbye to the server. Await it exactly once, after the last query.
  virtual aio::Task<> close() = 0;
};

// Opens a new connection each time it is called: what aio::with awaits first. For the tutorial's
// database it is AsyncDatabaseConnection::open.
using Opener = std::function<aio::Task<std::unique_ptr<Connection>>()>;

// Exercise 1 — the tutorial's database connection. Make one with open(), not with the
// constructor: a constructor cannot co_await (nor can a destructor: see the README).
class AsyncDatabaseConnection final : public Connection {
 public:
  // Prints "Opening database connection...", then takes 1 s to connect, then returns the new
  // connection (std::make_unique<AsyncDatabaseConnection>()).
  //   [  0.000s] Opening database connection...      (returns at 1.000 s)
  static aio::Task<std::unique_ptr<Connection>> open();

  // Takes 0.5 s and returns the rows {"result1", "result2"} (whatever the SQL: a toy database).
  // Prints nothing.
  aio::Task<Rows> query(std::string sql) override;

  // Prints "Closing database connection...", then takes 0.5 s.
  //   [  0.000s] Closing database connection...      (returns at 0.500 s)
  aio::Task<> close() override;
};

// Exercise 2 — the tutorial's `async with`. With aio::with: open a connection with `open`, run
// `sql` on it, print "Query result: " followed by format_rows(rows) while the connection is
// still open, and return the rows. The connection is closed exactly once, after the query,
// always: also when the query throws, and then the query's exception reaches the caller.
// With AsyncDatabaseConnection::open (2 s in all):
//   [  0.000s] Opening database connection...
//   [  1.500s] Query result: [result1, result2]
//   [  1.500s] Closing database connection...
aio::Task<Rows> run_query(Opener open, std::string sql);

// Exercise 3 — several connections at once. Runs each of `queries` on its own connection (each
// opened with `open`, queried, printed and closed as in run_query), all of them concurrently,
// and returns their rows in the order of `queries`. If one query throws, the others are
// cancelled, every opened connection is still closed, and the exception reaches the caller.
// Two queries with AsyncDatabaseConnection::open take 2 s, not 4 s:
//   [  0.000s] Opening database connection...
//   [  0.000s] Opening database connection...
//   [  1.500s] Query result: [result1, result2]
//   [  1.500s] Closing database connection...
//   [  1.500s] Query result: [result1, result2]
//   [  1.500s] Closing database connection...
aio::Task<std::vector<Rows>> run_queries_concurrently(Opener open,
                                                      std::vector<std::string> queries);

}  // namespace ch06
