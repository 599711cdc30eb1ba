// Mistake: main_flow awaits long_process() and returns its value but never prints "Got: ...".
// test: MainFlow.PrintsGotResultAfterTheProcessFinishes
// expect: main_flow printed no line starting with "Got: "
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
  co_return co_await long_process();  // the mistake: the "Got: ..." line is missing
}

aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second) {
  co_await aio::sleep(first);
  aio::print("Step 1 done");
  co_await aio::sleep(second);
  aio::print("Step 2 done");
  co_return aio::now();
}

}  // namespace ch02
