// Graders of chapter 07 — async iterators.
//
// Everything runs on the simulated clock, so times are exact. The graders bring their own
// instruments: consumers that print what they receive (and take their time between pulls), and
// producers that print each value they yield and their cleanup. Interleaved in one timeline,
// those lines show who ran when: a lazy generator only works when its consumer asks.
#include <grading/grading.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using grading::Duration;
using grading::format_duration;
using grading::Timeline;
using std::chrono::milliseconds;

const std::string kClosed = "Counter closed";
constexpr Duration kTick = 500ms;  // count_up's interval

// ---- the graders' instruments ------------------------------------------------------------

// Counts how often a grader producer's cleanup ran (its RAII guard's destructor).
struct Cleanups {
  int count = 0;
};

class ProducerCleanup {
 public:
  explicit ProducerCleanup(Cleanups& cleanups) : cleanups_(cleanups) {}
  ProducerCleanup(const ProducerCleanup&) = delete;
  ProducerCleanup& operator=(const ProducerCleanup&) = delete;
  ~ProducerCleanup() {
    ++cleanups_.count;
    aio::print("(producer) cleanup");
  }

 private:
  Cleanups& cleanups_;
};

// A producer that says what it does: waits `interval`, prints, yields; cleans up once.
aio::AsyncGenerator<int> producer(std::vector<int> values, Duration interval, Cleanups& cleanups) {
  ProducerCleanup cleanup(cleanups);
  for (int value : values) {
    co_await aio::sleep(interval);
    aio::print("(producer) yields ", value);
    co_yield value;
  }
  aio::print("(producer) ends");
}

struct SensorError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Like producer(), then fails instead of ending.
aio::AsyncGenerator<int> failing_producer(std::vector<int> values, Duration interval,
                                          Cleanups& cleanups) {
  ProducerCleanup cleanup(cleanups);
  for (int value : values) {
    co_await aio::sleep(interval);
    aio::print("(producer) yields ", value);
    co_yield value;
  }
  co_await aio::sleep(interval);
  throw SensorError("sensor unplugged");
}

// The tutorial's consumer: `async for num in AsyncCounter(max): print(f"Count: {num}")`.
aio::Task<> print_counts(int max) {
  auto counter = ch07::count_up(max);
  while (auto number = co_await counter.next()) aio::print("Count: ", *number);
}

// A consumer that takes `pause` before each pull (including the first).
aio::Task<> slow_consumer(int max, Duration pause) {
  auto counter = ch07::count_up(max);
  co_await aio::sleep(pause);
  while (auto number = co_await counter.next()) {
    aio::print("(consumer) got ", *number);
    co_await aio::sleep(pause);
  }
  aio::print("(consumer) done");
}

// Takes `take` values of count_up(max), then drops the generator.
aio::Task<> stop_early(int max, int take) {
  {
    auto counter = ch07::count_up(max);
    for (int i = 0; i < take; ++i) {
      auto number = co_await counter.next();
      aio::print("(consumer) got ", number.value_or(-1));
    }
    aio::print("(consumer) stops and drops the generator");
  }
  aio::print("(consumer) carries on");
}

// The graders call sum_until / collect from a coroutine of their own, so that the generator
// (destroyed with sum_until's frame) is cleaned up inside the running loop, before this line.
aio::Task<int> report_sum_until(aio::AsyncGenerator<int> gen, int limit) {
  int sum = co_await ch07::sum_until(std::move(gen), limit);
  aio::print("(grader) sum_until returned ", sum);
  co_return sum;
}

aio::Task<std::vector<int>> collect_count_up(int max) {
  co_return co_await ch07::collect(ch07::count_up(max));
}

aio::Task<std::vector<int>> collect_producer(std::vector<int> values, Duration interval,
                                             Cleanups& cleanups) {
  co_return co_await ch07::collect(producer(std::move(values), interval, cleanups));
}

aio::Task<int> sum_until_count_up(int max, int limit) {
  co_return co_await report_sum_until(ch07::count_up(max), limit);
}

aio::Task<int> sum_until_producer(std::vector<int> values, Duration interval, int limit,
                                  Cleanups& cleanups) {
  co_return co_await report_sum_until(producer(std::move(values), interval, cleanups), limit);
}

aio::Task<> print_evens_of_count_up(int max) {
  auto even = ch07::evens(ch07::count_up(max));
  while (auto number = co_await even.next()) aio::print("Even: ", *number);
}

