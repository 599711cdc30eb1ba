// Mistake: run_all() with create_task: cancelling it cancels only the job it is awaiting.
// test: RunAll.CancellingItCancelsEveryJob
// expect: Only job 1 was cancelled then: cancelling run_all did not reach every job
#include "exercise.hpp"

namespace ch05 {

using namespace std::chrono_literals;

aio::Task<> background_task() {
  try {
    while (true) {
      aio::print("Background task running...");
      co_await aio::sleep(1s);  // cancel() makes this suspension point throw CancelledError
    }
  } catch (const aio::CancelledError&) {
    // Catch it by name (it is deliberately not a std::exception), clean up, and let it go on:
    // the task must end *cancelled*, or whoever cancelled it never learns that it stopped.
    aio::print("Background task cleaning up");
    throw;
  }
}

aio::Task<> supervise(Background background_task) {
  // `background_task` is the parameter: ch05::background_task unless the caller passed another
  // task. It starts when supervise next suspends, i.e. at the sleep below.
  aio::TaskHandle<void> task = aio::create_task(background_task());
  co_await aio::sleep(3s);
  task.cancel();  // a request: the task stops at its current suspension point...
  try {
    co_await task;  // ...and this waits until it has: it rethrows the task's CancelledError
  } catch (const aio::CancelledError&) {
    aio::print("Task cancelled");
  }
}

aio::Task<std::vector<std::string>> download_while_working(std::vector<std::string> urls,
                                                           Download download, Work work) {
  // Start everything first. Nothing runs yet: the tasks begin when this coroutine suspends.
  std::vector<aio::TaskHandle<std::string>> downloads;
  for (const std::string& url : urls) downloads.push_back(aio::create_task(download(url)));
  // Our own work overlaps with the downloads.
  co_await work();
  // Then collect. A handle that is already done gives its value without waiting.
  std::vector<std::string> pages;
  for (auto& handle : downloads) pages.push_back(co_await handle);
  co_return pages;
}

aio::Task<std::vector<int>> run_all(std::vector<Job> jobs) {
  // Unstructured: independent tasks, awaited one by one.
  std::vector<aio::TaskHandle<int>> handles;
  for (const Job& job : jobs) handles.push_back(aio::create_task(job));
  std::vector<int> results;
  for (auto& handle : handles) results.push_back(co_await handle);
  co_return results;
}

}  // namespace ch05
