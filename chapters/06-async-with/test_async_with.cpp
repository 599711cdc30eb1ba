// Graders of chapter 06 — resources with async set-up and tear-down.
//
// Besides the tutorial's AsyncDatabaseConnection, the graders open connections of their own
// (FakeConnection below) with random durations, rows that depend on the SQL, and queries that
// throw. Each fake records when it was opened, queried and closed, so a grader can say exactly
// what went wrong: close() skipped, run twice, started too early, connections opened one after
// the other.
#include <algorithm>
#include <grading/grading.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using ch06::Rows;
using grading::format_duration;
using std::chrono::milliseconds;

// ---- the graders' own database ------------------------------------------------------------

// The error a failing grader query throws.
struct QueryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How the k-th connection the opener makes behaves.
struct Spec {
  aio::Duration open{};
  aio::Duration query{};
  aio::Duration close{};
  bool fail = false;
};

// What happened to one connection, with times (unset: did not happen).
struct History {
  std::optional<aio::Duration> open_started, opened, query_ended, close_started, closed;
  bool query_failed = false;
  bool query_cancelled = false;
  int closes = 0;
};

// Shared by the opener and every connection it made.
struct Database {
  std::vector<Spec> specs;         // connection k (from 1) behaves as specs[k - 1]
  std::vector<History> histories;  // one per connection the opener started to make
};

Rows rows_for(const std::string& sql, int id) {
  return {sql + " #1", sql + " #2", "from db" + std::to_string(id)};
}

std::string failure_text(int id) {
  return "db" + std::to_string(id) + ": the table is locked";
}

History& history_of(Database& db, int id) {
  return db.histories.at(static_cast<std::size_t>(id - 1));
}
const Spec& spec_of(const Database& db, int id) {
  return db.specs.at(static_cast<std::size_t>(id - 1));
}

// The fake's coroutines take everything by value and never touch the connection object after
// they start: a learner's query that outlives its scope (and so its connection) is then
// reported as a mistake instead of crashing the grader.
aio::Task<Rows> fake_query(std::shared_ptr<Database> db, int id, std::string sql) {
  try {
    co_await aio::sleep(spec_of(*db, id).query);
  } catch (const aio::CancelledError&) {
    history_of(*db, id).query_cancelled = true;
    history_of(*db, id).query_ended = aio::now();
    throw;
  }
  history_of(*db, id).query_ended = aio::now();
  if (spec_of(*db, id).fail) {
    history_of(*db, id).query_failed = true;
    throw QueryError(failure_text(id));
  }
  co_return rows_for(sql, id);
}

aio::Task<> fake_close(std::shared_ptr<Database> db, int id) {
  ++history_of(*db, id).closes;
  history_of(*db, id).close_started = aio::now();
  aio::print("(grader) closing db", id);
  co_await aio::sleep(spec_of(*db, id).close);
  aio::print("(grader) closed db", id);
  history_of(*db, id).closed = aio::now();
}

class FakeConnection final : public ch06::Connection {
 public:
  FakeConnection(std::shared_ptr<Database> db, int id) : db_(std::move(db)), id_(id) {}
  aio::Task<Rows> query(std::string sql) override { return fake_query(db_, id_, std::move(sql)); }
  aio::Task<> close() override { return fake_close(db_, id_); }

 private:
  std::shared_ptr<Database> db_;
  int id_;
};

aio::Task<std::unique_ptr<ch06::Connection>> open_fake(std::shared_ptr<Database> db) {
  int id = static_cast<int>(db->histories.size()) + 1;
  if (static_cast<std::size_t>(id) > db->specs.size()) {
    throw std::logic_error("(grader) the opener was called more times than there are queries");
  }
  db->histories.emplace_back();
  db->histories.back().open_started = aio::now();
  aio::print("(grader) opening db", id);
  co_await aio::sleep(db->specs[static_cast<std::size_t>(id - 1)].open);
  db->histories.back().opened = aio::now();
  co_return std::make_unique<FakeConnection>(db, id);
}

// The opener handed to the learner: a plain lambda calling a coroutine that takes its argument
// by value, so nothing it captures can dangle.
ch06::Opener opener_for(std::shared_ptr<Database> db) {
  return [db] { return open_fake(db); };
}

aio::Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

Spec random_spec() {
  return {random_ms(100, 3000), random_ms(100, 3000), random_ms(100, 3000)};
}

