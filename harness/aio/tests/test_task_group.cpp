// aio::task_group: children spawned into a scope, the scope waits for all of them, the first
// failure (of a child or of the body) cancels the rest and is rethrown, the other failures stay
// reachable through aio::other_errors, and cancelling the awaiting task cancels everything.
//
// Most tests below write `co_await aio::task_group([&](aio::TaskGroup& g) ... )`, the lambda
// inside the co_await statement, which learners must not copy (GCC 12 destroys that temporary
// twice; task_group.hpp). Here it is deliberate and safe: every such closure captures only by
// reference, so it is trivially destructible and a second destruction does nothing. The
// capturing-by-value case is tested, and skipped on GCC 12, in test_lambdas.cpp.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

// Sleeps `d`, prints when done; when cancelled prints "<name> cancelled", cleans up for
// `cleanup` (after the catch block: no co_await in a handler), prints, and rethrows.
aio::Task<int> worker(std::string name, aio::Duration d, int value = 0,
                      aio::Duration cleanup = 0s) {
  bool cancelled = false;
  try {
    co_await aio::sleep(d);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    aio::print(name, " cancelled");
    if (cleanup > 0s) {
      co_await aio::sleep(cleanup);
      aio::print(name, " cleaned up");
    }
    throw aio::CancelledError{};
  }
  aio::print(name, " done");
  co_return value;
}

aio::Task<> fail_after(std::string message, aio::Duration d) {
  co_await aio::sleep(d);
  aio::print("fail ", message);
  throw std::runtime_error(message);
}

// A body that sleeps, reporting a cancellation.
aio::Task<> body_sleep(aio::Duration d) {
  try {
    co_await aio::sleep(d);
  } catch (const aio::CancelledError&) {
    aio::print("body cancelled");
    throw;
  }
  aio::print("body slept");
}

// ---- the happy path ------------------------------------------------------------------------

TEST(TaskGroup, WaitsForEveryChildAndReturnsTheBodysValue) {
  Recorder rec;
  int result = rec.run([]() -> aio::Task<int> {
    aio::TaskHandle<int> a;
    aio::TaskHandle<int> b;
    int value = co_await aio::task_group([&](aio::TaskGroup& group) -> aio::Task<int> {
      a = group.spawn(worker("a", 2s, 20));
      b = group.spawn(worker("b", 3s, 30));
      EXPECT_EQ(group.running(), 2u);
      co_await aio::sleep(1s);
      aio::print("body done");
      co_return 1;
    });
    aio::print("group done");
    // After the scope every child is done: results without waiting.
    EXPECT_TRUE(a.done());
    EXPECT_TRUE(b.done());
    co_return value + a.result() + b.result();
  });
  EXPECT_EQ(result, 51);
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms body done", "2000ms a done",
                                                      "3000ms b done", "3000ms group done"}));
  EXPECT_EQ(rec.elapsed(), 3s);  // concurrent: the longest, not the sum
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(TaskGroup, ChildrenStartWhenTheBodyNextSuspendsInSpawnOrder) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
      for (int i = 0; i < 3; ++i) {
        group.spawn([i]() -> aio::Task<> {
          aio::print("child ", i, " starts");
          co_return;
        });
      }
      aio::print("body before suspending");
      co_await aio::sleep(0s);
      aio::print("body after yielding");
    });
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"0ms body before suspending", "0ms child 0 starts",
                                      "0ms child 1 starts", "0ms child 2 starts",
                                      "0ms body after yielding"}));
}

TEST(TaskGroup, TheBodyRunsInTheAwaitingTask) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
      aio::print("body");
      group.spawn(worker("child", 1s), "the child");
      co_return;
    });
  });
  ASSERT_EQ(rec.report().transcript.size(), 2u);
  EXPECT_EQ(rec.report().transcript[0].task, "main");  // no task of its own, like `async with`
  EXPECT_EQ(rec.report().transcript[1].task, "the child");
}

TEST(TaskGroup, AnEmptyGroupFinishesWithoutSuspending) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto other = aio::create_task([]() -> aio::Task<> {
      aio::print("other");
      co_return;
    });
    std::string s = co_await aio::task_group(
        [](aio::TaskGroup&) -> aio::Task<std::string> { co_return "empty"; });
    aio::print("group gave ", s);  // no suspension: "other" has not run yet
    co_await other;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"0ms group gave empty", "0ms other"}));
}