// Pulls evens(producer) with a pause before each pull, printing what it gets.
aio::Task<> slow_evens_consumer(std::vector<int> values, Duration interval, Duration pause,
                                Cleanups& cleanups) {
  auto even = ch07::evens(producer(std::move(values), interval, cleanups));
  co_await aio::sleep(pause);
  while (auto number = co_await even.next()) {
    aio::print("(consumer) got ", *number);
    co_await aio::sleep(pause);
  }
  aio::print("(consumer) done");
}

aio::Task<> first_even_then_drop(std::vector<int> values, Duration interval, Cleanups& cleanups) {
  {
    auto even = ch07::evens(producer(std::move(values), interval, cleanups));
    auto first = co_await even.next();
    aio::print("(consumer) got ", first.value_or(-1));
    aio::print("(consumer) drops evens");
  }
  aio::print("(consumer) carries on");
}

aio::Task<> evens_of_failing_producer(std::vector<int> values, Duration interval,
                                      Cleanups& cleanups) {
  auto even = ch07::evens(failing_producer(std::move(values), interval, cleanups));
  try {
    while (auto number = co_await even.next()) aio::print("(consumer) got ", *number);
  } catch (const SensorError& error) {
    aio::print("(consumer) caught: ", error.what());
  }
}

// ---- reading a run: which mistake does it show? --------------------------------------------

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// When the lines starting with `prefix` were printed.
std::vector<Duration> times_of(const Timeline& actual, const std::string& prefix) {
  std::vector<Duration> times;
  for (const auto& line : actual)
    if (starts_with(line.text, prefix)) times.push_back(line.time);
  return times;
}

int count_of(const Timeline& actual, const std::string& prefix) {
  return static_cast<int>(times_of(actual, prefix).size());
}

const std::string generic_count_lesson =
    "count_up waits 0.5 s, then yields the next number, so number n reaches the consumer 0.5 s "
    "after the consumer asked for it; \"Counter closed\" is printed once, when the generator's "
    "body is left.";

// Explains a count_up timeline whose "Count"/"got" lines start with `prefix`. The consumer
// paused `pause` before each pull, so value i arrived (pause + producer's wait) after value i-1.
std::string count_up_lesson(const Timeline& actual, const std::string& prefix,
                            Duration pause = 0s) {
  std::vector<Duration> waits;  // how long count_up worked for each value after being asked
  Duration previous = 0s;
  for (Duration t : times_of(actual, prefix)) {
    waits.push_back(t - previous - pause);
    previous = t;
  }
  bool all_half = std::all_of(waits.begin(), waits.end(), [](Duration w) { return w == kTick; });
  if (!waits.empty() && !all_half) {
    bool later_ones_quicker =
        std::any_of(waits.begin() + 1, waits.end(), [&](Duration w) { return w < waits[0]; });
    if (waits.size() >= 2 && waits[0] > kTick && later_ones_quicker) {
      return "not lazy: the first value took " + format_duration(waits[0]) +
             " to arrive and the next ones came without their own wait, so count_up computed "
             "its values before yielding the first. A generator hands out each value as soon as "
             "it is ready and pauses at co_yield until the consumer asks for the next: sleep "
             "0.5 s, then co_yield, inside the same loop.";
    }
    if (waits[0] <= 0s) {
      return "the first value came at once: count_up must wait 0.5 s *before* each value "
             "(sleep, then co_yield), so that every number arrives 0.5 s after it was asked "
             "for.";
    }
    if (std::all_of(waits.begin(), waits.end(), [&](Duration w) { return w == waits[0]; })) {
      return "wrong interval: count_up took " + format_duration(waits[0]) +
             " per value; it must wait exactly 0.5 s (500ms) before each one.";
    }
  }
  int closed = count_of(actual, kClosed);
  if (closed == 0) {
    return "the cleanup never ran: when the consumer stops early, the generator is destroyed "
           "while it is paused at its co_yield, so code after the loop never runs. Print "
           "\"Counter closed\" from a destructor (an RAII guard declared at the top of "
           "count_up), which runs however the body is left.";
  }
  if (closed > 1) {
    return "the cleanup ran " + std::to_string(closed) +
           " times: print \"Counter closed\" in one place only. An RAII guard's destructor "
           "covers the normal end and an early stop alike.";
  }
  return generic_count_lesson;
}

