// aio::AsyncGenerator<T>: values in order, laziness (exact times), early destruction, errors,
// cancellation, pipelines of generators, move-only values, misuse, and stack safety of long runs
// of synchronous yields (through the trampoline, like Task).
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<aio::AsyncGenerator<int>>, "move-only");
static_assert(!std::is_copy_assignable_v<aio::AsyncGenerator<int>>, "move-only");
static_assert(std::is_nothrow_move_constructible_v<aio::AsyncGenerator<int>>, "movable");
static_assert(std::is_nothrow_move_assignable_v<aio::AsyncGenerator<std::string>>, "movable");

// Counts constructions and destructions of RAII guards in producers.
struct Lifetimes {
  int created = 0;
  int destroyed = 0;
};

// Prints `text` when destroyed (RAII cleanup in a producer) and counts it.
class Guard {
 public:
  Guard(Lifetimes& counts, std::string text) : counts_(counts), text_(std::move(text)) {
    ++counts_.created;
  }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  ~Guard() {
    ++counts_.destroyed;
    aio::print(text_);
  }

 private:
  Lifetimes& counts_;
  std::string text_;
};

aio::AsyncGenerator<int> numbers(int count) {
  for (int i = 1; i <= count; ++i) co_yield i;
}

aio::AsyncGenerator<int> ticking(int count, aio::Duration interval, Lifetimes& counts) {
  Guard guard(counts, "producer cleanup");
  for (int i = 1; i <= count; ++i) {
    aio::print("producer computes ", i);
    co_await aio::sleep(interval);
    aio::print("producer yields ", i);
    co_yield i;
  }
  aio::print("producer ends");
}

template <class T>
aio::Task<std::vector<T>> drain(aio::AsyncGenerator<T> gen) {
  std::vector<T> all;
  while (auto value = co_await gen.next()) all.push_back(std::move(*value));
  co_return all;
}

// ---- values and the end -------------------------------------------------------------------

TEST(Generator, YieldsValuesInOrderThenNullopt) {
  Recorder rec;
  auto values = rec.run([]() -> aio::Task<std::vector<int>> {
    auto gen = numbers(4);
    std::vector<int> seen;
    while (auto value = co_await gen.next()) seen.push_back(*value);
    // The end is sticky: every later next() gives nullopt without resuming the producer.
    EXPECT_FALSE(co_await gen.next());
    EXPECT_FALSE(co_await gen.next());
    co_return seen;
  });
  EXPECT_EQ(values, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(rec.elapsed(), 0s);
}

TEST(Generator, AnEmptyGeneratorEndsAtOnce) {
  Recorder rec;
  EXPECT_TRUE(rec.run(drain(numbers(0))).empty());
}

aio::AsyncGenerator<std::string> words() {
  std::string word = "alpha";
  co_yield word;  // an lvalue is copied: our variable stays intact
  EXPECT_EQ(word, "alpha");
  co_yield "beta";  // converted to std::string
  co_yield std::string("gamma");
}

TEST(Generator, YieldsLvaluesByCopyAndRvaluesByMove) {
  Recorder rec;
  EXPECT_EQ(rec.run(drain(words())), (std::vector<std::string>{"alpha", "beta", "gamma"}));
}

aio::AsyncGenerator<std::unique_ptr<int>> boxes(int count) {
  for (int i = 0; i < count; ++i) {
    auto box = std::make_unique<int>(i * 10);
    co_yield std::move(box);  // move-only values: yield an rvalue
  }
  co_yield std::make_unique<int>(-1);
}

TEST(Generator, YieldsMoveOnlyValues) {
  Recorder rec;
  int sum = rec.run([]() -> aio::Task<int> {
    auto gen = boxes(3);
    int total = 0;
    while (auto box = co_await gen.next()) total += **box;
    co_return total;
  });
  EXPECT_EQ(sum, 0 + 10 + 20 - 1);
}

aio::AsyncGenerator<std::reference_wrapper<const std::string>> names_of(
    const std::vector<std::string>& all) {
  for (const auto& name : all) co_yield std::cref(name);
}

TEST(Generator, YieldsReferencesThroughReferenceWrapper) {
  std::vector<std::string> all{std::string(40, 'a'), std::string(40, 'b')};
  Recorder rec;
  auto addresses = rec.run([&all]() -> aio::Task<std::vector<const std::string*>> {
    auto gen = names_of(all);
    std::vector<const std::string*> seen;
    while (auto name = co_await gen.next()) seen.push_back(&name->get());
    co_return seen;
  });
  EXPECT_EQ(addresses, (std::vector<const std::string*>{&all[0], &all[1]}));
}

// ---- laziness ------------------------------------------------------------------------------

aio::AsyncGenerator<int> marks(bool& started) {
  started = true;
  co_yield 1;
}

TEST(Generator, CreatingAGeneratorRunsNothing) {
  bool started = false;
  bool started_before_next = true;
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    auto gen = marks(started);
    co_await aio::sleep(1s);
    started_before_next = started;
    EXPECT_EQ(co_await gen.next(), std::optional<int>(1));
  });
  EXPECT_FALSE(started_before_next);
  EXPECT_TRUE(started);
}

