// aio::Task<T>: lazy, move-only, values and exceptions through co_await, inline awaiting.
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<aio::Task<int>>, "Task is move-only");
static_assert(!std::is_copy_assignable_v<aio::Task<int>>, "Task is move-only");
static_assert(std::is_nothrow_move_constructible_v<aio::Task<int>>, "Task is movable");
static_assert(std::is_nothrow_move_assignable_v<aio::Task<void>>, "Task is movable");
static_assert(std::is_same_v<aio::Task<>, aio::Task<void>>, "Task<> is Task<void>");

aio::Task<int> mark_and_return(bool& ran, int value) {
  ran = true;
  co_return value;
}

TEST(Task, IsLazyTheBodyRunsOnlyWhenAwaited) {
  bool ran = false;
  bool ran_before_await = true;
  int value = aio::run(
      [&]() -> aio::Task<int> {
        aio::Task<int> task = mark_and_return(ran, 7);
        co_await aio::sleep(1s);  // even a whole second later, nothing has run
        ran_before_await = ran;
        co_return co_await task;
      },
      {.clock = aio::Clock::Virtual, .quiet = true});
  EXPECT_FALSE(ran_before_await);
  EXPECT_TRUE(ran);
  EXPECT_EQ(value, 7);
}

TEST(Task, CreatingATaskOutsideAnyLoopRunsNothing) {
  bool ran = false;
  aio::Task<int> task = mark_and_return(ran, 1);
  EXPECT_TRUE(task.valid());
  EXPECT_FALSE(ran);
  EXPECT_EQ(aio::run(std::move(task), {.clock = aio::Clock::Virtual}), 1);
  EXPECT_TRUE(ran);
}

aio::Task<std::string> greet(std::string who) {
  co_await aio::sleep(10ms);
  co_return "hello " + who;
}

aio::Task<std::size_t> greeting_length() {
  std::string text = co_await greet("world");
  co_return text.size();
}

TEST(Task, ValuesComeBackThroughNestedAwaits) {
  Recorder rec;
  EXPECT_EQ(rec.run(greeting_length()), std::string("hello world").size());
  EXPECT_EQ(rec.elapsed(), 10ms);
}

struct Boom : std::runtime_error {
  using std::runtime_error::runtime_error;
};

aio::Task<int> fail_after(aio::Duration d, std::string message) {
  co_await aio::sleep(d);
  throw Boom(message);
}

aio::Task<int> pass_through() {
  co_return 1 + co_await fail_after(1s, "deep");
}

