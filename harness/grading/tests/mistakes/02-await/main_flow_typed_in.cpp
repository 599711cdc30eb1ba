// Mistake: main_flow prints the process's lines itself, sleeps 2 s of its own and returns the
// literal "Result", without awaiting long_process: the timeline is right for the tutorial's
// long_process, but nothing of it came from long_process.
// test: MainFlow.PrintsAndReturnsWhatItAwaited
// expect: main_flow never awaited a process.*yet it printed the process's lines itself
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
  aio::print("Start process...");  // the mistake: these are long_process's lines and its wait
  co_await aio::sleep(2s);
  aio::print("Process finished!");
  std::string result = "Result";
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