TEST(Generator, TheProducerRunsOnlyWhenAskedAndNeverAhead) {
  // The consumer takes its time between pulls; a lazy producer starts each value only when
  // asked, so each value arrives exactly one interval after its next() call.
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    auto gen = ticking(3, 500ms, counts);
    while (auto value = co_await gen.next()) {
      aio::print("consumer got ", *value);
      co_await aio::sleep(2s);
      aio::print("consumer asks again");
    }
    aio::print("consumer done");
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{
                                "0ms producer computes 1",
                                "500ms producer yields 1",
                                "500ms consumer got 1",
                                "2500ms consumer asks again",
                                "2500ms producer computes 2",
                                "3000ms producer yields 2",
                                "3000ms consumer got 2",
                                "5000ms consumer asks again",
                                "5000ms producer computes 3",
                                "5500ms producer yields 3",
                                "5500ms consumer got 3",
                                "7500ms consumer asks again",
                                "7500ms producer ends",
                                "7500ms producer cleanup",
                                "7500ms consumer done",
                            }));
  EXPECT_EQ(counts.destroyed, 1);
}

TEST(Generator, OtherTasksRunWhileTheProducerSleeps) {
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    auto ticker = aio::create_task(
        []() -> aio::Task<> {
          for (int i = 0; i < 3; ++i) {
            co_await aio::sleep(300ms);
            aio::print("tick");
          }
        },
        "ticker");
    auto values = co_await drain(ticking(2, 500ms, counts));
    EXPECT_EQ(values, (std::vector<int>{1, 2}));
    co_await ticker;
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{
                                "0ms producer computes 1",
                                "300ms tick",
                                "500ms producer yields 1",
                                "500ms producer computes 2",
                                "600ms tick",
                                "900ms tick",
                                "1000ms producer yields 2",
                                "1000ms producer ends",
                                "1000ms producer cleanup",
                            }));
}

// ---- early exit: destroying the generator ---------------------------------------------------

TEST(Generator, DestroyingItEarlyRunsTheProducersDestructorsOnceRightThen) {
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    {
      auto gen = ticking(5, 500ms, counts);
      for (int i = 0; i < 2; ++i) aio::print("consumer got ", *co_await gen.next());
      aio::print("consumer stops");
    }  // gen destroyed here, paused at its second co_yield
    aio::print("after the generator");
    co_await aio::sleep(1s);
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{
                                "0ms producer computes 1",
                                "500ms producer yields 1",
                                "500ms consumer got 1",
                                "500ms producer computes 2",
                                "1000ms producer yields 2",
                                "1000ms consumer got 2",
                                "1000ms consumer stops",
                                "1000ms producer cleanup",
                                "1000ms after the generator",
                            }));
  EXPECT_EQ(counts.created, 1);
  EXPECT_EQ(counts.destroyed, 1);
  EXPECT_EQ(rec.elapsed(), 2s);
}

