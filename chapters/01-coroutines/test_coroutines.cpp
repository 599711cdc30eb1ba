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

::testing::AssertionResult nothing_written_to_cout(const std::string& written) {
  if (written.empty()) return ::testing::AssertionSuccess();
  std::string indented;
  std::istringstream lines(written);
  for (std::string line; std::getline(lines, line);) indented += "  " + line + "\n";
  return ::testing::AssertionFailure()
         << "your code wrote this with std::cout:\n"
         << indented
         << "std::cout goes straight to the terminal: the event loop never sees those lines, so "
            "they have no time stamp and are not in the transcript the graders compare. Print "
            "with aio::print(...) instead.\n"
         << grading::hints_pointer();
}

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

// ---- grader coroutines: they call the exercise the way a learner's own code would ----------

const std::string kCreatedMarker = "(grader: task created, not awaited yet)";

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

// ---- Exercise 1: greeting() -----------------------------------------------------------------

TEST(Greeting, ReturnsDone) {
  auto run = grading::run(ch01::greeting());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_EQ(*run.value, "Done")
      << "co_return \"Done\" hands the text to whoever awaits greeting(): it is the value of "
         "`co_await greeting()` (and of aio::run(greeting())).\n"
      << grading::hints_pointer();
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greeting, PrintsHelloAtTimeZero) {
  CoutCapture cout_capture;
  auto run = grading::run(ch01::greeting());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(nothing_written_to_cout(cout_capture.text()));
  EXPECT_TRUE(grading::timeline_is(run, {{0s, "Hello!"}},
                                   "greeting() must print Hello! with aio::print when it runs; "
                                   "nothing in it waits, so the line is stamped 0.000s."));
  EXPECT_TRUE(grading::elapsed_is(
      run, 0s, "nothing in greeting() waits (no co_await aio::sleep), so it takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greeting, DoesNothingUntilAwaited) {
  auto run = grading::run(create_then_await_greeting());
  ASSERT_TRUE(grading::finished(run));
  EXPECT_EQ(run.value->lines_printed_before_await, 0u)
      << "calling greeting() already printed something, before anyone awaited its Task. A "
         "coroutine is lazy: calling it only creates it, and its body runs when it is awaited. "
         "Put the print inside the coroutine body.\n"
      << grading::hints_pointer();
  EXPECT_TRUE(grading::timeline_is(
      run, {{0s, kCreatedMarker}, {0s, "Hello!"}},
      "an aio::Task is lazy: creating it runs nothing, so Hello! appears only when the Task is "
      "awaited, after the grader's marker line."));
  EXPECT_EQ(run.value->value, "Done") << "co_await on the Task gives what greeting() co_returns.\n"
                                      << grading::hints_pointer();
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "creating and awaiting a Task takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- Exercise 2: greet(name) ----------------------------------------------------------------

TEST(Greet, ReturnsHelloAndTheName) {
  std::vector<std::string> names = random_names(grading::random_int(3, 6));
  auto run = grading::run(greet_each(names));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_EQ(run.value->size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ((*run.value)[i], expected_greeting(names[i]))
        << "greet(\"" << names[i] << "\") must co_return \"Hello, \" + name + \"!\", exactly.\n"
        << grading::hints_pointer();
  }
  EXPECT_TRUE(grading::timeline_is(
      run, {},
      "greet() only returns its text; printing is the caller's job (greet_all() and the demo "
      "print what greet() returns)."));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "nothing in greet() waits, so it takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(Greet, KeepsItsOwnCopyOfTheName) {
  std::string name = random_name();
  auto run = grading::run(greet_a_temporary(name));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_EQ(*run.value, expected_greeting(name + " the Elder, Keeper of Long Names"))
      << "greet() was called with a temporary std::string that died before the Task ran. The "
         "by-value parameter is moved into the coroutine frame, so greet() still has it.\n"
      << grading::hints_pointer();
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

// ---- Exercise 3: greet_all(names) -----------------------------------------------------------

TEST(GreetAll, GreetsEveryNameInOrder) {
  std::vector<std::string> names = random_names(grading::random_int(2, 7));
  CoutCapture cout_capture;
  auto run = grading::run(ch01::greet_all(names));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(nothing_written_to_cout(cout_capture.text()));
  EXPECT_TRUE(grading::timeline_is(
      run, greetings_at_zero(names),
      "greet_all() awaits greet(name) for each name in order and prints each greeting as soon "
      "as it has it: one line per name, in the order of the list."));
  EXPECT_EQ(*run.value, static_cast<int>(names.size()))
      << "greet_all() must co_return how many names it greeted (" << names.size() << " here).\n"
      << grading::hints_pointer();
  EXPECT_TRUE(grading::elapsed_is(
      run, 0s, "awaiting a coroutine that never sleeps costs no time, however many you await."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(GreetAll, EmptyListGreetsNobody) {
  auto run = grading::run(ch01::greet_all({}));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::timeline_is(run, {}, "with no names there is nobody to greet."));
  EXPECT_EQ(*run.value, 0) << "greet_all({}) greeted nobody, so it must co_return 0.\n"
                           << grading::hints_pointer();
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "an empty list takes no time."));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

TEST(GreetAll, RunsOnlyWhenAwaitedWithItsOwnNames) {
  std::vector<std::string> names = random_names(grading::random_int(2, 5));
  auto run = grading::run(create_greet_all_then_await(names));
  ASSERT_TRUE(grading::finished(run));
  Timeline expected = {{0s, kCreatedMarker}};
  for (const auto& line : greetings_at_zero(names)) expected.push_back(line);
  EXPECT_TRUE(grading::timeline_is(
      run, expected,
      "greet_all() runs only when awaited (after the grader's marker), and greets the names it "
      "was given: its by-value parameter is its own copy, unaffected when the caller's vector "
      "is changed or destroyed."));
  EXPECT_EQ(*run.value, static_cast<int>(names.size()))
      << "greet_all() must co_return how many names it greeted.\n"
      << grading::hints_pointer();
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace
