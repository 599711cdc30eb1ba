// aio::wait_for and the timeout scopes: exact deadlines, cleanup at the deadline, results that
// win ties, outside cancellations that stay cancellations, nesting, movable deadlines.
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::after;
using aio_test::Recorder;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Works for `d`; when cancelled, prints, spends `cleanup` cleaning up, and lets the
// cancellation through.
aio::Task<int> operation(aio::Duration d, aio::Duration cleanup = 0s, int value = 7) {
  bool cancelled = false;
  try {
    co_await aio::sleep(d);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    aio::print("operation cancelled");
    co_await aio::sleep(cleanup);
    aio::print("operation cleaned up");
    throw aio::CancelledError{};
  }
  aio::print("operation done");
  co_return value;
}

// Catches the cancellation and returns anyway: the mistake the diagnostic is for.
aio::Task<int> stubborn(aio::Duration d) {
  try {
    co_await aio::sleep(d);
  } catch (const aio::CancelledError&) {
    aio::print("swallowed");
  }
  co_return 99;
}

// ---- wait_for ---------------------------------------------------------------------------------

TEST(WaitFor, ReturnsTheValueWhenTheOperationIsInTime) {
  Recorder rec;
  int value =
      rec.run([]() -> aio::Task<int> { co_return co_await aio::wait_for(operation(1s), 2s); });
  EXPECT_EQ(value, 7);
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms operation done"}));
  EXPECT_EQ(rec.elapsed(), 1s);
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(WaitFor, AtTheDeadlineCancelsWaitsForTheCleanupThenThrowsTimeoutError) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    try {
      (void)co_await aio::wait_for(operation(10s, 500ms), 2s);
      aio::print("no timeout?");
    } catch (const aio::TimeoutError& e) {
      aio::print("Operation timeout!");
      EXPECT_TRUE(contains(e.what(), "2.000 s")) << e.what();
    }
  });
  EXPECT_EQ(rec.timeline(), (Lines{"2000ms operation cancelled", "2500ms operation cleaned up",
                                   "2500ms Operation timeout!"}));
  EXPECT_EQ(rec.elapsed(), 2500ms);
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
}

TEST(WaitFor, TimeoutErrorIsAStdException) {
  static_assert(std::is_base_of_v<std::runtime_error, aio::TimeoutError>);
  static_assert(!std::is_base_of_v<std::exception, aio::CancelledError>);
  SUCCEED();
}

TEST(WaitFor, AResultAtTheSameInstantAsTheDeadlineWins) {
  Recorder rec;
  int value =
      rec.run([]() -> aio::Task<int> { co_return co_await aio::wait_for(operation(2s), 2s); });
  EXPECT_EQ(value, 7);
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(WaitFor, AResultThatNeedsSeveralStepsAtTheDeadlineInstantStillWins) {
  Recorder rec;
  int value = rec.run([]() -> aio::Task<int> {
    auto helper = aio::create_task(after(2s, 5));
    auto body = [&]() -> aio::Task<int> {
      int v = co_await helper;  // finishes at 2 s, in another task
      co_await aio::sleep(0s);
      co_await aio::sleep(0s);
      co_return v + 1;
    };
    co_return co_await aio::timeout(2s, body);
  });
  EXPECT_EQ(value, 6);
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(WaitFor, OneNanosecondLateIsTooLate) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    EXPECT_THROW((void)co_await aio::wait_for(operation(2s + 1ns), 2s), aio::TimeoutError);
  });
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(WaitFor, ATimeoutOfZeroStillRunsTheBodyOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto immediate = []() -> aio::Task<int> {
      aio::print("ran");
      co_return 3;
    };
    int v = co_await aio::wait_for(immediate(), 0s);
    EXPECT_EQ(v, 3);
    try {
      (void)co_await aio::wait_for(operation(1s), 0s);
    } catch (const aio::TimeoutError&) {
      aio::print("timed out");
    }
    try {
      (void)co_await aio::wait_for(operation(1s), -5s);  // a negative timeout: the same
    } catch (const aio::TimeoutError&) {
      aio::print("timed out again");
    }
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms ran", "0ms operation cancelled", "0ms operation cleaned up",
                                   "0ms timed out", "0ms operation cancelled",
                                   "0ms operation cleaned up", "0ms timed out again"}));
}

