// Chapter 05 — tasks: work that runs in the background (aio::create_task), its handle, and
// cancellation; then structured concurrency with aio::task_group. You implement these in
// exercise.cpp; the graders and the demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <functional>
#include <string>
#include <vector>

namespace ch05 {

// The tutorial's background task. Forever: print "Background task running...", then sleep 1 s
// (print first: the first line is at 0 s). When it is cancelled, its sleep throws
// aio::CancelledError: catch it by name, print "Background task cleaning up", and rethrow it so
// that whoever awaits the task learns that it was cancelled. Cancelled at 2.5 s, it prints:
//   [  0.000s] Background task running...
//   [  1.000s] Background task running...
//   [  2.000s] Background task running...
//   [  2.500s] Background task cleaning up
aio::Task<> background_task();

// What supervise() runs in the background: anything that can be called with no arguments and
// gives a Task, like background_task() above.
using Background = std::function<aio::Task<>()>;

// The tutorial's main. Starts background_task() as a task of its own (aio::create_task), sleeps
// 3 s, cancels it, then awaits its handle: that co_await throws aio::CancelledError once the task
// has really stopped. Catch it (by name) and print "Task cancelled". Timeline:
//   [  0.000s] Background task running...
//   [  1.000s] Background task running...
//   [  2.000s] Background task running...
//   [  3.000s] Background task cleaning up
//   [  3.000s] Task cancelled
// Exactly three ticks: at 3 s, supervise's timer (set first, at 0 s) fires before the ticker's
// (set at 2 s), so the cancellation reaches the ticker before it can tick again.
// The parameter `background_task` is your background_task() unless a caller passes another task
// (the graders pass one of their own, whose cleanup takes time, to check that supervise starts
// the task it is given and waits until it has really stopped). Inside supervise the parameter
// hides the function of the same name, so `aio::create_task(background_task())` starts
// whichever task was passed.
aio::Task<> supervise(Background background_task = ch05::background_task);

// Downloads a page (the graders hand you a fake one that prints and sleeps).
using Download = std::function<aio::Task<std::string>(std::string url)>;
// Some work of your own, e.g. writing a report (prints and sleeps too).
using Work = std::function<aio::Task<>()>;

// Starts one task per url, in order (aio::create_task(download(url))), then does its own work
// (co_await work()) while they run, then awaits every handle and returns the pages in the order
// of `urls`. Everything overlaps: the time taken is the longest of the downloads and the work,
// not their sum. With downloads of 2 s and 3 s and 2.5 s of work:
//   [  0.000s] writing the report         <- work() runs first: the tasks you created start
//   [  0.000s] downloading a.example          only when this coroutine first suspends
//   [  0.000s] downloading b.example
//   [  2.000s] downloaded a.example
//   [  2.500s] report written
//   [  3.000s] downloaded b.example
// and returns {page of a, page of b} at 3 s.
aio::Task<std::vector<std::string>> download_while_working(std::vector<std::string> urls,
                                                           Download download, Work work);

// One job of a batch: prints, sleeps, returns a number (or throws).
using Job = std::function<aio::Task<int>()>;

// Runs every job concurrently inside one aio::task_group (group.spawn each job, in order) and
// returns their results in job order once all have finished. No jobs: an empty vector, at once. If
// a job throws, the group cancels the other jobs at that instant (they print their own
// cancellation) and the job's exception leaves run_all unchanged: do not catch it. Cancelling the
// task that runs run_all cancels every job. With jobs of 2 s and 5 s and a job that fails at 1 s:
//   [  0.000s] job 1 started
//   [  0.000s] job 2 started
//   [  0.000s] job 3 started
//   [  1.000s] job 2 failed
//   [  1.000s] job 1 cancelled
//   [  1.000s] job 3 cancelled
// and run_all throws job 2's std::runtime_error at 1 s: nothing is left running until 5 s. (A
// job whose cleanup takes time delays the error until that cleanup has finished: the group waits
// for every job.)
aio::Task<std::vector<int>> run_all(std::vector<Job> jobs);

}  // namespace ch05
