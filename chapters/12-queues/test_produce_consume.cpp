// Graders of chapter 12, exercise 1 — produce_consume: N producers, M consumers, one bounded
// queue, shut down with close().
//
// The graders pass their own produce and consume functions. produce(p, i) prints "P<p> makes
// #<i>", takes a random time, prints "P<p> made P<p>#<i>=<token>" and returns that item (the
// token is random, so an item cannot be made up); consume(item) prints "handling <item>", takes a
// random time per item, and prints "handled <item>". They record every call: which items were
// handled, how often, in which order, and how many at once. If a consumer is cancelled while it
// handles an item, it says so ("... interrupted") and takes 0.3 s to clean up.
//
// The expected timeline comes from a model of the queue (FIFO, a capacity, no barging), run by
// the grader on the same durations: it says when each producer must wait for room, when each
// item is taken, and when everything is over. Random cases are drawn so that no two queue events
// that could go either way fall on the same instant.
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"
#include "graders_support.hpp"

namespace {

using namespace ch12_graders;

constexpr Duration kConsumerCleanup = 300ms;

// ---- the case and its model ----------------------------------------------------------------

struct Case {
  std::vector<int> counts;  // items per producer
  int consumers = 1;
  std::size_t capacity = 1;
  std::vector<std::vector<Duration>> make;      // [producer][index]
  std::vector<std::vector<std::string>> items;  // [producer][index]
  std::map<std::string, Duration> handle_time;  // item -> how long consume takes
  int total() const {
    int n = 0;
    for (int c : counts) n += c;
    return n;
  }
  std::string describe() const {
    std::string text = std::to_string(counts.size()) + " producer(s) making {";
    for (std::size_t p = 0; p < counts.size(); ++p) {
      text += (p ? ", " : "") + std::to_string(counts[p]);
    }
    return text + "} items, " + std::to_string(consumers) + " consumer(s), capacity " +
           std::to_string(capacity);
  }
};

std::string makes_line(int p, int i) {
  return "P" + std::to_string(p) + " makes #" + std::to_string(i);
}
std::string made_line(int p, const std::string& item) {
  return "P" + std::to_string(p) + " made " + item;
}

// Durations come from `make_ms(p, i)` and `handle_ms(p, i)`.
template <class MakeMs, class HandleMs>
Case build_case(std::vector<int> counts, int consumers, std::size_t capacity, MakeMs make_ms,
                HandleMs handle_ms) {
  Case c;
  c.counts = std::move(counts);
  c.consumers = consumers;
  c.capacity = capacity;
  for (std::size_t p = 0; p < c.counts.size(); ++p) {
    c.make.emplace_back();
    c.items.emplace_back();
    for (int i = 0; i < c.counts[p]; ++i) {
      const int producer = static_cast<int>(p);
      std::string item = "P" + std::to_string(p) + "#" + std::to_string(i) + "=" +
                         std::to_string(grading::random_int(100, 999));
      c.make[p].push_back(make_ms(producer, i));
      c.handle_time[item] = handle_ms(producer, i);
      c.items[p].push_back(std::move(item));
    }
  }
  return c;
}

struct Model {
  Timeline lines;
  Duration end{};
  int peak = 0;         // most items handled at once
  bool waited = false;  // some producer had to wait for room
  bool ambiguous = false;
  std::vector<std::string> taken;  // items in the order consumers took them
};

// A discrete-event model of produce_consume: one FIFO queue of `capacity`, producers that put
// each item as soon as it is made (waiting, in FIFO order, while the queue is full), `consumers`
// identical consumers that take the first item whenever they are free.
Model simulate(const Case& c) {
  Model m;
  enum class Phase { Making, Waiting, Done };
  struct Producer {
    int next = 0;
    Phase phase = Phase::Done;
    Duration until{};
  };
  std::vector<Producer> producers(c.counts.size());
  std::deque<std::string> queue;
  std::deque<int> putters;
  std::multimap<Duration, std::string> busy;  // consumer finish time -> item
  int idle = c.consumers;
  Duration t{};
  auto start_making = [&](int p) {
    Producer& producer = producers[p];
    if (producer.next < c.counts[p]) {
      m.lines.push_back({t, makes_line(p, producer.next)});
      producer.phase = Phase::Making;
      producer.until = t + c.make[p][producer.next];
    } else {
      producer.phase = Phase::Done;
    }
  };
  for (std::size_t p = 0; p < producers.size(); ++p) start_making(static_cast<int>(p));
  auto settle = [&] {
    bool changed = true;
    while (changed) {
      changed = false;
      while (idle > 0 && !queue.empty()) {
        std::string item = queue.front();
        queue.pop_front();
        --idle;
        m.lines.push_back({t, "handling " + item});
        m.taken.push_back(item);
        busy.emplace(t + c.handle_time.at(item), item);
        m.peak = std::max(m.peak, c.consumers - idle);
        changed = true;
      }
      while (!putters.empty() && queue.size() < c.capacity) {
        int p = putters.front();
        putters.pop_front();
        queue.push_back(c.items[p][producers[p].next]);
        ++producers[p].next;
        start_making(p);
        changed = true;
      }
    }
  };
  while (true) {
    bool any = false;
    Duration next{};
    for (const auto& producer : producers) {
      if (producer.phase == Phase::Making && (!any || producer.until < next)) {
        next = producer.until;
        any = true;
      }
    }
    if (!busy.empty() && (!any || busy.begin()->first < next)) {
      next = busy.begin()->first;
      any = true;
    }
    if (!any) break;
    t = next;
    std::vector<int> made;
    for (std::size_t p = 0; p < producers.size(); ++p) {
      if (producers[p].phase == Phase::Making && producers[p].until == t) {
        made.push_back(static_cast<int>(p));
      }
    }
    int finished = 0;
    while (!busy.empty() && busy.begin()->first == t) {
      m.lines.push_back({t, "handled " + busy.begin()->second});
      busy.erase(busy.begin());
      ++idle;
      ++finished;
    }
    if (made.size() >= 2 || (!made.empty() && finished > 0)) m.ambiguous = true;
    for (int p : made) {
      const std::string& item = c.items[p][producers[p].next];
      m.lines.push_back({t, made_line(p, item)});
      if (!putters.empty() || queue.size() >= c.capacity) {
        producers[p].phase = Phase::Waiting;
        putters.push_back(p);
        m.waited = true;
      } else {
        queue.push_back(item);
        ++producers[p].next;
        start_making(p);
      }
    }
    settle();
    m.end = t;
  }
  return m;
}

// A random case whose model is unambiguous (redrawn until it is).
template <class Draw>
std::pair<Case, Model> unambiguous(Draw draw) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    Case c = draw();
    Model m = simulate(c);
    if (!m.ambiguous) return {std::move(c), std::move(m)};
  }
  ADD_FAILURE() << "grader bug: no unambiguous random case found";
  Case c = draw();
  return {c, simulate(c)};
}

