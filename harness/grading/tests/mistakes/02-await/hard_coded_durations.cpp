// Mistake: two_steps ignores its parameters and sleeps the tutorial's 1 s and 2 s.
// test: TwoSteps.ZeroDurations
// expect: the tutorial.s 1 s and 2 s, not the durations it was called with
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

aio::Task<aio::Duration> two_steps(aio::Duration, aio::Duration) {
  co_await aio::sleep(1s);  // the mistake: the durations are parameters
  aio::print("Step 1 done");
  co_await aio::sleep(2s);
  aio::print("Step 2 done");
  co_return aio::now();
}

}  // namespace ch02
