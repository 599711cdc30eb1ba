// Graders of chapter 12, exercise 4 — the chat room (join, leave, broadcast with a drop policy,
// dropped counts) and read_inbox.
//
// The graders play a script on your ChatRoom: clients join ("<name> joins"), leave ("<name>
// leaves"), say something (after co_await room.broadcast(...) returns: "<name> said "<text>" to
// <n>"), and the graders ask room.dropped(name) ("<name> missed <n>"). Each client that joins
// gets a reader of the graders' own that prints "<name> got "<text>" from <sender>" and then
// takes the client's pace (0 for a fast client, a second for a slow one) before the next
// message, and "<name>'s inbox closed" when get() gives std::nullopt. One test uses your
// read_inbox as the reader instead. Every message text is distinct (random tokens), so the
// graders know when each was sent and can tell a message delivered to its sender, or to a client
// that had left.
//
// The expected timeline comes from a model of the rooms: inboxes of `capacity` messages, a
// message dropped for a client whose inbox is full at that instant, readers that take the next
// message when their pace allows. Random scripts are drawn so that no reader takes a message at
// the very instant a message is sent (where "full" could go either way).
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"
#include "graders_support.hpp"

namespace {

using namespace ch12_graders;

struct Event {
  enum class Kind { Join, Leave, Say, Count };
  Kind kind = Kind::Say;
  Duration at{};
  std::string who;
  std::string text;  // Say only
  int room = 0;
};

struct Script {
  std::vector<std::size_t> capacities{2};  // one per room
  std::vector<Event> events;               // in time order
  std::map<std::string, Duration> pace;    // how long a client takes per message (default 0)
  std::string describe() const {
    std::string text = std::to_string(events.size()) + " events, inbox capacity";
    for (std::size_t c : capacities) text += " " + std::to_string(c);
    for (const auto& [name, d] : pace) {
      if (d > 0s) text += ", " + name + " takes " + format_duration(d) + " per message";
    }
    return text;
  }
};

Duration pace_of(const Script& s, const std::string& name) {
  auto found = s.pace.find(name);
  return found == s.pace.end() ? Duration(0s) : found->second;
}

std::string got_line(const std::string& name, const ch12::Message& m) {
  return name + " got \"" + m.text + "\" from " + m.from;
}
std::string said_line(const std::string& name, const std::string& text, std::size_t n) {
  return name + " said \"" + text + "\" to " + std::to_string(n);
}

struct Model {
  Timeline lines;
  Duration end{};
  bool ambiguous = false;
};

// The rooms, as the lesson describes them.
Model simulate(const Script& s, bool print_reads = false) {
  Model m;
  struct Client {
    std::string name;
    int room = 0;
    std::deque<ch12::Message> inbox;
    bool closed = false;
    bool done = false;
    bool busy = false;
    Duration busy_until{};
    Duration pace{};
    std::size_t dropped = 0;
    int shown = 0;
    Duration done_at{};
  };
  std::vector<Client> clients;                                         // one per accepted join
  std::vector<std::vector<std::size_t>> members(s.capacities.size());  // per room, join order
  Duration t{};
  auto reader_next = [&](Client& c) {
    if (!c.inbox.empty()) {
      m.lines.push_back({t, got_line(c.name, c.inbox.front())});
      c.inbox.pop_front();
      c.busy = true;
      c.busy_until = t + c.pace;
      ++c.shown;
    } else if (c.closed) {
      if (!print_reads) m.lines.push_back({t, c.name + "'s inbox closed"});
      c.done = true;
      c.done_at = t;
    }
  };
  auto member_named = [&](int room, const std::string& name) -> Client* {
    for (std::size_t i : members[room])
      if (clients[i].name == name) return &clients[i];
    return nullptr;
  };
  std::size_t next = 0;
  while (true) {
    std::optional<Duration> reader_time;
    for (const Client& c : clients) {
      if (c.busy && (!reader_time || c.busy_until < *reader_time)) reader_time = c.busy_until;
    }
    const bool events_left = next < s.events.size();
    if (!events_left && !reader_time) break;
    if (reader_time && (!events_left || *reader_time < s.events[next].at)) {
      t = *reader_time;
      for (Client& c : clients) {
        if (c.busy && c.busy_until == t) {
          c.busy = false;
          reader_next(c);
        }
      }
      continue;
    }
    t = s.events[next].at;
    for (const Client& c : clients) {
      if (c.busy && c.busy_until == t && c.pace > 0s) m.ambiguous = true;
    }
    while (next < s.events.size() && s.events[next].at == t) {
      const Event& e = s.events[next++];
      auto& room = members[e.room];
      switch (e.kind) {
        case Event::Kind::Join:
          if (member_named(e.room, e.who)) {
            m.lines.push_back({t, e.who + " refused: the name is taken"});
          } else {
            Client c;
            c.name = e.who;
            c.room = e.room;
            c.pace = pace_of(s, e.who);
            clients.push_back(c);
            room.push_back(clients.size() - 1);
            m.lines.push_back({t, e.who + " joins"});
          }
          break;
        case Event::Kind::Leave:
          m.lines.push_back({t, e.who + " leaves"});
          for (auto it = room.begin(); it != room.end(); ++it) {
            if (clients[*it].name == e.who) {
              clients[*it].closed = true;
              room.erase(it);
              break;
            }
          }
          break;
        case Event::Kind::Say: {
          std::size_t delivered = 0;
          for (std::size_t i : room) {
            Client& c = clients[i];
            if (c.name == e.who) continue;
            // A message handed to a waiting reader still takes a slot until the reader runs,
            // which is after this instant's script: counting the inbox as it stands is exact.
            if (c.inbox.size() < s.capacities[e.room]) {
              c.inbox.emplace_back(e.who, e.text);
              ++delivered;
            } else {
              ++c.dropped;
            }
          }
          m.lines.push_back({t, said_line(e.who, e.text, delivered)});
          break;
        }
        case Event::Kind::Count: {
          Client* c = member_named(e.room, e.who);
          m.lines.push_back({t, e.who + " missed " + std::to_string(c ? c->dropped : 0)});
          break;
        }
      }
    }
    for (Client& c : clients) {
      if (!c.busy && !c.done) reader_next(c);
    }
  }
  m.end = t;
  if (print_reads) {
    // The script awaits each reader in join order, and prints what it returned.
    Duration at = s.events.empty() ? Duration(0s) : s.events.back().at;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      at = std::max(at, clients[i].done_at);
      m.lines.push_back({at, clients[i].name + " read " + std::to_string(clients[i].shown)});
    }
    m.end = std::max(m.end, at);
  }
  return m;
}

