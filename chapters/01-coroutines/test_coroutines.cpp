// Graders for chapter 01 — coroutines. Run them with `ctest --preset workbook -L ch01`.
//
// Everything runs on the simulated clock. Nothing in this chapter sleeps, so every line is
// expected at 0.000 s and every run takes 0 s of simulated time.
#include <grading/grading.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "exercise.hpp"

namespace {

using grading::Timeline;
using namespace std::chrono_literals;

// ---- helpers --------------------------------------------------------------------------------

// Collects whatever the code under test writes to std::cout while it is alive. The graded runs
// print nothing themselves (aio::print only records into the transcript), so anything caught
// here was written with std::cout by the exercise: the loop never sees such lines.
class CoutCapture {
 public:
  CoutCapture() : previous_(std::cout.rdbuf(captured_.rdbuf())) {}
  ~CoutCapture() { std::cout.rdbuf(previous_); }
  CoutCapture(const CoutCapture&) = delete;
  CoutCapture& operator=(const CoutCapture&) = delete;
  std::string text() const { return captured_.str(); }

 private:
  std::ostringstream captured_;  // declared first: it must exist before previous_ redirects to it
  std::streambuf* previous_;
};

// `advice` says what to do instead: print with aio::print, or (for greet) print nothing at all.
::testing::AssertionResult nothing_written_to_cout(
    const std::string& written, const std::string& advice = "Print with aio::print(...) instead.") {
  if (written.empty()) return ::testing::AssertionSuccess();
  std::string indented;
  std::istringstream lines(written);
  for (std::string line; std::getline(lines, line);) indented += "  " + line + "\n";
  return ::testing::AssertionFailure()
         << "your code wrote this with std::cout (or with aio::print while no event loop was "
            "running):\n"
         << indented
         << "std::cout goes straight to the terminal: the event loop never sees those lines, so "
            "they have no time stamp and are not in the transcript the graders compare. "
         << advice << "\n"
         << grading::hints_pointer();
}

using grading::holds;

// Names drawn from the seeded generator: a hard-coded greeting cannot pass.
std::string random_name() {
  static const std::vector<std::string> first = {"Ada",    "Alan",     "Grace",  "Linus",
                                                 "Edsger", "Barbara",  "Dennis", "Frances",
                                                 "Guido",  "Margaret", "Bjarne", "Katherine"};
  static const std::vector<std::string> last = {"Lovelace",   "Turing",   "Hopper",     "Torvalds",
                                                "Dijkstra",   "Liskov",   "Ritchie",    "Allen",
                                                "van Rossum", "Hamilton", "Stroustrup", "Johnson"};
  auto pick = [](const std::vector<std::string>& from) {
    return from[static_cast<std::size_t>(
        grading::random_int(0, static_cast<int>(from.size()) - 1))];
  };
  return pick(first) + " " + pick(last);
}

std::vector<std::string> random_names(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) names.push_back(random_name());
  return names;
}

std::string expected_greeting(const std::string& name) {
  return "Hello, " + name + "!";
}

Timeline greetings_at_zero(const std::vector<std::string>& names) {
  Timeline lines;
  for (const auto& name : names) lines.push_back({0s, expected_greeting(name)});
  return lines;
}

// ---- the grader's own greeter -----------------------------------------------------------------

// What the grader hands greet_all() instead of greet(): a coroutine of its own whose text no
// typed-in "Hello, " + name + "!" can match, so greet_all passes only by printing what it got.
// It prints nothing (like greet), and counts its runs by name: "stand_in_greet".
aio::Task<std::string> stand_in_greet(std::string name, int token) {
  co_return "Hi [" + name + "] #" + std::to_string(token);
}

ch01::Greeter stand_in_greeter(int token) {
  return [token](std::string name) { return stand_in_greet(std::move(name), token); };
}

std::string stand_in_text(const std::string& name, int token) {
  return "Hi [" + name + "] #" + std::to_string(token);
}

Timeline stand_in_lines(const std::vector<std::string>& names, int token) {
  Timeline lines;
  for (const auto& name : names) lines.push_back({0s, stand_in_text(name, token)});
  return lines;
}

