// aio::Semaphore: at most N holders, FIFO hand-over without barging, RAII permits, and a
// consistent semaphore whatever stage a waiter is cancelled at.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

// Takes a permit, keeps it for `d`, prints when it got in and when it leaves.
aio::Task<> hold(aio::Semaphore& sem, std::string name, aio::Duration d) {
  auto permit = co_await sem.acquire();
  aio::print(name, " in");
  co_await aio::sleep(d);
  aio::print(name, " out");
}

// Shrugs off every cancellation and waits again: shutdown finally gives up on such a task and
// destroys its frame while it is parked.
aio::Task<> wait_stubbornly(aio::Event& event) {
  for (;;) {
    try {
      co_await event.wait();
      co_return;
    } catch (const aio::CancelledError&) {
    }
  }
}

aio::Task<> acquire_stubbornly(aio::Semaphore& sem, aio::Event& never) {
  for (;;) {
    try {
      auto permit = co_await sem.acquire();
      co_await wait_stubbornly(never);
      co_return;
    } catch (const aio::CancelledError&) {
    }
  }
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- permits ----------------------------------------------------------------------------------

TEST(Semaphore, LetsAtMostNTasksInAtOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(2);
    std::vector<aio::Task<>> workers;
    for (int i = 0; i < 5; ++i) workers.push_back(hold(sem, "w" + std::to_string(i), 1s));
    co_await aio::gather(std::move(workers));
    EXPECT_EQ(sem.available(), 2u);
    EXPECT_EQ(sem.waiting(), 0u);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms w0 in", "0ms w1 in", "1000ms w0 out", "1000ms w1 out",
                                   "1000ms w2 in", "1000ms w3 in", "2000ms w2 out", "2000ms w3 out",
                                   "2000ms w4 in", "3000ms w4 out"}));
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(Semaphore, AcquiringAFreePermitDoesNotSuspend) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    bool other_ran = false;
    auto other = aio::create_task([&]() -> aio::Task<> {
      other_ran = true;
      co_return;
    });
    {
      auto permit = co_await sem.acquire();
      EXPECT_TRUE(permit.held());
      EXPECT_FALSE(other_ran);  // no trip through the loop: the other task has not started
    }
    co_await other;
  });
}

TEST(Semaphore, AReleasedPermitGoesToTheFirstWaiterEvenIfTheReleaserAsksAgain) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto permit = co_await sem.acquire();
    auto a = aio::create_task(hold(sem, "a", 1s));
    auto b = aio::create_task(hold(sem, "b", 1s));
    co_await aio::sleep(1s);  // a and b wait, in that order
    EXPECT_EQ(sem.waiting(), 2u);
    permit.release();
    EXPECT_FALSE(permit.held());
    EXPECT_EQ(sem.available(), 0u);  // handed to a, not free
    EXPECT_EQ(sem.waiting(), 1u);
    EXPECT_FALSE(sem.try_acquire());      // no barging, not even without waiting
    auto again = co_await sem.acquire();  // queues behind b
    aio::print("main in again");
    co_await a;
    co_await b;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms a in", "2000ms a out", "2000ms b in", "3000ms b out",
                                   "3000ms main in again"}));
}

