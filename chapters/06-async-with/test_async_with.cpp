// Graders of chapter 06 — resources with async set-up and tear-down.
//
// Besides the tutorial's AsyncDatabaseConnection, the graders open connections of their own
// (FakeConnection below) with random durations, rows that depend on the SQL, and queries that
// throw. Each fake records when it was opened, queried and closed, so a grader can say exactly
// what went wrong: close() skipped, run twice, started too early, still running when the code
// under test had already returned, connections opened one after the other. On the tutorial's
// own connection, the transcript and the coroutine census show whether open(), query() and
// close() did the work, or the exercise printed their lines itself. Fixed edge cases come on
// top of the random ones: an empty query text, zero rows, the same query twice, no queries,
// each function called twice in one run, and slow goodbyes with fixed durations (so that only
// waiting for close(), not giving it a moment, passes under every seed).
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
  std::optional<Rows> rows{};  // set: the query returns these instead of rows_for(sql, id)
};

// What happened to one connection, with times (unset: did not happen).
struct History {
  std::optional<aio::Duration> open_started, opened, query_ended, close_started, closed;
  std::optional<std::string> sql;  // what the query was asked to run
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
  history_of(*db, id).sql = sql;
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
  if (spec_of(*db, id).rows) co_return *spec_of(*db, id).rows;
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

const std::string wait_for_close_lesson =
    "a scope is over only when close() has finished, and so is the function that runs it: "
    "co_await close() (aio::with does, and gather waits for every scope it cancelled). Starting "
    "close() and giving it a moment (aio::sleep(0s), a short sleep) is not waiting for it: that "
    "only lets it take its first step, and a close() that takes longer is still running when "
    "you carry on.";

const std::string use_the_opener_lesson =
    "run_query opens its connection by calling the `open` it was given (aio::with calls it "
    "for you: pass `open` itself, not a connection of your own). The graders pass openers of "
    "their own, so that they can see the connection being opened, queried and closed.";

// When the code under test ended (returned or threw), for the checks below: `who` is the
// function ("run_query"), `at` the simulated time.
struct Ended {
  std::string who;
  aio::Duration at{};
};

// What went wrong with connection `id` (from 1): {problem, lesson}, or an empty problem.
std::pair<std::string, std::string> close_problem(const Database& db, int id, const Ended& ended) {
  std::string name = "db" + std::to_string(id);
  if (static_cast<std::size_t>(id) > db.histories.size()) {
    if (db.histories.empty()) {
      return {"the `open` " + ended.who +
                  " was given was never called: no grader connection was "
                  "opened, queried or closed.",
              use_the_opener_lesson};
    }
    return {name + " was never opened: the opener was called " +
                std::to_string(db.histories.size()) + " times.",
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
  if (!h.closed || *h.closed > ended.at) {
    std::string what = ended.who + " ended at " + format_duration(ended.at) + ", but " + name +
                       "'s close(), started at " + format_duration(*h.close_started) +
                       ", had not finished then";
    what += h.closed ? " (it finished at " + format_duration(*h.closed) + ")"
                     : " (it never finished: it was cut off)";
    return {what + ".", wait_for_close_lesson};
  }
  return {};
}

// Connections 1..count were each closed exactly once, not before their query was over, and
// before the code under test ended. One message lists every connection that was not, with the
// lesson of the first.
::testing::AssertionResult closed_once_after_query(const Database& db, int count,
                                                   const Ended& ended) {
  std::string problems;
  std::string lesson;
  for (int id = 1; id <= count; ++id) {
    auto [problem, why] = close_problem(db, id, ended);
    if (problem.empty()) continue;
    problems += (problems.empty() ? "" : "\n") + problem;
    if (lesson.empty()) lesson = why;
    if (db.histories.empty()) break;  // one line says it all
  }
  if (problems.empty()) return ::testing::AssertionSuccess();
  return missed(problems, lesson);
}

// The opener the code was given made exactly `expected` connections.
::testing::AssertionResult opener_called(const Database& db, std::size_t expected,
                                         const std::string& who) {
  if (db.histories.size() == expected) return ::testing::AssertionSuccess();
  if (db.histories.empty()) {
    return missed("the `open` " + who +
                      " was given was never called, so the grader's connection was never "
                      "opened: whatever was printed and returned came from somewhere else.",
                  use_the_opener_lesson);
  }
  return missed("the opener was called " + std::to_string(db.histories.size()) + " times for " +
                    std::to_string(expected) + " queries.",
                "each query runs on its own connection: one aio::with (one run_query) per "
                "query, and no other call of `open`.");
}

// Connection `id` was asked to run exactly `sql`.
::testing::AssertionResult ran_sql(const Database& db, int id, const std::string& sql) {
  if (static_cast<std::size_t>(id) > db.histories.size()) return ::testing::AssertionSuccess();
  const auto& asked = db.histories[static_cast<std::size_t>(id - 1)].sql;
  if (asked && *asked == sql) return ::testing::AssertionSuccess();
  std::string what = "db" + std::to_string(id) + " was asked to run ";
  what += asked ? grading::show_value(*asked) : std::string("nothing");
  return missed(what + ", but the query to run was " + grading::show_value(sql) + ".",
                "the body runs the `sql` run_query was given, unchanged, whatever it holds "
                "(even an empty text, or the same text as another query).");
}

// Every connection the opener made was opened at time `start`: all at once, not one after the
// other.
::testing::AssertionResult all_opened_at_once(const Database& db, std::size_t expected,
                                              aio::Duration start = 0s) {
  std::string opens;
  bool at_once = db.histories.size() == expected;
  for (std::size_t i = 0; i < db.histories.size(); ++i) {
    aio::Duration at = *db.histories[i].open_started;
    at_once = at_once && at == start;
    opens += (i == 0 ? "" : ", ") + ("db" + std::to_string(i + 1)) + " at " + format_duration(at);
  }
  if (at_once) return ::testing::AssertionSuccess();
  if (db.histories.size() != expected) {
    return opener_called(db, expected, "run_queries_concurrently");
  }
  return missed("the connections were opened one after the other: " + opens + ".",
                "every scope must start before you wait for any of them. Awaiting run_query "
                "for one query, then the next, runs the scopes in sequence; make all the Tasks "
                "first and await them together with aio::gather, so every connection opens at "
                "once and the whole run takes as long as the slowest scope, not the sum.");
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

// The error left the code under test at `expected` (noted by then_carry_on).
::testing::AssertionResult error_came_out_at(aio::Duration at, aio::Duration expected,
                                             const std::string& lesson) {
  if (at == expected) return ::testing::AssertionSuccess();
  return missed("the error came out at " + format_duration(at) + " of simulated time, expected " +
                    format_duration(expected) + ".",
                lesson);
}

// The run failed with the query's own QueryError, whose text is `text`.
template <class T>
::testing::AssertionResult threw_the_query_error(const grading::Run<T>& run,
                                                 const std::string& text) {
  if (!run.error) return ::testing::AssertionSuccess();  // threw<QueryError> reports it
  try {
    std::rethrow_exception(run.error);
  } catch (const QueryError& e) {
    if (std::string(e.what()) == text) return ::testing::AssertionSuccess();
    return missed("the caller got a QueryError saying " + grading::show_value(e.what()) +
                      ", but the query threw one saying " + grading::show_value(text) + ".",
                  "aio::with rethrows the body's exception unchanged: do not catch it to throw "
                  "another one.");
  } catch (...) {
  }
  return ::testing::AssertionSuccess();  // another type: threw<QueryError> reports it
}

// Two calls in one run: the second call's rows do not begin with the first call's (state kept
// from one call to the next).
::testing::AssertionResult second_call_kept_nothing(
    const std::optional<std::vector<std::vector<Rows>>>& calls, std::size_t second_queries,
    const std::string& who) {
  if (!calls || calls->size() != 2) return ::testing::AssertionSuccess();
  const auto& first = (*calls)[0];
  const auto& second = (*calls)[1];
  if (second.size() <= second_queries || second.size() < first.size() ||
      !std::equal(first.begin(), first.end(), second.begin())) {
    return ::testing::AssertionSuccess();
  }
  return missed(
      "the second call returned the rows of the first call too: " + std::to_string(second.size()) +
          " lists of rows for " + std::to_string(second_queries) + " queries, the first " +
          std::to_string(first.size()) + " of them the first call's.",
      "each call of " + who +
          " builds its result in a local of its own. A coroutine's locals live in "
          "its frame across every co_await, so nothing needs to be static; a static "
          "is shared by every call and keeps what the last call left in it.");
}

// Gives run_queries_concurrently's tests a note when they went through the learner's run_query
// (it may or may not be built on it: only the run knows).
template <class T>
void note_run_query_used(const grading::Run<T>& run) {
  if (run.started("run_query") > 0) grading::uses_learners("run_query");
}

// ---- the timelines the exercises must print -----------------------------------------------

const std::string tutorial_rows_text = "Query result: [result1, result2]";

// One run_query on a grader connection, from the opening line to the closed line.
grading::Timeline fake_scope_timeline(int id, const Spec& spec, const std::string& sql,
                                      aio::Duration start = 0s) {
  std::string db = "db" + std::to_string(id);
  aio::Duration queried = start + spec.open + spec.query;
  Rows rows = spec.rows ? *spec.rows : rows_for(sql, id);
  return {{start, "(grader) opening " + db},
          {queried, "Query result: " + ch06::format_rows(rows)},
          {queried, "(grader) closing " + db},
          {queried + spec.close, "(grader) closed " + db}};
}

const std::string scope_lesson =
    "aio::with awaits the opener, then the body, then close(): print the rows in the body, "
    "while the connection is still open, so the line comes before close() starts.";

const std::string connection_does_the_work_lesson =
    "the work is done by the connection: \"Opening database connection...\" and \"Closing "
    "database connection...\" are printed by AsyncDatabaseConnection's open() and close(), "
    "which aio::with awaits, and the rows come from its query(). run_query itself only prints "
    "the rows; printing those lines and sleeping in run_query gives the right timeline without "
    "any connection.";

// The tutorial's connection did the work of `scopes` scopes: its open(), query() and close()
// each ran once per scope, and the open/close lines were printed by them. One message for
// everything that was not so.
template <class T>
::testing::AssertionResult connection_did_the_work(const grading::Run<T>& run, int scopes) {
  if (run.error) return ::testing::AssertionSuccess();  // finished() explains it
  std::string wrong;
  const std::pair<std::string, std::string> lines[] = {{"Opening database connection...", "open"},
                                                       {"Closing database connection...", "close"}};
  for (const auto& [text, coroutine] : lines) {
    for (const auto& line : run.transcript()) {
      if (line.text != text || line.coroutine == coroutine) continue;
      wrong +=
          "  \"" + text + "\" was printed by " +
          (line.coroutine.empty() ? std::string("code outside any coroutine") : line.coroutine) +
          ", not by AsyncDatabaseConnection::" + coroutine + "()\n";
      break;
    }
  }
  for (const char* function : {"open", "query", "close"}) {
    int ran = run.started(function);
    if (ran == scopes) continue;
    wrong += "  AsyncDatabaseConnection::" + std::string(function) + "() ran " +
             std::to_string(ran) + " time" + (ran == 1 ? "" : "s") + ", expected " +
             std::to_string(scopes) + "\n";
  }
  if (wrong.empty()) return ::testing::AssertionSuccess();
  wrong.pop_back();  // the last newline: missed() adds its own
  return missed("the timeline may look right, but the connection did not do the work:\n" + wrong,
                connection_does_the_work_lesson);
}

// The rows were printed inside the scope: before the connection's closing line.
template <class T>
::testing::AssertionResult rows_printed_before_closing(const grading::Run<T>& run,
                                                       const std::string& closing_text) {
  auto lines = run.timeline();
  auto rows = std::find_if(lines.begin(), lines.end(), [](const grading::Line& line) {
    return line.text.rfind("Query result: ", 0) == 0;
  });
  auto closing = std::find_if(lines.begin(), lines.end(),
                              [&](const grading::Line& line) { return line.text == closing_text; });
  if (rows == lines.end() || closing == lines.end() || rows < closing) {
    return ::testing::AssertionSuccess();
  }
  return missed("the rows were printed at " + format_duration(rows->time) + ", after \"" +
                    closing_text + "\" (at " + format_duration(closing->time) +
                    "): they were printed once the scope was over.",
                "aio::with closes the connection as soon as the body's Task has finished, so "
                "everything that belongs to the open connection - the query, and printing its "
                "rows - goes in the body, before its co_return.");
}

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

// How long the graders' callers carry on after the call they made ended: long enough for work
// the exercise left running (a close() nobody awaited) to finish, and show when it did.
constexpr aio::Duration kCarryOn = 10s;

// Awaits `call`, notes in `*ended` when it returned or threw, then carries on for kCarryOn
// before handing back its value or exception. A close() that `call` only started is then not
// cut off by the end of the run: it finishes during the carry-on, after `call` ended.
template <class T>
aio::Task<T> then_carry_on(aio::Task<T> call, std::shared_ptr<aio::Duration> ended) {
  std::exception_ptr error;
  std::optional<T> value;
  try {
    value.emplace(co_await std::move(call));
  } catch (...) {
    error = std::current_exception();
  }
  *ended = aio::now();
  co_await aio::sleep(kCarryOn);
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

// Two run_query calls, one after the other, on the same opener.
aio::Task<std::vector<Rows>> run_query_twice(ch06::Opener open, std::string sql) {
  std::vector<Rows> rows;
  rows.push_back(co_await ch06::run_query(open, sql));
  rows.push_back(co_await ch06::run_query(open, sql));
  co_return rows;
}

// Two run_queries_concurrently calls, one after the other, on the same opener.
aio::Task<std::vector<std::vector<Rows>>> run_queries_twice(ch06::Opener open,
                                                            std::vector<std::string> first,
                                                            std::vector<std::string> second) {
  std::vector<std::vector<Rows>> all;
  all.push_back(co_await ch06::run_queries_concurrently(open, first));
  all.push_back(co_await ch06::run_queries_concurrently(open, second));
  co_return all;
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
  grading::uses_learners("AsyncDatabaseConnection");
  auto run = grading::run(ch06::run_query(ch06::AsyncDatabaseConnection::open, random_sql()));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(rows_printed_before_closing(run, "Closing database connection..."));
  EXPECT_TRUE(grading::timeline_is(run,
                                   {{0s, "Opening database connection..."},
                                    {1500ms, tutorial_rows_text},
                                    {1500ms, "Closing database connection..."}},
                                   scope_lesson));
  EXPECT_TRUE(connection_did_the_work(run, 1));
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
  ASSERT_TRUE(opener_called(*db, 1, "run_query"));
  EXPECT_TRUE(ran_sql(*db, 1, sql));
  EXPECT_TRUE(closed_once_after_query(*db, 1, {"run_query", run.elapsed}));
  EXPECT_TRUE(rows_printed_before_closing(run, "(grader) closing db1"));
  const Spec& s = db->specs[0];
  EXPECT_TRUE(grading::timeline_is(run, fake_scope_timeline(1, s, sql), scope_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, s.open + s.query + s.close,
                                  "open, query and close happen one after the other, and "
                                  "run_query returns once close() has finished."));
  EXPECT_TRUE(grading::returned(run, rows_for(sql, 1),
                                "run_query returns the rows the query produced, as they are."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, ClosesOnlyAfterTheQueryFinished) {
  auto db = std::make_shared<Database>();
  db->specs = {random_spec()};
  std::string sql = random_sql();
  auto run = grading::run(ch06::run_query(opener_for(db), sql));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(closed_once_after_query(*db, 1, {"run_query", run.elapsed}));
  const Spec& s = db->specs[0];
  EXPECT_TRUE(grading::elapsed_is(run, s.open + s.query + s.close,
                                  "the scope ends when close() has finished, and close() starts "
                                  "only when the body (and the query in it) is done."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// Fixed durations, and a goodbye much slower than the query: only a run_query that really
// waits for close() returns at 3.75 s. One that starts close() and gives it a moment returns
// at 1.5 s, while the connection is still closing.
TEST(RunQuery, ReturnsOnlyAfterASlowCloseHasFinished) {
  auto db = std::make_shared<Database>();
  db->specs = {{1s, 500ms, 2250ms}};
  auto ended = std::make_shared<aio::Duration>(-1s);
  auto run =
      grading::run(then_carry_on(ch06::run_query(opener_for(db), "SELECT * FROM logs"), ended));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(opener_called(*db, 1, "run_query"));
  EXPECT_TRUE(closed_once_after_query(*db, 1, {"run_query", *ended}));
  EXPECT_TRUE(grading::timeline_is(run, fake_scope_timeline(1, db->specs[0], "SELECT * FROM logs"),
                                   scope_lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, AnEmptyQueryAndAQueryWithNoRows) {
  // The query text "" is still a query to run, and zero rows are still a result.
  auto db = std::make_shared<Database>();
  db->specs = {random_spec()};
  auto run = grading::run(ch06::run_query(opener_for(db), ""));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(opener_called(*db, 1, "run_query"));
  EXPECT_TRUE(ran_sql(*db, 1, ""));
  EXPECT_TRUE(closed_once_after_query(*db, 1, {"run_query", run.elapsed}));
  EXPECT_TRUE(grading::timeline_is(run, fake_scope_timeline(1, db->specs[0], ""), scope_lesson));
  EXPECT_TRUE(grading::returned(run, rows_for("", 1),
                                "run_query returns the rows the query produced, whatever the "
                                "query text was."));

  auto empty = std::make_shared<Database>();
  empty->specs = {random_spec()};
  empty->specs[0].rows = Rows{};
  auto none = grading::run(ch06::run_query(opener_for(empty), "SELECT * FROM nothing"));
  ASSERT_TRUE(grading::finished(none));
  EXPECT_TRUE(closed_once_after_query(*empty, 1, {"run_query", none.elapsed}));
  EXPECT_TRUE(grading::timeline_is(
      none, fake_scope_timeline(1, empty->specs[0], "SELECT * FROM nothing"),
      "a query that finds nothing is still a result: the body prints \"Query result: []\" "
      "(format_rows of no rows) and returns the empty rows; it is not an error."));
  EXPECT_TRUE(grading::returned(none, Rows{},
                                "a query that finds nothing returns no rows, and run_query "
                                "returns them as they are."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQuery, TheSameQueryTwiceInOneProcess) {
  // Two calls in one run, one after the other, then a third call in a run of its own: each call
  // opens its own connection and returns that connection's rows (nothing kept from a call before).
  auto db = std::make_shared<Database>();
  db->specs = {random_spec(), random_spec()};
  const std::string sql = "SELECT * FROM users";
  auto run = grading::run(run_query_twice(opener_for(db), sql));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(opener_called(*db, 2, "run_query"));
  EXPECT_TRUE(ran_sql(*db, 1, sql));
  EXPECT_TRUE(ran_sql(*db, 2, sql));
  EXPECT_TRUE(closed_once_after_query(*db, 2, {"run_query", run.elapsed}));
  const std::string lesson =
      "each call of run_query opens a connection of its own, runs the query on it, and returns "
      "that connection's rows; nothing is kept from one call to the next (no static).";
  EXPECT_TRUE(
      grading::returned(run, std::vector<Rows>{rows_for(sql, 1), rows_for(sql, 2)}, lesson));
  grading::Timeline expected = fake_scope_timeline(1, db->specs[0], sql);
  const Spec& first = db->specs[0];
  for (auto& line :
       fake_scope_timeline(2, db->specs[1], sql, first.open + first.query + first.close))
    expected.push_back(line);
  EXPECT_TRUE(grading::timeline_is(run, expected, scope_lesson));

  auto again = std::make_shared<Database>();
  again->specs = {random_spec()};
  auto third = grading::run(ch06::run_query(opener_for(again), sql));
  ASSERT_TRUE(grading::finished(third));
  EXPECT_TRUE(closed_once_after_query(*again, 1, {"run_query", third.elapsed}));
  EXPECT_TRUE(grading::returned(third, rows_for(sql, 1), lesson));
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
  EXPECT_TRUE(closed_once_after_query(*db, 1, {"run_query", run.elapsed}));
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
  EXPECT_TRUE(threw_the_query_error(run, failure_text(1)));
  EXPECT_TRUE(no_diagnostics(run));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- Exercise 3: run_queries_concurrently -------------------------------------------------

TEST(RunQueriesConcurrently, TwoTutorialConnectionsTakeTwoSecondsNotFour) {
  grading::uses_learners("AsyncDatabaseConnection");
  auto run = grading::run(ch06::run_queries_concurrently(ch06::AsyncDatabaseConnection::open,
                                                         {random_sql(), random_sql()}));
  ASSERT_TRUE(grading::finished(run));
  note_run_query_used(run);
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
  EXPECT_TRUE(connection_did_the_work(run, 2));
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
  note_run_query_used(run);
  EXPECT_TRUE(all_opened_at_once(*db, 2));
  aio::Duration slowest = 0s;
  for (const Spec& s : db->specs) slowest = std::max(slowest, s.open + s.query + s.close);
  EXPECT_TRUE(grading::elapsed_is(run, slowest,
                                  "concurrent scopes take as long as the slowest one, not the sum "
                                  "of all of them."));
  EXPECT_TRUE(closed_once_after_query(*db, 2, {"run_queries_concurrently", run.elapsed}));
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
  note_run_query_used(run);
  EXPECT_TRUE(all_opened_at_once(*db, count));
  EXPECT_TRUE(closed_once_after_query(*db, static_cast<int>(count),
                                      {"run_queries_concurrently", run.elapsed}));
  EXPECT_TRUE(grading::elapsed_is(run, slowest,
                                  "concurrent scopes take as long as the slowest one, not the sum "
                                  "of all of them."));
  EXPECT_TRUE(grading::returned(run, expected,
                                "the rows come back in the order of the queries, whatever order "
                                "the connections finish in (aio::gather keeps argument order)."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQueriesConcurrently, NoQueriesOpenNoConnections) {
  auto db = std::make_shared<Database>();
  auto run = grading::run(ch06::run_queries_concurrently(opener_for(db), {}));
  ASSERT_TRUE(grading::finished(run));
  note_run_query_used(run);
  EXPECT_TRUE(opener_called(*db, 0, "run_queries_concurrently"));
  EXPECT_TRUE(grading::returned(run, std::vector<Rows>{},
                                "no queries, no connections: run_queries_concurrently returns an "
                                "empty list at once (aio::gather of no Tasks returns no "
                                "results)."));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "with nothing to run, nothing takes any time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(RunQueriesConcurrently, RepeatedQueriesTwiceInOneProcess) {
  // The same query text three times (and an empty one), then a second call in the same run:
  // every query gets a connection of its own, and each call returns only its own rows.
  auto db = std::make_shared<Database>();
  const std::vector<std::string> first = {"SELECT 1", "SELECT 1", "", "SELECT 1"};
  const std::vector<std::string> second = {"SELECT 1", "SELECT 2"};
  for (std::size_t i = 0; i < first.size() + second.size(); ++i) db->specs.push_back(random_spec());
  auto run = grading::run(run_queries_twice(opener_for(db), first, second));
  ASSERT_TRUE(grading::finished(run));
  note_run_query_used(run);
  ASSERT_TRUE(opener_called(*db, first.size() + second.size(), "run_queries_concurrently"));
  std::vector<std::vector<Rows>> expected(2);
  int id = 1;
  for (const auto& sql : first) expected[0].push_back(rows_for(sql, id++));
  for (const auto& sql : second) expected[1].push_back(rows_for(sql, id++));
  for (int k = 1; k < id; ++k) {
    const auto& sql = k <= static_cast<int>(first.size())
                          ? first[static_cast<std::size_t>(k - 1)]
                          : second[static_cast<std::size_t>(k - 1) - first.size()];
    EXPECT_TRUE(ran_sql(*db, k, sql));
  }
  EXPECT_TRUE(closed_once_after_query(*db, id - 1, {"run_queries_concurrently", run.elapsed}));
  auto fresh = second_call_kept_nothing(run.value, second.size(), "run_queries_concurrently");
  EXPECT_TRUE(fresh);
  if (fresh) {
    EXPECT_TRUE(grading::returned(
        run, expected,
        "one list of rows per query, in the order of the queries, from that query's own "
        "connection - also when two queries have the same text; and each call returns the rows of "
        "its own queries only (nothing kept from an earlier call, no static)."));
  }
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
  note_run_query_used(run);
  auto closes = closed_once_after_query(*db, static_cast<int>(count),
                                        {"run_queries_concurrently", run.elapsed});
  EXPECT_TRUE(closes);
  EXPECT_TRUE(no_diagnostics(run));
  // gather: the failing scope closes its connection, then the others are cancelled and close
  // theirs, then the error comes out. (A close problem explains a wrong time already.)
  if (closes) {
    EXPECT_TRUE(elapsed_before_error_is(
        run, failed_at + bad.close + slowest_close,
        "when one scope fails, aio::gather cancels the others and waits for them; each cancelled "
        "aio::with still closes its connection (cancellation is delivered once, so close() can "
        "await), and only then does the error reach you."));
  }
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// Fixed durations, the first query failing, and slow goodbyes: the error may come out only
// once every cancelled scope has finished closing (at 4.25 s). Cancelling the others and
// giving them a moment lets the error out at 2.25 s, while db2 and db3 are still closing.
TEST(RunQueriesConcurrently, TheErrorComesOutOnlyAfterEveryConnectionClosed) {
  auto db = std::make_shared<Database>();
  db->specs = {{500ms, 1s, 750ms, true}, {1s, 10s, 1250ms}, {250ms, 10s, 2s}};
  auto ended = std::make_shared<aio::Duration>(-1s);
  auto run = grading::run(then_carry_on(
      ch06::run_queries_concurrently(opener_for(db), {"UPDATE a", "UPDATE b", "UPDATE c"}), ended));
  ASSERT_TRUE(grading::threw<QueryError>(
      run, "the failing query's exception must reach the caller of run_queries_concurrently."));
  note_run_query_used(run);
  auto closes = closed_once_after_query(*db, 3, {"run_queries_concurrently", *ended});
  EXPECT_TRUE(closes);
  EXPECT_TRUE(threw_the_query_error(run, failure_text(1)));
  EXPECT_TRUE(no_diagnostics(run));
  // A close problem explains a wrong time already.
  if (closes) {
    EXPECT_TRUE(error_came_out_at(
        *ended, 4250ms,
        "when one scope fails, the others are cancelled and each one's aio::with closes its "
        "connection; the error may leave only once they all have (aio::gather waits for them)."));
  }
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}