// ---- the graders' script and readers -------------------------------------------------------

struct Got {
  Duration at{};
  int session = 0;  // which accepted join
  std::string name;
  ch12::Message message;
};

struct Record {
  const Script* s = nullptr;
  std::vector<Got> got;
  std::map<int, Duration> joined_at, left_at;  // per session
  std::vector<std::string> no_inbox;
  struct Late {
    Duration due{};       // when the script said it
    Duration returned{};  // when broadcast() returned
    std::string text;
  };
  std::vector<Late> said_late;
};

aio::Task<> graders_show(std::shared_ptr<Record> record, int session, std::string name,
                         ch12::Message message, Duration pace) {
  aio::print(got_line(name, message));
  record->got.push_back({aio::now(), session, name, message});
  co_await aio::sleep(pace);
}

aio::Task<int> graders_reader(std::shared_ptr<Record> record, int session, std::string name,
                              ch12::Inbox inbox, Duration pace) {
  int shown = 0;
  while (std::optional<ch12::Message> message = co_await inbox->get()) {
    co_await graders_show(record, session, name, std::move(*message), pace);
    ++shown;
  }
  aio::print(name, "'s inbox closed");
  co_return shown;
}

aio::Task<> play(std::shared_ptr<Record> record, bool learners_reader) {
  const Script& s = *record->s;
  std::vector<ch12::ChatRoom> rooms;
  rooms.reserve(s.capacities.size());
  for (std::size_t capacity : s.capacities) rooms.emplace_back(capacity);
  struct Reader {
    std::string name;
    aio::TaskHandle<int> handle;
  };
  std::vector<Reader> readers;
  std::vector<std::map<std::string, int>> session_of(s.capacities.size());
  for (const Event& e : s.events) {
    if (e.at > aio::now()) co_await aio::sleep(e.at - aio::now());
    ch12::ChatRoom& room = rooms[static_cast<std::size_t>(e.room)];
    if (e.kind == Event::Kind::Join) {
      ch12::Inbox inbox;
      bool refused = false;
      try {
        inbox = room.join(e.who);
      } catch (const std::invalid_argument&) {
        refused = true;
      }
      if (refused) {
        aio::print(e.who, " refused: the name is taken");
        continue;
      }
      if (!inbox) {
        record->no_inbox.push_back(e.who);
        continue;
      }
      aio::print(e.who, " joins");
      const int session = static_cast<int>(readers.size());
      session_of[e.room][e.who] = session;
      record->joined_at[session] = aio::now();
      const Duration pace = pace_of(s, e.who);
      if (learners_reader) {
        ch12::Show show = [record, session, name = e.who, pace](ch12::Message message) {
          return graders_show(record, session, name, std::move(message), pace);
        };
        readers.push_back({e.who, aio::create_task(ch12::read_inbox(inbox, show), e.who)});
      } else {
        readers.push_back(
            {e.who, aio::create_task(graders_reader(record, session, e.who, inbox, pace), e.who)});
      }
    } else if (e.kind == Event::Kind::Leave) {
      room.leave(e.who);
      aio::print(e.who, " leaves");
      auto found = session_of[e.room].find(e.who);
      if (found != session_of[e.room].end()) {
        record->left_at[found->second] = aio::now();
        session_of[e.room].erase(found);
      }
    } else if (e.kind == Event::Kind::Say) {
      const std::size_t delivered = co_await room.broadcast(e.who, e.text);
      aio::print(said_line(e.who, e.text, delivered));
      if (aio::now() != e.at) record->said_late.push_back({e.at, aio::now(), e.text});
    } else {
      aio::print(e.who, " missed ", room.dropped(e.who));
    }
  }
  for (auto& reader : readers) {
    const int shown = co_await reader.handle;
    if (learners_reader) aio::print(reader.name, " read ", shown);
  }
}