TEST(Semaphore, WaitersGetPermitsInTheOrderTheyAsked) {
  Recorder rec;
  std::vector<int> order;
  rec.run([&]() -> aio::Task<> {
    aio::Semaphore sem(3);
    std::vector<aio::Task<>> workers;
    for (int i = 0; i < 300; ++i) {
      workers.push_back([](aio::Semaphore& sem, std::vector<int>& order, int i) -> aio::Task<> {
        auto permit = co_await sem.acquire();
        order.push_back(i);
        co_await aio::sleep(std::chrono::milliseconds(1 + i % 7));
      }(sem, order, i));
    }
    co_await aio::gather(std::move(workers));
    EXPECT_EQ(sem.available(), 3u);
  });
  ASSERT_EQ(order.size(), 300u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST(Semaphore, TryAcquireTakesOnlyAFreePermit) {
  aio::Semaphore sem(2);  // no loop needed: try_acquire never waits
  auto first = sem.try_acquire();
  auto second = sem.try_acquire();
  EXPECT_TRUE(first && first->held());
  EXPECT_TRUE(second && second->held());
  EXPECT_FALSE(sem.try_acquire());
  EXPECT_EQ(sem.available(), 0u);
  first->release();
  EXPECT_FALSE(first->held());
  EXPECT_EQ(sem.available(), 1u);
  first->release();  // releasing an empty permit does nothing
  EXPECT_EQ(sem.available(), 1u);
  second.reset();  // destroying the permit gives it back
  EXPECT_EQ(sem.available(), 2u);
}

TEST(Semaphore, PermitsAreMoveOnlyAndGiveBackExactlyOnce) {
  static_assert(!std::is_copy_constructible_v<aio::Semaphore::Permit>);
  static_assert(!std::is_copy_assignable_v<aio::Semaphore::Permit>);
  static_assert(std::is_nothrow_move_constructible_v<aio::Semaphore::Permit>);
  aio::Semaphore sem(3);
  aio::Semaphore::Permit empty;
  EXPECT_FALSE(empty);
  {
    std::vector<aio::Semaphore::Permit> permits;
    permits.push_back(std::move(*sem.try_acquire()));
    permits.push_back(std::move(*sem.try_acquire()));
    EXPECT_EQ(sem.available(), 1u);
    aio::Semaphore::Permit moved = std::move(permits[0]);
    EXPECT_FALSE(permits[0].held());
    EXPECT_TRUE(moved.held());
    EXPECT_EQ(sem.available(), 1u);
    moved = std::move(permits[1]);  // assigning over a held permit gives that one back
    EXPECT_EQ(sem.available(), 2u);
    aio::Semaphore::Permit& same = moved;
    moved = std::move(same);  // self-move keeps it
    EXPECT_TRUE(moved.held());
  }
  EXPECT_EQ(sem.available(), 3u);
}

TEST(Semaphore, APermitComesBackWhenItsHolderThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto failing = aio::create_task([&]() -> aio::Task<> {
      auto permit = co_await sem.acquire();
      co_await aio::sleep(1s);
      throw std::runtime_error("boom");
    });
    auto next = aio::create_task(hold(sem, "next", 1s));
    try {
      co_await failing;
    } catch (const std::runtime_error& e) {
      aio::print("failing threw ", e.what());
    }
    co_await next;
    EXPECT_EQ(sem.available(), 1u);
  });
  EXPECT_EQ(rec.timeline(),
            (Lines{"1000ms next in", "1000ms failing threw boom", "2000ms next out"}));
  EXPECT_EQ(rec.elapsed(), 2s);
}

// ---- cancellation -----------------------------------------------------------------------------

TEST(Semaphore, ACancelledWaiterLeavesTheLineAndTakesNothing) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto permit = co_await sem.acquire();
    auto a = aio::create_task(hold(sem, "a", 1s));
    auto b = aio::create_task(hold(sem, "b", 1s));
    auto c = aio::create_task(hold(sem, "c", 1s));
    co_await aio::sleep(1s);
    EXPECT_EQ(sem.waiting(), 3u);
    b.cancel();
    EXPECT_EQ(sem.waiting(), 2u);  // out of the line at once
    try {
      co_await b;
    } catch (const aio::CancelledError&) {
      aio::print("b cancelled");
    }
    co_await aio::sleep(1s);
    permit.release();
    co_await a;
    co_await c;
    EXPECT_EQ(sem.available(), 1u);
    EXPECT_EQ(sem.waiting(), 0u);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms b cancelled", "2000ms a in", "3000ms a out",
                                   "3000ms c in", "4000ms c out"}));
}

