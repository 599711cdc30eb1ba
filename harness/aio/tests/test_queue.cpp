// aio::Queue<T>: FIFO items and waiters, back-pressure, close(), move-only items, and a queue
// that loses, duplicates and reorders nothing whatever stage a getter or putter is cancelled at.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AIO_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AIO_TEST_SANITIZED 1
#endif
#endif
#ifndef AIO_TEST_SANITIZED
#define AIO_TEST_SANITIZED 0
#endif

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

aio::Task<> get_then_print(aio::Queue<std::string>& q, std::string name) {
  auto item = co_await q.get();
  aio::print(name, " got ", item ? *item : std::string("nothing"));
}

aio::Task<> put_then_print(aio::Queue<std::string>& q, std::string name, std::string item) {
  try {
    co_await q.put(std::move(item));
    aio::print(name, " put");
  } catch (const aio::QueueClosed&) {
    aio::print(name, " refused: closed");
  }
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- items and capacity -----------------------------------------------------------------------

TEST(Queue, ItemsComeOutInTheOrderTheyWentIn) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q;
    EXPECT_FALSE(q.capacity().has_value());
    for (int i = 1; i <= 5; ++i) co_await q.put(i);  // unbounded: never waits
    EXPECT_EQ(q.size(), 5u);
    EXPECT_FALSE(q.full());
    for (int i = 1; i <= 5; ++i) EXPECT_EQ(co_await q.get(), i);
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.try_get());
  });
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(Queue, TryPutAndTryGetNeverWait) {
  aio::Queue<std::string> q(2);  // no loop needed: nothing here waits
  EXPECT_EQ(q.capacity(), 2u);
  std::string first = "first";
  EXPECT_TRUE(q.try_put(first));  // copies an lvalue
  EXPECT_EQ(first, "first");
  EXPECT_TRUE(q.try_put(std::string("second")));
  EXPECT_TRUE(q.full());
  std::string third = "third";
  EXPECT_FALSE(q.try_put(std::move(third)));  // full: the item is left untouched
  EXPECT_EQ(third, "third");
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.try_get(), "first");
  EXPECT_EQ(q.try_get(), "second");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(Queue, ACapacityOfZeroIsRefused) {
  EXPECT_THROW(aio::Queue<int>(0), aio::RuntimeError);
}

TEST(Queue, ABoundedQueueMakesAFastProducerWaitForItsConsumer) {
  Recorder rec;
  std::size_t largest = 0;
  rec.run([&]() -> aio::Task<> {
    aio::Queue<int> q(2);
    auto producer = aio::create_task([&]() -> aio::Task<> {
      for (int i = 0; i < 5; ++i) {
        co_await q.put(i);
        aio::print("put ", i);
        largest = std::max(largest, q.size());
      }
    });
    for (int i = 0; i < 5; ++i) {
      co_await aio::sleep(1s);
      aio::print("got ", *co_await q.get());
    }
    co_await producer;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms put 0", "0ms put 1", "1000ms got 0", "1000ms put 2",
                                   "2000ms got 1", "2000ms put 3", "3000ms got 2", "3000ms put 4",
                                   "4000ms got 3", "5000ms got 4"}));
  EXPECT_EQ(largest, 2u);
  EXPECT_EQ(rec.elapsed(), 5s);
}

TEST(Queue, AConsumerLoopRunsUntilTheQueueIsClosedAndDrained) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q;
    auto producer = aio::create_task([&]() -> aio::Task<> {
      for (std::string item : {"a", "b", "c"}) {
        co_await aio::sleep(1s);
        co_await q.put(item);
      }
      q.close();
    });
    while (auto item = co_await q.get()) aio::print("got ", *item);
    aio::print("done");
    co_await producer;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms got a", "2000ms got b", "3000ms got c", "3000ms done"}));
}

TEST(Queue, AnItemHandedToAWaitingGetterCountsUntilThatGetterRuns) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q(1);
    auto getter = aio::create_task(get_then_print(q, "getter"));
    co_await aio::sleep(1s);
    co_await q.put("x");  // straight to the getter, which has not run yet
    EXPECT_EQ(q.size(), 1u);
    EXPECT_TRUE(q.full());
    EXPECT_FALSE(q.try_get());  // promised to the getter
    EXPECT_FALSE(q.try_put("y"));
    co_await getter;
    EXPECT_EQ(q.size(), 0u);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms getter got x"}));
}

