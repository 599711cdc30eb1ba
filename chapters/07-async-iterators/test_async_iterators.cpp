// Graders of chapter 07 — async iterators.
//
// Everything runs on the simulated clock, so times are exact. The graders bring their own
// instruments: consumers that print what they receive (and take their time between pulls), and
// producers that print each value they yield and their cleanup. Interleaved in one timeline,
// those lines show who ran when: a lazy generator only works when its consumer asks.
//
// Where a test goes through the learner's count_up (sum_until(count_up(10), 6)), count_up is
// wrapped in an invisible recorder (`recorded` below) that notes when each value was asked for
// and when it came. A failure can then say whose fault it is: count_up's (a value took the wrong
// time, the cleanup line is missing) or the caller's (it asked for a value it did not need).
#include <grading/grading.hpp>

#include <algorithm>
#include <memory>
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

// What a recorder saw of the generator it wraps: for each value, when it was asked for and when
// it came.
struct Pull {
  Duration asked{};
  Duration got{};
  int value = 0;
};
struct Pulls {
  std::vector<Pull> values;
  bool ended = false;  // the source said std::nullopt
};

// Passes on every value of `source`, unchanged and at once, noting each pull in `*pulls`. It is
// lazy like any generator (it asks `source` only when asked), prints nothing and takes no time,
// so the run is the same as without it: only the graders can tell it is there.
aio::AsyncGenerator<int> recorded(aio::AsyncGenerator<int> source, std::shared_ptr<Pulls> pulls) {
  while (true) {
    Duration asked = aio::now();
    auto value = co_await source.next();
    if (!value) break;
    pulls->values.push_back({asked, aio::now(), *value});
    co_yield *value;
  }
  pulls->ended = true;
}

// The learner's count_up(max), recorded.
aio::AsyncGenerator<int> recorded_count_up(int max, std::shared_ptr<Pulls> pulls) {
  return recorded(ch07::count_up(max), std::move(pulls));
}

// The tutorial's consumer: `async for num in AsyncCounter(max): print(f"Count: {num}")`.
aio::Task<> print_counts(int max, std::shared_ptr<Pulls> pulls) {
  auto counter = recorded_count_up(max, pulls);
  while (auto number = co_await counter.next()) aio::print("Count: ", *number);
}

// A consumer that takes `pause` before each pull (including the first).
aio::Task<> slow_consumer(int max, Duration pause, std::shared_ptr<Pulls> pulls) {
  auto counter = recorded_count_up(max, pulls);
  co_await aio::sleep(pause);
  while (auto number = co_await counter.next()) {
    aio::print("(consumer) got ", *number);
    co_await aio::sleep(pause);
  }
  aio::print("(consumer) done");
}

// Takes `take` values of count_up(max), then drops the generator.
aio::Task<> stop_early(int max, int take, std::shared_ptr<Pulls> pulls) {
  {
    auto counter = recorded_count_up(max, pulls);
    for (int i = 0; i < take; ++i) {
      auto number = co_await counter.next();
      aio::print("(consumer) got ", number.value_or(-1));
    }
    aio::print("(consumer) stops and drops the generator");
  }
  aio::print("(consumer) carries on");
}

// Two counters at once, count_up(3) as "a" and count_up(2) as "b", asked in turns: a, b, a, b,
// then b (which has ended), then a twice (its last value, then its end).
aio::Task<> two_counters(std::shared_ptr<Pulls> a_pulls, std::shared_ptr<Pulls> b_pulls) {
  auto a = recorded_count_up(3, a_pulls);
  auto b = recorded_count_up(2, b_pulls);
  const char turns[] = {'a', 'b', 'a', 'b', 'b', 'a', 'a'};
  for (char turn : turns) {
    auto& counter = turn == 'a' ? a : b;
    auto number = co_await counter.next();
    if (number) {
      aio::print("(consumer) ", turn, " got ", *number);
    } else {
      aio::print("(consumer) ", turn, " has ended");
    }
  }
}

// The graders call sum_until / collect from a coroutine of their own, so that the generator
// (destroyed with sum_until's frame) is cleaned up inside the running loop, before this line.
aio::Task<int> report_sum_until(aio::AsyncGenerator<int> gen, int limit) {
  int sum = co_await ch07::sum_until(std::move(gen), limit);
  aio::print("(grader) sum_until returned ", sum);
  co_return sum;
}

aio::Task<std::vector<int>> collect_count_up(int max, std::shared_ptr<Pulls> pulls) {
  co_return co_await ch07::collect(recorded_count_up(max, pulls));
}

aio::Task<std::vector<int>> collect_producer(std::vector<int> values, Duration interval,
                                             Cleanups& cleanups) {
  co_return co_await ch07::collect(producer(std::move(values), interval, cleanups));
}

// collect called twice in one run, on two producers.
aio::Task<std::vector<std::vector<int>>> collect_twice(std::vector<int> first,
                                                       std::vector<int> second, Duration interval,
                                                       Cleanups& cleanups) {
  std::vector<std::vector<int>> results;
  results.push_back(co_await ch07::collect(producer(std::move(first), interval, cleanups)));
  results.push_back(co_await ch07::collect(producer(std::move(second), interval, cleanups)));
  co_return results;
}

