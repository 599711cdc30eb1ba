// Chapter 12 demo: your queues at work, in three scenes.
//
//   ./build/workbook/chapters/12-queues/ch12_demo            real time: about 12 s
//   ./build/workbook/chapters/12-queues/ch12_demo --virtual  simulated clock: same output,
//   instantly
//
// 1. Real-time data processing: two sensors (a reading every 0.3 s and every 0.5 s) feed two
//    recorders (1 s per reading) through a queue of 2. The sensors are faster than the
//    recorders, so the queue fills and the sensors wait: readings come at the recorders' pace.
// 2. A pipeline: fetch (0.1 s) -> parse (0.2 s) -> store (1 s), queues of 1, five urls. The slow
//    store sets the pace of the whole line: the parser waits to hand over its third record, the
//    fetcher its fourth page (so e.example is fetched at 0.6 s, not 0.5 s); nothing piles up.
// 3. A chat room: ann sends four messages 0.1 s apart to bob (slow: 1 s per message) and cat
//    (fast). bob's inbox holds 2: he is reading message 1 while 2 and 3 wait, so message 4 is
//    dropped for him; cat gets all four as they are sent, and ann never waits.
#include <aio/demo.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <string>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;

aio::Task<> show_slowly(std::string client, ch12::Message message, aio::Duration takes) {
  aio::print(client, " reads \"", message.text, "\" from ", message.from);
  co_await aio::sleep(takes);
}

aio::Task<> chat_scene() {
  ch12::ChatRoom room(2);
  ch12::Inbox bob_inbox = room.join("bob");
  ch12::Inbox cat_inbox = room.join("cat");
  room.join("ann");
  ch12::Show bob_shows = [](ch12::Message m) { return show_slowly("bob", std::move(m), 1s); };
  ch12::Show cat_shows = [](ch12::Message m) { return show_slowly("cat", std::move(m), 0s); };
  auto bob = aio::create_task(ch12::read_inbox(bob_inbox, bob_shows), "bob");
  auto cat = aio::create_task(ch12::read_inbox(cat_inbox, cat_shows), "cat");
  for (int i = 1; i <= 4; ++i) {
    co_await aio::sleep(100ms);
    std::size_t delivered = co_await room.broadcast("ann", "message " + std::to_string(i));
    aio::print("ann sent message ", i, " to ", delivered, " of 2");
  }
  aio::print("dropped for bob: ", room.dropped("bob"), ", for cat: ", room.dropped("cat"));
  room.leave("bob");  // their readers finish what is in their inboxes, then stop
  room.leave("cat");
  room.leave("ann");
  int bob_read = co_await bob;
  int cat_read = co_await cat;
  aio::print("bob read ", bob_read, ", cat read ", cat_read);
}

int report(const char* what) {
  std::cout << what
            << "\nFinish the exercises in chapters/12-queues/exercise.cpp (see "
               "chapters/12-queues/README.md, and HINTS.md if stuck).\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    std::cout << "\n1. Two sensors, two recorders, a queue of 2:\n";
    aio::run(ch12::produce_consume({3, 2}, 2, 2));
    std::cout << "\n2. fetch -> parse -> store, queues of 1:\n";
    int stored = aio::run(
        ch12::run_pipeline({"a.example", "b.example", "c.example", "d.example", "e.example"}, 1));
    std::cout << stored << " records stored\n";
    std::cout << "\n3. A chat room with a slow reader (bob) and a fast one (cat):\n";
    aio::run(chat_scene());
  } catch (const std::exception& error) {
    return report(error.what());
  } catch (const aio::CancelledError& error) {
    return report(error.what());
  }
  return 0;
}