TEST(Queue, GetAndPutDoNotSuspendWhenTheyNeedNotWait) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q(1);
    bool other_ran = false;
    auto other = aio::create_task([&]() -> aio::Task<> {
      other_ran = true;
      co_return;
    });
    co_await q.put(1);
    EXPECT_EQ(co_await q.get(), 1);
    EXPECT_FALSE(other_ran);
    co_await other;
  });
}

// ---- FIFO waiters -----------------------------------------------------------------------------

TEST(Queue, WaitingGettersAreServedInTheOrderTheyCame) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q;
    auto g0 = aio::create_task(get_then_print(q, "g0"));
    auto g1 = aio::create_task(get_then_print(q, "g1"));
    auto g2 = aio::create_task(get_then_print(q, "g2"));
    co_await aio::sleep(1s);
    EXPECT_EQ(q.waiting_getters(), 3u);
    co_await q.put("x");
    co_await q.put("y");
    co_await q.put("z");
    EXPECT_EQ(q.waiting_getters(), 0u);
    EXPECT_EQ(q.size(), 3u);
    co_await g0;
    co_await g1;
    co_await g2;
    EXPECT_EQ(q.size(), 0u);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g0 got x", "1000ms g1 got y", "1000ms g2 got z"}));
}

TEST(Queue, WaitingPuttersAreServedInTheOrderTheyCame) {
  Recorder rec;
  std::vector<std::string> received;
  rec.run([&]() -> aio::Task<> {
    aio::Queue<std::string> q(1);
    co_await q.put("first");
    auto p0 = aio::create_task(put_then_print(q, "p0", "a"));
    auto p1 = aio::create_task(put_then_print(q, "p1", "b"));
    auto p2 = aio::create_task(put_then_print(q, "p2", "c"));
    co_await aio::sleep(1s);
    EXPECT_EQ(q.waiting_putters(), 3u);
    for (int i = 0; i < 4; ++i) received.push_back(*co_await q.get());
    co_await p0;
    co_await p1;
    co_await p2;
  });
  EXPECT_EQ(received, (std::vector<std::string>{"first", "a", "b", "c"}));
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms p0 put", "1000ms p1 put", "1000ms p2 put"}));
}

// ---- close ------------------------------------------------------------------------------------

TEST(Queue, AfterCloseGettersDrainTheItemsThenGetNothingAndPutsAreRefused) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q;
    co_await q.put(1);
    co_await q.put(2);
    q.close();
    q.close();  // closing twice does nothing
    EXPECT_TRUE(q.closed());
    bool refused = false;
    try {
      co_await q.put(3);
    } catch (const aio::QueueClosed&) {
      refused = true;
    }
    EXPECT_TRUE(refused);
    EXPECT_THROW(q.try_put(3), aio::QueueClosed);
    EXPECT_EQ(co_await q.get(), 1);
    EXPECT_EQ(q.try_get(), 2);
    EXPECT_EQ(co_await q.get(), std::nullopt);
    EXPECT_EQ(co_await q.get(), std::nullopt);  // and again: no waiting on a closed queue
  });
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(Queue, CloseWakesWaitingGettersWithNothingAndWaitingPuttersWithQueueClosed) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> empty;
    auto g0 = aio::create_task(get_then_print(empty, "g0"));
    auto g1 = aio::create_task(get_then_print(empty, "g1"));
    aio::Queue<std::string> full(1);
    co_await full.put("kept");
    auto p0 = aio::create_task(put_then_print(full, "p0", "lost"));
    co_await aio::sleep(1s);
    empty.close();
    co_await g0;
    co_await g1;
    co_await aio::sleep(1s);
    full.close();
    co_await p0;
    EXPECT_EQ(full.waiting_putters(), 0u);
    aio::print("left: ", *co_await full.get());  // what was in the queue is still delivered
    EXPECT_FALSE(co_await full.get());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g0 got nothing", "1000ms g1 got nothing",
                                   "2000ms p0 refused: closed", "2000ms left: kept"}));
}

TEST(Queue, AGetterHandedAnItemBeforeCloseStillGetsIt) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q;
    auto g0 = aio::create_task(get_then_print(q, "g0"));
    auto g1 = aio::create_task(get_then_print(q, "g1"));
    co_await aio::sleep(1s);
    co_await q.put("x");  // handed to g0
    q.close();            // g1 learns the queue is drained once g0 has taken x
    co_await g0;
    co_await g1;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g0 got x", "1000ms g1 got nothing"}));
}

// ---- move-only items --------------------------------------------------------------------------

