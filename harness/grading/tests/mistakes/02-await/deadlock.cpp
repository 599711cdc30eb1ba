// Mistake: main_flow splits the work into two tasks that each wait for the other to finish.
// test: MainFlow.PrintsGotResultAfterTheProcessFinishes
// expect: deadlock: .*'process' waits .*task 'printer'.*'printer' waits .*task 'process'
#include <memory>

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
  using Handle = aio::TaskHandle<std::string>;
  auto process = std::make_shared<Handle>();
  auto printer = std::make_shared<Handle>();
  *process = aio::create_task(
      [printer, long_process]() -> aio::Task<std::string> {
        std::string result = co_await long_process();
        co_await *printer;  // the mistake: "don't finish before the result is printed"...
        co_return result;
      },
      "process");
  *printer = aio::create_task(
      [process]() -> aio::Task<std::string> {
        std::string result = co_await *process;  // ...but the printer waits for the process
        aio::print("Got: ", result);
        co_return result;
      },
      "printer");
  co_return co_await *printer;
}

aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second) {
  co_await aio::sleep(first);
  aio::print("Step 1 done");
  co_await aio::sleep(second);
  aio::print("Step 2 done");
  co_return aio::now();
}

}  // namespace ch02