TEST(WaitFor, ASwallowedCancellationReturnsTheValueAndIsDiagnosed) {
  Recorder rec;
  int value =
      rec.run([]() -> aio::Task<int> { co_return co_await aio::wait_for(stubborn(10s), 2s); });
  EXPECT_EQ(value, 99);
  auto found = rec.diagnostics(aio::Diagnostic::Kind::SwallowedCancellation);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(contains(found[0], "task 'stubborn' was cancelled at its deadline (  2.000 s)"))
      << found[0];
  EXPECT_TRUE(contains(found[0], "swallowed the cancellation")) << found[0];
}

TEST(WaitFor, AnErrorFromTheOperationPassesThroughUnchanged) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto failing = []() -> aio::Task<int> {
      co_await aio::sleep(1s);
      throw std::invalid_argument("bad input");
    };
    EXPECT_THROW((void)co_await aio::wait_for(failing(), 2s), std::invalid_argument);
  });
  EXPECT_EQ(rec.elapsed(), 1s);
}

TEST(WaitFor, AnErrorThrownWhileCancellingIsRethrownNotATimeout) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto bad_cleanup = []() -> aio::Task<int> {
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {
        throw std::logic_error("cleanup failed");
      }
      co_return 0;
    };
    EXPECT_THROW((void)co_await aio::wait_for(bad_cleanup(), 2s), std::logic_error);
  });
}

// The awaiting task is cancelled by `canceller` at `at`; the deadline is at 2 s.
void expect_outside_cancellation(aio::Duration at, bool canceller_first) {
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    auto guarded = [&]() -> aio::Task<> {
      try {
        (void)co_await aio::wait_for(operation(10s, 300ms), 2s);
        aio::print("value");
      } catch (const aio::TimeoutError&) {
        aio::print("TimeoutError");
      } catch (const aio::CancelledError&) {
        aio::print("CancelledError");
        throw;
      }
    };
    aio::TaskHandle<void> victim;
    auto cancel_at = [&]() -> aio::Task<> {
      co_await aio::sleep(at);
      victim.cancel();
    };
    aio::TaskHandle<void> canceller;
    if (canceller_first) canceller = aio::create_task(cancel_at());
    victim = aio::create_task(guarded());
    if (!canceller_first) canceller = aio::create_task(cancel_at());
    try {
      co_await victim;
    } catch (const aio::CancelledError&) {
    }
    co_await canceller;
  });
  EXPECT_EQ(rec.timeline(), (Lines{aio_test::stamp(at) + " operation cancelled",
                                   aio_test::stamp(at + 300ms) + " operation cleaned up",
                                   aio_test::stamp(at + 300ms) + " CancelledError"}))
      << "cancelled at " << aio_test::stamp(at) << (canceller_first ? " (first)" : " (second)");
}

TEST(WaitFor, ACancellationFromOutsideIsNeverATimeout) {
  expect_outside_cancellation(1s, true);
  expect_outside_cancellation(1s, false);
}

TEST(WaitFor, ACancellationFromOutsideAtTheDeadlineInstantIsStillACancellation) {
  expect_outside_cancellation(2s, true);   // its timer was set before the deadline's
  expect_outside_cancellation(2s, false);  // and after
}

TEST(WaitFor, ACancellationDuringTheCleanupAfterTheDeadlineIsACancellation) {
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    auto guarded = [&]() -> aio::Task<> {
      try {
        (void)co_await aio::wait_for(operation(10s, 300ms), 2s);
      } catch (const aio::TimeoutError&) {
        aio::print("TimeoutError");
      } catch (const aio::CancelledError&) {
        aio::print("CancelledError");
      }
    };
    auto victim = aio::create_task(guarded());
    co_await aio::sleep(2100ms);
    victim.cancel();  // the operation is cleaning up after the deadline: not interrupted
    co_await victim;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"2000ms operation cancelled", "2300ms operation cleaned up",
                                   "2300ms CancelledError"}));
}

TEST(WaitFor, WithACancellationPendingTheBodyNeverRuns) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::TaskHandle<void> self;
    auto cancels_itself = [&]() -> aio::Task<> {
      self.cancel();  // pending: delivered at the next suspension point, the scope's
      try {
        (void)co_await aio::wait_for(operation(1s), 5s);
        aio::print("no cancellation?");
      } catch (const aio::CancelledError&) {
        aio::print("cancelled");
      }
    };
    self = aio::create_task(cancels_itself());
    co_await self;
  });
  EXPECT_EQ(rec.timeline(), (Lines{"0ms cancelled"}));  // "operation ..." never printed
  EXPECT_EQ(rec.elapsed(), 0s);
}