TEST(Queue, CarriesMoveOnlyItems) {
  Recorder rec;
  int sum = 0;
  rec.run([&]() -> aio::Task<> {
    aio::Queue<std::unique_ptr<int>> q(1);
    auto producer = aio::create_task([&]() -> aio::Task<> {
      for (int i = 1; i <= 3; ++i) {
        auto item = std::make_unique<int>(i);
        co_await q.put(std::move(item));
        co_await aio::sleep(1s);
      }
      auto extra = std::make_unique<int>(100);
      EXPECT_TRUE(q.try_put(std::move(extra)));
      auto refused = std::make_unique<int>(1000);
      EXPECT_FALSE(q.try_put(std::move(refused)));  // full
      EXPECT_TRUE(refused && *refused == 1000);     // still ours
      q.close();
    });
    while (auto item = co_await q.get()) sum += **item;
    co_await producer;
  });
  EXPECT_EQ(sum, 106);
  EXPECT_EQ(rec.elapsed(), 3s);
}

// ---- cancellation -----------------------------------------------------------------------------

TEST(Queue, ACancelledGetterLeavesTheLineAndTakesNothing) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q;
    auto g0 = aio::create_task(get_then_print(q, "g0"));
    auto g1 = aio::create_task(get_then_print(q, "g1"));
    auto g2 = aio::create_task(get_then_print(q, "g2"));
    co_await aio::sleep(1s);
    g1.cancel();
    EXPECT_EQ(q.waiting_getters(), 2u);
    try {
      co_await g1;
    } catch (const aio::CancelledError&) {
      aio::print("g1 cancelled");
    }
    co_await aio::sleep(1s);
    co_await q.put("a");
    co_await q.put("b");
    co_await g0;
    co_await g2;
    EXPECT_TRUE(q.empty());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g1 cancelled", "2000ms g0 got a", "2000ms g2 got b"}));
}

TEST(Queue, AGetterCancelledAfterBeingHandedAnItemPassesItToTheNextGetter) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q;
    auto g0 = aio::create_task(get_then_print(q, "g0"));
    auto g1 = aio::create_task(get_then_print(q, "g1"));
    co_await aio::sleep(1s);
    co_await q.put("x");  // handed to g0, queued to resume...
    g0.cancel();          // ...and cancelled before it runs
    try {
      co_await g0;
    } catch (const aio::CancelledError&) {
      aio::print("g0 cancelled");
    }
    co_await g1;
    EXPECT_TRUE(q.empty());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g1 got x", "1000ms g0 cancelled"}));
}

TEST(Queue, AGetterCancelledAfterBeingHandedAnItemPutsItBackAtTheFront) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q(2);
    auto g0 = aio::create_task(get_then_print(q, "g0"));
    co_await aio::sleep(1s);
    co_await q.put("x");  // handed to g0
    co_await q.put("y");  // buffered behind it
    EXPECT_TRUE(q.full());
    g0.cancel();
    try {
      co_await g0;
    } catch (const aio::CancelledError&) {
      aio::print("g0 cancelled");
    }
    EXPECT_EQ(q.size(), 2u);  // x is back, first in line, and the bound still holds
    aio::print("then ", *co_await q.get());
    aio::print("then ", *co_await q.get());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g0 cancelled", "1000ms then x", "1000ms then y"}));
}

TEST(Queue, AnItemGivenBackAfterCloseGoesToAGetterStillWaiting) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q;
    auto g0 = aio::create_task(get_then_print(q, "g0"));
    auto g1 = aio::create_task(get_then_print(q, "g1"));
    co_await aio::sleep(1s);
    co_await q.put("x");  // handed to g0
    q.close();            // g1 must not be told "drained" while x may still come back...
    g0.cancel();          // ...and it does
    try {
      co_await g0;
    } catch (const aio::CancelledError&) {
    }
    co_await g1;
    EXPECT_EQ(co_await q.get(), std::nullopt);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms g1 got x"}));
}

TEST(Queue, ACancelledPutterLeavesTheLineAndItsItemNeverArrives) {
  Recorder rec;
  std::vector<std::string> received;
  rec.run([&]() -> aio::Task<> {
    aio::Queue<std::string> q(1);
    co_await q.put("first");
    auto p0 = aio::create_task(put_then_print(q, "p0", "a"));
    auto p1 = aio::create_task(put_then_print(q, "p1", "b"));
    auto p2 = aio::create_task(put_then_print(q, "p2", "c"));
    co_await aio::sleep(1s);
    p1.cancel();
    EXPECT_EQ(q.waiting_putters(), 2u);
    try {
      co_await p1;
    } catch (const aio::CancelledError&) {
      aio::print("p1 cancelled");
    }
    for (int i = 0; i < 3; ++i) received.push_back(*co_await q.get());
    co_await p0;
    co_await p2;
    EXPECT_TRUE(q.empty());
  });
  EXPECT_EQ(received, (std::vector<std::string>{"first", "a", "c"}));
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms p1 cancelled", "1000ms p0 put", "1000ms p2 put"}));
}

