// Chapter 12 — queues: producers and consumers (the tutorial's "real-time data processing" and
// "chat applications"). You implement these in exercise.cpp; the graders, the demo and the
// benchmark call only what is declared here.
//
// Every exercise takes the work it coordinates as parameters (produce, consume, fetch, ...): you
// write the plumbing (queues, tasks, shutdown), the collaborators do the work. The graders pass
// stand-ins of their own that print, take time and count, so that they can tell who did what
// and when.
#pragma once

#include <aio/aio.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ch12 {

// ---- Exercise 1: producers and consumers over one bounded queue ----------------------------

// Makes item number `index` (0, 1, 2, ...) of producer number `producer` (0, 1, ...): a sensor
// reading, a request off the network. Takes time; gives the item.
using Produce = std::function<aio::Task<std::string>(int producer, int index)>;
// Handles one item: stores it, computes with it. Takes time.
using Consume = std::function<aio::Task<>(std::string item)>;

// The default producer, written for you: sensor `sensor` takes 0.3 s + 0.2 s x sensor per
// reading (sensor 0: 0.3 s, sensor 1: 0.5 s), then prints and returns it:
//   [  0.300s] read sensor 0 reading 0
inline aio::Task<std::string> read_sensor(int sensor, int index) {
  co_await aio::sleep(std::chrono::milliseconds(300 + 200 * sensor));
  std::string reading = "sensor " + std::to_string(sensor) + " reading " + std::to_string(index);
  aio::print("read ", reading);
  co_return reading;
}

// The default consumer, written for you: takes 1 s to record a reading.
//   [  0.300s] recording sensor 0 reading 0
//   [  1.300s] recorded sensor 0 reading 0
inline aio::Task<> record_reading(std::string reading) {
  aio::print("recording ", reading);
  co_await aio::sleep(std::chrono::seconds(1));
  aio::print("recorded ", reading);
}

// N producers and M consumers connected by ONE queue that holds at most `capacity` items (at
// least 1). Producer p (one task per element of `items_per_producer`; p is its position) makes
// its items_per_producer[p] items in order, produce(p, 0), produce(p, 1), ..., and puts each
// into the queue, waiting while the queue is full. Each of the `consumers` consumer tasks (at
// least 1) takes items from the queue, one at a time, and awaits consume(item) for each, until
// the queue is closed and drained. When every producer is done, close the queue; then wait for
// every consumer. Returns when the last item has been handled, with no task left running.
//
// So: every item is handled exactly once; a producer's items are taken in the order it made
// them; up to `consumers` items are handled at once; and a producer that is ahead waits for room
// (back-pressure). With one producer making 4 items of 0.1 s, one consumer taking 1 s per item
// and a capacity of 2 ("P0#i" standing for the i-th item):
//   0.1 s  item 0 made: the consumer takes it at once (handled until 1.1 s)
//   0.2 s  item 1 made, queued (1 of 2)
//   0.3 s  item 2 made, queued (2 of 2: full)
//   0.4 s  item 3 made: put() waits, the producer is stuck until...
//   1.1 s  ...the consumer takes item 1: item 3 goes in, the producer carries on
// No items at all (no producers, or producers of 0 items): returns at once, consume never called.
aio::Task<> produce_consume(std::vector<int> items_per_producer, int consumers,
                            std::size_t capacity, Produce produce = read_sensor,
                            Consume consume = record_reading);

// ---- Exercise 2: a pool of workers, and join() ---------------------------------------------

// Handles one job. Takes time.
using Handle = std::function<aio::Task<>(std::string job)>;

// asyncio's classic worker pool. Put every job into a queue (unbounded: the jobs are all known
// up front), start `workers` worker tasks (at least 1) that loop forever: take a job, await
// handle(job), and mark it done with queue.task_done(). Wait until every job has been handled
// (co_await queue.join()); then the workers are idle, each waiting for a job that will never
// come: cancel them, and wait until they have stopped. Returns when the last job has been
// handled, with no task left running. Jobs go to the first free worker, in order; the same job
// text twice is two jobs. No jobs: returns at once, handle never called.
// Four jobs of 2 s, 1 s, 1 s and 3 s with two workers:
//   0 s  jobs 0 and 1 start              2 s  jobs 0 and 2 are done, job 3 starts
//   1 s  job 1 is done, job 2 starts     5 s  job 3 is done: join() returns, the workers stop
aio::Task<> work_through(std::vector<std::string> jobs, int workers, Handle handle);

// ---- Exercise 3: a pipeline of stages --------------------------------------------------------

// Fetches a url: gives the page. Parses a page: gives a record. Stores a record.
using Fetch = std::function<aio::Task<std::string>(std::string url)>;
using Parse = std::function<aio::Task<std::string>(std::string page)>;
using Store = std::function<aio::Task<>(std::string record)>;

// The default stages, written for you: fetching takes 0.1 s, parsing 0.2 s, storing 1 s (the
// slow one), and each prints when it is done.
inline aio::Task<std::string> fetch_page(std::string url) {
  co_await aio::sleep(std::chrono::milliseconds(100));
  aio::print("fetched ", url);
  co_return "<html>" + url + "</html>";
}
inline aio::Task<std::string> parse_page(std::string page) {
  co_await aio::sleep(std::chrono::milliseconds(200));
  std::string record = page.substr(6, page.size() - 13);  // between <html> and </html>
  aio::print("parsed ", record);
  co_return "record of " + record;
}
inline aio::Task<> store_record(std::string record) {
  co_await aio::sleep(std::chrono::seconds(1));
  aio::print("stored ", record);
}

// Three stages, each ONE task, connected by two queues of at most `capacity` items each (at
// least 1): the fetcher awaits fetch(url) for each url in order and puts the page into the first
// queue; the parser takes pages, awaits parse(page), puts the record into the second queue; the
// storer takes records and awaits store(record). Shutdown travels down the pipeline: when the
// fetcher has put its last page it closes the first queue; when the parser finds the first
// queue closed and drained, it closes the second one; the storer stops when the second queue is
// closed and drained. Returns the number of records stored, once the storer has stopped.
//
// A slow stage slows down the ones before it: when the storer cannot keep up, the second queue
// fills, the parser waits to put, the first queue fills, and the fetcher waits too. Nothing piles
// up in memory: at most 2 x capacity items wait in queues, plus one in each stage.
//
// If a stage throws, the other stages are cancelled at that instant (they may take time to
// clean up), and the exception leaves run_pipeline unchanged once they have stopped: run the
// three stages as one group (aio::task_group, or aio::gather). No urls: returns 0 at once.
aio::Task<int> run_pipeline(std::vector<std::string> urls, std::size_t capacity,
                            Fetch fetch = fetch_page, Parse parse = parse_page,
                            Store store = store_record);

// ---- Exercise 4: a chat room -----------------------------------------------------------------

// One chat message. (It has a constructor, so `co_await inbox->put(Message("ann", "hi"))` is
// safe with GCC 12; see queue.hpp.)
struct Message {
  Message(std::string from, std::string text) : from(std::move(from)), text(std::move(text)) {}
  std::string from;
  std::string text;
  friend bool operator==(const Message&, const Message&) = default;
};

// A client's inbox: the queue the room delivers its messages to. Shared: the client keeps
// reading it after it has left the room (what is left in it), so the room must not own it alone.
using Inbox = std::shared_ptr<aio::Queue<Message>>;

// A room of named clients. Each client has a bounded inbox of `inbox_capacity` messages, read by
// the client at its own pace. broadcast() delivers a message to every client except its sender.
//
// The policy for a client whose inbox is full: DROP the message for that client, and count it.
// broadcast() never waits: one slow reader must not hold up the sender, and through it every
// other client (with "wait", the sender would be stuck until the slowest inbox had room). The
// slow client misses messages, and dropped(name) says how many.
class ChatRoom {
 public:
  explicit ChatRoom(std::size_t inbox_capacity);

  // A new client called `name`, with a new empty inbox of `inbox_capacity` messages; returns the
  // inbox. It receives the messages broadcast from now on (none from before it joined). A name
  // that is already in the room is refused: throws std::invalid_argument. A name that left may
  // join again (a new inbox, a new count).
  Inbox join(const std::string& name);

  // `name` leaves: it receives nothing broadcast from now on, and its inbox is closed, so that
  // its reader ends once it has read what was already delivered (get() gives std::nullopt). A
  // name not in the room: nothing happens.
  void leave(const std::string& name);

  // Delivers Message(from, text) to the inbox of every client in the room except `from` (who
  // may or may not be in the room), in the order they joined, without waiting: a full inbox
  // gets nothing (see the policy above). Returns how many inboxes received the message. A
  // coroutine so that a room with another policy could wait; with dropping it never suspends.
  aio::Task<std::size_t> broadcast(std::string from, std::string text);

  // How many messages were dropped for `name` (inbox full) since it joined; 0 for a name not in
  // the room.
  std::size_t dropped(const std::string& name) const;

 private:
  struct Member {
    std::string name;
    Inbox inbox;
    std::size_t dropped = 0;
  };
  std::size_t inbox_capacity_;
  std::vector<Member> members_;  // in the order they joined
};

// Shows one message on a client's screen. Takes time (a slow client is a slow show).
using Show = std::function<aio::Task<>(Message message)>;

// A client's reading loop: takes the messages out of `inbox` one at a time, in order, and awaits
// show(message) for each, until the inbox is closed and drained. Returns how many it showed.
aio::Task<int> read_inbox(Inbox inbox, Show show);

}  // namespace ch12