std::string random_sql() {
  return "SELECT * FROM table" + std::to_string(grading::random_int(1, 999));
}

// ---- checks of the histories --------------------------------------------------------------

::testing::AssertionResult missed(const std::string& what, const std::string& lesson) {
  return ::testing::AssertionFailure() << what << "\nWhat you missed: " << lesson << "\n"
                                       << grading::hints_pointer();
}

const std::string always_close_lesson =
    "aio::with awaits close() whatever the body does: it returns, it throws, or it is "
    "cancelled. A close() written after the query, without aio::with, is skipped as soon as the "
    "query throws - and a cancellation arrives as an exception too (aio::CancelledError) - so "
    "the connection is left open. Let aio::with own the connection.";

const std::string close_after_body_lesson =
    "a connection is closed when its scope ends, and the scope ends when the body's Task has "
    "finished. Await the query inside the body; work started in the body and awaited later "
    "(a create_task handle, a Task kept for afterwards) runs on a closed connection.";

const std::string close_once_lesson =
    "aio::with closes the connection itself, exactly once, after the body: do not call "
    "close() in the body as well.";

// What went wrong with connection `id` (from 1): {problem, lesson}, or an empty problem.
std::pair<std::string, std::string> close_problem(const Database& db, int id) {
  std::string name = "db" + std::to_string(id);
  if (static_cast<std::size_t>(id) > db.histories.size()) {
    return {name + " was never opened.",
            "every query needs its own connection, made by calling `open`."};
  }
  const History& h = db.histories[static_cast<std::size_t>(id - 1)];
  if (h.closes == 0) {
    std::string what = name + "'s close() never ran";
    if (h.query_failed) what += ": its query threw at " + format_duration(*h.query_ended);
    if (h.query_cancelled) {
      what += ": its query was cancelled at " + format_duration(*h.query_ended);
    }
    return {what + " and the connection was left open.", always_close_lesson};
  }
  if (h.closes > 1) {
    return {name + "'s close() ran " + std::to_string(h.closes) + " times.", close_once_lesson};
  }
  if (!h.query_ended || *h.close_started < *h.query_ended) {
    std::string what = name + "'s close() started at " + format_duration(*h.close_started) +
                       " while the query was still running";
    if (h.query_ended) what += " (it finished at " + format_duration(*h.query_ended) + ")";
    return {what + ".", close_after_body_lesson};
  }
  return {};
}

// Connections 1..count were each closed exactly once, and not before their query was over.
// One message lists every connection that was not, with the lesson of the first.
::testing::AssertionResult closed_once_after_query(const Database& db, int count = 1) {
  std::string problems;
  std::string lesson;
  for (int id = 1; id <= count; ++id) {
    auto [problem, why] = close_problem(db, id);
    if (problem.empty()) continue;
    problems += (problems.empty() ? "" : "\n") + problem;
    if (lesson.empty()) lesson = why;
  }
  if (problems.empty()) return ::testing::AssertionSuccess();
  return missed(problems, lesson);
}

// Every connection the opener made was opened at time 0: all at once, not one after the other.
::testing::AssertionResult all_opened_at_once(const Database& db, std::size_t expected) {
  std::string opens;
  bool at_once = db.histories.size() == expected;
  for (std::size_t i = 0; i < db.histories.size(); ++i) {
    aio::Duration at = *db.histories[i].open_started;
    at_once = at_once && at == 0s;
    opens += (i == 0 ? "" : ", ") + ("db" + std::to_string(i + 1)) + " at " + format_duration(at);
  }
  if (at_once) return ::testing::AssertionSuccess();
  if (db.histories.size() != expected) {
    return missed("the opener was called " + std::to_string(db.histories.size()) + " times for " +
                      std::to_string(expected) + " queries.",
                  "each query runs on its own connection: one aio::with (one run_query) per "
                  "query.");
  }
  return missed("the connections were opened one after the other: " + opens + ".",
                "every scope must start before you wait for any of them. Awaiting run_query "
                "for one query, then the next, runs the scopes in sequence; make all the Tasks "
                "first and await them together with aio::gather, so every connection opens at "
                "0 s and the whole run takes as long as the slowest scope, not the sum.");
}