// Counts destructions of a parameter (moved-from copies do not count).
struct Token {
  explicit Token(Lifetimes& counts) : counts(&counts) { ++counts.created; }
  Token(Token&& other) noexcept : counts(std::exchange(other.counts, nullptr)) {}
  Token& operator=(Token&&) = delete;
  ~Token() {
    if (counts) ++counts->destroyed;
  }
  Lifetimes* counts;
};

aio::AsyncGenerator<int> with_token(Token token, Lifetimes& body) {
  Guard guard(body, "body cleanup");
  (void)token;
  co_yield 1;
}

TEST(Generator, DestroyingANeverStartedGeneratorDestroysOnlyItsParameters) {
  Lifetimes params;
  Lifetimes body;
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    { auto gen = with_token(Token(params), body); }
    co_return;
  });
  EXPECT_EQ(params.created, 1);
  EXPECT_EQ(params.destroyed, 1);
  EXPECT_EQ(body.created, 0);  // the body never ran: no guard, nothing to clean up
  EXPECT_TRUE(rec.timeline().empty());
  EXPECT_TRUE(rec.diagnostics(aio::Diagnostic::Kind::NeverAwaited).empty());
}

TEST(Generator, MoveAssigningOverAGeneratorDestroysTheOldOne) {
  Lifetimes first;
  Lifetimes second;
  Recorder rec;
  rec.run([&]() -> aio::Task<> {
    auto gen = ticking(3, 1s, first);
    EXPECT_EQ(co_await gen.next(), std::optional<int>(1));
    gen = ticking(1, 1s, second);  // the first producer is destroyed here, once
    EXPECT_EQ(first.destroyed, 1);
    EXPECT_EQ(co_await gen.next(), std::optional<int>(1));
    EXPECT_FALSE(co_await gen.next());
  });
  EXPECT_EQ(first.destroyed, 1);
  EXPECT_EQ(second.destroyed, 1);
}

// ---- errors ---------------------------------------------------------------------------------

struct Broken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

aio::AsyncGenerator<int> fails_after(int good, Lifetimes& counts) {
  Guard guard(counts, "failing producer cleanup");
  for (int i = 1; i <= good; ++i) {
    co_await aio::sleep(1s);
    co_yield i;
  }
  co_await aio::sleep(1s);
  throw Broken("source broke");
}

TEST(Generator, AnExceptionFromTheProducerReachesTheConsumerAtNext) {
  Lifetimes counts;
  Recorder rec;
  auto seen = rec.run([&counts]() -> aio::Task<std::vector<int>> {
    auto gen = fails_after(2, counts);
    std::vector<int> values;
    try {
      while (auto value = co_await gen.next()) values.push_back(*value);
    } catch (const Broken& error) {
      aio::print("consumer caught: ", error.what());
    }
    // Afterwards the generator is finished.
    EXPECT_FALSE(co_await gen.next());
    co_return values;
  });
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"3000ms failing producer cleanup",
                                                      "3000ms consumer caught: source broke"}));
  EXPECT_EQ(counts.destroyed, 1);
}

TEST(Generator, AnExceptionBeforeTheFirstValueEscapesThroughRun) {
  Lifetimes counts;
  Recorder rec;
  EXPECT_THROW(rec.run(drain(fails_after(0, counts))), Broken);
  EXPECT_EQ(counts.destroyed, 1);
}

aio::Task<int> failing_task() {
  co_await aio::sleep(1s);
  throw Broken("task inside the producer");
}

aio::AsyncGenerator<int> awaits_a_failing_task() {
  co_yield co_await failing_task();
}

