// Chapter 05 — tasks and cancellation. This is the file you edit.
// Read chapters/05-tasks/README.md first; stuck? chapters/05-tasks/HINTS.md.
#include "exercise.hpp"

namespace ch05 {

using namespace std::chrono_literals;

aio::Task<> background_task() {
  // TODO 1: loop forever: print "Background task running...", then suspend for one second.
  //         Print first, sleep second: the first line is at 0 s.
  // TODO 2: when the task is cancelled, the suspension point throws aio::CancelledError. Catch
  //         it by name (not with catch (...), and not as a std::exception: it is not one),
  //         print "Background task cleaning up" ...
  // TODO 3: ... and let the cancellation continue on its way (rethrow it). A task that
  //         swallows it looks to its owner as if it was never cancelled.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("background_task");
  co_return;
}

aio::Task<> supervise([[maybe_unused]] Background background_task) {
  // `background_task` is a parameter: it is your background_task() above unless the caller
  // passes another task (the graders do), so call it just like the function: background_task().
  // TODO 1: start background_task() as a task of its own, and keep its handle. (It starts
  //         running the next time supervise suspends.)
  // TODO 2: wait three seconds.
  // TODO 3: ask the task to stop, through its handle.
  // TODO 4: asking is not the same as stopped: wait for the task through its handle. That wait
  //         throws aio::CancelledError once the task has stopped, however long its cleanup
  //         takes; catch it by name and print "Task cancelled" there, not before. (Giving the
  //         task "a moment" with a short sleep is not waiting for it.)
  aio::todo("supervise");
  co_return;
}

aio::Task<std::vector<std::string>> download_while_working(
    [[maybe_unused]] std::vector<std::string> urls, [[maybe_unused]] Download download,
    [[maybe_unused]] Work work) {
  // TODO 1: for each url, in order, start download(url) as a task of its own and keep the
  //         handles (a std::vector<aio::TaskHandle<std::string>>).
  // TODO 2: do your own work now, while the downloads run: wait for work().
  // TODO 3: wait for each handle in turn and collect the pages, in the order of `urls`.
  // TODO 4: return the pages.
  // If the time taken is the sum of the parts, something waited too early.
  aio::todo("download_while_working");
  co_return std::vector<std::string>{};
}

aio::Task<std::vector<int>> run_all([[maybe_unused]] std::vector<Job> jobs) {
  // TODO 1: write the group's body as a lambda taking aio::TaskGroup& and returning
  //         aio::Task<> (capture by reference: [&]), in a statement of its own:
  //           auto body = [&](aio::TaskGroup& group) -> aio::Task<> { ... };
  //         then open the group with co_await aio::task_group(body). (Never write the lambda
  //         inside the co_await: GCC 12 destroys such a lambda twice, see the README.)
  // TODO 2: in the body, spawn every job into the group, in order, and keep the handles.
  //         The body may end right away: the scope still waits for every job.
  // TODO 3: after the scope, every job has finished: collect the results, in job order, from
  //         the handles (no waiting needed any more) and return them. No jobs: no results.
  // If a job throws, do not catch anything: the group cancels the others and rethrows.
  aio::todo("run_all");
  co_return std::vector<int>{};
}

}  // namespace ch05