struct Outcome {
  Run<void> run;
  std::shared_ptr<Record> record;
};

Outcome play_script(const Script& s, bool learners_reader = false) {
  Outcome out;
  out.record = std::make_shared<Record>();
  out.record->s = &s;
  out.run = grading::run(play(out.record, learners_reader), capped());
  return out;
}

// When each text was said (texts are distinct).
std::map<std::string, Duration> said_at(const Script& s) {
  std::map<std::string, Duration> at;
  for (const Event& e : s.events)
    if (e.kind == Event::Kind::Say) at[e.text] = e.at;
  return at;
}

const std::string kPolicy =
    "this room drops: broadcast() never waits, a full inbox just does not get the message, and "
    "that client's dropped count goes up by one";

::testing::AssertionResult diagnosis(const Script& s, const Model& m, const Outcome& out) {
  const Run<void>& run = out.run;
  if (hit_a_todo(run)) return grading::finished(run);
  if (blocked_the_loop(run)) return grading::finished(run);  // which explains it
  const Record& rec = *out.record;
  if (!rec.no_inbox.empty()) {
    return ::testing::AssertionFailure()
           << "join(\"" << rec.no_inbox.front() << "\") returned an empty Inbox (a null "
           << "std::shared_ptr).\nWhat you missed: join makes the client's queue, "
              "std::make_shared<aio::Queue<Message>>(inbox_capacity_), keeps it in the "
              "member, and returns it.\n"
           << grading::hints_pointer();
  }
  if (failed_with<aio::QueueClosed>(run)) {
    return ::testing::AssertionFailure()
           << "broadcast threw aio::QueueClosed: it tried to put a message into the inbox of a "
              "client who had left (leave() closed that inbox).\nWhat you missed: leave() also "
              "takes the client out of the room, so that no later broadcast reaches it.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (std::string report = deadlock_report(run);
      !report.empty() && report.find("queue get") != std::string::npos) {
    return ::testing::AssertionFailure()
           << "the run deadlocked: a client's reader was still waiting in get() for messages "
              "after the client had left, and nothing could ever end that wait. The loop "
              "reported:\n"
           << indented(report)
           << "What you missed: leave() closes the client's inbox (inbox->close()): its reader "
              "then reads what was already delivered, get() gives std::nullopt, and the reader "
              "ends. Without it the reader waits forever.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  if (failed_with<std::invalid_argument>(run)) {
    return ::testing::AssertionFailure()
           << "a join() threw std::invalid_argument (\"" << error_text(run)
           << "\") for a name that was not in the room (" << s.describe()
           << ").\nWhat you missed: only a name that is in the room right now is refused; a "
              "client that left may join again.\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  // Joins refused, or accepted, against the model (counted: two rooms may print the same line).
  {
    const Timeline actual = run.timeline();
    auto count = [](const Timeline& lines, const Line& line) {
      return std::count(lines.begin(), lines.end(), line);
    };
    const std::string kRefused = " refused: the name is taken";
    for (const Line& want : m.lines) {
      const auto refused = want.text.find(kRefused);
      const auto joins = want.text.find(" joins");
      if (refused == std::string::npos && joins == std::string::npos) continue;
      const std::string name = want.text.substr(0, std::min(refused, joins));
      const Line accepted{want.time, name + " joins"};
      const Line refusal{want.time, name + kRefused};
      if (count(actual, refusal) < count(m.lines, refusal) &&
          count(actual, accepted) > count(m.lines, accepted)) {
        return ::testing::AssertionFailure()
               << "join(\"" << name << "\") at " << format_duration(want.time)
               << " was accepted, but " << name
               << " was in the room already.\nWhat you "
                  "missed: a name already in the room is refused with std::invalid_argument, "
                  "so that two clients never share a name (and an inbox).\n"
               << side_by_side(m.lines, run) << grading::hints_pointer();
      }
      if (count(actual, refusal) > count(m.lines, refusal) &&
          count(actual, accepted) < count(m.lines, accepted)) {
        return ::testing::AssertionFailure()
               << "join(\"" << name << "\") at " << format_duration(want.time)
               << " was refused (std::invalid_argument), but no client of that name was in "
                  "this room then ("
               << s.describe()
               << ").\nWhat you missed: only the "
                  "clients in THIS room count: a name is taken while its client is a member of "
                  "this ChatRoom object (its members_), and free again once it left. Something "
                  "that outlives the room, or is shared by every room (a `static` or global "
                  "variable), remembered the name.\n"
               << side_by_side(m.lines, run) << grading::hints_pointer();
      }
    }
  }
  const auto when = said_at(s);
  for (const Got& got : rec.got) {
    if (got.message.from == got.name) {
      return ::testing::AssertionFailure()
             << got.name << " received its own message \"" << got.message.text << "\" at "
             << format_duration(got.at)
             << ".\nWhat you missed: broadcast() delivers to every "
                "client EXCEPT the sender (`from`): skip the member whose name is `from`.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    auto sent = when.find(got.message.text);
    if (sent == when.end()) {
      return ::testing::AssertionFailure()
             << got.name << " received \"" << got.message.text << "\" from " << got.message.from
             << ", which nobody said.\nWhat you missed: deliver Message(from, text) as given.\n"
             << grading::hints_pointer();
    }
    auto left = rec.left_at.find(got.session);
    if (left != rec.left_at.end() && sent->second > left->second) {
      return ::testing::AssertionFailure()
             << got.name << " received \"" << got.message.text << "\", which was said at "
             << format_duration(sent->second) << ", after " << got.name << " had left at "
             << format_duration(left->second) << ".\nWhat you missed: leave() takes the client "
             << "out of the room: nothing broadcast after that reaches it.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
    auto joined = rec.joined_at.find(got.session);
    if (joined != rec.joined_at.end() && sent->second < joined->second) {
      return ::testing::AssertionFailure()
             << got.name << " received \"" << got.message.text << "\", which was said at "
             << format_duration(sent->second) << ", before that " << got.name << " joined at "
             << format_duration(joined->second) << ".\nWhat you missed: join() gives a new, "
             << "empty inbox: a client gets only what is broadcast after it joined.\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
  }
  if (!rec.said_late.empty()) {
    const Record::Late& late = rec.said_late.front();
    return ::testing::AssertionFailure()
           << "broadcasting \"" << late.text << "\", said at " << format_duration(late.due)
           << ", took until " << format_duration(late.returned)
           << ": broadcast() waited, and the sender, and every client after the slow one, "
              "waited with it.\nWhat you missed: "
           << kPolicy
           << ". One slow reader must not "
              "stall the room: deliver with inbox->try_put(...), which never waits, instead of "
              "co_await inbox->put(...).\n"
           << side_by_side(m.lines, run) << grading::hints_pointer();
  }
  // The dropped counts, as printed, against the model.
  const Timeline actual = run.timeline();
  for (const Line& want : m.lines) {
    if (want.text.find(" missed ") == std::string::npos) continue;
    if (std::find(actual.begin(), actual.end(), want) != actual.end()) continue;
    const std::string prefix = want.text.substr(0, want.text.find(" missed ") + 8);
    for (const Line& line : actual) {
      if (line.time != want.time || line.text.rfind(prefix, 0) != 0 || line.text == want.text) {
        continue;
      }
      return ::testing::AssertionFailure()
             << "at " << format_duration(want.time) << " room.dropped(\""
             << prefix.substr(0, prefix.size() - 8) << "\") was " << line.text.substr(prefix.size())
             << ", but " << want.text.substr(prefix.size())
             << " messages had been dropped for that client "
             << "since it joined (its inbox was full when they came).\nWhat you missed: " << kPolicy
             << " (for that client only, counted from its join).\n"
             << side_by_side(m.lines, run) << grading::hints_pointer();
    }
  }
  return grading::finished(run);
}

const std::string kTimelineLesson =
    "every message goes at once to the inbox of every other client in the room, unless that "
    "inbox is full (then it is dropped for that client); each reader shows its messages at its "
    "own pace, and ends when the client has left and its inbox is empty";

void expect_script(const Script& s, bool learners_reader = false) {
  SCOPED_TRACE(s.describe());
  const Model m = simulate(s, learners_reader);
  ASSERT_FALSE(m.ambiguous) << "grader bug: an ambiguous script";
  Outcome out = play_script(s, learners_reader);
  ASSERT_TRUE(diagnosis(s, m, out));
  ASSERT_TRUE(timeline_matches(out.run, m.lines, kTimelineLesson));
  EXPECT_TRUE(grading::elapsed_is(out.run, m.end,
                                  "the script ends when the last reader has read everything "
                                  "delivered to it"));
  EXPECT_TRUE(grading::real_time_below(out.run, 1s));
}

// ---- scripts --------------------------------------------------------------------------------

std::string token() {
  return std::to_string(grading::random_int(100, 999));
}

Event join(Duration at, std::string who, int room = 0) {
  return {Event::Kind::Join, at, std::move(who), "", room};
}
Event leave(Duration at, std::string who, int room = 0) {
  return {Event::Kind::Leave, at, std::move(who), "", room};
}
Event say(Duration at, std::string who, std::string text, int room = 0) {
  return {Event::Kind::Say, at, std::move(who), std::move(text), room};
}
Event count(Duration at, std::string who, int room = 0) {
  return {Event::Kind::Count, at, std::move(who), "", room};
}

void sort_events(Script& s) {
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const Event& a, const Event& b) { return a.at < b.at; });
}

// Redrawn until the model is unambiguous.
template <class Draw, class Wanted>
Script unambiguous(Draw draw, Wanted wanted) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    Script s = draw();
    const Model m = simulate(s);
    if (!m.ambiguous && wanted(m)) return s;
  }
  ADD_FAILURE() << "grader bug: no unambiguous random script found";
  return draw();
}
template <class Draw>
Script unambiguous(Draw draw) {
  return unambiguous(draw, [](const Model&) { return true; });
}