TEST(TaskGroup, AMoveOnlyBodyValue) {
  Recorder rec;
  auto p = rec.run([]() -> aio::Task<std::unique_ptr<int>> {
    co_return co_await aio::task_group([](aio::TaskGroup& g) -> aio::Task<std::unique_ptr<int>> {
      auto h = g.spawn(worker("w", 1s, 6));
      co_return std::make_unique<int>(co_await h + 1);
    });
  });
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 7);
}

TEST(TaskGroup, ChildrenMaySpawnSiblingsThroughTheGroup) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
      group.spawn([&group]() -> aio::Task<> {
        co_await aio::sleep(1s);
        aio::print("parent child spawns");
        group.spawn(worker("grandchild", 2s));
      });
      co_return;  // the body ends at once; the scope still waits for the late sibling
    });
    aio::print("group done");
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms parent child spawns", "3000ms grandchild done",
                                      "3000ms group done"}));
}

// ---- the first failure ---------------------------------------------------------------------

TEST(TaskGroup, AChildFailingAtOneSecondCancelsSiblingsAndBodyAtOneSecond) {
  Recorder rec;
  std::string caught;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn(worker("a", 5s));
        group.spawn(fail_after("boom", 1s));
        group.spawn(worker("c", 5s));
        co_await body_sleep(10s);
      });
    } catch (const std::runtime_error& e) {  // the type is preserved
      caught = e.what();
    }
    aio::print("caught ", caught);
  });
  EXPECT_EQ(caught, "boom");
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms fail boom", "1000ms a cancelled",
                                                      "1000ms c cancelled", "1000ms body cancelled",
                                                      "1000ms caught boom"}));
  EXPECT_EQ(rec.elapsed(), 1s);  // nobody left running to t = 5
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(TaskGroup, TheGroupWaitsForTheCancelledSiblingsCleanup) {
  Recorder rec;
  EXPECT_THROW(rec.run([]() -> aio::Task<> {
    co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
      group.spawn(worker("a", 5s, 0, 2s));
      group.spawn(fail_after("boom", 1s));
      co_return;
    });
  }),
               std::runtime_error);
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms fail boom", "1000ms a cancelled",
                                                      "3000ms a cleaned up"}));
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(TaskGroup, TheFirstErrorIsTheSameObjectAndTheOthersAreReachable) {
  Recorder rec;
  std::exception_ptr first;
  std::vector<std::string> others_by_ptr;
  std::vector<std::string> others_by_ref;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn(fail_after("first", 1s));
        group.spawn(fail_after("second", 1s));  // due at the same instant: cancelled in the queue
        // Fails in its cleanup, after the first failure cancelled it.
        group.spawn([]() -> aio::Task<> {
          try {
            co_await aio::sleep(5s);
          } catch (const aio::CancelledError&) {
          }
          co_await aio::sleep(1s);
          throw std::logic_error("cleanup failed");
        });
        co_return;
      });
    } catch (const std::runtime_error& e) {
      first = std::current_exception();
      for (const auto& other : aio::other_errors(first)) {
        try {
          std::rethrow_exception(other);
        } catch (const std::exception& o) {
          others_by_ptr.push_back(o.what());
        }
      }
      for (const auto& other : aio::other_errors(e)) {
        try {
          std::rethrow_exception(other);
        } catch (const std::exception& o) {
          others_by_ref.push_back(o.what());
        }
      }
    }
  });
  ASSERT_TRUE(first);
  EXPECT_EQ(others_by_ptr, (std::vector<std::string>{"cleanup failed"}));
  EXPECT_EQ(others_by_ref, others_by_ptr);
  EXPECT_EQ(rec.elapsed(), 2s);
  EXPECT_TRUE(rec.report().diagnostics.empty());  // the group retrieved every outcome
}