// greet_all() awaited the greeter it was given, once per name. Says what happened otherwise:
// it called ch01::greet by name, it built the texts itself, or it called the greeter too often.
template <class T>
::testing::AssertionResult used_the_greeter(const grading::Run<T>& run, std::size_t names) {
  if (run.error) return grading::finished(run);
  const int expected = static_cast<int>(names);
  const int stand_in = run.started("stand_in_greet");
  const int own_greet = run.started("greet");
  if (stand_in == expected) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (stand_in == 0 && own_greet > 0) {
    failure << "greet_all() ran ch01::greet " << own_greet
            << " time(s), but never the greeter the grader passed as its parameter `greet`: it "
               "called the function by its full name, which the parameter cannot replace.\n"
               "What you missed: inside greet_all, write co_await greet(name). The parameter "
               "`greet` is ch01::greet unless the caller passes another greeter, as here.\n";
  } else if (stand_in == 0) {
    Timeline printed = run.timeline();
    failure << "greet_all() never awaited a greeter: not the one the grader passed, not "
               "ch01::greet";
    if (!printed.empty())
      failure << ", yet it printed " << printed.size() << " line(s), starting with \""
              << printed.front().text << "\": it made those texts itself";
    failure << ".\nWhat you missed: greet() makes each greeting, and greet_all awaits it "
               "(co_await greet(name)) and prints the text it gives back.\n";
  } else {
    failure << "greet_all() awaited its greeter " << stand_in << " time(s) for " << names
            << " name(s).\nWhat you missed: await greet(name) exactly once per name, in the "
               "order of the list, and print each text as soon as you have it.\n";
  }
  return failure << grading::hints_pointer();
}

// ---- grader coroutines: they call the exercise the way a learner's own code would ----------

const std::string kCreatedMarker = "(grader: task created, not awaited yet)";

// Calls greeting() inside the loop, then awaits it: had greeting() printed before its body ran
// (in a plain function, say), the line would still be in the transcript, attributed to this
// caller rather than to greeting.
aio::Task<std::string> caller_of_greeting() {
  std::string value = co_await ch01::greeting();
  co_return value;
}

struct LazyGreeting {
  std::size_t lines_printed_before_await = 0;
  std::string value;
};

// Creates greeting()'s Task, notes how many lines had been printed by then, prints a marker, and
// only then awaits the Task. A lazy Task prints "Hello!" after the marker, never before.
aio::Task<LazyGreeting> create_then_await_greeting() {
  aio::Task<std::string> task = ch01::greeting();
  std::size_t printed = aio::Loop::current()->report().transcript.size();
  aio::print(kCreatedMarker);
  std::string value = co_await task;
  co_return LazyGreeting{printed, value};
}

// Awaits greeting() twice in one loop: each await runs a fresh coroutine, so each prints.
aio::Task<std::vector<std::string>> greeting_twice() {
  std::vector<std::string> values;
  values.push_back(co_await ch01::greeting());
  values.push_back(co_await ch01::greeting());
  co_return values;
}

aio::Task<std::vector<std::string>> greet_each(std::vector<std::string> names) {
  std::vector<std::string> greetings;
  for (const auto& name : names) greetings.push_back(co_await ch01::greet(name));
  co_return greetings;
}

// greet() is handed a temporary string that dies at the end of the statement that creates the
// Task, long before the Task runs. Only a parameter taken by value survives that.
aio::Task<std::string> greet_a_temporary(std::string name) {
  aio::Task<std::string> task = ch01::greet(name + " the Elder, Keeper of Long Names");
  // Reuse the heap: had greet() kept a reference to the dead temporary, it would now read this
  // (and an ASan build would stop with heap-use-after-free).
  std::string scribble(name.size() + 40, '#');
  std::string text = co_await task;
  co_return text;
}

// Creates greet_all()'s Task from a vector that is then changed and destroyed, prints a marker,
// then awaits. greet_all() owns a copy of its names, and runs only once awaited.
aio::Task<int> create_greet_all_then_await(std::vector<std::string> names) {
  aio::Task<int> task;
  {
    std::vector<std::string> guests = names;
    task = ch01::greet_all(guests);
    guests.assign(guests.size(), "(somebody else)");
  }
  aio::print(kCreatedMarker);
  int greeted = co_await task;
  co_return greeted;
}