TEST(ChatRoom, BroadcastReachesEveryClientButTheSender) {
  Script s = unambiguous([] {
    Script s;
    s.capacities = {10};
    const std::vector<std::string> names = {"ann", "bob", "cat", "dan"};
    for (const auto& name : names) s.events.push_back(join(0s, name));
    Duration at = 0s;
    const int messages = grading::random_int(4, 8);
    for (int i = 0; i < messages; ++i) {
      at += random_ms(50, 500);
      // Mostly members (the first message always); now and then a sender that is not in the
      // room (a server notice).
      const int who = grading::random_int(0, i == 0 ? 3 : 4);
      const std::string from = who == 4 ? std::string("server") : names[who];
      s.events.push_back(say(at, from, "message " + std::to_string(i) + " #" + token()));
    }
    at += 100ms;
    for (const auto& name : names) s.events.push_back(leave(at, name));
    return s;
  });
  expect_script(s);
}

TEST(ChatRoom, ASlowClientDoesNotHoldUpTheOthers) {
  {
    // Fixed: inboxes of 2; bob reads a message a second, cat at once; ann says five things
    // 0.1 s apart. cat gets each as it is said and ann never waits; bob gets the first three
    // (one in hand, two queued), the last two are dropped for him.
    Script s;
    s.capacities = {2};
    s.pace = {{"bob", 1s}};
    s.events = {join(0s, "ann"), join(0s, "bob"), join(0s, "cat")};
    for (int i = 1; i <= 5; ++i) {
      s.events.push_back(say(i * 100ms, "ann", "hello " + std::to_string(i) + " #" + token()));
    }
    s.events.push_back(count(600ms, "bob"));
    s.events.push_back(count(600ms, "cat"));
    for (const char* name : {"ann", "bob", "cat"}) s.events.push_back(leave(600ms, name));
    expect_script(s);
    if (HasFatalFailure()) return;
  }
  // Random: two slow clients of different paces between fast ones.
  Script s = unambiguous([] {
    Script s;
    s.capacities = {static_cast<std::size_t>(grading::random_int(1, 3))};
    s.pace = {{"bob", random_ms(600, 1500)}, {"dan", random_ms(300, 900)}};
    for (const char* name : {"ann", "bob", "cat", "dan", "eve"}) s.events.push_back(join(0s, name));
    Duration at = 0s;
    const int messages = grading::random_int(5, 9);
    for (int i = 0; i < messages; ++i) {
      at += random_ms(40, 300);
      const std::string from = grading::random_int(0, 1) ? "ann" : "eve";
      s.events.push_back(say(at, from, "news " + std::to_string(i) + " #" + token()));
    }
    at += 10ms;
    for (const char* name : {"bob", "dan", "cat"}) s.events.push_back(count(at, name));
    for (const char* name : {"ann", "bob", "cat", "dan", "eve"})
      s.events.push_back(leave(at, name));
    return s;
  });
  expect_script(s);
}