// ---- the graders' produce and consume ------------------------------------------------------

struct Record {
  const Case* c = nullptr;
  std::map<std::pair<int, int>, int> produce_calls;
  std::vector<std::string> taken;      // items consume() was given, in that order
  std::map<std::string, int> handled;  // item -> times consume() was given it
  std::vector<std::string> unknown;    // given to consume() but made by no producer
  std::vector<Line> interrupted;
  int active = 0;
  int peak = 0;
};

aio::Task<std::string> graders_produce(std::shared_ptr<Record> record, int p, int i) {
  ++record->produce_calls[{p, i}];
  const Case& c = *record->c;
  const bool known = p >= 0 && static_cast<std::size_t>(p) < c.counts.size() && i >= 0 &&
                     i < c.counts[static_cast<std::size_t>(p)];
  aio::print(makes_line(p, i));
  co_await aio::sleep(known ? c.make[p][i] : 100ms);
  std::string item = known ? c.items[p][i]
                           : "P" + std::to_string(p) + "#" + std::to_string(i) + "=(not asked for)";
  aio::print(made_line(p, item));
  co_return item;
}

aio::Task<> graders_consume(std::shared_ptr<Record> record, std::string item) {
  record->taken.push_back(item);
  ++record->handled[item];
  auto known = record->c->handle_time.find(item);
  if (known == record->c->handle_time.end()) record->unknown.push_back(item);
  const Duration takes = known == record->c->handle_time.end() ? 100ms : known->second;
  record->peak = std::max(record->peak, ++record->active);
  aio::print("handling ", item);
  bool cancelled = false;
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  --record->active;
  if (cancelled) {
    aio::print("handling ", item, " interrupted");
    record->interrupted.push_back({aio::now(), item});
    co_await aio::sleep(kConsumerCleanup);  // cleaning up takes time
    throw aio::CancelledError{};
  }
  aio::print("handled ", item);
}

struct Ending {
  bool returned = false;
  Duration at{};
};

aio::Task<> run_noting_the_end(aio::Task<> task, Ending* ending) {
  co_await std::move(task);
  ending->returned = true;
  ending->at = aio::now();
}

struct Outcome {
  Run<void> run;
  std::shared_ptr<Record> record;
  Ending ending;
};

Outcome run_case(const Case& c) {
  Outcome out;
  out.record = std::make_shared<Record>();
  out.record->c = &c;
  auto record = out.record;
  ch12::Produce produce = [record](int p, int i) { return graders_produce(record, p, i); };
  ch12::Consume consume = [record](std::string item) {
    return graders_consume(record, std::move(item));
  };
  aio::Task<> task = ch12::produce_consume(c.counts, c.consumers, c.capacity, std::move(produce),
                                           std::move(consume));
  out.run = grading::run(run_noting_the_end(std::move(task), &out.ending), capped());
  return out;
}

// ---- what the evidence says ----------------------------------------------------------------

int handled_count(const Outcome& out) {
  int n = 0;
  for (const auto& line : out.run.timeline())
    if (line.text.rfind("handled ", 0) == 0) ++n;
  return n;
}

// The specific mistakes, each explained; then grading::finished for the rest.
::testing::AssertionResult diagnosis(const Case& c, const Model& m, const Outcome& out) {
  const Run<void>& run = out.run;
  if (hit_a_todo(run)) return grading::finished(run);
  if (blocked_the_loop(run)) return grading::finished(run);  // which explains it
  const Record& rec = *out.record;
  const std::string progress = " (" + std::to_string(handled_count(out)) + " of " +
                               std::to_string(c.total()) + " items handled by then)";
  if (std::string report = deadlock_report(run); !report.empty()) {
    if (report.find("queue put") != std::string::npos) {
      return ::testing::AssertionFailure()
             << "the run deadlocked: a producer waited in put() for room in the full queue, and "
                "no consumer was taking items out any more"
             << progress << ". The loop reported:\n"
             << indented(report)
             << "What you missed: the consumers must keep taking items until get() gives "
                "std::nullopt, which happens only once the queue is closed AND empty; a consumer "
                "that stops earlier (after a count of items, say) leaves the producers stuck.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    if (report.find("queue get") != std::string::npos) {
      return ::testing::AssertionFailure()
             << "the run deadlocked: the consumers were still waiting in get() for more items, "
                "and no task was left that could put one or close the queue"
             << progress << ". The loop reported:\n"
             << indented(report)
             << "What you missed: consumers never stop by themselves. `while (auto item = "
                "co_await queue.get())` ends only when get() gives std::nullopt, and get() does "
                "that only once the queue is closed and drained: when every producer is done, "
                "call queue.close(), then wait for the consumers.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
  }
  if (failed_with<aio::QueueClosed>(run)) {
    return ::testing::AssertionFailure()
           << "a put() threw aio::QueueClosed: the queue was closed while a producer still had "
              "items to put"
           << progress
           << ".\nWhat you missed: close() says \"no more items\": "
              "call it once, after EVERY producer has put its last item (after gathering the "
              "producers, for example), never from inside one producer.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (std::string pending = pending_messages(run); !pending.empty()) {
    int handled_by_then = 0;
    for (const auto& line : run.timeline()) {
      if (line.text.rfind("handled ", 0) == 0 && line.time <= out.ending.at) ++handled_by_then;
    }
    auto failure = ::testing::AssertionFailure();
    if (out.ending.returned) {
      failure << "produce_consume returned at " << format_duration(out.ending.at) << ", when "
              << handled_by_then << " of " << c.total() << " items had been handled";
    } else {
      failure << "a task was still running when produce_consume had ended";
    }
    return failure << ". The loop found tasks still running at the end, cancelled them (cutting "
                      "off the items they were handling) and reported:\n"
                   << pending
                   << "What you missed: after close(), the consumers still have the rest of the "
                      "queue to handle. Wait for them until they have stopped (await their "
                      "handles, or let an aio::task_group wait): yielding for a moment "
                      "(sleep(0), a short sleep) only lets them take one step.\n"
                   << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (!rec.interrupted.empty()) {
    const Line& first = rec.interrupted.front();
    return ::testing::AssertionFailure()
           << "a consumer was cancelled while it was handling an item: \"" << first.text
           << "\" was interrupted at " << format_duration(first.time) << ".\n"
           << "What you missed: once the queue is closed, the consumers finish what is left in "
              "it and stop by themselves; cancelling them cuts off work in progress. After "
              "close(), wait for them.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (!rec.unknown.empty()) {
    return ::testing::AssertionFailure()
           << "consume() was given " << quoted_list(rec.unknown)
           << ", which no call of produce() returned.\nWhat you missed: the items come from "
              "produce(p, i): put exactly what it returns into the queue, and give the consumers "
              "exactly what get() returns.\n"
           << grading::hints_pointer();
  }
  for (const auto& [call, times] : rec.produce_calls) {
    const auto [p, i] = call;
    const bool asked = p >= 0 && static_cast<std::size_t>(p) < c.counts.size() && i >= 0 &&
                       i < c.counts[static_cast<std::size_t>(p)];
    if (!asked || times > 1) {
      return ::testing::AssertionFailure()
             << "produce(" << p << ", " << i << ") was called " << times << " time(s), but "
             << (asked ? "each item is made once" : "that item was not asked for") << " ("
             << c.describe() << ").\nWhat you missed: producer p calls produce(p, 0), ..., "
             << "produce(p, items_per_producer[p] - 1), once each, in order.\n"
             << grading::hints_pointer();
    }
  }
  std::vector<std::pair<std::string, int>> twice;  // item, times handled
  std::vector<std::string> never_made;
  std::vector<std::string> made_not_handled;
  for (std::size_t p = 0; p < c.items.size(); ++p) {
    for (std::size_t i = 0; i < c.items[p].size(); ++i) {
      const std::string& item = c.items[p][i];
      auto found = rec.handled.find(item);
      const int times = found == rec.handled.end() ? 0 : found->second;
      if (times > 1) twice.emplace_back(item, times);
      if (times == 0) {
        const bool made = rec.produce_calls.count({static_cast<int>(p), static_cast<int>(i)}) > 0;
        (made ? made_not_handled : never_made).push_back(item);
      }
    }
  }
  if (!twice.empty()) {
    return ::testing::AssertionFailure()
           << "an item was handled more than once: \"" << twice.front().first << "\" "
           << twice.front().second << " times (" << c.describe()
           << ").\nWhat you missed: every item goes into the one queue once, and a get() hands "
              "it to exactly one consumer: each item is handled exactly once, by whichever "
              "consumer took it.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (!made_not_handled.empty() && run.error == nullptr) {
    return ::testing::AssertionFailure()
           << "items were made but never handled: " << quoted_list(made_not_handled) << " ("
           << c.describe()
           << ").\nWhat you missed: an item that is in the queue when it is "
              "closed must still be handled. close() means that no more items will come, not "
              "that none are left: keep taking until get() gives std::nullopt (closed AND "
              "empty).\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (!never_made.empty() && run.error == nullptr) {
    return ::testing::AssertionFailure()
           << "some items were never made: produce() was not called for " << quoted_list(never_made)
           << " (" << c.describe()
           << ").\nWhat you missed: one producer per element of "
              "items_per_producer, each making items_per_producer[p] items.\n"
           << grading::hints_pointer();
  }
  // Each producer's items in the order it made them.
  std::map<int, int> last_index;
  for (const std::string& item : rec.taken) {
    auto hash = item.find('#');
    auto equals = item.find('=');
    if (item.size() < 2 || item[0] != 'P' || hash == std::string::npos ||
        equals == std::string::npos) {
      continue;
    }
    const int p = std::stoi(item.substr(1, hash - 1));
    const int i = std::stoi(item.substr(hash + 1, equals - hash - 1));
    auto seen = last_index.find(p);
    if (seen != last_index.end() && seen->second > i) {
      return ::testing::AssertionFailure()
             << "producer P" << p << "'s items were handled out of order: #" << seen->second
             << " was taken before #" << i
             << ".\nWhat you missed: a queue is first in, first "
                "out: if each producer puts its items in the order it makes them, consumers "
                "take them in that order.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    last_index[p] = i;
  }
  return grading::finished(run);
}

// A producer started an item before there was room for the previous one: it did not wait.
::testing::AssertionResult producers_waited(const Case& c, const Model& m, const Outcome& out) {
  Timeline actual = out.run.timeline();
  for (const auto& expected : m.lines) {
    if (expected.text.find(" makes #") == std::string::npos) continue;
    const Line* line = first_line(actual, expected.text);
    if (!line || line->time >= expected.time) continue;
    return ::testing::AssertionFailure()
           << "\"" << expected.text << "\" came at " << format_duration(line->time)
           << ", but at that moment the queue (capacity " << c.capacity
           << ") was full: the producer should have been waiting in put() for room until "
           << format_duration(expected.time)
           << ".\nWhat you missed: back-pressure. A bounded "
              "queue, aio::Queue<std::string> queue(capacity), makes put() wait while it holds "
              "`capacity` items, so a producer that is faster than the consumers is held back "
              "to their pace. Without the bound (aio::Queue<std::string>()) nothing ever waits "
              "and the items pile up in memory.\n"
           << side_by_side(m.lines, out.run) << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// As many items handled at once as the model says.
::testing::AssertionResult concurrency_is(const Case& c, const Model& m, const Outcome& out) {
  const int peak = out.record->peak;
  if (peak == m.peak) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (peak < m.peak) {
    failure << "at most " << peak << " item(s) were being handled at the same time, but with "
            << c.consumers << " consumers and items waiting in the queue, " << m.peak
            << " should have been (" << c.describe()
            << ").\nWhat you missed: the consumers "
               "work concurrently: start `consumers` tasks, each looping on the same queue, so "
               "that while one waits for consume() another takes the next item.\n";
  } else {
    failure << peak << " items were being handled at the same time, more than the " << c.consumers
            << " consumer(s) asked for (" << c.describe() << ").\nWhat you missed: exactly "
            << "`consumers` consumer tasks, each handling one item at a time (co_await "
               "consume(item) before taking the next).\n";
  }
  return failure << side_by_side(m.lines, out.run) << grading::hints_pointer();
}

const std::string kTimelineLesson =
    "producers make their items one after another and put each into the queue, waiting while it "
    "is full; consumers take the oldest item as soon as they are free; when the producers are "
    "done the queue is closed, and the consumers stop once it is empty";

// Every check of one case, in the order that explains a mistake best.
void expect_case(const Case& c, const Model& m) {
  SCOPED_TRACE(c.describe());
  Outcome out = run_case(c);
  ASSERT_TRUE(diagnosis(c, m, out));
  ASSERT_TRUE(concurrency_is(c, m, out));
  ASSERT_TRUE(producers_waited(c, m, out));
  ASSERT_TRUE(timeline_matches(out.run, m.lines, kTimelineLesson));
  EXPECT_TRUE(grading::elapsed_is(out.run, m.end,
                                  "produce_consume is over when the last item has been handled"));
  EXPECT_TRUE(holds(out.ending.at == m.end)
              << "produce_consume returned at " << format_duration(out.ending.at) << ", expected "
              << format_duration(m.end) << ", when the last item had been handled.\n"
              << grading::hints_pointer());
  EXPECT_TRUE(grading::real_time_below(out.run, 1s));
}

Case random_case(int max_producers, int max_items, int max_consumers, int max_capacity) {
  const int producers = grading::random_int(1, max_producers);
  std::vector<int> counts;
  for (int p = 0; p < producers; ++p) counts.push_back(grading::random_int(0, max_items));
  return build_case(
      counts, grading::random_int(1, max_consumers),
      static_cast<std::size_t>(grading::random_int(1, max_capacity)),
      [](int, int) { return random_ms(50, 700); }, [](int, int) { return random_ms(200, 1500); });
}

// ---- tests ---------------------------------------------------------------------------------

TEST(ProduceConsume, EveryItemIsHandledExactlyOnce) {
  for (int round = 0; round < 3; ++round) {
    auto [c, m] = unambiguous([] { return random_case(3, 5, 3, 3); });
    expect_case(c, m);
    if (HasFatalFailure()) return;
  }
}

TEST(ProduceConsume, KeepsEachProducersOrder) {
  // Three producers of different paces, one consumer: the handled order is the queue's order.
  auto [c, m] = unambiguous([] {
    return build_case(
        {grading::random_int(3, 5), grading::random_int(3, 5), grading::random_int(3, 5)}, 1,
        static_cast<std::size_t>(grading::random_int(2, 4)),
        [](int p, int) { return random_ms(100 + 150 * p, 250 + 150 * p); },
        [](int, int) { return random_ms(100, 400); });
  });
  expect_case(c, m);
}

TEST(ProduceConsume, ProducersWaitWhileTheQueueIsFull) {
  {
    // Fixed: the example of exercise.hpp, longer. One producer of 0.1 s items, one consumer of
    // 1 s, a capacity of 2: from #3 on the producer works at the consumer's pace.
    Case c = build_case(
        {6}, 1, 2, [](int, int) { return Duration(100ms); }, [](int, int) { return Duration(1s); });
    Model m = simulate(c);
    ASSERT_FALSE(m.ambiguous) << "grader bug: the fixed case is ambiguous";
    expect_case(c, m);
    if (HasFatalFailure()) return;
  }
  // Random: fast producers, slow consumers, so that the queue fills and producers wait.
  auto [c, m] = unambiguous([] {
    return build_case(
        {grading::random_int(4, 6), grading::random_int(3, 6)}, grading::random_int(1, 2),
        static_cast<std::size_t>(grading::random_int(1, 3)),
        [](int, int) { return random_ms(20, 150); }, [](int, int) { return random_ms(700, 1500); });
  });
  ASSERT_TRUE(m.waited) << "grader bug: nobody waits in this case";
  expect_case(c, m);
}

TEST(ProduceConsume, ConsumersWorkAtTheSameTime) {
  // Many items ready early, slow consumers: all of them are busy at once.
  auto [c, m] = unambiguous([] {
    const int consumers = grading::random_int(2, 4);
    return build_case(
        {consumers + grading::random_int(1, 4)}, consumers,
        static_cast<std::size_t>(grading::random_int(1, 3)),
        [](int, int) { return random_ms(10, 60); }, [](int, int) { return random_ms(800, 2000); });
  });
  expect_case(c, m);
}

TEST(ProduceConsume, CapacityOneAndASingleConsumer) {
  // Fixed edge values: capacity 1, one consumer, two producers of different paces.
  Case c = build_case(
      {3, 2}, 1, 1, [](int p, int i) { return milliseconds(150 + 70 * p + 10 * i); },
      [](int, int i) { return milliseconds(400 + 100 * i); });
  Model m = simulate(c);
  ASSERT_FALSE(m.ambiguous) << "grader bug: the fixed case is ambiguous";
  expect_case(c, m);
}

TEST(ProduceConsume, MoreConsumersThanItems) {
  // Five consumers, two items: three consumers never get anything and must still stop.
  Case c = build_case(
      {2}, 5, 2, [](int, int i) { return milliseconds(200 + 100 * i); },
      [](int, int) { return milliseconds(grading::random_int(500, 900)); });
  Model m = simulate(c);
  ASSERT_FALSE(m.ambiguous) << "grader bug: the fixed case is ambiguous";
  expect_case(c, m);
}

TEST(ProduceConsume, NoItemsFinishesAtOnce) {
  // No producers at all, then producers with nothing to make: nothing to handle, and the
  // consumers must still be told that nothing will come.
  for (const std::vector<int>& counts : {std::vector<int>{}, std::vector<int>{0, 0}}) {
    Case c = build_case(
        counts, 2, 1, [](int, int) { return Duration(0s); }, [](int, int) { return Duration(0s); });
    Model m = simulate(c);
    SCOPED_TRACE(c.describe());
    Outcome out = run_case(c);
    ASSERT_TRUE(diagnosis(c, m, out));
    ASSERT_TRUE(grading::timeline_is(out.run, {}, "no items: nothing is made, nothing handled"));
    EXPECT_TRUE(grading::elapsed_is(out.run, 0s,
                                    "with nothing to make, the queue is closed at once and the "
                                    "consumers stop at once"));
  }
}

TEST(ProduceConsume, ReturnsOnlyOnceTheLastItemIsHandled) {
  // The last items are slow to handle: produce_consume must wait for them, not just close.
  auto [c, m] = unambiguous([] {
    return build_case(
        {grading::random_int(2, 4), grading::random_int(1, 3)}, grading::random_int(2, 3), 2,
        [](int, int) { return random_ms(100, 300); },
        [](int, int) { return random_ms(1000, 3000); });
  });
  expect_case(c, m);
}

TEST(ProduceConsume, TwoCallsInOneProgramAreIndependent) {
  Case first = build_case(
      {2}, 1, 1, [](int, int) { return Duration(100ms); },
      [](int, int) { return Duration(200ms); });
  Case second = build_case(
      {1, 2}, 2, 3, [](int p, int) { return milliseconds(130 + 50 * p); },
      [](int, int) { return Duration(300ms); });
  {
    SCOPED_TRACE("first call");
    expect_case(first, simulate(first));
    if (HasFatalFailure()) return;
  }
  SCOPED_TRACE("second call, in the same program");
  expect_case(second, simulate(second));
}

TEST(ProduceConsume, ByDefaultTheSensorsFeedTheRecorders) {
  // The default collaborators of exercise.hpp: read_sensor (0.3 s, 0.5 s) and record_reading
  // (1 s). Two sensors of 3 and 2 readings, two recorders, a queue of 2, as in the demo.
  auto run = grading::run(ch12::produce_consume({3, 2}, 2, 2), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::printed_by(run, "read_sensor",
                                  {"read sensor 0 reading 0", "read sensor 1 reading 1"},
                                  "the readings are made by produce (read_sensor by default): "
                                  "produce_consume calls it and does not print them itself"));
  ASSERT_TRUE(grading::printed_by(run, "record_reading",
                                  {"recording sensor 0 reading 0", "recorded sensor 1 reading 1"},
                                  "the readings are recorded by consume (record_reading by "
                                  "default), called by the consumers"));
  const Timeline expected{
      {300ms, "read sensor 0 reading 0"},       {300ms, "recording sensor 0 reading 0"},
      {500ms, "read sensor 1 reading 0"},       {500ms, "recording sensor 1 reading 0"},
      {600ms, "read sensor 0 reading 1"},       {900ms, "read sensor 0 reading 2"},
      {1000ms, "read sensor 1 reading 1"},      {1300ms, "recorded sensor 0 reading 0"},
      {1300ms, "recording sensor 0 reading 1"}, {1500ms, "recorded sensor 1 reading 0"},
      {1500ms, "recording sensor 0 reading 2"}, {2300ms, "recorded sensor 0 reading 1"},
      {2300ms, "recording sensor 1 reading 1"}, {2500ms, "recorded sensor 0 reading 2"},
      {3300ms, "recorded sensor 1 reading 1"}};
  ASSERT_TRUE(timeline_matches(run, expected, kTimelineLesson));
  EXPECT_TRUE(grading::elapsed_is(run, 3300ms, "the last reading is recorded at 3.3 s"));
}

}  // namespace