TEST(Queue, APutterCancelledAfterBeingPromisedRoomPassesTheRoomToTheNextPutter) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q(1);
    co_await q.put("first");
    auto p0 = aio::create_task(put_then_print(q, "p0", "a"));
    auto p1 = aio::create_task(put_then_print(q, "p1", "b"));
    co_await aio::sleep(1s);
    EXPECT_EQ(q.try_get(), "first");  // room for p0, queued to resume...
    EXPECT_TRUE(q.full());            // (promised: nobody else may take it)
    p0.cancel();                      // ...and cancelled before it runs
    try {
      co_await p0;
    } catch (const aio::CancelledError&) {
      aio::print("p0 cancelled");
    }
    aio::print("got ", *co_await q.get());
    co_await p1;
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.full());
  });
  // "a" never arrives: a put that threw CancelledError did not happen.
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms p1 put", "1000ms p0 cancelled", "1000ms got b"}));
}

TEST(Queue, APutterPromisedRoomRightBeforeCloseIsRefused) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> q(1);
    co_await q.put("first");
    auto p0 = aio::create_task(put_then_print(q, "p0", "a"));
    co_await aio::sleep(1s);
    EXPECT_EQ(q.try_get(), "first");  // room promised to p0...
    q.close();                        // ...but the queue closes before p0 runs
    co_await p0;
    EXPECT_EQ(co_await q.get(), std::nullopt);
    EXPECT_FALSE(q.full());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms p0 refused: closed"}));
}

TEST(Queue, APendingCancellationIsDeliveredOnlyWhereGetOrPutWouldWait) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q(1);
    aio::TaskHandle<void> self;
    self = aio::create_task([&]() -> aio::Task<> {
      self.cancel();
      co_await q.put(1);  // room: no suspension, no cancellation
      try {
        co_await q.put(2);  // would wait: the cancellation is delivered instead
      } catch (const aio::CancelledError&) {
        aio::print("put cancelled");
      }
      self.cancel();
      EXPECT_EQ(co_await q.get(), 1);  // an item: no suspension
      try {
        (void)co_await q.get();  // would wait
      } catch (const aio::CancelledError&) {
        aio::print("get cancelled");
      }
    });
    co_await self;
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.waiting_getters() + q.waiting_putters(), 0u);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms put cancelled", "0ms get cancelled"}));
}

// ---- diagnostics and shutdown -----------------------------------------------------------------

TEST(Queue, ADeadlockNamesTheQueueGet) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Queue<int> q;
      (void)co_await q.get();  // nobody will ever put
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "test_queue.cpp")) << message;
  EXPECT_TRUE(contains(message, "for queue get (empty)")) << message;
}

TEST(Queue, ADeadlockNamesTheQueuePut) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Queue<int> q(1);
      co_await q.put(1);
      co_await q.put(2);  // nobody will ever get
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "for queue put (full: 1 of 1)")) << message;
}

aio::Task<> get_stubbornly(aio::Queue<int>& q, std::optional<int>& got) {
  for (;;) {
    try {
      got = co_await q.get();
      co_return;
    } catch (const aio::CancelledError&) {
    }
  }
}

aio::Task<> put_stubbornly(aio::Queue<int>& q, int item) {
  for (;;) {
    try {
      co_await q.put(item);
      co_return;
    } catch (const aio::CancelledError&) {
    }
  }
}

// Runs `action` when the frame holding it is destroyed.
template <class F>
struct OnDestroy {
  F action;
  ~OnDestroy() { action(); }
};
template <class F>
OnDestroy(F) -> OnDestroy<F>;

// A stubborn waiter whose frame also holds a guard that, when the frame is destroyed, runs
// *before* the waiter's own frame goes: the guard feeds the parked getter, so the getter is
// destroyed after being handed an item, before it could run.
aio::Task<> get_with_feeder(aio::Queue<int>& q, std::optional<int>& got) {
  auto waiter = get_stubbornly(q, got);
  OnDestroy feed{[&q] { (void)q.try_put(42); }};  // declared after `waiter`: destroyed first
  co_await std::move(waiter);
}