TEST(ChatRoom, CountsExactlyTheMessagesDroppedForEachClient) {
  // Counts asked for during the traffic, not only at the end, and for a fast client (0).
  Script s = unambiguous(
      [] {
        Script s;
        s.capacities = {static_cast<std::size_t>(grading::random_int(1, 3))};
        s.pace = {{"bob", random_ms(500, 1200)}};
        for (const char* name : {"ann", "bob", "cat"}) s.events.push_back(join(0s, name));
        Duration at = 0s;
        const int messages = grading::random_int(6, 10);
        for (int i = 0; i < messages; ++i) {
          at += random_ms(50, 700);
          s.events.push_back(say(at, grading::random_int(0, 1) ? "ann" : "cat",
                                 "line " + std::to_string(i) + " #" + token()));
          if (i % 3 == 2) s.events.push_back(count(at, "bob"));
        }
        at += 10ms;
        for (const char* name : {"bob", "cat", "ann"}) s.events.push_back(count(at, name));
        for (const char* name : {"ann", "bob", "cat"}) s.events.push_back(leave(at, name));
        return s;
      },
      [](const Model& m) {
        // Only scripts in which some messages are dropped for bob.
        for (const Line& line : m.lines) {
          if (line.text.rfind("bob missed ", 0) == 0 && line.text != "bob missed 0") return true;
        }
        return false;
      });
  expect_script(s);
}

