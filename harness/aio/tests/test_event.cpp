// aio::Event: set() wakes every waiter in FIFO order, wait() on a set event returns at once,
// clear() re-arms it, and cancelled waiters leave without disturbing the others.
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

aio::Task<> wait_then_print(aio::Event& event, std::string name) {
  co_await event.wait();
  aio::print(name, " woke");
}

aio::Task<> wait_stubbornly(aio::Event& event) {
  for (;;) {
    try {
      co_await event.wait();
      co_return;
    } catch (const aio::CancelledError&) {
    }
  }
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Event, SetWakesEveryWaiterInTheOrderTheyStartedWaiting) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Event event;
    auto a = aio::create_task(wait_then_print(event, "a"));
    auto b = aio::create_task(wait_then_print(event, "b"));
    auto c = aio::create_task(wait_then_print(event, "c"));
    co_await aio::sleep(2s);
    EXPECT_EQ(event.waiting(), 3u);
    EXPECT_FALSE(event.is_set());
    aio::print("set");
    event.set();
    EXPECT_TRUE(event.is_set());
    EXPECT_EQ(event.waiting(), 0u);
    co_await a;
    co_await b;
    co_await c;
  });
  EXPECT_EQ(rec.timeline(),
            (Lines{"2000ms set", "2000ms a woke", "2000ms b woke", "2000ms c woke"}));
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(Event, WaitOnASetEventReturnsAtOnceAndClearRearmsIt) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Event event;
    event.set();
    event.set();  // setting a set event does nothing
    bool other_ran = false;
    auto other = aio::create_task([&]() -> aio::Task<> {
      other_ran = true;
      co_return;
    });
    co_await event.wait();
    EXPECT_FALSE(other_ran);  // did not suspend
    event.clear();
    EXPECT_FALSE(event.is_set());
    auto waiter = aio::create_task(wait_then_print(event, "waiter"));
    co_await aio::sleep(1s);
    EXPECT_EQ(event.waiting(), 1u);
    event.set();
    co_await waiter;
    co_await other;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms waiter woke"}));
}

TEST(Event, AWaiterWokenBySetStillResumesIfTheEventIsClearedBeforeItRuns) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Event event;
    auto a = aio::create_task(wait_then_print(event, "a"));
    co_await aio::sleep(1s);
    event.set();
    event.clear();  // same instant: a's wake-up must not be lost
    co_await a;
    EXPECT_FALSE(event.is_set());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms a woke"}));
}

TEST(Event, ACancelledWaiterLeavesAndTheOthersStillWake) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Event event;
    auto a = aio::create_task(wait_then_print(event, "a"));
    auto b = aio::create_task(wait_then_print(event, "b"));
    auto c = aio::create_task(wait_then_print(event, "c"));
    co_await aio::sleep(1s);
    b.cancel();
    EXPECT_EQ(event.waiting(), 2u);
    try {
      co_await b;
    } catch (const aio::CancelledError&) {
      aio::print("b cancelled");
    }
    co_await aio::sleep(1s);
    event.set();
    co_await a;
    co_await c;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms b cancelled", "2000ms a woke", "2000ms c woke"}));
}

TEST(Event, AWaiterCancelledAfterSetButBeforeItRunsThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Event event;
    auto a = aio::create_task(wait_then_print(event, "a"));
    auto b = aio::create_task(wait_then_print(event, "b"));
    co_await aio::sleep(1s);
    event.set();  // both queued to resume
    a.cancel();   // a has not run yet: its resumption throws
    try {
      co_await a;
    } catch (const aio::CancelledError&) {
      aio::print("a cancelled");
    }
    co_await b;
    EXPECT_TRUE(event.is_set());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms b woke", "1000ms a cancelled"}));
}

TEST(Event, ADeadlockNamesTheEvent) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Event event;
      co_await event.wait();  // nobody will ever set it
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "test_event.cpp")) << message;
  EXPECT_TRUE(contains(message, "for event (not set)")) << message;
}

TEST(Event, WaitersWhoseFramesAreDestroyedAtShutdownLeave) {
  aio::Event event;  // outlives the run, to be inspected afterwards
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    auto a = aio::create_task(wait_stubbornly(event), "a");
    auto b = aio::create_task(wait_stubbornly(event), "b");
    co_await aio::sleep(1s);
    EXPECT_EQ(event.waiting(), 2u);
  });
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 2u);
  EXPECT_EQ(event.waiting(), 0u);
}

TEST(Event, TasksStillWaitingWhenTheEventIsDestroyedAreCancelledSafely) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Event event;
    for (int i = 0; i < 3; ++i) {
      auto handle = aio::create_task(wait_then_print(event, "w" + std::to_string(i)));
    }
    co_await aio::sleep(1s);
  });
  EXPECT_TRUE(rec.timeline().empty());
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 3u);
}

TEST(Event, ManyWaitersManyRounds) {
  Recorder rec;
  int wakes = 0;
  rec.run([&]() -> aio::Task<> {
    aio::Event go;
    std::vector<aio::Task<>> waiters;
    for (int i = 0; i < 1000; ++i) {
      waiters.push_back([](aio::Event& go, int& wakes) -> aio::Task<> {
        for (int round = 0; round < 10; ++round) {
          co_await go.wait();
          ++wakes;
          co_await aio::sleep(1s);  // by then the event is cleared again
        }
      }(go, wakes));
    }
    auto setter = aio::create_task([&]() -> aio::Task<> {
      for (int round = 0; round < 10; ++round) {
        co_await aio::sleep(500ms);
        go.set();
        co_await aio::sleep(0s);
        go.clear();
        co_await aio::sleep(500ms);
      }
    });
    co_await aio::gather(std::move(waiters));
    co_await setter;
  });
  EXPECT_EQ(wakes, 10'000);
  EXPECT_EQ(rec.elapsed(), 10500ms);
}

}  // namespace