// Added to the lessons of tests that run the learner's count_up under another exercise.
const std::string fix_count_up_first =
    " (This test uses your count_up: if the CountUp tests fail too, fix count_up first.)";

// Explains a sum_until run that made the producer yield `pulled` values where `needed` were
// enough.
std::string sum_until_lesson(int needed, int pulled) {
  if (pulled == needed + 1) {
    return "sum_until asked for one value it did not need: check the sum right after adding "
           "each value and stop (break) as soon as it reaches the limit, before calling next() "
           "again. Every next() makes the producer work, and wait, for its value.";
  }
  if (pulled > needed + 1) {
    return "sum_until kept pulling values after the sum reached the limit: break out of the "
           "loop once sum >= limit. The generator then stays paused until it is destroyed "
           "(with sum_until's frame), which runs its cleanup.";
  }
  if (pulled < needed) {
    return "sum_until stopped before the sum reached the limit: keep adding values while "
           "sum < limit (stop once sum >= limit), or until the generator has no more.";
  }
  return "sum_until adds the values in order and stops pulling as soon as sum >= limit; if the "
         "generator runs out first, the sum of everything is the answer.";
}

// Explains an evens timeline: `first_even_at` is how many source values it takes to reach the
// first even one.
std::string evens_lesson(const Timeline& actual, const std::string& consumer_prefix,
                         int first_even_at) {
  int produced_before_first = 0;
  for (const auto& line : actual) {
    if (starts_with(line.text, consumer_prefix)) break;
    if (starts_with(line.text, "(producer) yields")) ++produced_before_first;
  }
  if (first_even_at > 0 && produced_before_first > first_even_at) {
    return "not lazy: evens pulled " + std::to_string(produced_before_first) +
           " values from its source before its consumer got the first even one (value number " +
           std::to_string(first_even_at) +
           "). Pull one value at a time, inside the loop that yields: a generator runs only "
           "when its consumer asks.";
  }
  return "evens passes on the even values of its source, one at a time: for each value it "
         "needs it asks the source once (co_await source.next()) and co_yields the value if it "
         "is even.";
}

// ---- expected timelines ------------------------------------------------------------------

Timeline counts_timeline(int max) {
  Timeline expected;
  for (int n = 1; n <= max; ++n) expected.push_back({n * kTick, "Count: " + std::to_string(n)});
  expected.push_back({max * kTick, kClosed});
  return expected;
}

