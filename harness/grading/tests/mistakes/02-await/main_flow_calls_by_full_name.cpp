// Mistake: main_flow awaits ch02::long_process by its qualified name, so the process it was given
// (the parameter `long_process`) never runs: a caller cannot choose the process.
// test: MainFlow.PrintsAndReturnsWhatItAwaited
// expect: never the process the grader passed as its parameter `long_process`
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

aio::Task<std::string> main_flow([[maybe_unused]] Process long_process) {
  std::string result = co_await ch02::long_process();  // the mistake: not the parameter
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