// ---- scopes -----------------------------------------------------------------------------------

TEST(TimeoutScope, ABodyOfSeveralStepsSharesOneDeadline) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto steps = []() -> aio::Task<> {
      for (int i = 1; i <= 5; ++i) {
        co_await aio::sleep(1s);
        aio::print("step ", i);
      }
    };
    try {
      co_await aio::timeout(3500ms, steps);
    } catch (const aio::TimeoutError&) {
      aio::print("timeout");
    }
  });
  EXPECT_EQ(rec.timeline(),
            (Lines{"1000ms step 1", "2000ms step 2", "3000ms step 3", "3500ms timeout"}));
}

TEST(TimeoutScope, MoveOnAfterGivesAnEmptyOptionalOrTheValue) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    std::optional<int> late = co_await aio::move_on_after(1s, operation(2s));
    EXPECT_FALSE(late.has_value());
    EXPECT_EQ(aio::now(), 1s);
    std::optional<int> early = co_await aio::move_on_after(5s, operation(2s));
    EXPECT_EQ(early, 7);
    EXPECT_EQ(aio::now(), 3s);
    auto nothing = []() -> aio::Task<> { co_await aio::sleep(10s); };
    bool finished = co_await aio::move_on_after(1s, nothing);
    EXPECT_FALSE(finished);
    auto quick = []() -> aio::Task<> { co_await aio::sleep(1s); };
    finished = co_await aio::move_on_after(1s, quick);
    EXPECT_TRUE(finished);
  });
  EXPECT_EQ(rec.elapsed(), 5s);
}

TEST(TimeoutScope, AbsoluteDeadlinesAreOnTheLoopsClock) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::sleep(1s);
    aio::Duration deadline = aio::now() + 2s;  // 3 s
    auto first = co_await aio::move_on_at(deadline, operation(1s));
    EXPECT_EQ(first, 7);
    auto second = co_await aio::move_on_at(deadline, operation(5s));
    EXPECT_FALSE(second.has_value());
    EXPECT_EQ(aio::now(), 3s);
    EXPECT_THROW((void)co_await aio::timeout_at(deadline, operation(1s)), aio::TimeoutError);
    EXPECT_EQ(aio::now(), 3s);  // already past: the body starts and is cancelled at once
  });
}

TEST(TimeoutScope, TheBodyCanReadAndMoveItsDeadline) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto extend = [](aio::TimeoutScope& scope) -> aio::Task<int> {
      EXPECT_EQ(scope.deadline(), 1s);
      co_await aio::sleep(500ms);
      scope.reschedule(aio::now() + 2s);  // 2.5 s
      EXPECT_EQ(scope.deadline(), 2500ms);
      co_await aio::sleep(1500ms);
      aio::print("extended body done");
      co_return 1;
    };
    EXPECT_EQ(co_await aio::timeout(1s, extend), 1);
    auto shorten = [](aio::TimeoutScope& scope) -> aio::Task<> {
      scope.reschedule(aio::now() + 100ms);
      co_await aio::sleep(1s);
    };
    EXPECT_FALSE(co_await aio::move_on_after(10s, shorten));
    auto forever = [](aio::TimeoutScope& scope) -> aio::Task<> {
      scope.reschedule(aio::no_deadline);
      co_await aio::sleep(1h);
    };
    EXPECT_TRUE(co_await aio::move_on_after(1s, forever));
  });
  EXPECT_EQ(rec.timeline(), (Lines{"2000ms extended body done"}));
  EXPECT_EQ(rec.elapsed(), 2s + 100ms + 1h);
}

TEST(TimeoutScope, ReschedulingAfterExpiryIsRefused) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto late_change = [](aio::TimeoutScope& scope) -> aio::Task<> {
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {
        EXPECT_TRUE(scope.expired());
        EXPECT_THROW(scope.reschedule(aio::now() + 10s), aio::RuntimeError);
        throw;
      }
    };
    EXPECT_FALSE(co_await aio::move_on_after(1s, late_change));
  });
}

TEST(TimeoutScope, NestedTheInnerEarlierDeadlineFiresAndOnlyTheInnerScopeConverts) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto inner = [&]() -> aio::Task<int> {
      try {
        co_return co_await aio::timeout(1s, operation(10s));
      } catch (const aio::TimeoutError&) {
        aio::print("inner timeout");
      }
      co_return -1;
    };
    int v = co_await aio::timeout(5s, inner);
    EXPECT_EQ(v, -1);
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms operation cancelled", "1000ms operation cleaned up",
                                   "1000ms inner timeout"}));
}

