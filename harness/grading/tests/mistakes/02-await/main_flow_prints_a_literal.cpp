// Mistake: main_flow awaits long_process but prints and returns the literal "Result" instead of
// the value the co_await gave back.
// test: MainFlow.PrintsAndReturnsWhatItAwaited
// expect: main_flow printed "Got: Result", but the process it awaited returned "value #
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

aio::Task<std::string> main_flow(Process long_process) {
  co_await long_process();    // the mistake: the value is thrown away...
  aio::print("Got: Result");  // ...and typed in here
  co_return "Result";
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