// Calls greet_all() once per list, one call after the other in the same loop, with the grader's
// greeter: each call must count only its own names (a count kept in a static would not).
aio::Task<std::vector<int>> greet_all_per_list(std::vector<std::vector<std::string>> lists,
                                               int token) {
  std::vector<int> counts;
  for (const auto& list : lists) {
    ch01::Greeter greeter = stand_in_greeter(token);
    counts.push_back(co_await ch01::greet_all(list, greeter));
  }
  co_return counts;
}

// ---- Exercise 1: greeting() -----------------------------------------------------------------

const std::string kGreetingPrintsItself =
    "greeting() prints Hello! itself, with aio::print, in its coroutine body: that body is what "
    "runs when the Task is awaited. Code that runs when greeting() is called, before its Task "
    "is awaited, is not part of the coroutine.";

TEST(Greeting, ReturnsDone) {
  auto run = grading::run(ch01::greeting());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, std::string("Done"),
                                "co_return \"Done\" hands the text to whoever awaits greeting(): "
                                "it is the value of `co_await greeting()` (and of "
                                "aio::run(greeting()))."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greeting, PrintsHelloAtTimeZero) {
  CoutCapture cout_capture;
  auto run = grading::run(caller_of_greeting());
  ASSERT_TRUE(grading::finished(run));
  // First: a line written with std::cout is missing from the transcript, and every check below
  // would blame something else for it.
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text()));
  ASSERT_TRUE(holds(!run.timeline().empty(),
                    "greeting() printed nothing at all: it ran and gave back its value, but its "
                    "body never called aio::print(\"Hello!\").\nWhat you missed: greeting() "
                    "does two things, print Hello! and then co_return \"Done\"."));
  ASSERT_TRUE(grading::timeline_is(run, {{0s, "Hello!"}},
                                   "greeting() must print Hello! with aio::print when it runs; "
                                   "nothing in it waits, so the line is stamped 0.000s."));
  // The right line, but from whom? Printed before greeting()'s body ran, it belongs to the caller.
  EXPECT_TRUE(grading::printed_by(run, "greeting", {"Hello!"}, kGreetingPrintsItself));
  EXPECT_TRUE(grading::elapsed_is(
      run, 0s, "nothing in greeting() waits (no co_await aio::sleep), so it takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greeting, DoesNothingUntilAwaited) {
  CoutCapture cout_capture;
  auto run = grading::run(create_then_await_greeting());
  ASSERT_TRUE(grading::finished(run));
  // Before the laziness checks: a line printed with std::cout is not in the transcript, and the
  // timeline below would blame laziness for its absence.
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text()));
  EXPECT_TRUE(holds(run.value->lines_printed_before_await == 0,
                    "calling greeting() already printed something, before anyone awaited its "
                    "Task. A coroutine is lazy: calling it only creates it, and its body runs "
                    "when it is awaited. Put the print inside the coroutine body."));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, kCreatedMarker}, {0s, "Hello!"}},
      "an aio::Task is lazy: creating it runs nothing, so Hello! appears only when the Task is "
      "awaited, after the grader's marker line."));
  EXPECT_TRUE(holds(run.value->value == "Done",
                    "co_await on the Task gives what greeting() co_returns: \"Done\", not \"" +
                        run.value->value + "\"."));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "creating and awaiting a Task takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greeting, PrintsAgainEachTimeItIsAwaited) {
  CoutCapture cout_capture;
  auto run = grading::run(greeting_twice());
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text()));
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, "Hello!"}, {0s, "Hello!"}},
      "every call of greeting() creates a new coroutine, and each one prints Hello! when it is "
      "awaited: nothing is remembered from an earlier call (as a static variable would be)."));
  EXPECT_TRUE(grading::ran_times(run, "greeting", 2,
                                 "the grader awaited greeting() twice: two coroutine frames."));
  EXPECT_TRUE(holds(*run.value == std::vector<std::string>{"Done", "Done"},
                    "each awaited greeting() gives \"Done\", the second as well as the first."));
}