TEST(TaskGroup, OtherErrorsOfAnUnrelatedErrorAreEmpty) {
  auto error = std::make_exception_ptr(std::runtime_error("not from a group"));
  EXPECT_TRUE(aio::other_errors(error).empty());
  EXPECT_TRUE(aio::other_errors(std::exception_ptr{}).empty());
  std::runtime_error plain("plain");
  EXPECT_TRUE(aio::other_errors(plain).empty());
}

TEST(TaskGroup, OtherErrorsKeepsTheLatest64Groups) {
  std::vector<std::exception_ptr> firsts;
  for (int round = 0; round < 70; ++round) {
    Recorder rec;
    try {
      rec.run([]() -> aio::Task<> {
        co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
          group.spawn(fail_after("a", 1s));
          // The body swallows its cancellation, then fails: a second failure.
          try {
            co_await aio::sleep(5s);
          } catch (const aio::CancelledError&) {
          }
          throw std::logic_error("body");
        });
      });
    } catch (const std::runtime_error&) {
      firsts.push_back(std::current_exception());
    }
  }
  ASSERT_EQ(firsts.size(), 70u);
  EXPECT_EQ(aio::other_errors(firsts.back()).size(), 1u);
  EXPECT_EQ(aio::other_errors(firsts[69 - 63]).size(), 1u);
  EXPECT_TRUE(aio::other_errors(firsts.front()).empty());  // forgotten: storage is bounded
}

TEST(TaskGroup, TheBodyFailingCancelsTheChildrenAndIsRethrown) {
  Recorder rec;
  std::string caught;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn(worker("a", 5s, 0, 1s));
        group.spawn(worker("b", 5s));
        co_await aio::sleep(2s);
        throw std::invalid_argument("bad body");
      });
    } catch (const std::invalid_argument& e) {
      caught = e.what();
    }
    aio::print("caught ", caught);
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"2000ms a cancelled", "2000ms b cancelled",
                                      "3000ms a cleaned up", "3000ms caught bad body"}));
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(TaskGroup, TheBodyAwaitingAFailingChildSeesTheCancellationTheGroupRethrowsTheError) {
  Recorder rec;
  std::vector<std::string> seen;
  EXPECT_THROW(rec.run([&]() -> aio::Task<> {
    co_await aio::task_group([&](aio::TaskGroup& group) -> aio::Task<> {
      auto failing = group.spawn(fail_after("boom", 1s));
      try {
        co_await failing;
      } catch (const aio::CancelledError&) {
        seen.push_back("body cancelled");
        throw;
      } catch (const std::runtime_error&) {
        seen.push_back("body saw the error");
        throw;
      }
    });
  }),
               std::runtime_error);
  EXPECT_EQ(seen, (std::vector<std::string>{"body cancelled"}));
}

TEST(TaskGroup, AChildCancelledByTheBodyIsNotAFailure) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
      auto a = group.spawn(worker("a", 5s));
      group.spawn(worker("b", 2s));
      co_await aio::sleep(1s);
      a.cancel();
      co_return;
    });
    aio::print("group done");
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms a cancelled", "2000ms b done", "2000ms group done"}));
}

TEST(TaskGroup, ABodyLettingACancellationThroughCancelsTheChildren) {
  Recorder rec;
  bool cancelled = false;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn(worker("a", 5s));
        auto other = aio::create_task(worker("outsider", 10s));
        co_await aio::sleep(1s);
        other.cancel();
        co_await other;  // throws CancelledError, which the body lets through
      });
    } catch (const aio::CancelledError&) {
      cancelled = true;
    }
  });
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms outsider cancelled", "1000ms a cancelled"}));
  EXPECT_EQ(rec.elapsed(), 1s);
}

// ---- spawning at the wrong time --------------------------------------------------------------

