// Chapter 12 — queues: producers and consumers. This is the file you edit.
// Read chapters/12-queues/README.md first; stuck? chapters/12-queues/HINTS.md.
#include "exercise.hpp"

#include <optional>
#include <stdexcept>

namespace ch12 {

// Helper coroutines of your own (a producer, a consumer, a stage...) can go here, above the
// functions that use them. Give them the queue by reference (the function that owns the queue
// must wait for them before it returns) and everything else by value.

aio::Task<> produce_consume([[maybe_unused]] std::vector<int> items_per_producer,
                            [[maybe_unused]] int consumers, [[maybe_unused]] std::size_t capacity,
                            [[maybe_unused]] Produce produce, [[maybe_unused]] Consume consume) {
  // TODO 1: make ONE queue of strings that holds at most `capacity` items:
  //         aio::Queue<std::string> queue(capacity);
  // TODO 2: start `consumers` consumer tasks. Each loops: take an item with co_await
  //         queue.get(), co_await consume(item), until get() gives std::nullopt (closed and
  //         drained).
  // TODO 3: start one producer per element of items_per_producer: producer p calls
  //         produce(p, 0), produce(p, 1), ... (items_per_producer[p] items), and co_awaits
  //         queue.put(item) for each. Producers and consumers all run at the same time.
  // TODO 4: when EVERY producer is done, close the queue; then wait for every consumer.
  //         (aio::task_group, or create_task + awaiting the handles: nothing may be left
  //         running when this returns.)
  aio::todo("produce_consume");
  co_return;
}

aio::Task<> work_through([[maybe_unused]] std::vector<std::string> jobs,
                         [[maybe_unused]] int workers, [[maybe_unused]] Handle handle) {
  // TODO 1: an unbounded queue (aio::Queue<std::string> queue;) with every job in it, in order.
  // TODO 2: start `workers` worker tasks (aio::create_task), and keep their handles. A worker
  //         loops forever: take a job, co_await handle(job), then queue.task_done().
  // TODO 3: co_await queue.join(): it returns once task_done() was called for every job.
  // TODO 4: the workers now wait for jobs that will never come: cancel each of them, then
  //         co_await each handle (catch the aio::CancelledError it throws).
  aio::todo("work_through");
  co_return;
}

aio::Task<int> run_pipeline([[maybe_unused]] std::vector<std::string> urls,
                            [[maybe_unused]] std::size_t capacity, [[maybe_unused]] Fetch fetch,
                            [[maybe_unused]] Parse parse, [[maybe_unused]] Store store) {
  // TODO 1: two queues of at most `capacity` items: pages (fetcher -> parser) and records
  //         (parser -> storer).
  // TODO 2: the fetcher: for each url, co_await fetch(url), put the page into `pages`; at the
  //         end, close `pages`.
  // TODO 3: the parser: take pages until get() gives std::nullopt; co_await parse(page), put the
  //         record into `records`; at the end, close `records`.
  // TODO 4: the storer: take records until std::nullopt, co_await store(record), count them.
  // TODO 5: run the three as one group (aio::gather or aio::task_group), so that a failing
  //         stage cancels the others, and return the storer's count.
  aio::todo("run_pipeline");
  co_return 0;
}

ChatRoom::ChatRoom(std::size_t inbox_capacity) : inbox_capacity_(inbox_capacity) {}

Inbox ChatRoom::join([[maybe_unused]] const std::string& name) {
  // TODO 1: refuse a name already in members_ (throw std::invalid_argument).
  // TODO 2: make a new inbox, std::make_shared<aio::Queue<Message>>(inbox_capacity_), add a
  //         Member to members_ (at the end: join order), and return the inbox.
  aio::todo("ChatRoom::join");
}

void ChatRoom::leave([[maybe_unused]] const std::string& name) {
  // TODO: find the member; close its inbox (its reader ends once it has read what is left) and
  //       remove it from members_ (no later broadcast may reach it). Unknown name: do nothing.
  aio::todo("ChatRoom::leave");
}

aio::Task<std::size_t> ChatRoom::broadcast([[maybe_unused]] std::string from,
                                           [[maybe_unused]] std::string text) {
  // TODO: for every member except `from`, in join order: try_put(Message(from, text)) into its
  //       inbox. It never waits: true means delivered (count it), false means the inbox was
  //       full (add 1 to that member's dropped count). Return how many were delivered.
  //       Do not co_await put() here: one slow reader would stall the whole room.
  aio::todo("ChatRoom::broadcast");
  co_return 0;
}

std::size_t ChatRoom::dropped([[maybe_unused]] const std::string& name) const {
  // TODO: the member's dropped count; 0 for a name not in the room.
  aio::todo("ChatRoom::dropped");
}

aio::Task<int> read_inbox([[maybe_unused]] Inbox inbox, [[maybe_unused]] Show show) {
  // TODO: while get() gives a message, co_await show(message) and count it; std::nullopt means
  //       the inbox is closed and empty: return the count.
  aio::todo("read_inbox");
  co_return 0;
}

}  // namespace ch12