TEST(ChatRoom, ClientsJoinAndLeaveDuringTheTraffic) {
  Script s = unambiguous([] {
    Script s;
    s.capacities = {static_cast<std::size_t>(grading::random_int(2, 4))};
    s.pace = {{"bob", random_ms(200, 700)}};
    const std::vector<std::string> names = {"ann", "bob", "cat", "dan"};
    std::set<std::string> in;
    Duration at = 0s;
    s.events.push_back(join(0s, "ann"));
    in.insert("ann");
    for (int i = 0; i < 14; ++i) {
      at += random_ms(50, 400);
      const std::string& name = names[grading::random_int(0, 3)];
      const int action = grading::random_int(0, 3);
      if (action == 0) {
        if (in.count(name)) {
          s.events.push_back(leave(at, name));
          in.erase(name);
        } else {
          s.events.push_back(join(at, name));
          in.insert(name);
        }
      } else {
        // The sender may be in the room or not (then everybody in it gets the message).
        s.events.push_back(say(at, name, "chat " + std::to_string(i) + " #" + token()));
      }
    }
    at += 10ms;
    for (const auto& name : in) s.events.push_back(leave(at, name));
    return s;
  });
  expect_script(s);
}

TEST(ChatRoom, NothingReachesAClientAfterItLeft) {
  // bob is slow: when he leaves, two messages are still in his inbox; he reads them, and then his
  // reader ends. What is said after he left never reaches him.
  Script s;
  s.capacities = {3};
  s.pace = {{"bob", 1s}};
  s.events = {join(0s, "ann"), join(0s, "bob"), join(0s, "cat")};
  s.events.push_back(say(100ms, "ann", "before 1 #" + token()));
  s.events.push_back(say(200ms, "cat", "before 2 #" + token()));
  s.events.push_back(say(300ms, "ann", "before 3 #" + token()));
  s.events.push_back(leave(400ms, "bob"));
  s.events.push_back(say(500ms, "ann", "after 1 #" + token()));
  s.events.push_back(say(600ms, "cat", "after 2 #" + token()));
  s.events.push_back(count(700ms, "bob"));
  s.events.push_back(leave(700ms, "ann"));
  s.events.push_back(leave(700ms, "cat"));
  expect_script(s);
}