TEST(TaskGroup, SpawnAfterAFailureCreatesAnAlreadyCancelledChild) {
  Recorder rec;
  bool late_ran = false;
  aio::TaskHandle<void> late;
  EXPECT_THROW(rec.run([&]() -> aio::Task<> {
    co_await aio::task_group([&](aio::TaskGroup& group) -> aio::Task<> {
      group.spawn(fail_after("boom", 1s));
      try {
        co_await aio::sleep(5s);
      } catch (const aio::CancelledError&) {
      }
      EXPECT_TRUE(group.cancelling());
      late = group.spawn([&]() -> aio::Task<> {
        late_ran = true;
        co_return;
      });
      co_await aio::sleep(0s);
    });
  }),
               std::runtime_error);
  EXPECT_FALSE(late_ran);
  ASSERT_TRUE(late.valid());
  EXPECT_TRUE(late.done());
  EXPECT_TRUE(late.cancelled());
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(TaskGroup, SpawnAfterTheGroupFinishedIsARuntimeError) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::TaskGroup* stashed = nullptr;
    auto scope = aio::task_group([&](aio::TaskGroup& group) -> aio::Task<> {
      stashed = &group;
      co_return;
    });
    // The Task keeps the scope (and the group) alive: only misuse can reach it after the end.
    co_await scope;
    EXPECT_THROW(stashed->spawn(worker("late", 1s)), aio::RuntimeError);
  });
  // The refused Task is not reported as "never awaited" on top of the error.
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

// ---- cancellation from outside -----------------------------------------------------------

TEST(TaskGroup, CancellingTheAwaitingTaskCancelsTheBodyAndEveryChild) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto outer = aio::create_task(
        []() -> aio::Task<> {
          co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
            group.spawn(worker("a", 5s, 0, 1s));
            group.spawn(worker("b", 5s));
            co_await body_sleep(10s);
          });
          aio::print("not reached");
        },
        "outer");
    co_await aio::sleep(2s);
    outer.cancel();
    try {
      co_await outer;
    } catch (const aio::CancelledError&) {
      aio::print("outer cancelled");
    }
    EXPECT_TRUE(outer.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"2000ms body cancelled", "2000ms a cancelled",
                                                      "2000ms b cancelled", "3000ms a cleaned up",
                                                      "3000ms outer cancelled"}));
  EXPECT_EQ(rec.elapsed(), 3s);
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(TaskGroup, CancellingWhileTheScopeWaitsForItsChildrenCancelsThem) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto outer = aio::create_task([]() -> aio::Task<> {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn(worker("a", 5s));
        group.spawn(worker("b", 5s, 0, 1s));
        co_return;  // the body is done at once: the owner waits in the join
      });
    });
    co_await aio::sleep(2s);
    outer.cancel();
    EXPECT_THROW(co_await outer, aio::CancelledError);
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"2000ms a cancelled", "2000ms b cancelled",
                                                      "3000ms b cleaned up"}));
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(TaskGroup, CancelledWhileQueuedToLeaveTheScopeTheResumptionThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::TaskHandle<int> child;
    aio::TaskHandle<void> outer;
    // The canceller's timer is set after the child's: at 1 s the child finishes first, which
    // queues the owner to leave the scope; the canceller then cancels it while it is queued.
    outer = aio::create_task([&]() -> aio::Task<> {
      co_await aio::task_group([&](aio::TaskGroup& group) -> aio::Task<> {
        child = group.spawn(worker("child", 1s, 5));
        co_return;
      });
      aio::print("not reached");
    });
    co_await aio::sleep(0s);  // the owner spawns its child and parks in the join
    co_await aio::sleep(0s);  // the child starts and sets its timer before ours
    co_await aio::sleep(1s);
    EXPECT_TRUE(child.done());
    EXPECT_FALSE(outer.done());
    outer.cancel();
    EXPECT_THROW(co_await outer, aio::CancelledError);
    EXPECT_EQ(child.result(), 5);  // the child's outcome is intact
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms child done"}));
  EXPECT_TRUE(rec.report().diagnostics.empty());
}

TEST(TaskGroup, AFailureDuringTheCancellationWinsOverTheCancellation) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto outer = aio::create_task([]() -> aio::Task<> {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn([]() -> aio::Task<> {
          try {
            co_await aio::sleep(5s);
          } catch (const aio::CancelledError&) {
          }
          throw std::runtime_error("cleanup failed");
        });
        co_await aio::sleep(5s);
      });
    });
    co_await aio::sleep(1s);
    outer.cancel();
    EXPECT_THROW(co_await outer, std::runtime_error);
  });
}