// The same for a putter: the guard makes room, promised to the parked putter.
aio::Task<> put_with_drainer(aio::Queue<int>& q, int item) {
  auto waiter = put_stubbornly(q, item);
  OnDestroy drain{[&q] { (void)q.try_get(); }};
  co_await std::move(waiter);
}

TEST(Queue, WaitersWhoseFramesAreDestroyedAtShutdownLeaveTheQueueConsistent) {
  // Stubborn tasks ignore every cancellation, so shutdown destroys their frames while they are
  // parked: they must leave the line, and an item or a slot already given to them must go back.
  aio::Queue<int> parked_getter;  // queues outlive the run, to be inspected afterwards
  aio::Queue<int> parked_putter(1);
  aio::Queue<int> handed_getter;
  aio::Queue<int> promised_putter(1);
  std::optional<int> got;
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    co_await parked_putter.put(1);
    co_await promised_putter.put(1);
    auto a = aio::create_task(get_stubbornly(parked_getter, got));
    auto b = aio::create_task(put_stubbornly(parked_putter, 2));
    auto c = aio::create_task(get_with_feeder(handed_getter, got));
    auto d = aio::create_task(put_with_drainer(promised_putter, 2));
    co_await aio::sleep(1s);
    EXPECT_EQ(parked_getter.waiting_getters() + handed_getter.waiting_getters(), 2u);
    EXPECT_EQ(parked_putter.waiting_putters() + promised_putter.waiting_putters(), 2u);
  });
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 4u);
  EXPECT_FALSE(got.has_value());  // no getter ran again
  // Parked: they left the lines.
  EXPECT_EQ(parked_getter.waiting_getters(), 0u);
  EXPECT_EQ(parked_putter.waiting_putters(), 0u);
  EXPECT_EQ(parked_putter.try_get(), 1);
  EXPECT_TRUE(parked_putter.empty());
  // Handed an item: it is back in the queue.
  EXPECT_EQ(handed_getter.size(), 1u);
  EXPECT_EQ(handed_getter.try_get(), 42);
  // Promised room: the slot is free again (and the destroyed putter's item never went in).
  EXPECT_TRUE(promised_putter.empty());
  EXPECT_FALSE(promised_putter.full());
  EXPECT_TRUE(promised_putter.try_put(3));
}

TEST(Queue, TasksStillWaitingWhenTheQueueIsDestroyedAreCancelledSafely) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<std::string> empty;
    aio::Queue<std::string> full(1);
    co_await full.put("x");
    auto g = aio::create_task(get_then_print(empty, "g"));
    auto p = aio::create_task(put_then_print(full, "p", "y"));
    co_await aio::sleep(1s);
  });
  EXPECT_TRUE(rec.timeline().empty());
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 2u);
}

// ---- volume -----------------------------------------------------------------------------------

TEST(Queue, PingPongThroughACapacityOneQueue) {
  // A million messages normally; a tenth of that under the sanitizers, which slow every step.
  constexpr long messages = AIO_TEST_SANITIZED ? 100'000 : 1'000'000;
  Recorder rec;
  long received = 0;
  long sum = 0;
  auto real_start = std::chrono::steady_clock::now();
  rec.run([&]() -> aio::Task<> {
    aio::Queue<long> q(1);
    auto producer = aio::create_task([&]() -> aio::Task<> {
      for (long i = 0; i < messages; ++i) co_await q.put(i);
      q.close();
    });
    while (auto item = co_await q.get()) {
      ++received;
      sum += *item;
    }
    co_await producer;
  });
  EXPECT_EQ(received, messages);
  EXPECT_EQ(sum, messages * (messages - 1) / 2);
  EXPECT_EQ(rec.elapsed(), 0s);
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 30s);
}