// No diagnostic (blocked loop, forgotten Task, task left running, ...) in a run that threw.
template <class T>
::testing::AssertionResult no_diagnostics(const grading::Run<T>& run) {
  auto diagnostics = run.diagnostics();
  if (diagnostics.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  for (const auto& d : diagnostics) failure << grading::explain_diagnostic(d) << "\n";
  return failure << grading::hints_pointer();
}

// grading::timeline_is and elapsed_is explain the error of a run that threw instead of comparing;
// these compare anyway, for runs that must throw (after printing and closing).
template <class T>
::testing::AssertionResult timeline_before_error_is(const grading::Run<T>& run,
                                                    const grading::Timeline& expected,
                                                    const std::string& lesson) {
  grading::Timeline actual = run.timeline();
  if (actual == expected) return ::testing::AssertionSuccess();
  return missed("the printed timeline is not the expected one.",
                lesson + "\n" + grading::side_by_side(expected, actual));
}

template <class T>
::testing::AssertionResult elapsed_before_error_is(const grading::Run<T>& run,
                                                   aio::Duration expected,
                                                   const std::string& lesson) {
  if (run.elapsed == expected) return ::testing::AssertionSuccess();
  return missed("the error came out after " + format_duration(run.elapsed) +
                    " of simulated time, expected " + format_duration(expected) + ".",
                lesson);
}

// ---- the timelines the exercises must print -----------------------------------------------

const std::string tutorial_rows_text = "Query result: [result1, result2]";

// One run_query on a grader connection, from the opening line to the closed line.
grading::Timeline fake_scope_timeline(int id, const Spec& spec, const std::string& sql,
                                      aio::Duration start = 0s) {
  std::string db = "db" + std::to_string(id);
  aio::Duration queried = start + spec.open + spec.query;
  return {{start, "(grader) opening " + db},
          {queried, "Query result: " + ch06::format_rows(rows_for(sql, id))},
          {queried, "(grader) closing " + db},
          {queried + spec.close, "(grader) closed " + db}};
}

const std::string scope_lesson =
    "aio::with awaits the opener, then the body, then close(): print the rows in the body, "
    "while the connection is still open, so the line comes before close() starts.";

// Grader-side callers of the learner's coroutines.
aio::Task<bool> open_then_report() {
  auto db = co_await ch06::AsyncDatabaseConnection::open();
  aio::print("(grader) open() returned");
  co_return dynamic_cast<ch06::AsyncDatabaseConnection*>(db.get()) != nullptr;
}

aio::Task<Rows> query_then_report(std::string sql) {
  ch06::AsyncDatabaseConnection db;
  Rows rows = co_await db.query(std::move(sql));
  aio::print("(grader) query() returned");
  co_return rows;
}

aio::Task<> close_then_report() {
  ch06::AsyncDatabaseConnection db;
  co_await db.close();
  aio::print("(grader) close() returned");
}

}  // namespace

// ---- Exercise 1: AsyncDatabaseConnection --------------------------------------------------