TEST(TaskGroup, CancelledTwiceTheChildrenAreCancelledOnce) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto outer = aio::create_task([]() -> aio::Task<> {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        group.spawn(worker("a", 5s, 0, 2s));  // its async cleanup must not be interrupted
        co_return;
      });
    });
    co_await aio::sleep(1s);
    outer.cancel();
    co_await aio::sleep(1s);
    outer.cancel();
    EXPECT_THROW(co_await outer, aio::CancelledError);
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms a cancelled", "3000ms a cleaned up"}));
}

// ---- nesting ---------------------------------------------------------------------------------

TEST(TaskGroup, AnInnerFailureCancelsTheOuterGroupToo) {
  Recorder rec;
  std::exception_ptr caught;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& outer) -> aio::Task<> {
        outer.spawn(worker("outer child", 5s));
        outer.spawn(fail_after("outer late", 1500ms));  // cancelled before it fails
        co_await aio::task_group([](aio::TaskGroup& inner) -> aio::Task<> {
          inner.spawn(worker("inner child", 5s));
          inner.spawn(fail_after("inner", 1s));
          co_return;
        });
        aio::print("not reached");
      });
    } catch (const std::runtime_error& e) {
      caught = std::current_exception();
      aio::print("caught ", e.what());
    }
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms fail inner", "1000ms inner child cancelled",
                                      "1000ms outer child cancelled", "1000ms caught inner"}));
  EXPECT_EQ(rec.elapsed(), 1s);
}

TEST(TaskGroup, AnOuterFailureCancelsTheInnerGroupsChildren) {
  Recorder rec;
  EXPECT_THROW(rec.run([]() -> aio::Task<> {
    co_await aio::task_group([](aio::TaskGroup& outer) -> aio::Task<> {
      outer.spawn(fail_after("outer", 1s));
      co_await aio::task_group([](aio::TaskGroup& inner) -> aio::Task<> {
        inner.spawn(worker("inner a", 5s));
        inner.spawn(worker("inner b", 5s, 0, 1s));
        co_await body_sleep(10s);
      });
    });
  }),
               std::runtime_error);
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms fail outer", "1000ms body cancelled",
                                      "1000ms inner a cancelled", "1000ms inner b cancelled",
                                      "2000ms inner b cleaned up"}));
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(TaskGroup, NestedGroupsCollectEveryFailureUnderTheFirst) {
  Recorder rec;
  std::vector<std::string> others;
  rec.run([&]() -> aio::Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& outer) -> aio::Task<> {
        // Fails while being cancelled: a failure of the outer group, after the inner one's.
        outer.spawn([]() -> aio::Task<> {
          try {
            co_await aio::sleep(5s);
          } catch (const aio::CancelledError&) {
          }
          throw std::runtime_error("outer cleanup");
        });
        co_await aio::task_group([](aio::TaskGroup& inner) -> aio::Task<> {
          inner.spawn(fail_after("inner first", 1s));
          inner.spawn([]() -> aio::Task<> {
            try {
              co_await aio::sleep(5s);
            } catch (const aio::CancelledError&) {
            }
            throw std::runtime_error("inner cleanup");
          });
          co_return;
        });
      });
    } catch (const std::runtime_error& e) {
      aio::print("caught ", e.what());
      for (const auto& other : aio::other_errors(e)) {
        try {
          std::rethrow_exception(other);
        } catch (const std::exception& o) {
          others.push_back(o.what());
        }
      }
    }
  });
  EXPECT_EQ(rec.timeline(),
            (std::vector<std::string>{"1000ms fail inner first", "1000ms caught inner first"}));
  EXPECT_EQ(others, (std::vector<std::string>{"inner cleanup", "outer cleanup"}));
}

// ---- lambdas, lifetimes, diagnostics -----------------------------------------------------------

