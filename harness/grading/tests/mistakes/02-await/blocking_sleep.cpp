// Mistake: long_process blocks the thread with std::this_thread::sleep_for instead of suspending.
// test: LongProcess.PrintsStartThenFinishedTwoSecondsLater
// expect: the event loop was blocked — use co_await aio::sleep, not std::this_thread::sleep_for
//
// (This one really sleeps 2 s of real time: keep it the only blocking-sleep mistake.)
#include <thread>

#include "exercise.hpp"

namespace ch02 {

using namespace std::chrono_literals;

aio::Task<std::string> long_process() {
  aio::print("Start process...");
  std::this_thread::sleep_for(2s);  // the mistake: every other task is frozen for 2 s
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
  co_return aio::now();
}

}  // namespace ch02