TEST(Generator, AnExceptionFromATaskTheProducerAwaitsReachesTheConsumer) {
  Recorder rec;
  EXPECT_THROW(rec.run(drain(awaits_a_failing_task())), Broken);
  EXPECT_EQ(rec.elapsed(), 1s);
}

// ---- awaiting inside the producer -----------------------------------------------------------

aio::AsyncGenerator<int> awaits_tasks() {
  co_yield co_await aio_test::after(1s, 10);
  auto [a, b] = co_await aio::gather(aio_test::after(2s, 1), aio_test::after(3s, 2));
  co_yield a + b;
  auto helper = aio::create_task(aio_test::after(1s, 7), "helper");
  co_yield co_await helper;
}

TEST(Generator, TheProducerCanAwaitTasksGatherAndHandles) {
  Recorder rec;
  EXPECT_EQ(rec.run(drain(awaits_tasks())), (std::vector<int>{10, 3, 7}));
  EXPECT_EQ(rec.elapsed(), 1s + 3s + 1s);
}

// ---- cancellation ----------------------------------------------------------------------------

TEST(Generator, CancellingTheConsumerCancelsTheProducersPendingSleep) {
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    auto consumer = aio::create_task(
        [&counts]() -> aio::Task<> {
          auto gen = ticking(10, 1s, counts);
          try {
            while (auto value = co_await gen.next()) aio::print("consumer got ", *value);
          } catch (const aio::CancelledError&) {
            aio::print("consumer cancelled");
            throw;
          }
        },
        "consumer");
    co_await aio::sleep(2500ms);
    consumer.cancel();
    try {
      co_await consumer;
    } catch (const aio::CancelledError&) {
      aio::print("main saw the cancellation");
    }
    EXPECT_TRUE(consumer.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{
                                "0ms producer computes 1",
                                "1000ms producer yields 1",
                                "1000ms consumer got 1",
                                "1000ms producer computes 2",
                                "2000ms producer yields 2",
                                "2000ms consumer got 2",
                                "2000ms producer computes 3",
                                // the producer's sleep is the consumer's suspension point: it
                                // throws CancelledError, which unwinds the producer first
                                "2500ms producer cleanup",
                                "2500ms consumer cancelled",
                                "2500ms main saw the cancellation",
                            }));
  EXPECT_EQ(counts.destroyed, 1);
  EXPECT_EQ(rec.elapsed(), 2500ms);
}

aio::AsyncGenerator<int> catches_cancellation() {
  try {
    co_await aio::sleep(10s);
  } catch (const aio::CancelledError&) {
    aio::print("producer saw CancelledError");
    throw;
  }
  co_yield 1;
}

TEST(Generator, APendingCancellationIsDeliveredAtTheProducersFirstAwait) {
  // The consumer's cancellation is requested while it runs (here it cancels itself); next()
  // then runs the producer, whose first suspension point delivers it at once.
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    std::optional<aio::TaskHandle<void>> self;
    auto consumer = aio::create_task(
        [&self]() -> aio::Task<> {
          co_await aio::sleep(1s);
          self->cancel();
          auto gen = catches_cancellation();
          (void)co_await gen.next();
          aio::print("not reached");
        },
        "consumer");
    self = consumer;
    EXPECT_THROW(co_await consumer, aio::CancelledError);
    EXPECT_TRUE(consumer.cancelled());
  });
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{"1000ms producer saw CancelledError"}));
  EXPECT_EQ(rec.elapsed(), 1s);
}

aio::AsyncGenerator<int> awaits_a_long_task() {
  co_yield co_await aio_test::after(10s, 1);
}

TEST(Generator, CancellationReachesATaskTheProducerAwaits) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto consumer = aio::create_task(drain(awaits_a_long_task()), "consumer");
    co_await aio::sleep(1s);
    consumer.cancel();
    EXPECT_THROW(co_await consumer, aio::CancelledError);
  });
  EXPECT_EQ(rec.elapsed(), 1s);
}