TEST(Semaphore, AWaiterCancelledAfterBeingHandedAPermitPassesItToTheNext) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto permit = co_await sem.acquire();
    auto a = aio::create_task(hold(sem, "a", 1s));
    auto b = aio::create_task(hold(sem, "b", 1s));
    co_await aio::sleep(1s);
    permit.release();  // handed to a, which is now queued to resume...
    EXPECT_EQ(sem.waiting(), 1u);
    a.cancel();  // ...and cancelled in the same instant, before it runs
    try {
      co_await a;
    } catch (const aio::CancelledError&) {
      aio::print("a cancelled");
    }
    EXPECT_TRUE(a.cancelled());
    co_await b;
    EXPECT_EQ(sem.available(), 1u);
  });
  // a never got in; its permit went to b in the same instant.
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms b in", "1000ms a cancelled", "2000ms b out"}));
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(Semaphore, AWaiterCancelledAfterBeingHandedTheLastPermitReturnsItToTheCount) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto permit = co_await sem.acquire();
    auto a = aio::create_task(hold(sem, "a", 1s));
    co_await aio::sleep(1s);
    permit.release();
    EXPECT_EQ(sem.available(), 0u);  // a holds it, though it has not run yet
    a.cancel();
    try {
      co_await a;
    } catch (const aio::CancelledError&) {
      aio::print("a cancelled");
    }
    EXPECT_EQ(sem.available(), 1u);
    EXPECT_EQ(sem.waiting(), 0u);
    auto again = co_await sem.acquire();  // free: no wait
    aio::print("main in again");
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms a cancelled", "1000ms main in again"}));
}

TEST(Semaphore, APendingCancellationIsDeliveredOnlyWhereAcquireWouldWait) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    aio::TaskHandle<void> self;
    self = aio::create_task([&]() -> aio::Task<> {
      self.cancel();                        // a cancellation is pending...
      auto first = co_await sem.acquire();  // ...a free permit is taken without suspending...
      aio::print("took the free permit");
      try {
        auto second = co_await sem.acquire();  // ...and the next wait delivers it at once
      } catch (const aio::CancelledError&) {
        aio::print("cancelled instead of waiting");
        EXPECT_EQ(sem.waiting(), 0u);
        throw;
      }
    });
    try {
      co_await self;
    } catch (const aio::CancelledError&) {
    }
    EXPECT_EQ(sem.available(), 1u);
  });
  EXPECT_EQ(rec.timeline(),
            (Lines{"0ms took the free permit", "0ms cancelled instead of waiting"}));
}

TEST(Semaphore, CancellingTheHolderGivesThePermitToTheFirstWaiter) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto holder = aio::create_task(hold(sem, "holder", 10s));
    auto waiter = aio::create_task(hold(sem, "waiter", 1s));
    co_await aio::sleep(2s);
    holder.cancel();
    try {
      co_await holder;
    } catch (const aio::CancelledError&) {
    }
    co_await waiter;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms holder in", "2000ms waiter in", "3000ms waiter out"}));
}

// ---- diagnostics and shutdown -----------------------------------------------------------------

TEST(Semaphore, ADeadlockNamesTheSemaphore) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Semaphore sem(3);
      auto a = co_await sem.acquire();
      auto b = co_await sem.acquire();
      auto c = co_await sem.acquire();
      auto d = co_await sem.acquire();  // nobody will ever give one back
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "test_semaphore.cpp")) << message;
  EXPECT_TRUE(contains(message, "for semaphore (0 of 3 free)")) << message;
}

// Holds the only permit while a stubborn acquire of its own is parked. When shutdown destroys
// this frame, the permit (declared last) goes first, to the parked waiter, whose frame is then
// destroyed before it could run: the permit must come back once more.
aio::Task<> hold_and_wait_for_more(aio::Semaphore& sem, aio::Event& never) {
  auto waiter = acquire_stubbornly(sem, never);
  auto permit = co_await sem.acquire();
  co_await std::move(waiter);
}

