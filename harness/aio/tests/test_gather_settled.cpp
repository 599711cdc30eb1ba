// aio::gather_settled and aio::Outcome<T>: every child runs to its end, a failure is a result
// (asyncio's gather(..., return_exceptions=True)), results in argument order; cancelling the
// awaiting task still cancels every child and waits for them.
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
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

aio::Task<int> fail_at(aio::Duration d, std::string message) {
  co_await aio::sleep(d);
  aio::print("fail ", message);
  throw std::runtime_error(message);
}

aio::Task<> pause(aio::Duration d) {
  co_await aio::sleep(d);
  aio::print("paused ", aio_test::stamp(d));
}

aio::Task<> fail_void(aio::Duration d) {
  co_await aio::sleep(d);
  throw std::logic_error("void child failed");
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
  aio::print(name, " finished");
  co_return 0;
}

// Ends with CancelledError of its own accord, e.g. after awaiting a task someone cancelled.
aio::Task<int> ends_cancelled(aio::Duration d) {
  co_await aio::sleep(d);
  throw aio::CancelledError{};
}

aio::Task<std::unique_ptr<int>> make_unique_later(aio::Duration d, int value) {
  co_await aio::sleep(d);
  co_return std::make_unique<int>(value);
}

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "(not a std::exception)";
  }
}

// ---- Outcome<T> on its own -----------------------------------------------------------------

TEST(Outcome, SuccessHoldsTheValue) {
  auto outcome = aio::Outcome<int>::success(7);
  EXPECT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome.cancelled());
  EXPECT_EQ(outcome.error(), nullptr);
  EXPECT_EQ(outcome.value(), 7);
  outcome.value() = 8;  // value() & is a reference into the outcome
  EXPECT_EQ(outcome.value(), 8);
}

TEST(Outcome, FailureRethrowsFromValue) {
  auto outcome =
      aio::Outcome<std::string>::failure(std::make_exception_ptr(std::runtime_error("boom")));
  EXPECT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.cancelled());
  ASSERT_NE(outcome.error(), nullptr);
  EXPECT_EQ(message_of(outcome.error()), "boom");
  EXPECT_THROW((void)outcome.value(), std::runtime_error);
  EXPECT_THROW((void)std::move(outcome).value(), std::runtime_error);
}

TEST(Outcome, CancelledErrorIsReportedAsCancelled) {
  auto outcome = aio::Outcome<int>::failure(std::make_exception_ptr(aio::CancelledError{}));
  EXPECT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.cancelled());
  EXPECT_THROW((void)outcome.value(), aio::CancelledError);
}

TEST(Outcome, VoidOutcome) {
  auto good = aio::Outcome<void>::success();
  EXPECT_TRUE(good.ok());
  EXPECT_NO_THROW(good.value());
  auto bad = aio::Outcome<void>::failure(std::make_exception_ptr(std::logic_error("no")));
  EXPECT_FALSE(bad.ok());
  EXPECT_THROW(bad.value(), std::logic_error);
}

TEST(Outcome, MoveOnlyValueIsMovedOutOfATemporary) {
  auto outcome = aio::Outcome<std::unique_ptr<int>>::success(std::make_unique<int>(3));
  std::unique_ptr<int> taken = std::move(outcome).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 3);
}

TEST(Outcome, ANullErrorIsRefused) {
  EXPECT_THROW((void)aio::Outcome<int>::failure(nullptr), aio::RuntimeError);
}

// ---- gather_settled --------------------------------------------------------------------------

TEST(GatherSettled, TupleFormFailuresDoNotCancelSiblingsAndResultsKeepArgumentOrder) {
  Recorder rec;
  auto [a, b,
        c] = rec.run([]() -> aio::Task<std::tuple<aio::Outcome<std::string>, aio::Outcome<int>,
                                                  aio::Outcome<std::string>>> {
    co_return co_await aio::gather_settled(fetch("a", 2s), fail_at(1s, "b broke"), fetch("c", 3s));
  });
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value(), "a");
  ASSERT_FALSE(b.ok());
  EXPECT_FALSE(b.cancelled());
  EXPECT_EQ(message_of(b.error()), "b broke");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value(), "c");
  // The failure at 1 s stops nothing: a and c run to their ends.
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms start a", "0ms start c", "1000ms fail b broke",
                                      "2000ms end a", "3000ms end c"}));
  EXPECT_EQ(rec.elapsed(), 3s);
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
}

