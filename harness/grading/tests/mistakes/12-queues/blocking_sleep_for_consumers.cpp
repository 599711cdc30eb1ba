// Mistake: after closing the queue, produce_consume waits for the consumers with
//   std::this_thread::sleep_for: that blocks the whole event loop (and the consumers with it).
// test: ProduceConsume.ReturnsOnlyOnceTheLastItemIsHandled
// expect: the event loop was blocked
#include "exercise.hpp"

#include <optional>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace ch12 {

namespace {

// ---- exercise 1 ----------------------------------------------------------------------------

// One producer: makes its items in order and puts each into the queue. put() waits while the
// queue is full: that wait is the back-pressure that keeps a fast producer at the consumers'
// pace. The queue is a reference: produce_consume owns it and outlives this task (the group
// below waits for every task before the queue is destroyed).
aio::Task<> produce_items(aio::Queue<std::string>& queue, int producer, int count,
                          Produce produce) {
  for (int index = 0; index < count; ++index) {
    std::string item = co_await produce(producer, index);
    co_await queue.put(std::move(item));
  }
}

// One consumer: takes items until get() gives std::nullopt, which happens only once the queue is
// closed AND drained. Testing queue.closed() instead would leave the items still in the queue
// unhandled.
aio::Task<> consume_items(aio::Queue<std::string>& queue, Consume consume) {
  while (std::optional<std::string> item = co_await queue.get()) {
    co_await consume(std::move(*item));
  }
}

// All the producers, then the end of the stream: close() only after the last put, so no item
// is refused, and so that the consumers stop once they have drained the queue.
aio::Task<> produce_all_then_close(aio::Queue<std::string>& queue,
                                   std::vector<int> items_per_producer, Produce produce) {
  std::vector<aio::Task<>> producers;
  for (std::size_t p = 0; p < items_per_producer.size(); ++p) {
    producers.push_back(produce_items(queue, static_cast<int>(p), items_per_producer[p], produce));
  }
  co_await aio::gather(std::move(producers));  // the producers run concurrently
  queue.close();
}

// ---- exercise 2 ----------------------------------------------------------------------------

// A worker of the pool: forever takes a job, handles it, and only THEN marks it done. join()
// counts the task_done() calls: marking a job done before handling it would let join() return
// while the job is still being handled. It never ends by itself: work_through cancels it.
aio::Task<> work(aio::Queue<std::string>& queue, Handle handle) {
  while (true) {
    std::optional<std::string> job = co_await queue.get();
    if (!job) co_return;  // nobody closes this queue; kept so a closed queue cannot loop forever
    co_await handle(std::move(*job));
    queue.task_done();
  }
}

// ---- exercise 3 ----------------------------------------------------------------------------

aio::Task<> fetch_stage(std::vector<std::string> urls, Fetch fetch,
                        aio::Queue<std::string>& pages) {
  for (std::string& url : urls) {
    std::string page = co_await fetch(std::move(url));
    co_await pages.put(std::move(page));  // waits while the parser is behind
  }
  pages.close();  // the end of the stream: the parser stops once it has drained the queue
}

aio::Task<> parse_stage(aio::Queue<std::string>& pages, Parse parse,
                        aio::Queue<std::string>& records) {
  while (std::optional<std::string> page = co_await pages.get()) {
    std::string record = co_await parse(std::move(*page));
    co_await records.put(std::move(record));  // waits while the storer is behind
  }
  records.close();  // pass the shutdown on to the next stage
}

aio::Task<int> store_stage(aio::Queue<std::string>& records, Store store) {
  int stored = 0;
  while (std::optional<std::string> record = co_await records.get()) {
    co_await store(std::move(*record));
    ++stored;
  }
  co_return stored;
}

}  // namespace

// ---- exercise 1 ----------------------------------------------------------------------------