TEST(TaskGroup, CapturingLambdasInTheirOwnStatement) {
  Recorder rec;
  std::string result = rec.run([]() -> aio::Task<std::string> {
    std::string joined;
    // A by-value capture of a non-trivial object: the scope in its own statement (GCC 12).
    auto scope = aio::task_group(
        [tag = std::string(40, 't'), &joined](aio::TaskGroup& group) -> aio::Task<> {
          auto a = group.spawn([s = std::string(40, 'a')]() -> aio::Task<std::string> {
            co_await aio::sleep(2s);
            co_return s;
          });
          auto b = group.spawn(
              [s = std::string(40, 'b'), p = std::make_unique<int>(3)]() -> aio::Task<std::string> {
                co_await aio::sleep(1s);
                co_return s.substr(0, static_cast<std::size_t>(*p));
              },
              std::string(32, 'n'));
          EXPECT_EQ(b.name(), std::string(32, 'n'));
          co_await aio::sleep(1ms);
          joined = tag.substr(0, 1) + co_await a + co_await b;
        });
    co_await scope;
    co_return joined;
  });
  EXPECT_EQ(result, "t" + std::string(40, 'a') + "bbb");
  EXPECT_EQ(rec.elapsed(), 2s);
}

TEST(TaskGroup, ReferenceCapturingBodyInsideTheCoAwait) {
  // The usual spelling: [&] captures are references, nothing to destroy twice on any compiler.
  Recorder rec;
  int total = rec.run([]() -> aio::Task<int> {
    int sum = 0;
    std::vector<int> inputs{1, 2, 3};
    co_await aio::task_group([&](aio::TaskGroup& group) -> aio::Task<> {
      for (int x : inputs) {
        group.spawn([&sum, x]() -> aio::Task<> {
          co_await aio::sleep(std::chrono::seconds(x));
          sum += x;
        });
      }
      co_return;
    });
    co_return sum;
  });
  EXPECT_EQ(total, 6);
  EXPECT_EQ(rec.elapsed(), 3s);
}

TEST(TaskGroup, TheBodyCallableLivesUntilTheScopeEnds) {
  Recorder rec;
  auto tracker = std::make_shared<int>(0);
  std::weak_ptr<int> watch = tracker;
  long uses_in_child = 0;
  rec.run([&, moved = std::move(tracker)]() -> aio::Task<> {
    auto scope =
        aio::task_group([t = moved, &uses_in_child, &watch](aio::TaskGroup& group) -> aio::Task<> {
          group.spawn([t, &uses_in_child, &watch]() -> aio::Task<> {
            co_await aio::sleep(1s);
            uses_in_child = watch.use_count();
            ++*t;
          });
          co_return;
        });
    co_await scope;
    aio::print("uses after: ", watch.use_count());
  });
  EXPECT_EQ(uses_in_child, 3);  // the run's lambda, the body's, the child's
  // The child's lambda is gone once it is done; the body's lives with the scope's Task.
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms uses after: 2"}));
  EXPECT_TRUE(watch.expired());
}

TEST(TaskGroup, ADetachedGroupStillRunningAtTheEndShutsDownCleanly) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto detached = aio::create_task(
        []() -> aio::Task<> {
          co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
            group.spawn(worker("a", 10s, 0, 1s));
            group.spawn(worker("b", 10s));
            co_await body_sleep(10s);
          });
        },
        "detached");
    co_await aio::sleep(1s);
  });
  // The main task ends at 1 s; shutdown cancels everything and lets it clean up.
  EXPECT_EQ(rec.elapsed(), 1s);
  auto pending = rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd);
  // The detached task and the group's children (tasks of their own) are reported.
  ASSERT_EQ(pending.size(), 3u);
  std::string all;
  for (const auto& message : pending) all += message + "\n";
  EXPECT_NE(all.find("'detached'"), std::string::npos) << all;
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::UnretrievedException).empty());
}

TEST(TaskGroup, DeadlockMessagesDescribeTheGroup) {
  // Two children awaiting each other's handles: the main task waits in the group's join.
  Recorder rec;
  std::string message;
  try {
    rec.run([]() -> aio::Task<> {
      co_await aio::task_group([](aio::TaskGroup& group) -> aio::Task<> {
        auto first = std::make_shared<aio::TaskHandle<void>>();
        auto second = group.spawn(
            [first]() -> aio::Task<> {
              co_await aio::sleep(1s);
              co_await *first;
            },
            "second");
        *first = group.spawn([second]() -> aio::Task<> { co_await second; }, "first");
        co_return;
      });
    });
  } catch (const aio::DeadlockError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("a task group to finish (still running: 'second', 'first')"),
            std::string::npos)
      << message;
}

}  // namespace
