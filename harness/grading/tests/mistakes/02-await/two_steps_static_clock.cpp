// Mistake: two_steps keeps a clock of its own in a static variable instead of reading the loop's
// clock: every call adds to it, so a second call (on a fresh loop) returns both calls' time.
// test: TwoSteps.EachCallReturnsItsOwnLoopsClock
// expect: plus this call's .*Something carried over from the first call
#include "exercise.hpp"

namespace ch02 {

using namespace std::chrono_literals;

aio::Task<std::string> long_process() {
  aio::print("Start process...");
  // Suspends this coroutine; the loop runs other tasks (or, on the simulated clock, jumps
  // straight to the timer) and resumes us 2 s later. The thread is never blocked.
  co_await aio::sleep(2s);
  aio::print("Process finished!");
  co_return "Result";
}

// `long_process` is the parameter (ch02::long_process unless the caller passed another process):
// it hides the function of the same name.
aio::Task<std::string> main_flow(Process long_process) {
  // Runs long_process() inline, in this task, and hands back what it co_returned.
  std::string result = co_await long_process();
  aio::print("Got: ", result);
  co_return result;
}

aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second) {
  static aio::Duration clock{};  // the mistake: shared by every call, never reset
  co_await aio::sleep(first);
  clock += first;
  aio::print("Step 1 done");
  co_await aio::sleep(second);
  clock += second;
  aio::print("Step 2 done");
  co_return clock;
}

}  // namespace ch02