TEST(Semaphore, WaitersWhoseFramesAreDestroyedAtShutdownLeaveTheLine) {
  aio::Semaphore parked(1);  // semaphores outlive the run, to be inspected afterwards
  aio::Semaphore handed(1);
  aio::Event never;
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    // Stubborn tasks ignore every cancellation: shutdown ends up destroying their frames.
    auto holder = aio::create_task(acquire_stubbornly(parked, never), "holder");
    auto waiter = aio::create_task(acquire_stubbornly(parked, never), "waiter");
    auto both = aio::create_task(hold_and_wait_for_more(handed, never), "both");
    co_await aio::sleep(1s);
    EXPECT_EQ(parked.waiting(), 1u);
    EXPECT_EQ(handed.waiting(), 1u);
  });
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 3u);
  EXPECT_EQ(parked.waiting(), 0u);
  EXPECT_EQ(parked.available(), 1u);
  EXPECT_EQ(handed.waiting(), 0u);
  EXPECT_EQ(handed.available(), 1u);
  EXPECT_EQ(never.waiting(), 0u);
}

TEST(Semaphore, TasksStillWaitingWhenTheSemaphoreIsDestroyedAreCancelledSafely) {
  // A learner's mistake: the semaphore is a local of main, and main returns without awaiting
  // its workers. The state outlives the Semaphore object, so shutdown is clean (ASan checks).
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    for (int i = 0; i < 3; ++i) {
      auto handle = aio::create_task(hold(sem, "w" + std::to_string(i), 10s));
    }
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms w0 in"}));
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 3u);
}

// ---- volume -----------------------------------------------------------------------------------

TEST(Semaphore, OneHundredThousandContendedAcquireReleaseCycles) {
  constexpr int cycles_per_task = 50'000;
  Recorder rec;
  int inside = 0;
  int most_inside = 0;
  long total = 0;
  rec.run([&]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto worker = [&]() -> aio::Task<> {
      for (int i = 0; i < cycles_per_task; ++i) {
        auto permit = co_await sem.acquire();
        most_inside = std::max(most_inside, ++inside);
        co_await aio::sleep(0s);  // yield while holding: the other task must wait its turn
        --inside;
        ++total;
      }
    };
    auto a = aio::create_task(worker);
    auto b = aio::create_task(worker);
    co_await a;
    co_await b;
    EXPECT_EQ(sem.available(), 1u);
  });
  EXPECT_EQ(total, 2L * cycles_per_task);
  EXPECT_EQ(most_inside, 1);
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(Semaphore, AThousandWaitersTenAtATime) {
  Recorder rec;
  int inside = 0;
  int most_inside = 0;
  rec.run([&]() -> aio::Task<> {
    aio::Semaphore sem(10);
    std::vector<aio::Task<>> workers;
    for (int i = 0; i < 1000; ++i) {
      workers.push_back([](aio::Semaphore& sem, int& inside, int& most) -> aio::Task<> {
        auto permit = co_await sem.acquire();
        most = std::max(most, ++inside);
        co_await aio::sleep(1s);
        --inside;
      }(sem, inside, most_inside));
    }
    co_await aio::gather(std::move(workers));
  });
  EXPECT_EQ(most_inside, 10);
  EXPECT_EQ(rec.elapsed(), 100s);
}

}  // namespace

namespace {

aio::Task<> hold_given(aio::Semaphore::Permit permit, aio::Duration d) {
  co_await aio::sleep(d);
}

TEST(Semaphore, APermitPassedToATaskGoesBackWhenTheTaskEndsNotWhenItsHandleDies) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Semaphore sem(1);
    auto permit = co_await sem.acquire();
    // The handle stays alive to the end: the task's frame, and with it the permit parameter,
    // must be destroyed when the task finishes.
    auto handle = aio::create_task(hold_given(std::move(permit), 1s));
    auto again = co_await sem.acquire();
    EXPECT_EQ(aio::now(), 1s);
    EXPECT_TRUE(handle.done());
  });
  EXPECT_EQ(rec.elapsed(), 1s);
}

}  // namespace