TEST(Queue, ManyProducersAndConsumersLoseAndDuplicateNothing) {
  constexpr int producers = 20;
  constexpr int per_producer = 200;
  constexpr int consumers = 7;
  Recorder rec;
  std::map<int, std::vector<int>> seen;  // producer -> sequence numbers, in arrival order
  rec.run([&]() -> aio::Task<> {
    aio::Queue<std::pair<int, int>> q(5);
    std::vector<aio::Task<>> workers;
    for (int p = 0; p < producers; ++p) {
      workers.push_back([](aio::Queue<std::pair<int, int>>& q, int p) -> aio::Task<> {
        for (int n = 0; n < per_producer; ++n) {
          co_await q.put({p, n});
          if (n % 3 == p % 3) co_await aio::sleep(std::chrono::milliseconds(p + 1));
        }
      }(q, p));
    }
    for (int c = 0; c < consumers; ++c) {
      workers.push_back([](aio::Queue<std::pair<int, int>>& q, auto& seen, int c) -> aio::Task<> {
        while (auto item = co_await q.get()) {
          seen[item->first].push_back(item->second);
          co_await aio::sleep(std::chrono::milliseconds(c % 2));
        }
      }(q, seen, c));
    }
    auto closer = aio::create_task([&]() -> aio::Task<> {
      // Close once every item has gone through: each consumer then gets std::nullopt.
      while (true) {
        co_await aio::sleep(10ms);
        std::size_t total = 0;
        for (auto& [p, numbers] : seen) total += numbers.size();
        if (total == producers * per_producer) break;
      }
      q.close();
    });
    co_await aio::gather(std::move(workers));
    co_await closer;
  });
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(producers));
  std::vector<int> expected(per_producer);
  for (int n = 0; n < per_producer; ++n) expected[n] = n;
  for (auto& [p, numbers] : seen) {
    // Several consumers record in the order they get to run, not the order they dequeued (that
    // order is tested above): compare as sets.
    std::sort(numbers.begin(), numbers.end());
    EXPECT_EQ(numbers, expected) << "producer " << p;
  }
}

}  // namespace

// ---- task_done / join -------------------------------------------------------------------------

namespace {

TEST(QueueJoin, JoinWaitsUntilEveryItemPutHasBeenMarkedDone) {
  aio_test::Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q(2);
    auto worker = [&]() -> aio::Task<> {
      while (auto item = co_await q.get()) {
        co_await aio::sleep(std::chrono::seconds(*item));
        aio::print("handled ", *item);
        q.task_done();
      }
    };
    auto consumer = aio::create_task(worker());
    co_await q.join();  // nothing put yet: returns at once
    aio::print("joined empty");
    for (int i : {1, 2, 3}) co_await q.put(i);
    EXPECT_EQ(q.unfinished(), 3u);
    co_await q.join();
    aio::print("joined");
    EXPECT_EQ(q.unfinished(), 0u);
    q.close();
    co_await consumer;
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms joined empty", "1000ms handled 1", "3000ms handled 2",
                                      "6000ms handled 3", "6000ms joined"}));
}

TEST(QueueJoin, TakingAnItemIsNotFinishingIt) {
  aio_test::Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q;
    EXPECT_TRUE(q.try_put(1));
    auto got = q.try_get();
    EXPECT_TRUE(got.has_value());
    EXPECT_EQ(q.unfinished(), 1u);  // taken, not yet done
    auto join = [&]() -> aio::Task<> {
      co_await q.join();
      aio::print("joined");
    };
    auto joiner = aio::create_task(join());
    co_await aio::sleep(1s);
    EXPECT_FALSE(joiner.done());
    q.task_done();
    co_await joiner;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms joined"}));
}

TEST(QueueJoin, TooManyTaskDoneCallsAreAnError) {
  aio_test::Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q;
    co_await q.put(1);
    (void)co_await q.get();
    q.task_done();
    EXPECT_THROW(q.task_done(), aio::RuntimeError);
  });
}

TEST(QueueJoin, ACancelledGetOrPutAddsNoUnfinishedWork) {
  aio_test::Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Queue<int> q(1);
    auto get = [&]() -> aio::Task<> { (void)co_await q.get(); };
    auto put = [&]() -> aio::Task<> { co_await q.put(2); };
    auto getter = aio::create_task(get());
    co_await aio::sleep(1s);
    getter.cancel();
    try {
      co_await getter;
    } catch (const aio::CancelledError&) {
    }
    EXPECT_EQ(q.unfinished(), 0u);
    co_await q.put(1);
    auto putter = aio::create_task(put());
    co_await aio::sleep(1s);
    putter.cancel();
    try {
      co_await putter;
    } catch (const aio::CancelledError&) {
    }
    EXPECT_EQ(q.unfinished(), 1u);
    (void)co_await q.get();
    q.task_done();
    co_await q.join();
  });
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(QueueJoin, ADeadlockedJoinSaysWhatItWaitsFor) {
  aio_test::Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Queue<int> q;
      co_await q.put(1);
      co_await q.join();  // nobody will ever call task_done()
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("for queue join (items put but not yet marked task_done)"),
            std::string::npos)
      << message;
}

}  // namespace