TEST(ChatRoom, ANameIsTakenOnlyWhileItsClientIsInTheRoom) {
  // ann joins twice (refused), leaves, joins again: a new inbox and a new count. Leaving with a
  // name that is not in the room does nothing.
  Script s;
  s.capacities = {1};
  s.pace = {{"ann", 800ms}};
  s.events = {join(0s, "ann"), join(0s, "bob"), join(100ms, "ann")};
  s.events.push_back(say(200ms, "bob", "one #" + token()));
  s.events.push_back(say(300ms, "bob", "two #" + token()));
  s.events.push_back(say(400ms, "bob", "three #" + token()));
  s.events.push_back(count(500ms, "ann"));
  s.events.push_back(leave(500ms, "ann"));
  s.events.push_back(leave(550ms, "zed"));
  s.events.push_back(join(600ms, "ann"));
  s.events.push_back(count(600ms, "ann"));
  s.events.push_back(say(700ms, "bob", "four #" + token()));
  s.events.push_back(leave(2s, "ann"));
  s.events.push_back(leave(2s, "bob"));
  expect_script(s);
}

TEST(ChatRoom, TwoRoomsShareNothing) {
  // The same names in two rooms of different capacities: a message said in one room stays there,
  // and each room counts its own drops.
  Script s;
  s.capacities = {1, 3};
  s.pace = {{"bob", 1s}};
  for (int room : {0, 1}) {
    s.events.push_back(join(0s, "ann", room));
    s.events.push_back(join(0s, "bob", room));
  }
  for (int i = 0; i < 4; ++i) {
    s.events.push_back(
        say(100ms * (2 * i + 1), "ann", "room A " + std::to_string(i) + " #" + token(), 0));
    s.events.push_back(
        say(100ms * (2 * i + 2), "ann", "room B " + std::to_string(i) + " #" + token(), 1));
  }
  s.events.push_back(count(900ms, "bob", 0));
  s.events.push_back(count(900ms, "bob", 1));
  for (int room : {0, 1}) {
    s.events.push_back(leave(900ms, "ann", room));
    s.events.push_back(leave(900ms, "bob", room));
  }
  sort_events(s);
  expect_script(s);
}

TEST(ChatRoom, WorksWithYourReadInbox) {
  // The fixed slow-client script, with your read_inbox as every client's reader.
  grading::uses_learners("read_inbox");
  Script s;
  s.capacities = {2};
  s.pace = {{"bob", 1s}};
  s.events = {join(0s, "ann"), join(0s, "bob"), join(0s, "cat")};
  for (int i = 1; i <= 4; ++i) {
    s.events.push_back(say(i * 100ms, "ann", "hi " + std::to_string(i) + " #" + token()));
  }
  s.events.push_back(count(500ms, "bob"));
  for (const char* name : {"ann", "bob", "cat"}) s.events.push_back(leave(500ms, name));
  expect_script(s, true);
}

// ---- read_inbox on its own -----------------------------------------------------------------

struct Shown {
  std::vector<std::pair<Duration, ch12::Message>> messages;
};

aio::Task<> graders_screen(std::shared_ptr<Shown> shown, ch12::Message message, Duration takes) {
  aio::print("showing \"", message.text, "\" from ", message.from);
  shown->messages.emplace_back(aio::now(), message);
  co_await aio::sleep(takes);
}