TEST(GatherSettled, VoidChildrenGiveOutcomeOfVoid) {
  Recorder rec;
  auto result = rec.run([]() -> aio::Task<std::tuple<aio::Outcome<void>, aio::Outcome<void>>> {
    co_return co_await aio::gather_settled(pause(2s), fail_void(1s));
  });
  static_assert(
      std::is_same_v<decltype(result), std::tuple<aio::Outcome<void>, aio::Outcome<void>>>);
  EXPECT_TRUE(std::get<0>(result).ok());
  EXPECT_FALSE(std::get<1>(result).ok());
  EXPECT_THROW(std::get<1>(result).value(), std::logic_error);
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"2000ms paused 2000ms"}));
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(GatherSettled, VectorFormKeepsArgumentOrderWithFailuresInPlace) {
  Recorder rec;
  auto outcomes = rec.run([]() -> aio::Task<std::vector<aio::Outcome<int>>> {
    std::vector<aio::Task<int>> tasks;
    for (int i = 0; i < 6; ++i) {
      if (i % 3 == 1) {
        tasks.push_back(fail_at(std::chrono::seconds(i), "child " + std::to_string(i)));
      } else {
        tasks.push_back(aio_test::after(std::chrono::seconds(6 - i), i));
      }
    }
    co_return co_await aio::gather_settled(std::move(tasks));
  });
  ASSERT_EQ(outcomes.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE("child " + std::to_string(i));
    if (i % 3 == 1) {
      ASSERT_FALSE(outcomes[i].ok());
      EXPECT_EQ(message_of(outcomes[i].error()), "child " + std::to_string(i));
    } else {
      ASSERT_TRUE(outcomes[i].ok());
      EXPECT_EQ(outcomes[i].value(), i);
    }
  }
  EXPECT_EQ(rec.elapsed(), 6s);  // the longest child, failures or not
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
}

TEST(GatherSettled, EveryChildFailingIsStillAResultNotAnException) {
  Recorder rec;
  std::vector<aio::Outcome<int>> outcomes;
  EXPECT_NO_THROW(outcomes = rec.run([]() -> aio::Task<std::vector<aio::Outcome<int>>> {
    std::vector<aio::Task<int>> tasks;
    tasks.push_back(fail_at(2s, "x"));
    tasks.push_back(fail_at(1s, "y"));
    co_return co_await aio::gather_settled(std::move(tasks));
  }));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(message_of(outcomes[0].error()), "x");
  EXPECT_EQ(message_of(outcomes[1].error()), "y");
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(GatherSettled, AChildEndingWithCancelledErrorIsAnOutcomeThatSaysCancelled) {
  Recorder rec;
  auto [cancelled, fine] =
      rec.run([]() -> aio::Task<std::tuple<aio::Outcome<int>, aio::Outcome<std::string>>> {
        co_return co_await aio::gather_settled(ends_cancelled(1s), fetch("fine", 2s));
      });
  EXPECT_FALSE(cancelled.ok());
  EXPECT_TRUE(cancelled.cancelled());
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine.value(), "fine");
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(GatherSettled, MoveOnlyResults) {
  Recorder rec;
  auto outcomes = rec.run([]() -> aio::Task<std::vector<aio::Outcome<std::unique_ptr<int>>>> {
    std::vector<aio::Task<std::unique_ptr<int>>> tasks;
    tasks.push_back(make_unique_later(1s, 42));
    co_return co_await aio::gather_settled(std::move(tasks));
  });
  ASSERT_EQ(outcomes.size(), 1u);
  std::unique_ptr<int> value = std::move(outcomes[0]).value();
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 42);
}

TEST(GatherSettled, EmptyVectorCompletesAtOnce) {
  Recorder rec;
  auto outcomes = rec.run([]() -> aio::Task<std::vector<aio::Outcome<int>>> {
    co_return co_await aio::gather_settled(std::vector<aio::Task<int>>{});
  });
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(GatherSettled, StringArgumentsOfChildrenSurvive) {
  // Under ASan: the children's string parameters live in their frames, the Tasks in the
  // gather's heap storage, whatever temporaries the co_await statement had.
  Recorder rec;
  auto [a, b] =
      rec.run([]() -> aio::Task<std::tuple<aio::Outcome<std::string>, aio::Outcome<std::string>>> {
        co_return co_await aio::gather_settled(fetch(std::string(40, 'a'), 2s),
                                               fetch(std::string(40, 'b'), 1s));
      });
  EXPECT_EQ(a.value(), std::string(40, 'a'));
  EXPECT_EQ(b.value(), std::string(40, 'b'));
}

// ---- cancellation ----------------------------------------------------------------------------

TEST(GatherSettled, CancellingTheAwaitingTaskCancelsAndAwaitsEveryChild) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto gatherer = aio::create_task([]() -> aio::Task<> {
      try {
        (void)co_await aio::gather_settled(slow_with_cleanup("a", 10s, 1s),
                                           slow_with_cleanup("b", 10s, 2s));
      } catch (const aio::CancelledError&) {
        aio::print("gather_settled cancelled");
        throw;
      }
      aio::print("not reached");
    });
    co_await aio::sleep(1s);
    gatherer.cancel();
    try {
      co_await gatherer;
    } catch (const aio::CancelledError&) {
      aio::print("gatherer cancelled: ", gatherer.cancelled());
    }
  });
  // Both children get the cancellation at once; the awaiting task resumes only when the slower
  // cleanup is over.
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms a cancelled", "1000ms b cancelled",
                                                      "2000ms a cleaned up", "3000ms b cleaned up",
                                                      "3000ms gather_settled cancelled",
                                                      "3000ms gatherer cancelled: 1"}));
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
}

TEST(GatherSettled, CancelledAfterAChildFailedStillCancelsTheOthersOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto gatherer = aio::create_task([]() -> aio::Task<> {
      (void)co_await aio::gather_settled(fail_at(1s, "early"), slow_with_cleanup("a", 10s, 1s));
    });
    co_await aio::sleep(2s);  // "early" failed at 1 s; "a" kept running
    gatherer.cancel();
    gatherer.cancel();  // edge-triggered: a second request changes nothing
    try {
      co_await gatherer;
    } catch (const aio::CancelledError&) {
      aio::print("gatherer cancelled");
    }
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms fail early", "2000ms a cancelled",
                                      "3000ms a cleaned up", "3000ms gatherer cancelled"}));
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
}

TEST(GatherSettled, CancelledBeforeItsChildrenStartedNoneOfThemRuns) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto gatherer = aio::create_task([]() -> aio::Task<> {
      (void)co_await aio::gather_settled(fetch("a", 1s), fetch("b", 1s));
    });
    co_await aio::sleep(0s);  // the gatherer starts its children, which are queued behind us
    gatherer.cancel();
    try {
      co_await gatherer;
    } catch (const aio::CancelledError&) {
      aio::print("cancelled");
    }
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms cancelled"}));
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
}

TEST(GatherSettled, InsideAGatherASiblingFailureCancelsTheSettledChildrenToo) {
  // Structured all the way down: gather cancels its gather_settled child, which cancels its
  // own children and waits for their cleanup before gather rethrows.
  Recorder rec;
  std::string caught;
  rec.run([&]() -> aio::Task<> {
    try {
      (void)co_await aio::gather(
          fail_at(1s, "first"),
          aio::gather_settled(slow_with_cleanup("a", 10s, 1s), slow_with_cleanup("b", 10s, 2s)));
    } catch (const std::runtime_error& e) {
      caught = e.what();
      aio::print("gather threw ", e.what());
    }
  });
  EXPECT_EQ(caught, "first");
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms fail first", "1000ms a cancelled",
                                      "1000ms b cancelled", "2000ms a cleaned up",
                                      "3000ms b cleaned up", "3000ms gather threw first"}));
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).empty());
}

aio::Task<> await_handle(std::shared_ptr<aio::TaskHandle<void>> handle) {
  co_await *handle;
}

TEST(GatherSettled, ADeadlockNamesTheSettledGatherAndTheChildStillRunning) {
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      // gatherer waits (through its child) for `other`, and `other` waits for gatherer.
      auto other = std::make_shared<aio::TaskHandle<void>>();
      auto gatherer = aio::create_task(
          [other]() -> aio::Task<> { (void)co_await aio::gather_settled(await_handle(other)); },
          "gatherer");
      *other = aio::create_task([gatherer]() -> aio::Task<> { co_await gatherer; }, "other");
      co_await gatherer;
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("gather_settled of 1 tasks (still running: 'await_handle')"),
            std::string::npos)
      << message;
}

TEST(GatherSettled, TenThousandChildrenHalfOfThemFailing) {
  Recorder rec;
  constexpr int count = 10'000;
  auto outcomes = rec.run([]() -> aio::Task<std::vector<aio::Outcome<int>>> {
    std::vector<aio::Task<int>> tasks;
    tasks.reserve(count);
    for (int i = 0; i < count; ++i) {
      if (i % 2) {
        tasks.push_back(fail_at(std::chrono::milliseconds(i), "odd"));
      } else {
        tasks.push_back(aio_test::after(std::chrono::milliseconds(count - i), i));
      }
    }
    co_return co_await aio::gather_settled(std::move(tasks));
  });
  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    ASSERT_EQ(outcomes[i].ok(), i % 2 == 0) << i;
    if (i % 2 == 0) {
      ASSERT_EQ(outcomes[i].value(), i);
    }
  }
  EXPECT_EQ(rec.elapsed(), std::chrono::milliseconds(count));
}

}  // namespace
