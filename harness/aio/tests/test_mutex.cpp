// aio::Mutex: one holder at a time, FIFO, RAII guards, cancellation-safe waiters, and deadlock
// reports that name the holder.
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Read the balance, wait (the await other tasks run in), write it back plus `amount`.
aio::Task<> deposit(int& balance, int amount, aio::Mutex* mutex) {
  aio::Mutex::Guard guard;
  if (mutex) guard = co_await mutex->lock();
  int seen = balance;
  co_await aio::sleep(10ms);
  balance = seen + amount;
}

aio::Task<> hold(aio::Mutex& mutex, std::string name, aio::Duration d) {
  auto guard = co_await mutex.lock();
  aio::print(name, " in");
  co_await aio::sleep(d);
  aio::print(name, " out");
}

TEST(Mutex, WithoutItAReadModifyWriteAcrossAnAwaitLosesUpdates) {
  Recorder rec;
  int unlocked = 0;
  int locked = 0;
  rec.run([&]() -> aio::Task<> {
    std::vector<aio::Task<>> racing;
    for (int i = 0; i < 10; ++i) racing.push_back(deposit(unlocked, 1, nullptr));
    co_await aio::gather(std::move(racing));
    aio::Mutex mutex;
    std::vector<aio::Task<>> serialized;
    for (int i = 0; i < 10; ++i) serialized.push_back(deposit(locked, 1, &mutex));
    co_await aio::gather(std::move(serialized));
  });
  EXPECT_EQ(unlocked, 1);  // all ten read 0 before any wrote
  EXPECT_EQ(locked, 10);
  EXPECT_EQ(rec.elapsed(), 10ms + 100ms);
}

TEST(Mutex, WaitersGetTheLockInTheOrderTheyAskedWithoutBarging) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex mutex;
    auto guard = co_await mutex.lock();
    auto a = aio::create_task(hold(mutex, "a", 1s));
    auto b = aio::create_task(hold(mutex, "b", 1s));
    co_await aio::sleep(1s);
    EXPECT_EQ(mutex.waiting(), 2u);
    guard.unlock();
    EXPECT_FALSE(guard.owns_lock());
    auto again = co_await mutex.lock();  // queues behind a and b
    aio::print("main in again");
    EXPECT_TRUE(again.owns_lock());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms a in", "2000ms a out", "2000ms b in", "3000ms b out",
                                   "3000ms main in again"}));
}

TEST(Mutex, LockingAFreeMutexDoesNotSuspendAndTryLockNeverWaits) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex mutex;
    EXPECT_FALSE(mutex.locked());
    {
      auto guard = co_await mutex.lock();
      EXPECT_TRUE(mutex.locked());
      EXPECT_FALSE(mutex.try_lock().has_value());
    }
    EXPECT_FALSE(mutex.locked());
    auto taken = mutex.try_lock();
    EXPECT_TRUE(taken.has_value());
    if (!taken) co_return;
    EXPECT_TRUE(mutex.locked());
    aio::Mutex::Guard moved = std::move(*taken);
    EXPECT_FALSE(taken->owns_lock());
    EXPECT_TRUE(moved.owns_lock());
    moved.unlock();
    moved.unlock();  // a second unlock does nothing
    EXPECT_FALSE(mutex.locked());
  });
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(Mutex, AnExceptionUnwindingPastTheGuardUnlocks) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex mutex;
    auto fail = [&]() -> aio::Task<> {
      auto guard = co_await mutex.lock();
      co_await aio::sleep(1s);
      throw std::runtime_error("boom");
    };
    auto failing = aio::create_task(fail());
    auto waiting = aio::create_task(hold(mutex, "next", 1s));
    try {
      co_await failing;
    } catch (const std::runtime_error&) {
      aio::print("failed");
    }
    co_await waiting;
  });
  // The guard unlocked while the exception unwound: "next" was queued before main, which waits
  // for the failing task to finish.
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms next in", "1000ms failed", "2000ms next out"}));
}

TEST(Mutex, ACancelledWaiterLeavesTheLineWithoutTakingOrLosingTheLock) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex mutex;
    auto guard = co_await mutex.lock();
    auto a = aio::create_task(hold(mutex, "a", 1s));
    auto b = aio::create_task(hold(mutex, "b", 1s));
    co_await aio::sleep(500ms);
    a.cancel();  // parked in lock(): leaves the line
    try {
      co_await a;
    } catch (const aio::CancelledError&) {
      aio::print("a cancelled");
    }
    EXPECT_EQ(mutex.waiting(), 1u);
    co_await aio::sleep(500ms);
    guard.unlock();
    co_await b;
    EXPECT_FALSE(mutex.locked());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"500ms a cancelled", "1000ms b in", "2000ms b out"}));
}

TEST(Mutex, AWaiterCancelledRightAfterBeingHandedTheLockPassesItOn) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex mutex;
    auto guard = co_await mutex.lock();
    auto a = aio::create_task(hold(mutex, "a", 1s));
    auto b = aio::create_task(hold(mutex, "b", 1s));
    co_await aio::sleep(1s);
    guard.unlock();  // handed to a, queued to resume...
    a.cancel();      // ...and cancelled before it runs
    try {
      co_await a;
    } catch (const aio::CancelledError&) {
      aio::print("a cancelled");
    }
    co_await b;
    EXPECT_FALSE(mutex.locked());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms b in", "1000ms a cancelled", "2000ms b out"}));
}

TEST(Mutex, CancellingTheHolderUnlocksForTheFirstWaiter) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex mutex;
    auto a = aio::create_task(hold(mutex, "a", 10s));
    auto b = aio::create_task(hold(mutex, "b", 1s));
    co_await aio::sleep(2s);
    a.cancel();
    try {
      co_await a;
    } catch (const aio::CancelledError&) {
    }
    co_await b;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms a in", "2000ms b in", "3000ms b out"}));
}

TEST(Mutex, ADeadlockReportNamesTheHolderAndWhereItLocked) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Mutex mutex;
      aio::Event never;
      auto keep = [&]() -> aio::Task<> {
        auto guard = co_await mutex.lock();
        co_await never.wait();
      };
      auto holder = aio::create_task(keep(), "holder");
      co_await aio::sleep(1s);
      auto guard = co_await mutex.lock();
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "for mutex held by task 'holder' (locked at tests/test_mutex.cpp:"))
      << message;
}

TEST(Mutex, ATaskLockingTwiceIsReportedAsWaitingForItself) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Mutex mutex;
      auto first = co_await mutex.lock();
      auto second = co_await mutex.lock();  // not re-entrant
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "task 'main' waits at tests/test_mutex.cpp:")) << message;
  EXPECT_TRUE(contains(message, "for mutex held by task 'main'")) << message;
}

TEST(Mutex, AGuardMayOutliveItsMutex) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::Mutex::Guard guard;
    {
      aio::Mutex mutex;
      guard = co_await mutex.lock();
    }
    guard.unlock();  // the state is shared: nothing dangles
  });
  SUCCEED();
}

}  // namespace