aio::Task<int> sum_until_count_up(int max, int limit, std::shared_ptr<Pulls> pulls) {
  co_return co_await report_sum_until(recorded_count_up(max, pulls), limit);
}

aio::Task<int> sum_until_producer(std::vector<int> values, Duration interval, int limit,
                                  Cleanups& cleanups) {
  co_return co_await report_sum_until(producer(std::move(values), interval, cleanups), limit);
}

// sum_until called twice in one run, on two producers.
aio::Task<std::vector<int>> sum_until_twice(std::vector<int> first, int first_limit,
                                            std::vector<int> second, int second_limit,
                                            Duration interval, Cleanups& cleanups) {
  std::vector<int> sums;
  sums.push_back(
      co_await report_sum_until(producer(std::move(first), interval, cleanups), first_limit));
  sums.push_back(
      co_await report_sum_until(producer(std::move(second), interval, cleanups), second_limit));
  co_return sums;
}

aio::Task<> print_evens_of_count_up(int max, std::shared_ptr<Pulls> pulls) {
  auto even = ch07::evens(recorded_count_up(max, pulls));
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

// Every value of evens(producer(values)), in order.
aio::Task<std::vector<int>> evens_of(std::vector<int> values, Duration interval,
                                     Cleanups& cleanups) {
  auto even = ch07::evens(producer(std::move(values), interval, cleanups));
  std::vector<int> got;
  while (auto number = co_await even.next()) got.push_back(*number);
  co_return got;
}

// Two evens pipelines at once, asked in turns until both have ended.
aio::Task<std::vector<std::vector<int>>> two_pipelines(std::vector<int> first,
                                                       std::vector<int> second, Duration interval,
                                                       Cleanups& cleanups) {
  auto a = ch07::evens(producer(std::move(first), interval, cleanups));
  auto b = ch07::evens(producer(std::move(second), interval, cleanups));
  std::vector<std::vector<int>> got(2);
  bool a_done = false;
  bool b_done = false;
  while (!a_done || !b_done) {
    if (!a_done) {
      auto value = co_await a.next();
      if (value) got[0].push_back(*value);
      a_done = !value;
    }
    if (!b_done) {
      auto value = co_await b.next();
      if (value) got[1].push_back(*value);
      b_done = !value;
    }
  }
  co_return got;
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

std::string list_of(const std::vector<int>& values) {
  if (values.empty()) return "nothing";
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(values[i]);
  return text;
}

std::string braces(const std::vector<int>& values) {
  return values.empty() ? "{}" : "{" + list_of(values) + "}";
}

// What a test found wrong, one finding at a time, turned into one lesson: the only finding, or
// all of them, numbered. Several causes are named as such, so that fixing one of them is not
// mistaken for fixing the test. A finding is a fact ("count_up(3) yielded 1, 2 and ended") and,
// optionally, why it is wrong; findings with the same why share it.
class Problems {
 public:
  void add(std::string text) { items_.push_back({std::move(text), ""}); }
  void add(std::string fact, std::string why) {
    for (auto& item : items_) {
      if (item.second == why) {
        item.first += ", and " + fact;
        return;
      }
    }
    items_.push_back({std::move(fact), std::move(why)});
  }
  // Every finding of `other`, each fact preceded by `prefix`.
  void add_all(const Problems& other, const std::string& prefix = "") {
    for (const auto& [fact, why] : other.items_) {
      if (why.empty()) {
        add(prefix + fact);
      } else {
        add(prefix + fact, why);
      }
    }
  }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }

  std::string lesson(const std::string& otherwise) const {
    if (items_.empty()) return otherwise;
    if (items_.size() == 1) return text(items_.front());
    std::string all = std::to_string(items_.size()) + " things are wrong here, each on its own:";
    for (std::size_t i = 0; i < items_.size(); ++i)
      all += "\n  (" + std::to_string(i + 1) + ") " + text(items_[i]);
    return all;
  }

 private:
  static std::string text(const std::pair<std::string, std::string>& item) {
    return item.second.empty() ? item.first : item.first + ": " + item.second;
  }
  std::vector<std::pair<std::string, std::string>> items_;
};

const std::string generic_count_lesson =
    "count_up waits 0.5 s, then yields the next number, so number n reaches the consumer 0.5 s "
    "after the consumer asked for it; \"Counter closed\" is printed once, when the generator's "
    "body is left.";

// What the recorded pulls and the number of "Counter closed" lines say is wrong with count_up,
// when it was asked for the values `expected` (1, 2, ... in order; empty for a max of 0 or
// less): one sentence per mistake found, none when count_up behaved.
Problems count_up_problems(const Pulls& pulls, int closed, const std::vector<int>& expected,
                           int max) {
  Problems problems;
  std::vector<int> values;
  std::vector<Duration> waits;  // how long count_up worked for each value after being asked
  for (const Pull& pull : pulls.values) {
    values.push_back(pull.value);
    waits.push_back(pull.got - pull.asked);
  }
  if (max <= 0 && !values.empty()) {
    problems.add(
        "count_up(" + std::to_string(max) + ") yielded " + list_of(values) +
        ": with a max of 0 or less there is nothing to count, so the loop must not run at all. "
        "Test the condition before the first value (for (int n = 1; n <= max; ++n)), not only "
        "after it, as a do-while loop does.");
  } else {
    // While count_up is still running, what it yielded so far must begin the expected values;
    // once it has ended, it must have yielded all of them.
    std::size_t seen = pulls.ended ? expected.size() : std::min(expected.size(), values.size());
    std::vector<int> wanted(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(seen));
    if (values != wanted) {
      problems.add("count_up(" + std::to_string(max) + ") yielded " + list_of(values) +
                       (pulls.ended ? " and ended" : "") + " where " + list_of(wanted) +
                       " were expected",
                   "every count_up(max) counts 1, 2, ... on its own. Its count is a local of "
                   "the generator, which lives in the paused frame across every co_yield, one "
                   "per counter; a static count is shared by every counter and kept from one "
                   "call to the next.");
    }
  }
  bool all_half = std::all_of(waits.begin(), waits.end(), [](Duration w) { return w == kTick; });
  if (!waits.empty() && !all_half) {
    bool later_ones_quicker =
        std::any_of(waits.begin() + 1, waits.end(), [&](Duration w) { return w < waits[0]; });
    if (waits.size() >= 2 && waits[0] > kTick && later_ones_quicker) {
      problems.add(
          "not lazy: the first value took " + format_duration(waits[0]) +
          " to arrive and the next ones came without their own wait, so count_up computed its "
          "values before yielding the first. A generator hands out each value as soon as it is "
          "ready and pauses at co_yield until the consumer asks for the next: sleep 0.5 s, then "
          "co_yield, inside the same loop.");
    } else if (waits[0] <= 0s) {
      problems.add(
          "the first value came at once: count_up must wait 0.5 s *before* each value (sleep, "
          "then co_yield), so that every number arrives 0.5 s after it was asked for.");
    } else if (std::all_of(waits.begin(), waits.end(), [&](Duration w) { return w == waits[0]; })) {
      problems.add("wrong interval: count_up took " + format_duration(waits[0]) +
                   " per value; it must wait exactly 0.5 s (500ms) before each one.");
    } else {
      std::string list;
      for (Duration w : waits) list += (list.empty() ? "" : ", ") + format_duration(w);
      problems.add("count_up took " + list +
                   " for its values, one after the other; each value must take exactly "
                   "0.5 s from the moment it is asked for (sleep 0.5 s, then co_yield).");
    }
  }
  if (closed == 0) {
    problems.add(
        "the cleanup never ran: \"Counter closed\" was not printed. When the consumer stops "
        "early, the generator is destroyed while it is paused at its co_yield, so code after "
        "the loop never runs. Print \"Counter closed\" from a destructor (an RAII guard declared "
        "at the top of count_up), which runs however the body is left.");
  } else if (closed > 1) {
    problems.add("the cleanup ran " + std::to_string(closed) +
                 " times: print \"Counter closed\" in one place only. An RAII guard's "
                 "destructor covers the normal end and an early stop alike.");
  }
  return problems;
}

std::vector<int> one_to(int n) {
  std::vector<int> values;
  for (int k = 1; k <= n; ++k) values.push_back(k);
  return values;
}

// Added to sum_until's lessons when the count_up it went through misbehaved too.
const std::string count_up_note = "count_up's own mistake (the CountUp tests show it on its own): ";

// Explains a sum_until run that made the producer yield `pulled` values where `needed` were
// enough (`limit`: the limit it was given).
std::string sum_until_lesson(int needed, int pulled, int limit, bool exact = false) {
  if (needed == 0 && pulled > 0) {
    return "sum_until asked for a value although the limit (" + std::to_string(limit) +
           ") was already reached: the sum starts at 0, and 0 >= " + std::to_string(limit) +
           ", so the answer is 0 without a single next(). Compare before each next(), not only "
           "after adding: while (sum < limit) { ...next()... }.";
  }
  if (pulled == needed + 1) {
    // An equal sum fits two causes (a strict comparison, or a check that comes after the next
    // next()); a sum already past the limit fits only the second.
    return std::string("sum_until asked for one value it did not need: ") +
           (exact ? "the sum had landed exactly on the limit (" + std::to_string(limit) +
                        "). Either the comparison was sum > limit, which an equal sum does not "
                        "pass (reaching the limit includes equal: sum >= limit), or the check "
                        "came only after the next() that fetched one more value. "
                  : "the sum had already reached the limit, and the check came only after the "
                    "next() that fetched one more value. ") +
           "Stop as soon as the sum reaches the limit, before calling next() again: every "
           "next() makes the producer work, and wait, for its value.";
  }
  if (pulled > needed + 1) {
    return "sum_until kept pulling values after the sum reached the limit: stop the loop once "
           "sum >= limit. The generator then stays paused until it is destroyed (with "
           "sum_until's frame), which runs its cleanup.";
  }
  if (pulled < needed) {
    return "sum_until stopped before the sum reached the limit: keep adding values while "
           "sum < limit (stop once sum >= limit), or until the generator has no more. A value of "
           "0, or a negative one, is a value like any other: only std::nullopt ends the "
           "generator.";
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

// Explains evens giving `got` for the source `values`.
std::string evens_values_lesson(const std::vector<int>& values, const std::vector<int>& got) {
  Problems problems;
  std::vector<int> odd_passed;
  std::vector<int> even_dropped;
  for (int v : got)
    if (v % 2 != 0) odd_passed.push_back(v);
  for (int v : values)
    if (v % 2 == 0 &&
        std::count(got.begin(), got.end(), v) < std::count(values.begin(), values.end(), v) &&
        std::find(even_dropped.begin(), even_dropped.end(), v) == even_dropped.end())
      even_dropped.push_back(v);
  bool negative_odd =
      std::any_of(odd_passed.begin(), odd_passed.end(), [](int v) { return v < 0; });
  if (negative_odd) {
    problems.add("evens passed on " + list_of(odd_passed) +
                 ", which are odd: in C++, -3 % 2 is -1, not 1 (the remainder takes the "
                 "sign of the left operand), so a test like value % 2 != 1 lets negative "
                 "odd values through. Test for even directly: value % 2 == 0.");
  } else if (!odd_passed.empty()) {
    problems.add("evens passed on " + list_of(odd_passed) +
                 ", which are odd: yield a value only when value % 2 == 0.");
  }
  if (!even_dropped.empty()) {
    problems.add(
        "evens left out " + list_of(even_dropped) +
        ", which are even: 0 is even, and so are negative multiples of 2 (value % 2 == 0). A "
        "value of 0 is a value like any other: only std::nullopt ends the source.");
  }
  return problems.lesson(
      "evens yields every even value of its source, in order, and nothing else.");
}

// Explains collect returning `got` for a generator that yielded `values`.
std::string collect_lesson(const std::vector<int>& values, const std::vector<int>& got) {
  auto zero = std::find(values.begin(), values.end(), 0);
  if (zero != values.end() && got == std::vector<int>(values.begin(), zero)) {
    return "collect stopped at the value 0 (value number " +
           std::to_string(zero - values.begin() + 1) +
           "): 0 is a value, not the end. The end is next() giving std::nullopt: test the "
           "optional itself (while (auto value = co_await gen.next())), not the number in it "
           "(value_or(0), or *value in the condition).";
  }
  return "collect keeps every value the generator yields, in order, and stops only when next() "
         "gives std::nullopt (the generator has ended).";
}

// ---- expected timelines ------------------------------------------------------------------

Timeline counts_timeline(int max) {
  Timeline expected;
  for (int n = 1; n <= max; ++n) expected.push_back({n * kTick, "Count: " + std::to_string(n)});
  expected.push_back({std::max(max, 0) * kTick, kClosed});
  return expected;
}

void expect_counts(int max) {
  SCOPED_TRACE("the grader printed \"Count: n\" for each value of count_up(" + std::to_string(max) +
               ")");
  auto pulls = std::make_shared<Pulls>();
  auto run = grading::run(print_counts(max, pulls));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson =
      count_up_problems(*pulls, count_of(run.timeline(), kClosed), one_to(max), max)
          .lesson(generic_count_lesson);
  EXPECT_TRUE(grading::timeline_is(run, counts_timeline(max), lesson));
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
Timeline producer_lines(const std::vector<int>& values, Duration interval, Duration start = 0s) {
  Timeline lines;
  for (std::size_t i = 0; i < values.size(); ++i) {
    lines.push_back({start + static_cast<int>(i + 1) * interval,
                     "(producer) yields " + std::to_string(values[i])});
  }
  return lines;
}

// The producers' cleanup ran `expected` times, as a finding: {fact, why}, or an empty fact.
std::pair<std::string, std::string> cleanup_problem(const Cleanups& cleanups, int expected,
                                                    const std::string& who) {
  if (cleanups.count == expected) return {};
  std::string wanted =
      expected == 1 ? "exactly once" : std::to_string(expected) + " times, once each";
  return {(expected == 1 ? "the grader's producer was" : "the grader's producers were") +
              std::string(" cleaned up ") + std::to_string(cleanups.count) + " times, expected " +
              wanted,
          who + " owns the generator it was given (it was moved in): when " + who +
              " is done with it, the generator is destroyed, once, and its RAII cleanup runs. Do "
              "not keep it anywhere that outlives " +
              who + "."};
}

void add_cleanup_problem(Problems& problems, const Cleanups& cleanups, int expected,
                         const std::string& who) {
  auto [fact, why] = cleanup_problem(cleanups, expected, who);
  if (!fact.empty()) problems.add(fact, why);
}

::testing::AssertionResult cleaned_up(const Cleanups& cleanups, int expected,
                                      const std::string& who) {
  auto [fact, why] = cleanup_problem(cleanups, expected, who);
  if (fact.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << fact << ".\nWhat you missed: " << why << "\n"
                                       << grading::hints_pointer();
}

::testing::AssertionResult cleaned_up_once(const Cleanups& cleanups, const std::string& who) {
  return cleaned_up(cleanups, 1, who);
}

// count_up values 1 + 2 + ... + k: the smallest k whose sum reaches `limit` (at most `max`).
int values_needed(int max, int limit) {
  int sum = 0;
  for (int k = 1; k <= max; ++k) {
    if (sum >= limit) return k - 1;
    sum += k;
  }
  return max;
}

// For a producer's `values`: how many are needed to reach `limit`, and their sum.
std::pair<int, int> needed_and_sum(const std::vector<int>& values, int limit) {
  int sum = 0;
  int needed = 0;
  for (int value : values) {
    if (sum >= limit) break;
    sum += value;
    ++needed;
  }
  return {needed, sum};
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

TEST(CountUp, AMaxOfZeroOrLessYieldsNothing) {
  for (int max : {0, -1, -7}) {
    expect_counts(max);  // no values; the body still starts and ends, so it closes once, at 0 s
    if (HasFailure()) return;
  }
}

TEST(CountUp, TwoCountersAtOnceCountOnTheirOwn) {
  auto a = std::make_shared<Pulls>();
  auto b = std::make_shared<Pulls>();
  SCOPED_TRACE("the consumer asks count_up(3) (\"a\") and count_up(2) (\"b\") in turns");
  auto run = grading::run(two_counters(a, b));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected = {{500ms, "(consumer) a got 1"},
                       {1000ms, "(consumer) b got 1"},
                       {1500ms, "(consumer) a got 2"},
                       {2000ms, "(consumer) b got 2"},
                       {2000ms, kClosed},
                       {2000ms, "(consumer) b has ended"},
                       {2500ms, "(consumer) a got 3"},
                       {2500ms, kClosed},
                       {2500ms, "(consumer) a has ended"}};
  // "Counter closed" twice is right here (one per counter): judge each counter's values and
  // times, and the cleanup from the two counters together.
  Problems problems = count_up_problems(*a, 1, one_to(3), 3);
  problems.add_all(count_up_problems(*b, 1, one_to(2), 2));
  int closed = count_of(run.timeline(), kClosed);
  if (closed != 2) {
    problems.add("\"Counter closed\" was printed " + std::to_string(closed) +
                 " times for two counters that both ran to their end: once per counter, "
                 "from an RAII guard in count_up.");
  }
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      problems.lesson("two generators are two frames: each count_up call has its own count and "
                      "its own pause point, so asking them in turns interleaves two independent "
                      "counts.")));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(CountUp, DoesNotRunAheadOfASlowConsumer) {
  int max = grading::random_int(3, 6);
  Duration pause = milliseconds(100 * grading::random_int(3, 30));
  SCOPED_TRACE("count_up(" + std::to_string(max) + "), the consumer pauses " +
               format_duration(pause) + " before each pull");
  auto pulls = std::make_shared<Pulls>();
  auto run = grading::run(slow_consumer(max, pause, pulls));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  Duration per_value = pause + kTick;  // the consumer's pause, then count_up's own 0.5 s
  for (int n = 1; n <= max; ++n)
    expected.push_back({n * per_value, "(consumer) got " + std::to_string(n)});
  expected.push_back({max * per_value + pause, kClosed});
  expected.push_back({max * per_value + pause, "(consumer) done"});
  std::string lesson =
      count_up_problems(*pulls, count_of(run.timeline(), kClosed), one_to(max), max)
          .lesson(
              "a generator is pull-based: count_up starts working on a value only when the "
              "consumer "
              "asks (co_await next()), so a slow consumer slows the producer down — it never runs "
              "ahead. Each value arrives 0.5 s after its next() call.");
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(CountUp, CleanupRunsOnceWhenTheConsumerStopsEarly) {
  int max = grading::random_int(4, 10);
  int take = grading::random_int(1, max - 1);
  SCOPED_TRACE("the consumer takes " + std::to_string(take) + " values of count_up(" +
               std::to_string(max) + "), then drops the generator");
  auto pulls = std::make_shared<Pulls>();
  auto run = grading::run(stop_early(max, take, pulls));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (int n = 1; n <= take; ++n)
    expected.push_back({n * kTick, "(consumer) got " + std::to_string(n)});
  Duration stop = take * kTick;
  expected.push_back({stop, "(consumer) stops and drops the generator"});
  expected.push_back({stop, kClosed});
  expected.push_back({stop, "(consumer) carries on"});
  std::string lesson =
      count_up_problems(*pulls, count_of(run.timeline(), kClosed), one_to(max), max)
          .lesson(
              "dropping a generator that is paused at a co_yield destroys it right there: its "
              "locals' "
              "destructors run at that moment, once, and nothing after the co_yield ever runs. "
              "\"Counter closed\" belongs in such a destructor.");
  EXPECT_TRUE(grading::timeline_is(run, expected, lesson));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- collect ------------------------------------------------------------------------------

TEST(Collect, ReturnsEveryValueOfCountUp) {
  grading::uses_learners("count_up");
  // count_up(0) first (nothing to collect), then a random max.
  for (int max : {0, grading::random_int(1, 10)}) {
    SCOPED_TRACE("collect(count_up(" + std::to_string(max) + "))");
    auto pulls = std::make_shared<Pulls>();
    auto run = grading::run(collect_count_up(max, pulls));
    ASSERT_TRUE(grading::finished(run));
    std::vector<int> expected = one_to(max);
    Problems problems;
    if (!pulls->ended) {
      problems.add(
          "collect stopped pulling before count_up had ended: it must go on "
          "until next() gives std::nullopt.");
    }
    problems.add_all(count_up_problems(*pulls, count_of(run.timeline(), kClosed), expected, max),
                     count_up_note);
    // Wrong values are collect's fault only if they are not what count_up handed it.
    std::vector<int> given;
    for (const Pull& pull : pulls->values) given.push_back(pull.value);
    bool count_ups_values = run.value && *run.value == given && given != expected;
    auto values_right = grading::returned(
        run, expected,
        count_ups_values
            ? problems.lesson("")
            : "collect pulls with co_await gen.next() until it gives std::nullopt, keeping every "
              "value in order (and none at all when the generator has none).");
    EXPECT_TRUE(values_right);
    // Wrong values explain a wrong timeline already.
    if (values_right) {
      EXPECT_TRUE(grading::timeline_is(
          run, {{max * kTick, kClosed}},
          problems.lesson(
              "collect pulls until the generator ends, so count_up runs to its end (0.5 s "
              "per value) and closes once, then; collect itself prints nothing.")));
    }
    EXPECT_TRUE(grading::real_time_below(run, 1s));
    if (HasFailure()) return;
  }
}

TEST(Collect, PullsEveryValueOfAnyGeneratorInOrder) {
  std::vector<int> values = random_values(grading::random_int(0, 8), -50, 50);
  Duration interval = random_interval();
  Cleanups cleanups;
  auto run = grading::run(collect_producer(values, interval, cleanups));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson = collect_lesson(values, run.value.value_or(std::vector<int>{}));
  auto values_right = grading::returned(run, values, lesson);
  EXPECT_TRUE(values_right);
  Timeline expected = producer_lines(values, interval);
  Duration end = static_cast<int>(values.size()) * interval;
  expected.push_back({end, "(producer) ends"});
  expected.push_back({end, "(producer) cleanup"});
  Problems problems;
  add_cleanup_problem(problems, cleanups, 1, "collect");
  // Wrong values explain a wrong timeline already.
  if (values_right) {
    EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
  }
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Collect, ZeroAndNegativeValuesAreValues) {
  const std::vector<int> values = {3, 0, -2, 0, -7, 5};
  Cleanups cleanups;
  auto run = grading::run(collect_producer(values, 200ms, cleanups));
  ASSERT_TRUE(grading::finished(run));
  std::string lesson = collect_lesson(values, run.value.value_or(std::vector<int>{}));
  EXPECT_TRUE(grading::returned(run, values, lesson));
  EXPECT_TRUE(cleaned_up_once(cleanups, "collect"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Collect, AnEmptyGeneratorGivesNoValues) {
  Cleanups cleanups;
  auto run = grading::run(collect_producer({}, 300ms, cleanups));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, std::vector<int>{},
                                "a generator that ends at once (next() gives std::nullopt on the "
                                "first call) has no values: collect returns an empty vector."));
  Problems problems;
  add_cleanup_problem(problems, cleanups, 1, "collect");
  EXPECT_TRUE(
      grading::timeline_is(run, {{0s, "(producer) ends"}, {0s, "(producer) cleanup"}},
                           problems.lesson("collect asks once, gets std::nullopt, and is done: the "
                                           "producer ends and is cleaned up at 0 s.")));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Collect, TwiceInOneProcessEachCallReturnsItsOwnValues) {
  const std::vector<int> first = {4, 0, 9};
  const std::vector<int> second = {-1, 6};
  Cleanups cleanups;
  auto run = grading::run(collect_twice(first, second, 100ms, cleanups));
  ASSERT_TRUE(grading::finished(run));
  const auto got = run.value.value_or(std::vector<std::vector<int>>{});
  std::vector<int> both = first;
  both.insert(both.end(), second.begin(), second.end());
  std::string lesson =
      got.size() == 2 && got[1] == both
          ? "the second call of collect returned the values of the first call too (" +
                braces(got[1]) +
                "): the vector was kept from one call to the next. A coroutine's locals live "
                "in its frame across every co_await, so a plain local vector is all collect "
                "needs, and each call gets a fresh one; a static one is shared by every call."
          : "each call of collect returns the values of the generator it was given, and only "
            "those.";
  EXPECT_TRUE(grading::returned(run, std::vector<std::vector<int>>{first, second}, lesson));
  EXPECT_TRUE(cleaned_up(cleanups, 2, "collect"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- sum_until ----------------------------------------------------------------------------

void expect_sum_until_count_up(int max, int limit) {
  SCOPED_TRACE("sum_until(count_up(" + std::to_string(max) + "), " + std::to_string(limit) + ")");
  auto pulls = std::make_shared<Pulls>();
  auto run = grading::run(sum_until_count_up(max, limit, pulls));
  ASSERT_TRUE(grading::finished(run));
  int needed = values_needed(max, limit);
  int sum = needed * (needed + 1) / 2;
  // Whose fault is what: how many values sum_until asked count_up for is sum_until's business;
  // how long each took, and the cleanup line, are count_up's.
  int pulled = static_cast<int>(pulls->values.size());
  Problems problems;
  if (pulled != needed) problems.add(sum_until_lesson(needed, pulled, limit, sum == limit));
  int closed = count_of(run.timeline(), kClosed);
  // count_up(max) was asked for `pulled` values: judge them, and a cleanup that must have run
  // if its body started at all.
  problems.add_all(
      count_up_problems(*pulls, pulled == 0 && closed == 0 ? 1 : closed, one_to(max), max),
      count_up_note);
  Timeline expected;
  if (needed > 0) expected.push_back({needed * kTick, kClosed});
  expected.push_back({needed * kTick, "(grader) sum_until returned " + std::to_string(sum)});
  // The grader prints what sum_until returned: the timeline shows the value too.
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      problems.lesson("the running sum 1 + 2 + ... reaches " + std::to_string(limit) + " at " +
                      std::to_string(sum) +
                      ": sum_until returns it at once (sum >= limit), without another value.")));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(SumUntil, StopsOnceTheSumReachesTheLimit) {
  grading::uses_learners("count_up");
  expect_sum_until_count_up(10, 6);
}

TEST(SumUntil, StopsAtRandomLimits) {
  grading::uses_learners("count_up");
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
  int pulled = count_of(run.timeline(), "(producer) yields");
  std::string lesson = sum_until_lesson(needed, pulled, limit, sum == limit);
  Problems problems;
  if (pulled != needed) problems.add(lesson);
  add_cleanup_problem(problems, cleanups, 1, "sum_until");
  Timeline expected =
      producer_lines(std::vector<int>(values.begin(), values.begin() + needed), interval);
  expected.push_back({needed * interval, "(producer) cleanup"});
  expected.push_back({needed * interval, "(grader) sum_until returned " + std::to_string(sum)});
  // The grader prints what sum_until returned: the timeline shows the value too.
  EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
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
  Problems problems;
  add_cleanup_problem(problems, cleanups, 1, "sum_until");
  Timeline expected = producer_lines(values, interval);
  Duration end = static_cast<int>(values.size()) * interval;
  expected.push_back({end, "(producer) ends"});
  expected.push_back({end, "(producer) cleanup"});
  expected.push_back({end, "(grader) sum_until returned " + std::to_string(total)});
  // The grader prints what sum_until returned: the timeline shows the value too.
  EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(SumUntil, AZeroOrNegativeLimitIsReachedBeforeAnyValue) {
  for (int limit : {0, -4}) {
    SCOPED_TRACE("sum_until(a generator of 5, 3, 8, " + std::to_string(limit) + ")");
    Cleanups cleanups;
    auto run = grading::run(sum_until_producer({5, 3, 8}, 400ms, limit, cleanups));
    ASSERT_TRUE(grading::finished(run));
    std::string lesson = sum_until_lesson(0, count_of(run.timeline(), "(producer) yields"), limit);
    // Never asked, the producer never started: there is no guard to clean up yet. (The grader
    // prints what sum_until returned: the timeline shows the value too.)
    EXPECT_TRUE(grading::timeline_is(run, {{0s, "(grader) sum_until returned 0"}}, lesson));
    EXPECT_TRUE(grading::real_time_below(run, 1s));
    if (HasFailure()) return;
  }
}

TEST(SumUntil, ZerosAndNegativeValuesCountLikeAnyOther) {
  // Running sums 0, 4, -2, -2, 1, 6: the limit 5 is reached by the sixth value, and only then.
  // Then a generator of zeros: the limit 1 is never reached, so everything is added up (0).
  struct Case {
    std::vector<int> values;
    int limit;
  };
  for (const Case& c : {Case{{0, 4, -6, 0, 3, 5, 2, 9}, 5}, Case{{0, 0, 0}, 1}}) {
    SCOPED_TRACE("sum_until(a generator of " + list_of(c.values) + ", " + std::to_string(c.limit) +
                 ")");
    auto [needed, sum] = needed_and_sum(c.values, c.limit);
    Cleanups cleanups;
    auto run = grading::run(sum_until_producer(c.values, 100ms, c.limit, cleanups));
    ASSERT_TRUE(grading::finished(run));
    int pulled = count_of(run.timeline(), "(producer) yields");
    std::string lesson = sum_until_lesson(needed, pulled, c.limit, sum == c.limit);
    Problems problems;
    if (pulled != needed) problems.add(lesson);
    add_cleanup_problem(problems, cleanups, 1, "sum_until");
    Timeline expected =
        producer_lines(std::vector<int>(c.values.begin(), c.values.begin() + needed), 100ms);
    Duration end = needed * 100ms;
    if (sum < c.limit) expected.push_back({end, "(producer) ends"});  // never reached
    expected.push_back({end, "(producer) cleanup"});
    expected.push_back({end, "(grader) sum_until returned " + std::to_string(sum)});
    // The grader prints what sum_until returned: the timeline shows the value too.
    EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
    EXPECT_TRUE(grading::real_time_below(run, 1s));
    if (HasFailure()) return;
  }
}

TEST(SumUntil, TwiceInOneProcessEachCallStartsFromZero) {
  Cleanups cleanups;
  auto run = grading::run(sum_until_twice({2, 3, 4}, 5, {1, 1, 1, 1}, 3, 100ms, cleanups));
  ASSERT_TRUE(grading::finished(run));
  auto got = run.value.value_or(std::vector<int>{});
  std::string lesson =
      "each call of sum_until starts its sum at 0 and counts only its own generator's values: "
      "the sum is a plain local, which lives in the coroutine's frame across every co_await "
      "(a static would be shared by every call and keep the last call's sum).";
  if (got.size() == 2 && got[0] == 5 && got[1] != 3) {
    lesson = "the second call of sum_until returned " + std::to_string(got[1]) +
             " where its own values give 3: it did not start from 0. " + lesson;
  }
  EXPECT_TRUE(grading::returned(run, std::vector<int>{5, 3}, lesson));
  EXPECT_TRUE(cleaned_up(cleanups, 2, "sum_until"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- evens --------------------------------------------------------------------------------

TEST(Evens, YieldsTheEvenValuesOfCountUp) {
  grading::uses_learners("count_up");
  int max = grading::random_int(4, 12);
  SCOPED_TRACE("the grader prints \"Even: n\" for each value of evens(count_up(" +
               std::to_string(max) + "))");
  auto pulls = std::make_shared<Pulls>();
  auto run = grading::run(print_evens_of_count_up(max, pulls));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  for (int n = 2; n <= max; n += 2) expected.push_back({n * kTick, "Even: " + std::to_string(n)});
  expected.push_back({max * kTick, kClosed});
  // count_up's own mistakes are told apart from evens' by what the recorder saw.
  Problems problems;
  problems.add_all(count_up_problems(*pulls, count_of(run.timeline(), kClosed), one_to(max), max),
                   count_up_note);
  auto arrivals = times_of(run.timeline(), "Even: ");
  bool count_up_on_time = problems.empty();
  if (count_up_on_time && arrivals.size() >= 2 && arrivals.front() > 2 * kTick &&
      arrivals[1] == arrivals.front()) {
    problems.add("not lazy: every even value reached the consumer at " +
                 format_duration(arrivals.front()) +
                 ", together, although count_up produced them one by one: evens read its "
                 "whole source before yielding the first. Pull one value at a time, "
                 "inside the loop that yields.");
  }
  EXPECT_TRUE(grading::timeline_is(run, expected,
                                   problems.lesson(evens_lesson(run.timeline(), "Even: ", 0))));
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
  Problems problems;
  if (starts_with(lesson, "not lazy")) problems.add(lesson);
  add_cleanup_problem(problems, cleanups, 1, "evens");
  EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Evens, ZeroAndNegativeEvenValuesAreEven) {
  const std::vector<int> values = {0, -3, -4, 7, 2, -1, 0, 5, -10};
  const std::vector<int> even = {0, -4, 2, 0, -10};
  Cleanups cleanups;
  auto run = grading::run(evens_of(values, 100ms, cleanups));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(
      run, even, evens_values_lesson(values, run.value.value_or(std::vector<int>{}))));
  EXPECT_TRUE(cleaned_up_once(cleanups, "evens"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Evens, AnEmptyOrAllOddSourceGivesNothing) {
  for (const std::vector<int>& values : {std::vector<int>{}, std::vector<int>{1, -3, 5, -7}}) {
    SCOPED_TRACE("evens(a generator of " + list_of(values) + ")");
    Cleanups cleanups;
    auto run = grading::run(evens_of(values, 250ms, cleanups));
    ASSERT_TRUE(grading::finished(run));
    auto values_right = grading::returned(
        run, std::vector<int>{},
        evens_values_lesson(values, run.value.value_or(std::vector<int>{})) +
            " With no even value in its source, evens ends when the source ends, having "
            "yielded nothing.");
    EXPECT_TRUE(values_right);
    Timeline expected = producer_lines(values, 250ms);
    Duration end = static_cast<int>(values.size()) * 250ms;
    expected.push_back({end, "(producer) ends"});
    expected.push_back({end, "(producer) cleanup"});
    Problems problems;
    add_cleanup_problem(problems, cleanups, 1, "evens");
    // Wrong values explain a wrong timeline already.
    if (values_right) {
      EXPECT_TRUE(grading::timeline_is(
          run, expected,
          problems.lesson("evens reads its source to the end looking for an even value, finds "
                          "none, and ends with it.")));
    }
    if (HasFailure()) return;
  }
}

TEST(Evens, TwoPipelinesAtOnceKeepTheirOwnValues) {
  Cleanups cleanups;
  auto run = grading::run(two_pipelines({1, 2, 3, 4, 6}, {8, 5, 0, -2}, 100ms, cleanups));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, std::vector<std::vector<int>>{{2, 4, 6}, {8, 0, -2}},
                                "each evens call is a generator of its own, with its own source "
                                "and its own place in it: asked in turns, two pipelines give "
                                "their own even values, in order."));
  EXPECT_TRUE(cleaned_up(cleanups, 2, "evens"));
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
  Problems problems;
  if (starts_with(lesson, "not lazy")) problems.add(lesson);
  add_cleanup_problem(problems, cleanups, 1, "evens");
  EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
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
  Problems problems;
  add_cleanup_problem(problems, cleanups, 1, "evens");
  EXPECT_TRUE(grading::timeline_is(run, expected, problems.lesson(lesson)));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}
