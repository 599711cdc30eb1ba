// Mistake: main_flow keeps the Task from long_process() in a variable but never co_awaits it,
// as if calling a coroutine started it in the background.
// test: MainFlow.PrintsGotResultAfterTheProcessFinishes
// expect: coroutine 'long_process' .* was never awaited
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
  auto process = long_process();  // the mistake: a Task is lazy, this line runs nothing
  co_await aio::sleep(2s);        // "give it time to finish"
  std::string result = "Result";
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