TEST(Generator, ATaskStillIteratingAtShutdownIsCancelledAndItsProducerCleanedUp) {
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    auto background = aio::create_task(
        [&counts]() -> aio::Task<> {
          auto gen = ticking(100, 1s, counts);
          while (co_await gen.next()) {
          }
        },
        "background");
    co_await aio::sleep(1500ms);
  });
  EXPECT_EQ(counts.destroyed, 1);
  EXPECT_EQ(rec.diagnostics(aio::Diagnostic::Kind::PendingAtEnd).size(), 1u);
}

// ---- generators consuming generators ---------------------------------------------------------

aio::AsyncGenerator<int> only_even(aio::AsyncGenerator<int> source) {
  while (auto value = co_await source.next()) {
    if (*value % 2 == 0) co_yield *value;
  }
}

aio::AsyncGenerator<std::string> labelled(aio::AsyncGenerator<int> source) {
  while (auto value = co_await source.next()) co_yield "#" + std::to_string(*value);
}

TEST(Generator, AGeneratorCanConsumeAnotherLazily) {
  Lifetimes counts;
  Recorder rec;
  auto labels = rec.run([&counts]() -> aio::Task<std::vector<std::string>> {
    auto pipeline = labelled(only_even(ticking(5, 500ms, counts)));
    std::vector<std::string> all;
    while (auto label = co_await pipeline.next()) {
      aio::print("consumer got ", *label);
      all.push_back(*label);
    }
    co_return all;
  });
  EXPECT_EQ(labels, (std::vector<std::string>{"#2", "#4"}));
  EXPECT_EQ(rec.timeline(), (std::vector<std::string>{
                                "0ms producer computes 1",
                                "500ms producer yields 1",
                                "500ms producer computes 2",
                                "1000ms producer yields 2",
                                "1000ms consumer got #2",
                                "1000ms producer computes 3",
                                "1500ms producer yields 3",
                                "1500ms producer computes 4",
                                "2000ms producer yields 4",
                                "2000ms consumer got #4",
                                "2000ms producer computes 5",
                                "2500ms producer yields 5",
                                "2500ms producer ends",
                                "2500ms producer cleanup",
                            }));
  EXPECT_EQ(counts.destroyed, 1);
}

TEST(Generator, DestroyingAPipelineEarlyDestroysEveryStageOnce) {
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    {
      auto pipeline = only_even(ticking(10, 500ms, counts));
      EXPECT_EQ(co_await pipeline.next(), std::optional<int>(2));
    }
    aio::print("pipeline gone");
  });
  EXPECT_EQ(counts.destroyed, 1);
  auto timeline = rec.timeline();
  ASSERT_GE(timeline.size(), 2u);
  EXPECT_EQ(timeline[timeline.size() - 2], "1000ms producer cleanup");
  EXPECT_EQ(timeline.back(), "1000ms pipeline gone");
}