// Puts `messages` into an inbox of `capacity` at the given times, closes it at `close_at`, and
// runs read_inbox on it; prints "read_inbox returned <n>" when it returns.
aio::Task<> feed_and_read(std::vector<std::pair<Duration, ch12::Message>> messages,
                          Duration close_at, std::size_t capacity, Duration takes,
                          std::shared_ptr<Shown> shown) {
  ch12::Inbox inbox = std::make_shared<aio::Queue<ch12::Message>>(capacity);
  ch12::Show show = [shown, takes](ch12::Message m) {
    return graders_screen(shown, std::move(m), takes);
  };
  auto reader = aio::create_task(ch12::read_inbox(inbox, show), "read_inbox");
  for (auto& [at, message] : messages) {
    if (at > aio::now()) co_await aio::sleep(at - aio::now());
    co_await inbox->put(std::move(message));
  }
  if (close_at > aio::now()) co_await aio::sleep(close_at - aio::now());
  inbox->close();
  const int n = co_await reader;
  aio::print("read_inbox returned ", n);
}

TEST(ReadInbox, ShowsEveryMessageInOrderThenEndsWhenClosed) {
  // Messages come faster than they are shown (at most 50 ms apart, shown in 100-400 ms), so
  // that some are still waiting in the inbox when it is closed.
  const int n = grading::random_int(2, 6);
  const Duration takes = random_ms(100, 400);
  std::vector<std::pair<Duration, ch12::Message>> messages;
  Duration at = random_ms(0, 200);
  for (int i = 0; i < n; ++i) {
    if (i > 0) at += random_ms(0, 50);
    messages.emplace_back(
        at, ch12::Message(i % 2 ? "bob" : "ann", "m" + std::to_string(i) + " #" + token()));
  }
  // Closed right after the last put: the messages still queued must be shown all the same.
  const Duration close_at = at;
  // The model: the reader shows message i when it has arrived and message i-1 is done. (The
  // inbox holds them all: capacity n, so nobody waits to put.)
  Timeline expected;
  Duration free_at = 0s;
  for (const auto& [arrives, m] : messages) {
    const Duration start = std::max(free_at, arrives);
    expected.push_back({start, "showing \"" + m.text + "\" from " + m.from});
    free_at = start + takes;
  }
  const Duration end = std::max(free_at, close_at);
  expected.push_back({end, "read_inbox returned " + std::to_string(n)});
  auto shown = std::make_shared<Shown>();
  auto run = grading::run(
      feed_and_read(messages, close_at, static_cast<std::size_t>(n), takes, shown), capped());
  ASSERT_TRUE(holds(hit_a_todo(run) || run.error || static_cast<int>(shown->messages.size()) >= n)
              << "read_inbox showed " << shown->messages.size() << " of " << n
              << " messages: it stopped while messages were still in the inbox.\nWhat you "
                 "missed: the inbox is closed right after the last message is put, with "
                 "messages still in it. close() means \"no more will come\", not \"nothing "
                 "is left\": keep calling get() until it gives std::nullopt (closed AND "
                 "empty).\n"
              << side_by_side(expected, run) << grading::hints_pointer());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(timeline_matches(run, expected,
                               "read_inbox shows one message at a time, in order, each as soon "
                               "as the previous one is shown, and returns the count once the "
                               "inbox is closed and empty"));
  EXPECT_TRUE(grading::elapsed_is(run, end, "read_inbox returns when the last message is shown"));
}

TEST(ReadInbox, AClosedEmptyInboxShowsNothing) {
  auto shown = std::make_shared<Shown>();
  auto run = grading::run(feed_and_read({}, 300ms, 1, 100ms, shown), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::timeline_is(run, {{300ms, "read_inbox returned 0"}},
                                   "an inbox closed with nothing in it: read_inbox waits until "
                                   "it is closed, shows nothing and returns 0"));
}

TEST(ReadInbox, AnEmptyMessageIsAMessageToo) {
  // Texts that are empty or look like an end marker are messages like any other.
  std::vector<std::pair<Duration, ch12::Message>> messages = {{0s, ch12::Message("ann", "")},
                                                              {100ms, ch12::Message("", "bye")},
                                                              {200ms, ch12::Message("bob", "0")}};
  auto shown = std::make_shared<Shown>();
  auto run = grading::run(feed_and_read(messages, 250ms, 3, 50ms, shown), capped());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::timeline_is(run,
                                   {{0s, "showing \"\" from ann"},
                                    {100ms, "showing \"bye\" from "},
                                    {200ms, "showing \"0\" from bob"},
                                    {250ms, "read_inbox returned 3"}},
                                   "only get() giving std::nullopt ends the loop; every message, "
                                   "whatever its text, is shown"));
}

}  // namespace
