// aio::create_task and aio::TaskHandle: when tasks start, done/cancelled/result, co_await on a
// handle (value, exception, several awaiters), detaching by dropping the handle.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

TEST(CreateTask, StartsOnlyWhenTheCreatorNextSuspends) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task([]() -> aio::Task<> {
      aio::print("child starts");
      co_return;
    });
    aio::print("creator continues");
    co_await aio::sleep(1s);  // any suspension point, not only sleep(0)
    aio::print("creator resumes");
    co_await child;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms creator continues", "0ms child starts",
                                                      "1000ms creator resumes"}));
}

TEST(CreateTask, StartsWhenTheCreatorAwaitsItsHandle) {
  Recorder rec;
  int value = rec.run([]() -> aio::Task<int> {
    auto child = aio::create_task(aio_test::after(2s, 21));
    co_return 2 * co_await child;
  });
  EXPECT_EQ(value, 42);
  EXPECT_EQ(rec.elapsed(), 2s);
}

aio::Task<int> fails_at(aio::Duration d) {
  co_await aio::sleep(d);
  throw std::runtime_error("child failed");
}

TEST(TaskHandle, DoneCancelledAndResult) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto ok = aio::create_task(aio_test::after(1s, std::string("value")), "ok");
    auto bad = aio::create_task(fails_at(1s), "bad");
    EXPECT_TRUE(ok.valid());
    EXPECT_EQ(ok.name(), "ok");
    EXPECT_FALSE(ok.done());
    EXPECT_FALSE(ok.cancelled());
    EXPECT_THROW(ok.result(), aio::RuntimeError);  // not done yet
    co_await aio::sleep(2s);
    EXPECT_TRUE(ok.done());
    EXPECT_FALSE(ok.cancelled());
    EXPECT_EQ(ok.result(), "value");
    EXPECT_EQ(ok.result(), "value");  // result() can be read again
    EXPECT_TRUE(bad.done());
    EXPECT_FALSE(bad.cancelled());  // failed, not cancelled
    EXPECT_THROW(bad.result(), std::runtime_error);
  });
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
}

TEST(TaskHandle, AnEmptyHandleThrowsRuntimeError) {
  aio::TaskHandle<int> empty;
  EXPECT_FALSE(empty.valid());
  EXPECT_THROW((void)empty.done(), aio::RuntimeError);
  EXPECT_THROW(empty.cancel(), aio::RuntimeError);
}

TEST(TaskHandle, CoAwaitGivesTheValueOrRethrowsTheException) {
  Recorder rec;
  std::string caught;
  int value = rec.run([&]() -> aio::Task<int> {
    auto ok = aio::create_task(aio_test::after(1s, 5));
    auto bad = aio::create_task(fails_at(2s));
    int v = co_await ok;
    try {
      (void)co_await bad;
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    co_return v;
  });
  EXPECT_EQ(value, 5);
  EXPECT_EQ(caught, "child failed");
  EXPECT_EQ(rec.elapsed(), 2s);
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
}

TEST(TaskHandle, AwaitingAFinishedTaskDoesNotSuspend) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task(aio_test::after(1s, 1));
    co_await aio::sleep(2s);
    auto other = aio::create_task([]() -> aio::Task<> {
      aio::print("other");
      co_return;
    });
    (void)co_await child;  // done already: no suspension, so "other" has not run yet
    aio::print("after await");
    co_await other;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"2000ms after await", "2000ms other"}));
}

TEST(TaskHandle, SeveralTasksAwaitOneHandleAndEachGetsTheValue) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto shared = aio::create_task(aio_test::after(3s, std::string("payload")), "shared");
    std::vector<aio::TaskHandle<void>> readers;
    for (const char* name : {"r1", "r2", "r3"}) {
      readers.push_back(aio::create_task([name, shared]() -> aio::Task<> {
        std::string got = co_await shared;
        aio::print(name, " got ", got);
      }));
    }
    std::string mine = co_await shared;
    aio::print("main got ", mine);
    for (auto& reader : readers) co_await reader;
  });
  // main awaited first (the readers had not started yet), then r1, r2, r3: woken in that order.
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"3000ms main got payload", "3000ms r1 got payload",
                                      "3000ms r2 got payload", "3000ms r3 got payload"}));
}