TEST(AsyncDatabaseConnection, OpenPrintsThenConnectsInOneSecond) {
  auto run = grading::run(open_then_report());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Opening database connection..."}, {1s, "(grader) open() returned"}},
      "open() prints first, then co_awaits a 1 s aio::sleep (the connection's set-up), then "
      "returns the connection."));
  EXPECT_TRUE(grading::returned(run, true,
                                "open() returns a new AsyncDatabaseConnection "
                                "(std::make_unique<AsyncDatabaseConnection>()), not nullptr."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(AsyncDatabaseConnection, QueryTakesHalfASecondAndReturnsTwoRows) {
  auto run = grading::run(query_then_report(random_sql()));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run, {{500ms, "(grader) query() returned"}},
                                   "query() prints nothing and co_awaits a 0.5 s aio::sleep."));
  EXPECT_TRUE(grading::returned(run, Rows{"result1", "result2"},
                                "the toy database answers every query with the rows "
                                "\"result1\" and \"result2\"."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(AsyncDatabaseConnection, ClosePrintsThenTakesHalfASecond) {
  auto run = grading::run(close_then_report());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Closing database connection..."}, {500ms, "(grader) close() returned"}},
      "close() prints \"Closing database connection...\" as it starts, then co_awaits a 0.5 s "
      "aio::sleep (the goodbye to the server)."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- Exercise 2: run_query ----------------------------------------------------------------

TEST(RunQuery, TheTutorialsTimelineInTwoSeconds) {
  auto run = grading::run(ch06::run_query(ch06::AsyncDatabaseConnection::open, random_sql()));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "Opening database connection..."},
                                    {1500ms, tutorial_rows_text},
                                    {1500ms, "Closing database connection..."}},
                                   scope_lesson));
  EXPECT_TRUE(grading::elapsed_is(
      run, 2s,
      "the scope takes as long as its three steps in sequence: open 1 s, query 0.5 s, close "
      "0.5 s; run_query returns only after close() has finished."));
  EXPECT_TRUE(grading::returned(run, Rows{"result1", "result2"},
                                "run_query returns the rows the body got from the query (the "
                                "value of co_await aio::with(...) is the body's value)."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, OpensQueriesThenClosesAGradersConnection) {
  auto db = std::make_shared<Database>();
  db->specs = {random_spec()};
  std::string sql = random_sql();
  auto run = grading::run(ch06::run_query(opener_for(db), sql));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(closed_once_after_query(*db));
  const Spec& s = db->specs[0];
  EXPECT_TRUE(grading::timeline_is(run, fake_scope_timeline(1, s, sql),
                                   scope_lesson + " Use the `open` you were given and run the "
                                                  "`sql` you were given: the graders pass their "
                                                  "own."));
  EXPECT_TRUE(grading::elapsed_is(run, s.open + s.query + s.close,
                                  "open, query and close happen one after the other, and "
                                  "run_query returns once close() has finished."));
  EXPECT_TRUE(
      grading::returned(run, rows_for(sql, 1), "run_query returns the rows the query produced."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, ClosesOnlyAfterTheQueryFinished) {
  auto db = std::make_shared<Database>();
  db->specs = {random_spec()};
  std::string sql = random_sql();
  auto run = grading::run(ch06::run_query(opener_for(db), sql));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(closed_once_after_query(*db));
  const Spec& s = db->specs[0];
  EXPECT_TRUE(grading::elapsed_is(run, s.open + s.query + s.close,
                                  "the scope ends when close() has finished, and close() starts "
                                  "only when the body (and the query in it) is done."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, ClosesTheConnectionWhenTheQueryThrows) {
  auto db = std::make_shared<Database>();
  Spec s = random_spec();
  s.fail = true;
  db->specs = {s};
  auto run = grading::run(ch06::run_query(opener_for(db), random_sql()));
  ASSERT_TRUE(grading::threw<QueryError>(
      run, "the query's exception must leave run_query (after the connection is closed)."));
  EXPECT_TRUE(no_diagnostics(run));
  EXPECT_TRUE(closed_once_after_query(*db));
  aio::Duration failed_at = s.open + s.query;
  EXPECT_TRUE(timeline_before_error_is(run,
                                       {{0s, "(grader) opening db1"},
                                        {failed_at, "(grader) closing db1"},
                                        {failed_at + s.close, "(grader) closed db1"}},
                                       "when the body throws, aio::with closes the connection at "
                                       "once, and nothing else is printed: there are no rows."));
  EXPECT_TRUE(elapsed_before_error_is(run, failed_at + s.close,
                                      "aio::with rethrows the body's exception only after close() "
                                      "has finished."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, LetsTheQueryErrorReachTheCaller) {
  auto db = std::make_shared<Database>();
  Spec s = random_spec();
  s.fail = true;
  db->specs = {s};
  auto run = grading::run(ch06::run_query(opener_for(db), random_sql()));
  ASSERT_TRUE(grading::threw<QueryError>(
      run,
      "the query's exception was swallowed: run_query must not catch it. aio::with closes the "
      "connection and then rethrows the body's exception unchanged, so that the caller learns "
      "the query failed; returning empty rows instead looks like a query that found nothing."));
  try {
    std::rethrow_exception(run.error);
  } catch (const QueryError& e) {
    EXPECT_EQ(std::string(e.what()), failure_text(1))
        << "the caller should get the query's own exception, unchanged\n"
        << grading::hints_pointer();
  }
  EXPECT_TRUE(no_diagnostics(run));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- Exercise 3: run_queries_concurrently -------------------------------------------------

TEST(RunQueriesConcurrently, TwoTutorialConnectionsTakeTwoSecondsNotFour) {
  auto run = grading::run(ch06::run_queries_concurrently(ch06::AsyncDatabaseConnection::open,
                                                         {random_sql(), random_sql()}));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson =
      "two scopes gathered run side by side: both connections open at 0 s, both queries end at "
      "1.5 s, both closes end at 2 s.";
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "Opening database connection..."},
                                    {0s, "Opening database connection..."},
                                    {1500ms, tutorial_rows_text},
                                    {1500ms, "Closing database connection..."},
                                    {1500ms, tutorial_rows_text},
                                    {1500ms, "Closing database connection..."}},
                                   lesson));
  EXPECT_TRUE(grading::elapsed_is(
      run, 2s,
      "concurrent scopes take as long as the slowest one (2 s), not the sum (4 s): start both, "
      "then wait for both."));
  EXPECT_TRUE(grading::returned(run,
                                std::vector<Rows>{{"result1", "result2"}, {"result1", "result2"}},
                                "one list of rows per query, in the order of the queries."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQueriesConcurrently, OpensBothConnectionsAtOnce) {
  auto db = std::make_shared<Database>();
  db->specs = {random_spec(), random_spec()};
  auto run =
      grading::run(ch06::run_queries_concurrently(opener_for(db), {random_sql(), random_sql()}));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(all_opened_at_once(*db, 2));
  aio::Duration slowest = 0s;
  for (const Spec& s : db->specs) slowest = std::max(slowest, s.open + s.query + s.close);
  EXPECT_TRUE(grading::elapsed_is(run, slowest,
                                  "concurrent scopes take as long as the slowest one, not the sum "
                                  "of all of them."));
  EXPECT_TRUE(closed_once_after_query(*db, 2));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQueriesConcurrently, ManyConnectionsAtOnceRowsInQueryOrder) {
  auto db = std::make_shared<Database>();
  std::size_t count = static_cast<std::size_t>(grading::random_int(3, 12));
  std::vector<std::string> queries;
  std::vector<Rows> expected;
  aio::Duration slowest = 0s;
  for (std::size_t i = 0; i < count; ++i) {
    db->specs.push_back(random_spec());
    queries.push_back(random_sql() + " -- query " + std::to_string(i + 1));
    expected.push_back(rows_for(queries.back(), static_cast<int>(i + 1)));
    const Spec& s = db->specs.back();
    slowest = std::max(slowest, s.open + s.query + s.close);
  }
  auto run = grading::run(ch06::run_queries_concurrently(opener_for(db), queries));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(all_opened_at_once(*db, count));
  EXPECT_TRUE(closed_once_after_query(*db, static_cast<int>(count)));
  EXPECT_TRUE(grading::elapsed_is(run, slowest,
                                  "concurrent scopes take as long as the slowest one, not the sum "
                                  "of all of them."));
  EXPECT_TRUE(grading::returned(run, expected,
                                "the rows come back in the order of the queries, whatever order "
                                "the connections finish in (aio::gather keeps argument order)."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQueriesConcurrently, OneQueryFailsEveryConnectionIsStillClosed) {
  auto db = std::make_shared<Database>();
  std::size_t count = static_cast<std::size_t>(grading::random_int(2, 6));
  std::size_t failing =
      static_cast<std::size_t>(grading::random_int(0, static_cast<int>(count) - 1));
  aio::Duration last_open = 0s;
  for (std::size_t i = 0; i < count; ++i) {
    db->specs.push_back({random_ms(100, 2000), random_ms(10000, 20000), random_ms(100, 2000)});
    last_open = std::max(last_open, db->specs.back().open);
  }
  // The failing query throws once every connection is open, long before the others finish.
  Spec& bad = db->specs[failing];
  bad.fail = true;
  bad.query = last_open - bad.open + random_ms(100, 1000);
  aio::Duration failed_at = bad.open + bad.query;
  aio::Duration slowest_close = 0s;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != failing) slowest_close = std::max(slowest_close, db->specs[i].close);
  }
  std::vector<std::string> queries;
  for (std::size_t i = 0; i < count; ++i) queries.push_back(random_sql());

  auto run = grading::run(ch06::run_queries_concurrently(opener_for(db), queries));
  ASSERT_TRUE(grading::threw<QueryError>(
      run, "the failing query's exception must reach the caller of run_queries_concurrently."));
  EXPECT_TRUE(no_diagnostics(run));
  EXPECT_TRUE(closed_once_after_query(*db, static_cast<int>(count)));
  // gather: the failing scope closes its connection, then the others are cancelled and close
  // theirs, then the error comes out.
  EXPECT_TRUE(elapsed_before_error_is(
      run, failed_at + bad.close + slowest_close,
      "when one scope fails, aio::gather cancels the others and waits for them; each cancelled "
      "aio::with still closes its connection (cancellation is delivered once, so close() can "
      "await), and only then does the error reach you."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}