TEST(TimeoutScope, NestedTheOuterEarlierDeadlineIsAPlainCancellationInside) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto inner = [&]() -> aio::Task<int> {
      try {
        co_return co_await aio::timeout(5s, operation(10s, 200ms));
      } catch (const aio::TimeoutError&) {
        aio::print("inner saw a TimeoutError (wrong)");
        co_return -1;
      } catch (const aio::CancelledError&) {
        aio::print("inner saw a cancellation");
        throw;
      }
    };
    try {
      (void)co_await aio::timeout(1s, inner);
    } catch (const aio::TimeoutError&) {
      aio::print("outer timeout");
    }
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms operation cancelled", "1200ms operation cleaned up",
                                   "1200ms inner saw a cancellation", "1200ms outer timeout"}));
}

TEST(TimeoutScope, NestedEqualDeadlinesTheOuterScopeExpires) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto inner_scope = [&]() -> aio::Task<bool> {
      std::optional<int> r = co_await aio::move_on_after(1s, operation(10s));
      aio::print("inner returned");  // must not happen: the outer scope expired
      co_return r.has_value();
    };
    auto outer = co_await aio::move_on_after(1s, inner_scope);
    EXPECT_FALSE(outer.has_value());
  });
  EXPECT_EQ(rec.timeline(), (Lines{"1000ms operation cancelled", "1000ms operation cleaned up"}));
}

TEST(TimeoutScope, ACallableBodyKeepsItsCapturesAliveForTheWholeScope) {
  Recorder rec;
  std::string result = rec.run([]() -> aio::Task<std::string> {
    std::string name = "captured by value";
    auto body = [name]() -> aio::Task<std::string> {
      co_await aio::sleep(1s);
      co_return name;
    };
    co_return co_await aio::timeout(2s, std::move(body));
  });
  EXPECT_EQ(result, "captured by value");
}

TEST(TimeoutScope, ADeadlockInsideAScopeNamesTheScope) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      aio::Event never;
      auto body = [&](aio::TimeoutScope& scope) -> aio::Task<> {
        scope.reschedule(aio::no_deadline);
        co_await never.wait();
      };
      co_await aio::timeout(1s, body);
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "under a timeout") || contains(message, "no deadline")) << message;
}

TEST(TimeoutScope, WorksOnTheManualClock) {
  aio::RunOptions options;
  options.clock = aio::Clock::Manual;
  options.quiet = true;
  aio::Loop loop(options);
  std::optional<int> result;
  bool finished = false;
  auto body = [&]() -> aio::Task<> {
    result = co_await aio::move_on_after(2s, operation(3s));
    finished = true;
  };
  auto handle = loop.spawn(body());
  loop.advance(1s);
  EXPECT_FALSE(finished);
  loop.advance(1s);
  EXPECT_TRUE(finished);
  EXPECT_FALSE(result.has_value());
}

TEST(TimeoutScope, ManyCompletedWaitForsLeaveNoTimersBehind) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    for (int i = 0; i < 100000; ++i) (void)co_await aio::wait_for(after(1ns, i), 1h);
  });
  // If the cancelled timers stayed armed, time would have to jump to the last 1 h deadline
  // before the run could end (the loop fires every armed timer); it ends at the last result.
  EXPECT_EQ(rec.elapsed(), 100000ns);
}

TEST(TimeoutScope, ACancelStormOfConcurrentScopesFinishesCleanly) {
  Recorder rec;
  std::mt19937 random(12345);
  rec.run([&]() -> aio::Task<> {
    std::vector<aio::TaskHandle<std::optional<int>>> handles;
    for (int i = 0; i < 2000; ++i) {
      aio::Duration work = std::chrono::milliseconds(random() % 100);
      aio::Duration limit = std::chrono::milliseconds(random() % 100);
      handles.push_back(aio::create_task(aio::move_on_after(limit, operation(work, 1ms))));
    }
    for (int i = 0; i < 500; ++i) {
      co_await aio::sleep(std::chrono::microseconds(random() % 200));
      handles[random() % handles.size()].cancel();
    }
    int done = 0;
    for (auto& h : handles) {
      try {
        (void)co_await h;
      } catch (const aio::CancelledError&) {
      }
      ++done;
    }
    EXPECT_EQ(done, 2000);
  });
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::SwallowedCancellation).empty());
}

}  // namespace