TEST(Task, ExceptionsComeBackThroughCoAwait) {
  std::string caught;
  aio::run(
      [&]() -> aio::Task<> {
        try {
          (void)co_await pass_through();  // two frames deep
        } catch (const Boom& e) {
          caught = e.what();
        }
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_EQ(caught, "deep");
}

TEST(Task, AnExceptionThrownBeforeTheFirstSuspensionAlsoTravels) {
  auto thrower = []() -> aio::Task<int> {
    throw Boom("at once");
    co_return 0;
  };
  std::string caught;
  aio::run(
      [&]() -> aio::Task<> {
        try {
          (void)co_await thrower();
        } catch (const Boom& e) {
          caught = e.what();
        }
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_EQ(caught, "at once");
}

aio::Task<> count_to(int n, std::vector<int>& seen) {
  for (int i = 1; i <= n; ++i) {
    co_await aio::sleep(1s);
    seen.push_back(i);
  }
}

aio::Task<> void_failure() {
  co_await aio::sleep(1s);
  throw Boom("void failed");
}

TEST(Task, VoidTasksAwaitAndFail) {
  std::vector<int> seen;
  std::string caught;
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    co_await count_to(3, seen);
    try {
      co_await void_failure();
    } catch (const Boom& e) {
      caught = e.what();
    }
  });
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(caught, "void failed");
  EXPECT_EQ(rec.elapsed(), 4s);
}

TEST(Task, MovingATaskMovesTheFrame) {
  bool ran = false;
  int value = aio::run(
      [&]() -> aio::Task<int> {
        aio::Task<int> first = mark_and_return(ran, 5);
        aio::Task<int> second = std::move(first);
        EXPECT_FALSE(
            first.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
        EXPECT_TRUE(second.valid());
        std::vector<aio::Task<int>> tasks;
        tasks.push_back(std::move(second));
        co_return co_await tasks.front();
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_EQ(value, 5);
  EXPECT_TRUE(ran);
}

TEST(Task, AwaitingATaskTwiceIsARuntimeError) {
  std::string message;
  int first = 0;
  aio::run(
      [&]() -> aio::Task<> {
        aio::Task<std::string> task = greet("once");
        first = static_cast<int>((co_await task).size());
        try {
          (void)co_await task;
        } catch (const aio::RuntimeError& e) {
          message = e.what();
        }
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_EQ(first, 10);
  EXPECT_NE(message.find("awaited only once"), std::string::npos) << message;
}

TEST(Task, AwaitingAnEmptyTaskIsARuntimeError) {
  std::string empty_message;
  std::string moved_message;
  aio::run(
      [&]() -> aio::Task<> {
        aio::Task<int> empty;
        try {
          (void)co_await empty;
        } catch (const aio::RuntimeError& e) {
          empty_message = e.what();
        }
        aio::Task<std::string> task = greet("moved");
        aio::Task<std::string> keeper = std::move(task);
        try {
          (void)co_await task;  // NOLINT(bugprone-use-after-move): that is the point
        } catch (const aio::RuntimeError& e) {
          moved_message = e.what();
        }
        (void)co_await keeper;
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_NE(empty_message.find("empty"), std::string::npos) << empty_message;
  EXPECT_NE(moved_message.find("empty"), std::string::npos) << moved_message;
}

TEST(Task, RunningAnEmptyTaskIsARuntimeError) {
  EXPECT_THROW(aio::run(aio::Task<int>{}, {.clock = aio::Clock::Virtual}), aio::RuntimeError);
}

aio::Task<std::unique_ptr<int>> make_unique_later(int value) {
  co_await aio::sleep(1ms);
  co_return std::make_unique<int>(value);
}

aio::Task<std::unique_ptr<int>> add_one(std::unique_ptr<int> p) {
  co_await aio::sleep(1ms);
  ++*p;
  co_return p;
}

TEST(Task, MoveOnlyResultTypes) {
  std::unique_ptr<int> result = aio::run(
      []() -> aio::Task<std::unique_ptr<int>> {
        std::unique_ptr<int> p = co_await make_unique_later(41);
        co_return co_await add_one(std::move(p));
      },
      {.clock = aio::Clock::Virtual});
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(*result, 42);
}

// `co_await child()` is a call, not a new task: it runs inline, so a task created just before
// it does not get to run while the child completes without suspending.
aio::Task<int> synchronous_child(std::vector<std::string>& log) {
  log.push_back("child");
  co_return 3;
}

TEST(Task, CoAwaitRunsTheChildInlineWithoutATripThroughTheLoop) {
  std::vector<std::string> log;
  aio::run(
      [&]() -> aio::Task<> {
        auto other = aio::create_task([&]() -> aio::Task<> {
          log.push_back("other task");
          co_return;
        });
        log.push_back("before");
        int v = co_await synchronous_child(log);
        log.push_back("after " + std::to_string(v));
        co_await aio::sleep(0s);
        log.push_back("after yield");
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_EQ(log,
            (std::vector<std::string>{"before", "child", "after 3", "other task", "after yield"}));
}

TEST(Task, DestroyingAFinishedTaskIsFineAndReportsNothing) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Task<int> t = aio_test::after(1ms, 1);
    (void)co_await t;
    t = aio_test::after(1ms, 2);  // replaces a finished frame: no diagnostic
    (void)co_await t;
  });
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

}  // namespace