// ---- Exercise 2: greet(name) ----------------------------------------------------------------

const std::string kGreetPrintsNothing =
    "greet() prints nothing at all, with aio::print or std::cout: it only co_returns its text, "
    "and the caller (greet_all, the demo) prints it.";

void expect_greetings(const std::vector<std::string>& names) {
  CoutCapture cout_capture;
  auto run = grading::run(greet_each(names));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text(), kGreetPrintsNothing));
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& got = (*run.value)[i];
    if (got == expected_greeting(names[i])) continue;
    ADD_FAILURE() << "greet(\"" << names[i] << "\") gave back \"" << got
                  << "\".\nWhat you missed: greet() must co_return \"Hello, \" + name + \"!\", "
                     "exactly: here \""
                  << expected_greeting(names[i]) << "\""
                  << (names[i].empty() ? " (an empty name is still a name)" : "") << ".\n"
                  << grading::hints_pointer();
    break;  // one explained failure is enough
  }
  EXPECT_TRUE(grading::timeline_is(
      run, {},
      "greet() only returns its text; printing is the caller's job (greet_all() and the demo "
      "print what greet() returns)."));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "nothing in greet() waits, so it takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greet, ReturnsHelloAndTheName) {
  expect_greetings(random_names(grading::random_int(3, 6)));
}

TEST(Greet, EmptyAndRepeatedNames) {
  // Fixed edge values: an empty name, the same name twice in a row, a name that is one space.
  expect_greetings({"", "Ada", "Ada", " ", ""});
}

