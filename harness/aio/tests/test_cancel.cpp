// Cancellation: TaskHandle::cancel() makes the task's current or next suspension point throw
// aio::CancelledError, once; cleanup may co_await after the catch block; cancelling a task
// cancels what it awaits.
#include <exception>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

static_assert(!std::is_base_of_v<std::exception, aio::CancelledError>,
              "a catch (const std::exception&) must not swallow a cancellation");

TEST(Cancel, BeforeStartTheBodyNeverRuns) {
  Recorder rec;
  bool body_ran = false;
  bool caught = false;
  rec.run([&]() -> aio::Task<> {
    auto child = aio::create_task([&]() -> aio::Task<> {
      body_ran = true;
      co_return;
    });
    EXPECT_TRUE(child.cancel());
    EXPECT_FALSE(child.done());  // done only once the loop has processed it
    try {
      co_await child;
    } catch (const aio::CancelledError&) {
      caught = true;
    }
    EXPECT_TRUE(child.done());
    EXPECT_TRUE(child.cancelled());
    EXPECT_THROW(child.result(), aio::CancelledError);
  });
  EXPECT_FALSE(body_ran);
  EXPECT_TRUE(caught);
  EXPECT_EQ(rec.elapsed(), 0s);
  EXPECT_TRUE(rec.report().diagnostics.empty());  // a cancelled task is not an unseen failure
}

aio::Task<> sleeper_that_reports(aio::Duration d) {
  try {
    co_await aio::sleep(d);
    aio::print("slept fully");
  } catch (const aio::CancelledError&) {
    aio::print("cancelled while sleeping");
    throw;
  }
}

TEST(Cancel, WhileSleepingTheSleepThrowsAtOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task(sleeper_that_reports(10s));
    co_await aio::sleep(1s);
    child.cancel();
    try {
      co_await child;
    } catch (const aio::CancelledError&) {
      aio::print("main saw the cancellation");
    }
    EXPECT_TRUE(child.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms cancelled while sleeping",
                                                      "1000ms main saw the cancellation"}));
  EXPECT_EQ(rec.elapsed(), 1s);
}

TEST(Cancel, WhileQueuedTheResumptionThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task(sleeper_that_reports(1s));
    // main's timer (set first) and the child's timer are both due at 1 s: main wakes first,
    // the child's timer has fired too and the child is queued, not yet run.
    co_await aio::sleep(1s);
    EXPECT_FALSE(child.done());
    EXPECT_TRUE(child.cancel());
    try {
      co_await child;
    } catch (const aio::CancelledError&) {
      aio::print("main saw the cancellation");
    }
    EXPECT_TRUE(child.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms cancelled while sleeping",
                                                      "1000ms main saw the cancellation"}));
}

TEST(Cancel, WhileQueuedAfterSleepZeroTheResumptionThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task([]() -> aio::Task<> {
      try {
        co_await aio::sleep(0s);
        aio::print("resumed normally");
      } catch (const aio::CancelledError&) {
        aio::print("cancelled in the queue");
        throw;
      }
    });
    co_await aio::sleep(0s);  // the child starts, yields, and is queued behind us
    child.cancel();
    co_await aio::sleep(0s);
    EXPECT_TRUE(child.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms cancelled in the queue"}));
}

TEST(Cancel, TwiceDeliversOneCancelledErrorAndCleanupCanSleep) {
  Recorder rec;
  int cancellations = 0;
  rec.run([&]() -> aio::Task<> {
    auto child = aio::create_task([&]() -> aio::Task<> {
      bool cancelled = false;
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {
        ++cancellations;
        cancelled = true;
      }
      // Cleanup after the handler completes: the second cancel() must not interrupt it.
      if (cancelled) {
        co_await aio::sleep(2s);
        aio::print("cleanup finished");
        throw aio::CancelledError{};
      }
    });
    co_await aio::sleep(1s);
    EXPECT_TRUE(child.cancel());
    EXPECT_TRUE(child.cancel());  // still running: true, but no second CancelledError
    try {
      co_await child;
    } catch (const aio::CancelledError&) {
      aio::print("child cancelled");
    }
  });
  EXPECT_EQ(cancellations, 1);
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"3000ms cleanup finished", "3000ms child cancelled"}));
}

TEST(Cancel, CatchThenAsyncCleanupAfterTheCatchBlockThenRethrow) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task(
        []() -> aio::Task<> {
          std::exception_ptr cancellation;
          try {
            aio::print("working");
            co_await aio::sleep(5s);
          } catch (const aio::CancelledError&) {
            cancellation = std::current_exception();  // C++ forbids co_await inside a handler
          }
          if (cancellation) {
            aio::print("closing connections");
            co_await aio::sleep(500ms);
            aio::print("closed");
            std::rethrow_exception(cancellation);
          }
        },
        "worker");
    co_await aio::sleep(2s);
    child.cancel();
    try {
      co_await child;
    } catch (const aio::CancelledError&) {
      aio::print("worker cancelled: ", child.cancelled());
    }
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms working", "2000ms closing connections", "2500ms closed",
                                      "2500ms worker cancelled: 1"}));
  EXPECT_EQ(rec.elapsed(), 2500ms);
}

TEST(Cancel, ATaskThatSwallowsTheCancellationFinishesNormally) {
  Recorder rec;
  int value = rec.run([]() -> aio::Task<int> {
    auto stubborn = aio::create_task([]() -> aio::Task<int> {
      try {
        co_await aio::sleep(5s);
      } catch (const aio::CancelledError&) {
        aio::print("ignoring the cancellation");
      }
      co_await aio::sleep(1s);  // a later suspension point does not throw again
      co_return 7;
    });
    co_await aio::sleep(1s);
    stubborn.cancel();
    int v = co_await stubborn;
    EXPECT_FALSE(stubborn.cancelled());
    co_return v;
  });
  EXPECT_EQ(value, 7);
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(Cancel, AfterTheCancellationWasDeliveredANewCancelRequestsAgain) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task([]() -> aio::Task<> {
      for (int i = 1; i <= 3; ++i) {
        try {
          co_await aio::sleep(10s);
        } catch (const aio::CancelledError&) {
          aio::print("cancel ", i);
        }
      }
    });
    for (int i = 0; i < 3; ++i) {
      co_await aio::sleep(1s);
      child.cancel();
    }
    co_await child;
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms cancel 1", "2000ms cancel 2", "3000ms cancel 3"}));
}

TEST(Cancel, ATaskCancellingItselfGetsItAtItsNextSuspension) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto self = std::make_shared<aio::TaskHandle<void>>();
    *self = aio::create_task([self]() -> aio::Task<> {
      self->cancel();
      aio::print("still running");
      try {
        co_await aio::sleep(1s);
      } catch (const aio::CancelledError&) {
        aio::print("cancelled at the sleep");
        throw;
      }
    });
    co_await aio::sleep(2s);
    EXPECT_TRUE(self->cancelled());
    self->cancel();  // done: false, and it breaks nothing
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms still running", "0ms cancelled at the sleep"}));
}

TEST(Cancel, CancellingATaskThatAwaitsAHandleCancelsThatTaskToo) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto inner = aio::create_task(sleeper_that_reports(10s), "inner");
    auto outer = aio::create_task(
        [inner]() -> aio::Task<> {
          try {
            co_await inner;
          } catch (const aio::CancelledError&) {
            aio::print("outer cancelled, inner done: ", inner.done());
            throw;
          }
        },
        "outer");
    co_await aio::sleep(1s);
    outer.cancel();
    co_await aio::sleep(0s);
    co_await aio::sleep(0s);
    EXPECT_TRUE(outer.cancelled());
    EXPECT_TRUE(inner.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms cancelled while sleeping",
                                                      "1000ms outer cancelled, inner done: 1"}));
}

TEST(Cancel, OnADoneTaskReturnsFalse) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task(aio_test::after(1s, 1));
    EXPECT_EQ(co_await child, 1);
    EXPECT_FALSE(child.cancel());
    EXPECT_FALSE(child.cancelled());
    EXPECT_EQ(child.result(), 1);
  });
}

TEST(Cancel, ThroughAnInlineAwaitChainTheInnermostSuspensionThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto child = aio::create_task([]() -> aio::Task<> {
      try {
        co_await sleeper_that_reports(10s);  // the sleep two frames down throws
      } catch (const aio::CancelledError&) {
        aio::print("outer frame saw it");
        throw;
      }
    });
    co_await aio::sleep(1s);
    child.cancel();
    co_await aio::sleep(1s);
    EXPECT_TRUE(child.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms cancelled while sleeping",
                                                      "1000ms outer frame saw it"}));
}

TEST(Cancel, DestructorsRunWhenTheCancellationUnwinds) {
  Recorder rec;
  std::vector<std::string> log;
  struct Guard {
    std::vector<std::string>& log;
    ~Guard() { log.push_back("guard destroyed at " + aio_test::stamp(aio::now())); }
  };
  rec.run([&]() -> aio::Task<> {
    auto child = aio::create_task([&]() -> aio::Task<> {
      Guard guard{log};
      co_await aio::sleep(10s);
    });
    co_await aio::sleep(4s);
    child.cancel();
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(log, (std::vector<std::string>{"guard destroyed at 4000ms"}));
}

}  // namespace
