// Mistake: main_flow prints "Got: ..." before awaiting long_process(), so it prints too early
// (and with an empty value).
// test: MainFlow.PrintsGotResultAfterTheProcessFinishes
// expect: main_flow printed "Got: " at 0.000 s, before the process it awaits had finished
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
  std::string result;
  aio::print("Got: ", result);  // the mistake: nothing has been awaited yet
  result = co_await long_process();
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
