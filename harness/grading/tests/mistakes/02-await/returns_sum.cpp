// Mistake: two_steps returns first + second (what it slept) instead of aio::now() (the loop's
// clock), which differs as soon as two_steps is not called at time 0.
// test: TwoSteps.ReturnsTheLoopClockNotASum
// expect: aio::now\(\) is the loop's clock, counted from when the loop started
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
  std::string result = co_await long_process();
  aio::print("Got: ", result);
  co_return result;
}

aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second) {
  co_await aio::sleep(first);
  aio::print("Step 1 done");
  co_await aio::sleep(second);
  aio::print("Step 2 done");
  co_return first + second;  // the mistake: the time slept here, not the loop's clock
}

}  // namespace ch02