TEST(Generator, CanBeHandedToAnotherTaskBetweenValues) {
  Lifetimes counts;
  Recorder rec;
  auto rest = rec.run([&counts]() -> aio::Task<std::vector<int>> {
    auto gen = ticking(4, 1s, counts);
    EXPECT_EQ(co_await gen.next(), std::optional<int>(1));
    // The next values are pulled by another task: the producer follows its new consumer.
    auto other = aio::create_task(drain(std::move(gen)), "other");
    co_return co_await other;
  });
  EXPECT_EQ(rest, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(counts.destroyed, 1);
  EXPECT_EQ(rec.elapsed(), 4s);
}

TEST(Generator, ACapturingLambdaGeneratorKeptInAVariable) {
  // Like a lambda Task: the lambda object must outlive the generator (its captures live in the
  // lambda, not in the coroutine frame), so keep it in a named variable.
  Recorder rec;
  auto all = rec.run([]() -> aio::Task<std::vector<std::string>> {
    auto make = [prefix = std::string(40, 'p')](int n) -> aio::AsyncGenerator<std::string> {
      for (int i = 0; i < n; ++i) {
        co_await aio::sleep(1ms);
        co_yield prefix + std::to_string(i);
      }
    };
    auto gen = make(2);
    co_return co_await drain(std::move(gen));
  });
  EXPECT_EQ(all,
            (std::vector<std::string>{std::string(40, 'p') + "0", std::string(40, 'p') + "1"}));
}

// ---- misuse ----------------------------------------------------------------------------------

TEST(Generator, NextOnAMovedFromGeneratorThrows) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    auto gen = numbers(1);
    auto other = std::move(gen);
    EXPECT_FALSE(gen.valid());  // NOLINT(bugprone-use-after-move): that is the point
    EXPECT_THROW((void)gen.next(), aio::RuntimeError);
    EXPECT_EQ(co_await other.next(), std::optional<int>(1));
  });
}

TEST(Generator, TwoConsumersAtOnceAreRefused) {
  Lifetimes counts;
  Recorder rec;
  rec.run([&counts]() -> aio::Task<> {
    auto gen = ticking(3, 1s, counts);
    auto first = aio::create_task(
        [&gen]() -> aio::Task<> { EXPECT_EQ(co_await gen.next(), std::optional<int>(1)); },
        "first");
    co_await aio::sleep(500ms);  // first is now inside the producer's sleep
    std::string message;
    try {
      (void)co_await gen.next();
    } catch (const aio::RuntimeError& error) {
      message = error.what();
    }
    EXPECT_NE(message.find("generator 'ticking' is already running"), std::string::npos) << message;
    co_await first;
    // Once the first consumer has its value, the generator can be pulled again.
    EXPECT_EQ(co_await gen.next(), std::optional<int>(2));
  });
  EXPECT_EQ(counts.destroyed, 1);
}

// ---- stack safety ----------------------------------------------------------------------------

constexpr int kMillion = 1'000'000;

aio::AsyncGenerator<int> sequence(int count) {
  for (int i = 0; i < count; ++i) co_yield i % 7;
}

TEST(Generator, AMillionSynchronousYieldsDoNotGrowTheStack) {
  Recorder rec;
  std::int64_t sum = rec.run([]() -> aio::Task<std::int64_t> {
    auto gen = sequence(kMillion);
    std::int64_t total = 0;
    while (auto value = co_await gen.next()) total += *value;
    co_return total;
  });
  std::int64_t expected = 0;
  for (int i = 0; i < kMillion; ++i) expected += i % 7;
  EXPECT_EQ(sum, expected);
}

TEST(Generator, AMillionSynchronousYieldsThroughAPipelineStage) {
  Recorder rec;
  std::int64_t count = rec.run([]() -> aio::Task<std::int64_t> {
    auto gen = only_even(sequence(kMillion));
    std::int64_t n = 0;
    while (co_await gen.next()) ++n;
    co_return n;
  });
  std::int64_t expected = 0;
  for (int i = 0; i < kMillion; ++i) expected += (i % 7) % 2 == 0 ? 1 : 0;
  EXPECT_EQ(count, expected);
}

// Each level re-yields what the level below yields: a value travels up `depth` frames.
aio::AsyncGenerator<int> nested(int depth) {
  if (depth == 0) {
    co_yield 1;
    co_yield 2;
    co_return;
  }
  auto inner = nested(depth - 1);
  while (auto value = co_await inner.next()) co_yield *value;
}

TEST(Generator, ADeepChainOfGeneratorsDoesNotGrowTheStack) {
  constexpr int kDepth = 100'000;  // every value crosses every level: keep it fast under ASan
  Recorder rec;
  EXPECT_EQ(rec.run(drain(nested(kDepth))), (std::vector<int>{1, 2}));
}

}  // namespace
