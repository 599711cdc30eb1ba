// aio::gather: tuple and vector forms, start and result order, void -> std::monostate, and the
// structured failure rule: the first failure cancels the siblings, waits for them, is rethrown.
#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

aio::Task<std::string> fetch(std::string name, aio::Duration d) {
  aio::print("start ", name);
  co_await aio::sleep(d);
  aio::print("end ", name);
  co_return name;
}

aio::Task<> pause(aio::Duration d) {
  co_await aio::sleep(d);
}

TEST(Gather, TupleFormStartsInArgumentOrderAndReturnsResultsInArgumentOrder) {
  Recorder rec;
  auto [a, b, c] = rec.run([]() -> aio::Task<std::tuple<std::string, std::string, std::string>> {
    co_return co_await aio::gather(fetch("a", 2s), fetch("b", 3s), fetch("c", 1s));
  });
  EXPECT_EQ(a, "a");
  EXPECT_EQ(b, "b");
  EXPECT_EQ(c, "c");
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms start a", "0ms start b", "0ms start c", "1000ms end c",
                                      "2000ms end a", "3000ms end b"}));
  EXPECT_EQ(rec.elapsed(), 3s);  // concurrent: the longest, not the sum
}

TEST(Gather, TupleOfMixedTypesWithVoidAsMonostate) {
  Recorder rec;
  auto result = rec.run([]() -> aio::Task<std::tuple<int, std::monostate, std::string>> {
    co_return co_await aio::gather(aio_test::after(1s, 7), pause(2s),
                                   aio_test::after(1s, std::string("s")));
  });
  static_assert(std::is_same_v<decltype(result), std::tuple<int, std::monostate, std::string>>);
  EXPECT_EQ(std::get<0>(result), 7);
  EXPECT_EQ(std::get<2>(result), "s");
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(Gather, VectorFormKeepsArgumentOrder) {
  Recorder rec;
  std::vector<int> results = rec.run([]() -> aio::Task<std::vector<int>> {
    std::vector<aio::Task<int>> tasks;
    for (int i = 0; i < 5; ++i) tasks.push_back(aio_test::after(std::chrono::seconds(5 - i), i));
    co_return co_await aio::gather(std::move(tasks));
  });
  EXPECT_EQ(results, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(rec.elapsed(), 5s);
}

TEST(Gather, VectorOfVoidTasksGivesMonostates) {
  Recorder rec;
  auto results = rec.run([]() -> aio::Task<std::vector<std::monostate>> {
    std::vector<aio::Task<>> tasks;
    tasks.push_back(pause(1s));
    tasks.push_back(pause(2s));
    co_return co_await aio::gather(std::move(tasks));
  });
  EXPECT_EQ(results.size(), 2u);
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(Gather, EmptyVectorCompletesAtOnce) {
  Recorder rec;
  auto results = rec.run([]() -> aio::Task<std::vector<int>> {
    auto other = aio::create_task([]() -> aio::Task<> {
      aio::print("other");
      co_return;
    });
    auto r = co_await aio::gather(std::vector<aio::Task<int>>{});
    aio::print("gathered nothing");  // no suspension: "other" has not run yet
    co_await other;
    co_return r;
  });
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms gathered nothing", "0ms other"}));
}

TEST(Gather, ChildrenAreTasksNamedAfterTheirCoroutine) {
  Recorder rec;
  rec.run([]() -> aio::Task<> { (void)co_await aio::gather(fetch("x", 1s)); });
  ASSERT_FALSE(rec.report().transcript.empty());
  EXPECT_EQ(rec.report().transcript[0].task, "fetch");
}

aio::Task<int> fail_at(aio::Duration d, std::string message) {
  co_await aio::sleep(d);
  aio::print("fail ", message);
  throw std::runtime_error(message);
}

// Sleeps `d`; if cancelled, cleans up for `cleanup` after the catch block, then rethrows.
aio::Task<int> slow_with_cleanup(std::string name, aio::Duration d, aio::Duration cleanup) {
  bool cancelled = false;
  try {
    co_await aio::sleep(d);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    aio::print(name, " cancelled");
    co_await aio::sleep(cleanup);
    aio::print(name, " cleaned up");
    throw aio::CancelledError{};
  }
  co_return 0;
}

TEST(Gather, FirstFailureCancelsSiblingsWaitsForThemAndRethrows) {
  Recorder rec;
  std::string caught;
  rec.run([&]() -> aio::Task<> {
    try {
      (void)co_await aio::gather(slow_with_cleanup("a", 10s, 2s), fail_at(1s, "first"),
                                 fail_at(1s, "second"), slow_with_cleanup("d", 10s, 1s));
    } catch (const std::runtime_error& e) {
      caught = e.what();
      aio::print("gather threw ", e.what());
    }
  });
  EXPECT_EQ(caught, "first");
  // "second" was due at the same instant but queued after "first": cancelled in the queue, it
  // never reaches its print.
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms fail first", "1000ms a cancelled",
                                      "1000ms d cancelled", "2000ms d cleaned up",
                                      "3000ms a cleaned up", "3000ms gather threw first"}));
  EXPECT_EQ(rec.elapsed(), 3s);
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
}

