// Mistake: long_process sleeps 2ms instead of 2s: a std::chrono unit typed wrong, so the
// process "finishes" almost at once.
// test: LongProcess.PrintsStartThenFinishedTwoSecondsLater
// expect: >>>  \[  2\.000s\] Process finished! +\| \[  0\.002s\] Process finished!
#include "exercise.hpp"

namespace ch02 {

using namespace std::chrono_literals;

aio::Task<std::string> long_process() {
  aio::print("Start process...");
  // Suspends this coroutine; the loop runs other tasks (or, on the simulated clock, jumps
  // straight to the timer) and resumes us 2 s later. The thread is never blocked.
  co_await aio::sleep(2ms);  // the mistake: 2 milliseconds, not 2 seconds
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
  co_await aio::sleep(first);
  aio::print("Step 1 done");
  // The second sleep starts only once the first is over: the waits add up.
  co_await aio::sleep(second);
  aio::print("Step 2 done");
  co_return aio::now();
}

}  // namespace ch02