aio::Task<> produce_consume(std::vector<int> items_per_producer, int consumers,
                            std::size_t capacity, Produce produce, Consume consume) {
  aio::Queue<std::string> queue(capacity);  // bounded: put() waits while it is full
  for (int c = 0; c < consumers; ++c) aio::create_task(consume_items(queue, consume), "consumer");
  co_await produce_all_then_close(queue, items_per_producer, produce);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // time for the consumers
}

// ---- exercise 2 ----------------------------------------------------------------------------

aio::Task<> work_through(std::vector<std::string> jobs, int workers, Handle handle) {
  aio::Queue<std::string> queue;  // unbounded: every job is known up front
  for (std::string& job : jobs) queue.try_put(std::move(job));  // never fails when unbounded
  std::vector<aio::TaskHandle<void>> pool;
  for (int w = 0; w < workers; ++w) pool.push_back(aio::create_task(work(queue, handle), "worker"));
  co_await queue.join();  // every job has been handled (task_done was called for each)
  // The workers now wait for jobs that will never come: stop them, and wait until they have
  // (a cancelled task is not finished until it has unwound).
  for (auto& worker : pool) worker.cancel();
  for (auto& worker : pool) {
    try {
      co_await worker;
    } catch (const aio::CancelledError&) {
      // expected: we cancelled it
    }
  }
}

// ---- exercise 3 ----------------------------------------------------------------------------

aio::Task<int> run_pipeline(std::vector<std::string> urls, std::size_t capacity, Fetch fetch,
                            Parse parse, Store store) {
  aio::Queue<std::string> pages(capacity);
  aio::Queue<std::string> records(capacity);
  // gather: the three stages run concurrently; if one throws, gather cancels the others, waits
  // for them, and rethrows. The queues outlive the stages: gather is awaited here.
  auto stages = co_await aio::gather(fetch_stage(std::move(urls), std::move(fetch), pages),
                                     parse_stage(pages, std::move(parse), records),
                                     store_stage(records, std::move(store)));
  co_return std::get<2>(stages);  // what the storer counted
}

// ---- exercise 4 ----------------------------------------------------------------------------

ChatRoom::ChatRoom(std::size_t inbox_capacity) : inbox_capacity_(inbox_capacity) {}

Inbox ChatRoom::join(const std::string& name) {
  for (const Member& member : members_) {
    if (member.name == name) throw std::invalid_argument("already in the room: " + name);
  }
  Inbox inbox = std::make_shared<aio::Queue<Message>>(inbox_capacity_);
  members_.push_back(Member{name, inbox, 0});
  return inbox;
}

void ChatRoom::leave(const std::string& name) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->name != name) continue;
    // Closed: the reader drains what was delivered, then get() gives std::nullopt and it ends.
    // Erased: no later broadcast reaches it (a put on a closed queue would throw anyway).
    it->inbox->close();
    members_.erase(it);
    return;
  }
}

aio::Task<std::size_t> ChatRoom::broadcast(std::string from, std::string text) {
  std::size_t delivered = 0;
  for (Member& member : members_) {
    if (member.name == from) continue;  // not back to the sender
    // try_put never waits: a full inbox (a slow reader) gets nothing, and we count the loss.
    // Waiting here (co_await put) would hold up the sender, and every client after the slow
    // one, until the slow one had read.
    if (member.inbox->try_put(Message(from, text))) {
      ++delivered;
    } else {
      ++member.dropped;
    }
  }
  co_return delivered;
}

std::size_t ChatRoom::dropped(const std::string& name) const {
  for (const Member& member : members_) {
    if (member.name == name) return member.dropped;
  }
  return 0;
}

aio::Task<int> read_inbox(Inbox inbox, Show show) {
  int shown = 0;
  // get() gives std::nullopt only when the inbox is closed (the client left) and empty.
  while (std::optional<Message> message = co_await inbox->get()) {
    co_await show(std::move(*message));
    ++shown;
  }
  co_return shown;
}

}  // namespace ch12
