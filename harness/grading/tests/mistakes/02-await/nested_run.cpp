// Mistake: main_flow starts a second event loop with aio::run instead of co_awaiting the Task
// (asyncio.run inside a coroutine).
// test: MainFlow.PrintsGotResultAfterTheProcessFinishes
// expect: aio::run\(\) called while an event loop is already running.*co_await the task instead
#include "exercise.hpp"

namespace ch02 {

using namespace std::chrono_literals;

aio::Task<std::string> long_process() {
  aio::print("Start process...");
  co_await aio::sleep(2s);
  aio::print("Process finished!");
  co_return "Result";
}

aio::Task<std::string> main_flow(Process long_process) {
  std::string result = aio::run(long_process());  // the mistake: we are already inside a loop
  aio::print("Got: ", result);
  co_return result;
}

aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second) {
  co_await aio::sleep(first);
  aio::print("Step 1 done");
  co_await aio::sleep(second);
  aio::print("Step 2 done");
  co_return aio::now();
}

}  // namespace ch02
