// aio::sleep and aio::now, and the scheduling order the runtime guarantees: timers with equal
// deadlines fire in the order they were set, the ready queue is FIFO, sleep(0) yields to the
// back of the ready queue.
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

aio::Task<> wake_after(std::string name, aio::Duration d) {
  co_await aio::sleep(d);
  aio::print(name);
}

TEST(Sleep, SuspendsForExactlyTheGivenTime) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::print("start");
    co_await aio::sleep(2s);
    aio::print("two seconds later");
    co_await aio::sleep(250ms);
    aio::print("and a quarter");
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms start", "2000ms two seconds later",
                                                      "2250ms and a quarter"}));
}

TEST(Sleep, ZeroAndNegativeDelaysOnlyYieldAndTakeNoTime) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::sleep(0s);
    co_await aio::sleep(-5s);
    aio::print("still at zero");
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms still at zero"}));
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(Sleep, EqualDeadlinesFireInTheOrderTheTimersWereSet) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    // Scheduled c, a, b (the order the tasks start and call sleep), all due at 1 s.
    auto c = aio::create_task(wake_after("c", 1s));
    auto a = aio::create_task(wake_after("a", 1s));
    auto b = aio::create_task(wake_after("b", 1s));
    co_await a;
    co_await b;
    co_await c;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms c", "1000ms a", "1000ms b"}));
}

TEST(Sleep, AnEarlierSetTimerWinsATieEvenWithALongerDelay) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    // "long" sets its timer at 0 s for 2 s; "short" sets its timer at 1 s for 1 s. Same deadline:
    // the timer set first fires first.
    auto long_sleeper = aio::create_task(wake_after("long", 2s));
    co_await aio::sleep(1s);
    auto short_sleeper = aio::create_task(wake_after("short", 1s));
    co_await long_sleeper;
    co_await short_sleeper;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"2000ms long", "2000ms short"}));
}

TEST(Sleep, TasksWokenByOneDeadlineAllRunBeforeTimeMovesOn) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto a = aio::create_task([]() -> aio::Task<> {
      co_await aio::sleep(1s);
      aio::print("a woke");
      co_await aio::sleep(1ns);
      aio::print("a again");
    });
    auto b = aio::create_task(wake_after("b woke", 1s));
    co_await a;
    co_await b;
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms a woke", "1000ms b woke", "1000000001ns a again"}));
}

TEST(ReadyQueue, NewTasksStartInCreationOrder) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    std::vector<aio::TaskHandle<void>> handles;
    for (const char* name : {"first", "second", "third", "fourth"}) {
      handles.push_back(aio::create_task([name]() -> aio::Task<> {
        aio::print(name);
        co_return;
      }));
    }
    for (auto& handle : handles) co_await handle;
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms first", "0ms second", "0ms third", "0ms fourth"}));
}

aio::Task<> yielder(std::string name, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    aio::print(name, i);
    co_await aio::sleep(0s);
  }
}

TEST(ReadyQueue, SleepZeroYieldsToTheBackOfTheQueueExactInterleaving) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto a = aio::create_task(yielder("a", 3));
    auto b = aio::create_task(yielder("b", 3));
    co_await a;
    co_await b;
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms a0", "0ms b0", "0ms a1", "0ms b1", "0ms a2", "0ms b2"}));
}

TEST(ReadyQueue, SleepZeroLetsEveryQueuedTaskRunFirst) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto a = aio::create_task(yielder("a", 2));
    auto b = aio::create_task(yielder("b", 1));
    auto c = aio::create_task(yielder("c", 2));
    aio::print("main");
    co_await aio::sleep(0s);  // a, b, c were queued before main: they all go first
    aio::print("main again");
    co_await a;
    co_await b;
    co_await c;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms main", "0ms a0", "0ms b0", "0ms c0",
                                                      "0ms main again", "0ms a1", "0ms c1"}));
}

TEST(ReadyQueue, ABusyTaskKeepsTheLoopUntilItSuspends) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto other = aio::create_task([]() -> aio::Task<> {
      aio::print("other");
      co_return;
    });
    for (int i = 0; i < 3; ++i) aio::print("busy ", i);  // no suspension point: no switch
    co_await other;
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms busy 0", "0ms busy 1", "0ms busy 2", "0ms other"}));
}

TEST(Now, IsTheLoopsTimeInEveryTask) {
  Recorder rec;
  std::vector<aio::Duration> seen;
  rec.run([&]() -> aio::Task<> {
    auto a = aio::create_task([&]() -> aio::Task<> {
      co_await aio::sleep(3s);
      seen.push_back(aio::now());
    });
    co_await aio::sleep(1s);
    seen.push_back(aio::now());
    co_await a;
    seen.push_back(aio::now());
  });
  EXPECT_EQ(seen, (std::vector<aio::Duration>{1s, 3s, 3s}));
}

TEST(Sleep, AnAwaiterThatIsNeverAwaitedDoesNothing) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto unused = aio::sleep(1h);  // an awaitable, not a timer: no effect until co_await
    (void)unused;
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(rec.elapsed(), 1s);
}

}  // namespace