void expect_counts(int max) {
  SCOPED_TRACE("the grader printed \"Count: n\" for each value of count_up(" + std::to_string(max) +
               ")");
  auto run = grading::run(print_counts(max));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson = count_up_lesson(run.timeline(), "Count: ");
  EXPECT_TRUE(grading::timeline_is(run, counts_timeline(max), lesson));
  EXPECT_TRUE(grading::elapsed_is(run, max * kTick, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// Random values for the graders' producers, between low and high.
std::vector<int> random_values(int count, int low, int high) {
  std::vector<int> values;
  for (int i = 0; i < count; ++i) values.push_back(grading::random_int(low, high));
  return values;
}

Duration random_interval() {
  return milliseconds(100 * grading::random_int(1, 15));
}

// The producer's lines for `values` yielded every `interval` to a consumer that asks at once.
Timeline producer_lines(const std::vector<int>& values, Duration interval) {
  Timeline lines;
  for (std::size_t i = 0; i < values.size(); ++i) {
    lines.push_back(
        {static_cast<int>(i + 1) * interval, "(producer) yields " + std::to_string(values[i])});
  }
  return lines;
}

::testing::AssertionResult cleaned_up_once(const Cleanups& cleanups, const std::string& who) {
  if (cleanups.count == 1) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the grader's producer was cleaned up " << cleanups.count
         << " times, expected exactly once.\nWhat you missed: " << who
         << " owns the generator it was given (it was moved in): when " << who
         << " is done with it, the generator is destroyed, once, and its RAII cleanup runs. "
            "Do not keep it anywhere that outlives "
         << who << ".\n"
         << grading::hints_pointer();
}

}  // namespace

// ---- count_up -----------------------------------------------------------------------------

TEST(CountUp, CountsToFiveEveryHalfSecond) {
  expect_counts(5);
}

TEST(CountUp, CountsToARandomMax) {
  for (int round = 0; round < 3; ++round) {
    expect_counts(grading::random_int(2, 12));
    if (HasFailure()) return;  // one explained failure is enough
  }
}

TEST(CountUp, DoesNotRunAheadOfASlowConsumer) {
  int max = grading::random_int(3, 6);
  Duration pause = milliseconds(100 * grading::random_int(3, 30));
  SCOPED_TRACE("count_up(" + std::to_string(max) + "), the consumer pauses " +
               format_duration(pause) + " before each pull");
  auto run = grading::run(slow_consumer(max, pause));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  Duration per_value = pause + kTick;  // the consumer's pause, then count_up's own 0.5 s
  for (int n = 1; n <= max; ++n)
    expected.push_back({n * per_value, "(consumer) got " + std::to_string(n)});
  expected.push_back({max * per_value + pause, kClosed});
  expected.push_back({max * per_value + pause, "(consumer) done"});
  std::string lesson = count_up_lesson(run.timeline(), "(consumer) got ", pause);
  if (lesson == generic_count_lesson) {
    lesson =
        "a generator is pull-based: count_up starts working on a value only when the consumer "
        "asks (co_await next()), so a slow consumer slows the producer down — it never runs "
        "ahead. Each value arrives 0.5 s after its next() call.";
  }
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(CountUp, CleanupRunsOnceWhenTheConsumerStopsEarly) {
  int max = grading::random_int(4, 10);
  int take = grading::random_int(1, max - 1);
  SCOPED_TRACE("the consumer takes " + std::to_string(take) + " values of count_up(" +
               std::to_string(max) + "), then drops the generator");
  auto run = grading::run(stop_early(max, take));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (int n = 1; n <= take; ++n)
    expected.push_back({n * kTick, "(consumer) got " + std::to_string(n)});
  Duration stop = take * kTick;
  expected.push_back({stop, "(consumer) stops and drops the generator"});
  expected.push_back({stop, kClosed});
  expected.push_back({stop, "(consumer) carries on"});
  std::string lesson = count_up_lesson(run.timeline(), "(consumer) got ");
  if (lesson == generic_count_lesson) {
    lesson =
        "dropping a generator that is paused at a co_yield destroys it right there: its locals' "
        "destructors run at that moment, once, and nothing after the co_yield ever runs. "
        "\"Counter closed\" belongs in such a destructor.";
  }
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(grading::elapsed_is(run, stop, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- collect ------------------------------------------------------------------------------

TEST(Collect, ReturnsEveryValueOfCountUp) {
  int max = grading::random_int(1, 10);
  SCOPED_TRACE("collect(count_up(" + std::to_string(max) + "))");
  auto run = grading::run(collect_count_up(max));
  ASSERT_TRUE(grading::finished(run));
  std::vector<int> expected;
  for (int n = 1; n <= max; ++n) expected.push_back(n);
  std::string lesson =
      "collect pulls with co_await gen.next() until it gives std::nullopt, keeping every value "
      "in order.";
  EXPECT_TRUE(grading::returned(run, expected, lesson));
  std::string end_lesson =
      "collect pulls until the generator ends, so count_up runs to its end (0.5 s per value) "
      "and closes once, then; collect itself prints nothing." +
      fix_count_up_first;
  EXPECT_TRUE(grading::timeline_is(run, {{max * kTick, kClosed}}, end_lesson));
  EXPECT_TRUE(grading::elapsed_is(run, max * kTick, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Collect, PullsEveryValueOfAnyGeneratorInOrder) {
  std::vector<int> values = random_values(grading::random_int(0, 8), -50, 50);
  Duration interval = random_interval();
  Cleanups cleanups;
  auto run = grading::run(collect_producer(values, interval, cleanups));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson =
      "collect keeps every value the generator yields, in order, and stops only when next() "
      "gives std::nullopt (the generator has ended).";
  EXPECT_TRUE(grading::returned(run, values, lesson));
  Timeline expected = producer_lines(values, interval);
  Duration end = static_cast<int>(values.size()) * interval;
  expected.push_back({end, "(producer) ends"});
  expected.push_back({end, "(producer) cleanup"});
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "collect"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- sum_until ----------------------------------------------------------------------------

// count_up values 1 + 2 + ... + k: the smallest k whose sum reaches `limit` (at most `max`).
int values_needed(int max, int limit) {
  int sum = 0;
  for (int k = 1; k <= max; ++k) {
    sum += k;
    if (sum >= limit) return k;
  }
  return max;
}

void expect_sum_until_count_up(int max, int limit) {
  SCOPED_TRACE("sum_until(count_up(" + std::to_string(max) + "), " + std::to_string(limit) + ")");
  auto run = grading::run(sum_until_count_up(max, limit));
  ASSERT_TRUE(grading::finished(run));
  int needed = values_needed(max, limit);
  int sum = needed * (needed + 1) / 2;
  // How many values count_up produced, read from when it was closed.
  auto closed = times_of(run.timeline(), kClosed);
  int pulled = closed.empty() ? -1 : static_cast<int>(closed.front() / kTick);
  // No "Counter closed" at all: count_up's cleanup is the problem, not sum_until.
  std::string lesson = closed.empty() ? count_up_lesson(run.timeline(), "Count: ")
                                      : sum_until_lesson(needed, pulled) + fix_count_up_first;
  EXPECT_TRUE(
      grading::returned(run, sum,
                        "the running sum 1 + 2 + ... reaches " + std::to_string(limit) + " at " +
                            std::to_string(sum) +
                            ": sum_until returns it at once (sum >= limit), without another "
                            "value."));
  EXPECT_TRUE(
      grading::timeline_is(run,
                           {{needed * kTick, kClosed},
                            {needed * kTick, "(grader) sum_until returned " + std::to_string(sum)}},
                           lesson));
  EXPECT_TRUE(grading::elapsed_is(run, needed * kTick, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(SumUntil, StopsOnceTheSumReachesTheLimit) {
  expect_sum_until_count_up(10, 6);
}

TEST(SumUntil, StopsAtRandomLimits) {
  for (int round = 0; round < 3; ++round) {
    expect_sum_until_count_up(10, grading::random_int(1, 54));
    if (HasFailure()) return;
  }
}

TEST(SumUntil, AsksForNoValueItDoesNotNeed) {
  std::vector<int> values = random_values(grading::random_int(4, 10), 1, 9);
  int needed = grading::random_int(1, static_cast<int>(values.size()) - 2);
  int limit = 0;
  for (int i = 0; i < needed; ++i) limit += values[i];
  // Any limit in (sum of needed - 1 values, sum of needed values] stops at the same value.
  limit -= grading::random_int(0, values[needed - 1] - 1);
  Duration interval = random_interval();
  Cleanups cleanups;
  auto run = grading::run(sum_until_producer(values, interval, limit, cleanups));
  ASSERT_TRUE(grading::finished(run));
  int sum = 0;
  for (int i = 0; i < needed; ++i) sum += values[i];
  std::string lesson = sum_until_lesson(needed, count_of(run.timeline(), "(producer) yields"));
  EXPECT_TRUE(grading::returned(run, sum, lesson));
  Timeline expected =
      producer_lines(std::vector<int>(values.begin(), values.begin() + needed), interval);
  expected.push_back({needed * interval, "(producer) cleanup"});
  expected.push_back({needed * interval, "(grader) sum_until returned " + std::to_string(sum)});
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "sum_until"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(SumUntil, ReturnsTheWholeSumWhenTheLimitIsNeverReached) {
  std::vector<int> values = random_values(grading::random_int(0, 6), 1, 9);
  int total = 0;
  for (int value : values) total += value;
  int limit = total + grading::random_int(1, 20);
  Duration interval = random_interval();
  Cleanups cleanups;
  auto run = grading::run(sum_until_producer(values, interval, limit, cleanups));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson =
      "when the generator ends (next() gives std::nullopt) before the sum reaches the limit, "
      "sum_until returns the sum of every value.";
  EXPECT_TRUE(grading::returned(run, total, lesson));
  Timeline expected = producer_lines(values, interval);
  Duration end = static_cast<int>(values.size()) * interval;
  expected.push_back({end, "(producer) ends"});
  expected.push_back({end, "(producer) cleanup"});
  expected.push_back({end, "(grader) sum_until returned " + std::to_string(total)});
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "sum_until"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- evens --------------------------------------------------------------------------------

TEST(Evens, YieldsTheEvenValuesOfCountUp) {
  int max = grading::random_int(4, 12);
  SCOPED_TRACE("the grader prints \"Even: n\" for each value of evens(count_up(" +
               std::to_string(max) + "))");
  auto run = grading::run(print_evens_of_count_up(max));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (int n = 2; n <= max; n += 2) expected.push_back({n * kTick, "Even: " + std::to_string(n)});
  expected.push_back({max * kTick, kClosed});
  std::string lesson = evens_lesson(run.timeline(), "Even: ", 0) + fix_count_up_first;
  auto arrivals = times_of(run.timeline(), "Even: ");
  if (arrivals.size() >= 2 && arrivals.front() > 2 * kTick && arrivals[1] == arrivals.front()) {
    lesson = "not lazy: every even value reached the consumer at " +
             format_duration(arrivals.front()) +
             ", together, so evens read its whole source before yielding the first. Pull one "
             "value at a time, inside the loop that yields." +
             fix_count_up_first;
  }
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(grading::elapsed_is(run, max * kTick, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Evens, PullsFromItsSourceOnlyWhenAsked) {
  // At least two even values, the first one not in first position.
  std::vector<int> values = random_values(grading::random_int(4, 8), 1, 30);
  values[0] = 2 * grading::random_int(0, 10) + 1;
  values[1] = 2 * grading::random_int(1, 10);
  values.back() = 2 * grading::random_int(1, 10);
  Duration interval = random_interval();
  Duration pause = milliseconds(100 * grading::random_int(1, 20));
  Cleanups cleanups;
  auto run = grading::run(slow_evens_consumer(values, interval, pause, cleanups));
  ASSERT_TRUE(grading::finished(run));
  // Replay what a lazy evens does: each pull of the consumer runs the source until an even value.
  Timeline expected;
  Duration now = pause;  // the consumer pauses before its first pull
  for (int value : values) {
    now += interval;
    expected.push_back({now, "(producer) yields " + std::to_string(value)});
    if (value % 2 == 0) {
      expected.push_back({now, "(consumer) got " + std::to_string(value)});
      now += pause;
    }
  }
  expected.push_back({now, "(producer) ends"});
  expected.push_back({now, "(producer) cleanup"});
  expected.push_back({now, "(consumer) done"});
  std::string lesson = evens_lesson(run.timeline(), "(consumer) got", 2);
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "evens"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Evens, DestroyingItEarlyDestroysItsSourceOnce) {
  std::vector<int> values = random_values(grading::random_int(4, 8), 1, 30);
  int first_even_at = grading::random_int(1, static_cast<int>(values.size()) - 1);
  for (int i = 0; i < first_even_at - 1; ++i) values[i] |= 1;  // odd before the first even
  values[first_even_at - 1] = 2 * grading::random_int(1, 15);
  Duration interval = random_interval();
  Cleanups cleanups;
  auto run = grading::run(first_even_then_drop(values, interval, cleanups));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected =
      producer_lines(std::vector<int>(values.begin(), values.begin() + first_even_at), interval);
  Duration stop = first_even_at * interval;
  int first_even = values[first_even_at - 1];
  expected.push_back({stop, "(consumer) got " + std::to_string(first_even)});
  expected.push_back({stop, "(consumer) drops evens"});
  expected.push_back({stop, "(producer) cleanup"});
  expected.push_back({stop, "(consumer) carries on"});
  std::string lesson = evens_lesson(run.timeline(), "(consumer) got", first_even_at);
  if (lesson.rfind("not lazy", 0) != 0) {
    lesson =
        "evens owns its source (a parameter, moved in): destroying evens while it is paused at "
        "a co_yield destroys its frame, and with it the source, whose cleanup runs right then, "
        "once.";
  }
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "evens"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Evens, LetsTheSourcesErrorReachTheConsumer) {
  std::vector<int> values = random_values(grading::random_int(1, 5), 1, 30);
  Duration interval = random_interval();
  Cleanups cleanups;
  auto run = grading::run(evens_of_failing_producer(values, interval, cleanups));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (std::size_t i = 0; i < values.size(); ++i) {
    Duration at = static_cast<int>(i + 1) * interval;
    expected.push_back({at, "(producer) yields " + std::to_string(values[i])});
    if (values[i] % 2 == 0) expected.push_back({at, "(consumer) got " + std::to_string(values[i])});
  }
  Duration failed = static_cast<int>(values.size() + 1) * interval;
  expected.push_back({failed, "(producer) cleanup"});
  expected.push_back({failed, "(consumer) caught: sensor unplugged"});
  std::string lesson =
      "an exception thrown by a generator comes out of the co_await next() that was running "
      "it. Through a pipeline it travels like any exception: evens does not catch it, so it "
      "reaches evens' own consumer.";
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "evens"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}