TEST(Greet, KeepsItsOwnCopyOfTheName) {
  std::string name = random_name();
  auto run = grading::run(greet_a_temporary(name));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(
      run, expected_greeting(name + " the Elder, Keeper of Long Names"),
      "greet() was called with a temporary std::string that died before the Task ran. The "
      "by-value parameter is moved into the coroutine frame, so greet() still has it."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- Exercise 3: greet_all(names) -----------------------------------------------------------

const std::string kGreetAllLesson =
    "greet_all() awaits greet(name) for each name in order and prints each greeting as soon as "
    "it has it: one line per name, in the order of the list.";

TEST(GreetAll, GreetsEveryNameInOrder) {
  grading::uses_learners("greet");
  std::vector<std::string> names = random_names(grading::random_int(2, 7));
  std::vector<std::string> texts;
  for (const auto& name : names) texts.push_back(expected_greeting(name));
  CoutCapture cout_capture;
  auto run = grading::run(ch01::greet_all(names));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text()));
  EXPECT_TRUE(grading::ran_times(run, "greet", static_cast<int>(names.size()),
                                 "greet_all() awaits greet(name) once per name: greet() makes the "
                                 "text, greet_all prints it."));
  EXPECT_TRUE(grading::timeline_is(run, greetings_at_zero(names), kGreetAllLesson));
  EXPECT_TRUE(grading::printed_by(
      run, "greet_all", texts,
      "greet() only hands its text back; greet_all() is the one that prints it."));
  EXPECT_TRUE(grading::returned(run, static_cast<int>(names.size()),
                                "greet_all() must co_return how many names it greeted."));
  EXPECT_TRUE(grading::elapsed_is(
      run, 0s, "awaiting a coroutine that never sleeps costs no time, however many you await."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(GreetAll, PrintsWhatItsGreeterReturns) {
  std::vector<std::string> names = random_names(grading::random_int(2, 5));
  int token = grading::random_int(100, 999);
  CoutCapture cout_capture;
  auto run = grading::run(ch01::greet_all(names, stand_in_greeter(token)));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text()));
  ASSERT_TRUE(used_the_greeter(run, names.size()));
  EXPECT_TRUE(grading::timeline_is(
      run, stand_in_lines(names, token),
      "greet_all() prints exactly the text that co_await greet(name) gave back. Here the grader "
      "passed its own greeter, whose texts are not \"Hello, <name>!\"."));
  EXPECT_TRUE(grading::returned(run, static_cast<int>(names.size()),
                                "greet_all() must co_return how many names it greeted."));
}

TEST(GreetAll, EmptyAndRepeatedNamesAreGreetedToo) {
  // Fixed edge values: every entry of the list is one person to greet, even an empty name or a
  // name already greeted.
  std::vector<std::string> names = {"", "Ada", "Ada", "", "Grace"};
  int token = grading::random_int(100, 999);
  auto run = grading::run(ch01::greet_all(names, stand_in_greeter(token)));
  ASSERT_TRUE(grading::finished(run));
  // The timeline shows which entries were left out. (Whether greet_all uses its greeter at all
  // is PrintsWhatItsGreeterReturns' question.)
  ASSERT_TRUE(grading::timeline_is(
      run, stand_in_lines(names, token),
      "every entry of the list is greeted, in order: an empty name, and a name that comes twice, "
      "are greeted like any other."));
  EXPECT_TRUE(grading::returned(run, static_cast<int>(names.size()),
                                "greet_all() counts every entry it greeted, empty and repeated "
                                "names too."));
}

TEST(GreetAll, EmptyListGreetsNobody) {
  auto run = grading::run(ch01::greet_all({}));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run, {}, "with no names there is nobody to greet."));
  EXPECT_TRUE(grading::returned(run, 0, "greet_all({}) greeted nobody, so it must co_return 0."));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "an empty list takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(GreetAll, EachCallCountsOnlyItsOwnNames) {
  std::vector<std::vector<std::string>> lists = {
      random_names(grading::random_int(2, 4)), {"Grace", "Grace"}, {}, {"Linus"}};
  int token = grading::random_int(100, 999);
  auto run = grading::run(greet_all_per_list(lists, token));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected;
  std::vector<int> expected_counts;
  for (const auto& list : lists) {
    for (const auto& line : stand_in_lines(list, token)) expected.push_back(line);
    expected_counts.push_back(static_cast<int>(list.size()));
  }
  EXPECT_TRUE(grading::timeline_is(run, expected,
                                   "each call of greet_all() greets its own list, and only it."));
  const std::vector<int>& counts = *run.value;
  int total_so_far = 0;
  for (std::size_t call = 0; call < counts.size(); ++call) {
    total_so_far += expected_counts[call];
    if (counts[call] == expected_counts[call]) continue;
    if (call > 0 && counts[call] == total_so_far) {
      ADD_FAILURE() << "call " << call + 1 << " of greet_all() greeted " << expected_counts[call]
                    << " name(s) but returned " << counts[call]
                    << ", the total of all the calls so far: the count carried over from the "
                       "earlier calls.\nWhat you missed: every call of a coroutine gets a fresh "
                       "frame with fresh local variables, but a static (or global) variable is "
                       "shared by all calls and keeps its value from one to the next. Count in "
                       "a plain local variable.\n"
                    << grading::hints_pointer();
    } else {
      ADD_FAILURE() << "call " << call + 1 << " of greet_all() greeted " << expected_counts[call]
                    << " name(s) but returned " << counts[call]
                    << ".\nWhat you missed: greet_all() must co_return how many names this call "
                       "greeted.\n"
                    << grading::hints_pointer();
    }
    break;  // one explained failure is enough
  }
}

TEST(GreetAll, RunsOnlyWhenAwaitedWithItsOwnNames) {
  grading::uses_learners("greet");
  std::vector<std::string> names = random_names(grading::random_int(2, 5));
  CoutCapture cout_capture;
  auto run = grading::run(create_greet_all_then_await(names));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(nothing_written_to_cout(cout_capture.text()));
  Timeline expected = {{0s, kCreatedMarker}};
  for (const auto& line : greetings_at_zero(names)) expected.push_back(line);
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      "greet_all() runs only when awaited (after the grader's marker), and greets the names it "
      "was given: its by-value parameter is its own copy, unaffected when the caller's vector "
      "is changed or destroyed."));
  EXPECT_TRUE(grading::returned(run, static_cast<int>(names.size()),
                                "greet_all() must co_return how many names it greeted."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace
