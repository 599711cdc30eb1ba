// Chapter 05 — tasks and cancellation: the reference solution.
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
  std::vector<aio::TaskHandle<int>> handles;
  // The body captures by reference ([&]): the scope is awaited right here, so `jobs` and
  // `handles` outlive it. It is named in a statement of its own: a lambda written inside a
  // co_await is destroyed twice by GCC 12.
  auto spawn_every_job = [&](aio::TaskGroup& group) -> aio::Task<> {
    for (const Job& job : jobs) handles.push_back(group.spawn(job));
    co_return;  // leaving the body does not end the scope: it waits for every job
  };
  co_await aio::task_group(spawn_every_job);
  // Every job has finished (a failure would have been rethrown above): read the results.
  std::vector<int> results;
  for (auto& handle : handles) results.push_back(handle.result());
  co_return results;
}

}  // namespace ch05