TEST(TaskHandle, SeveralAwaitersOfAFailedTaskAllSeeTheException) {
  Recorder rec;
  int failures = 0;
  rec.run([&]() -> aio::Task<> {
    auto bad = aio::create_task(fails_at(1s));
    auto other = aio::create_task([&, bad]() -> aio::Task<> {
      try {
        (void)co_await bad;
      } catch (const std::runtime_error&) {
        ++failures;
      }
    });
    try {
      (void)co_await bad;
    } catch (const std::runtime_error&) {
      ++failures;
    }
    co_await other;
  });
  EXPECT_EQ(failures, 2);
}

TEST(TaskHandle, AMoveOnlyResultCanBeTakenOnce) {
  Recorder rec;
  std::string second_error;
  int value = rec.run([&]() -> aio::Task<int> {
    auto maker = aio::create_task([]() -> aio::Task<std::unique_ptr<int>> {
      co_await aio::sleep(1s);
      co_return std::make_unique<int>(9);
    });
    std::unique_ptr<int> p = co_await maker;
    try {
      (void)co_await maker;
    } catch (const aio::RuntimeError& e) {
      second_error = e.what();
    }
    co_return *p;
  });
  EXPECT_EQ(value, 9);
  EXPECT_NE(second_error.find("already taken"), std::string::npos) << second_error;
}

TEST(TaskHandle, DroppingTheHandleDetachesTheTaskItKeepsRunning) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    {
      auto dropped = aio::create_task([]() -> aio::Task<> {
        co_await aio::sleep(1s);
        aio::print("detached 1");
        co_await aio::sleep(1s);
        aio::print("detached 2");
      });
    }  // handle gone; the loop owns the task
    co_await aio::sleep(3s);
    aio::print("main done");
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms detached 1", "2000ms detached 2",
                                                      "3000ms main done"}));
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(TaskHandle, DefaultAndExplicitNames) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto by_function = aio::create_task(fails_at(1s));
    auto by_lambda = aio::create_task([]() -> aio::Task<> { co_return; });
    auto named = aio::create_task(fails_at(1s), "explicit");
    EXPECT_EQ(by_function.name(), "fails_at");
    EXPECT_EQ(by_lambda.name(), "lambda");
    EXPECT_EQ(named.name(), "explicit");
    by_function.cancel();
    named.cancel();
    co_await by_lambda;
  });
}

template <class T>
aio::Task<T> identity(T value) {
  co_return value;
}

TEST(TaskHandle, ATemplateCoroutinesNameHasNoTemplateArguments) {
  // The same name on GCC (which spells "identity<int>") and Clang (which spells "identity").
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto handle = aio::create_task(identity(std::string("x")));
    EXPECT_EQ(handle.name(), "identity");
    (void)co_await handle;
  });
}

TEST(CreateTask, OutsideARunningLoopIsARuntimeError) {
  EXPECT_THROW(aio::create_task([]() -> aio::Task<> { co_return; }), aio::RuntimeError);
}

TEST(CreateTask, AnEmptyTaskIsARuntimeError) {
  std::string message;
  aio::run(
      [&]() -> aio::Task<> {
        try {
          aio::create_task(aio::Task<int>{});
        } catch (const aio::RuntimeError& e) {
          message = e.what();
        }
        co_return;
      },
      {.clock = aio::Clock::Virtual});
  EXPECT_NE(message.find("empty"), std::string::npos) << message;
}

TEST(CreateTask, TasksCreateTasks) {
  Recorder rec;
  int total = rec.run([]() -> aio::Task<int> {
    auto outer = aio::create_task([]() -> aio::Task<int> {
      auto inner = aio::create_task(aio_test::after(2s, 40));
      co_await aio::sleep(1s);
      co_return 2 + co_await inner;
    });
    co_return co_await outer;
  });
  EXPECT_EQ(total, 42);
  EXPECT_EQ(rec.elapsed(), 2s);
}

}  // namespace
