// Chapter 06 demo: the tutorial's `async with` example through your run_query(), then two
// connections at once, then a query that throws (the connection is closed all the same).
//
//   ./build/workbook/chapters/06-async-with/ch06_demo             real time: about 6 s
//   ./build/workbook/chapters/06-async-with/ch06_demo --virtual   simulated clock: instantly
#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <aio/demo.hpp>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

struct DemoQueryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Your connection, except that every query fails after 0.5 s.
class FlakyConnection final : public ch06::Connection {
 public:
  explicit FlakyConnection(std::unique_ptr<ch06::Connection> inner) : inner_(std::move(inner)) {}
  aio::Task<ch06::Rows> query(std::string sql) override {
    co_await aio::sleep(500ms);
    throw DemoQueryError("syntax error in \"" + sql + "\"");
  }
  aio::Task<> close() override { return inner_->close(); }

 private:
  std::unique_ptr<ch06::Connection> inner_;
};

aio::Task<std::unique_ptr<ch06::Connection>> open_flaky() {
  auto inner = co_await ch06::AsyncDatabaseConnection::open();
  co_return std::make_unique<FlakyConnection>(std::move(inner));
}

// "2.000" (aio::format_seconds pads to the width of the timestamps).
std::string seconds(aio::Duration d) {
  std::string text = aio::format_seconds(d);
  return text.substr(text.find_first_not_of(' '));
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  // Note when each run's main task finished: the scope ends after close(), not at the last line.
  aio::Duration finished_at{};
  aio::RunOptions options = aio::default_run_options();
  options.on_finish = [&finished_at](const aio::RunReport& report) {
    finished_at = report.elapsed;
  };
  aio::ScopedDefaultRunOptions report_end_times(options);
  try {
    std::cout << "run_query: the tutorial's async with\n";
    ch06::Rows rows =
        aio::run(ch06::run_query(ch06::AsyncDatabaseConnection::open, "SELECT * FROM users"));
    std::cout << "run_query returned " << ch06::format_rows(rows) << " at " << seconds(finished_at)
              << " s\n\n";

    std::cout << "run_queries_concurrently: two connections at once (2 s, not 4 s)\n";
    auto both = aio::run(ch06::run_queries_concurrently(
        ch06::AsyncDatabaseConnection::open, {"SELECT * FROM users", "SELECT * FROM orders"}));
    std::cout << "run_queries_concurrently returned " << both.size() << " lists of rows at "
              << seconds(finished_at) << " s\n\n";

    std::cout << "run_query with a query that throws: the connection is still closed\n";
    try {
      aio::run(ch06::run_query(open_flaky, "SELEC * FROM users"));
      std::cout << "run_query returned normally: the query's exception was lost!\n";
    } catch (const DemoQueryError& error) {
      std::cout << "run_query threw at " << seconds(finished_at)
                << " s, after closing: " << error.what() << '\n';
    }
  } catch (const std::exception& error) {
    std::cout << error.what()
              << "\nSee chapters/06-async-with/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