TEST(Gather, AFailureOfTheVectorFormIsRethrownToo) {
  Recorder rec;
  EXPECT_THROW(rec.run([]() -> aio::Task<> {
    std::vector<aio::Task<int>> children;
    children.push_back(aio_test::after(5s, 1));
    children.push_back(fail_at(2s, "vector child"));
    (void)co_await aio::gather(std::move(children));
  }),
               std::runtime_error);
  EXPECT_EQ(rec.elapsed(), 2s);  // the 5 s sibling was cancelled, not waited out
}

TEST(Gather, CancellingTheAwaitingTaskCancelsAndAwaitsEveryChild) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto gatherer = aio::create_task([]() -> aio::Task<> {
      try {
        (void)co_await aio::gather(slow_with_cleanup("a", 10s, 1s),
                                   slow_with_cleanup("b", 10s, 2s));
      } catch (const aio::CancelledError&) {
        aio::print("gather cancelled");
        throw;
      }
    });
    co_await aio::sleep(1s);
    gatherer.cancel();
    try {
      co_await gatherer;
    } catch (const aio::CancelledError&) {
      aio::print("gatherer cancelled: ", gatherer.cancelled());
    }
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms a cancelled", "1000ms b cancelled",
                                      "2000ms a cleaned up", "3000ms b cleaned up",
                                      "3000ms gather cancelled", "3000ms gatherer cancelled: 1"}));
}

TEST(Gather, CancelledBeforeItsChildrenStartedNoneOfThemRuns) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto gatherer = aio::create_task(
        []() -> aio::Task<> { (void)co_await aio::gather(fetch("a", 1s), fetch("b", 1s)); });
    co_await aio::sleep(0s);  // the gatherer starts its children, which are queued behind us
    gatherer.cancel();
    try {
      co_await gatherer;
    } catch (const aio::CancelledError&) {
      aio::print("cancelled");
    }
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms cancelled"}));
}

TEST(Gather, NestedGathers) {
  Recorder rec;
  auto [left, right] = rec.run([]() -> aio::Task<std::tuple<std::vector<int>, int>> {
    std::vector<aio::Task<int>> inner;
    inner.push_back(aio_test::after(1s, 1));
    inner.push_back(aio_test::after(2s, 2));
    co_return co_await aio::gather(aio::gather(std::move(inner)), aio_test::after(3s, 3));
  });
  EXPECT_EQ(left, (std::vector<int>{1, 2}));
  EXPECT_EQ(right, 3);
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(Gather, TenThousandChildren) {
  Recorder rec;
  constexpr int count = 10'000;
  std::vector<int> results = rec.run([]() -> aio::Task<std::vector<int>> {
    std::vector<aio::Task<int>> tasks;
    tasks.reserve(count);
    for (int i = 0; i < count; ++i) {
      tasks.push_back(aio_test::after(std::chrono::milliseconds(count - i), i));
    }
    co_return co_await aio::gather(std::move(tasks));
  });
  ASSERT_EQ(results.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) ASSERT_EQ(results[i], i);
  EXPECT_EQ(rec.elapsed(), std::chrono::milliseconds(count));
}

TEST(Gather, TenThousandChildrenOneFailsTheRestAreCancelled) {
  Recorder rec;
  constexpr int count = 10'000;
  int cancelled = 0;
  EXPECT_THROW(rec.run([&]() -> aio::Task<> {
    std::vector<aio::Task<int>> tasks;
    for (int i = 0; i < count; ++i) {
      if (i == count / 2) {
        tasks.push_back(fail_at(1s, "the middle one"));
        continue;
      }
      tasks.push_back([](int& counter) -> aio::Task<int> {
        try {
          co_await aio::sleep(1h);
        } catch (const aio::CancelledError&) {
          ++counter;
          throw;
        }
        co_return 0;
      }(cancelled));
    }
    (void)co_await aio::gather(std::move(tasks));
  }),
               std::runtime_error);
  EXPECT_EQ(cancelled, count - 1);
  EXPECT_EQ(rec.elapsed(), 1s);
}

}  // namespace
