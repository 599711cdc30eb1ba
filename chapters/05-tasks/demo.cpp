// Chapter 05 demo: the tutorial's background task, run through your supervise().
//
//   ./build/workbook/chapters/05-tasks/ch05_demo            real time: about 3 s
//   ./build/workbook/chapters/05-tasks/ch05_demo --virtual  simulated clock: same output, instantly
//
// Expected: three "Background task running..." lines at 0, 1 and 2 s, then at 3 s the task's
// cleanup line and "Task cancelled".
#include <aio/demo.hpp>
#include <exception>
#include <iostream>

#include "exercise.hpp"

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    aio::run(ch05::supervise());  // no argument: supervise runs your background_task
  } catch (const std::exception& error) {
    std::cout << error.what()
              << "\nFinish the exercises in chapters/05-tasks/exercise.cpp (see "
                 "chapters/05-tasks/README.md, and HINTS.md if stuck).\n";
    return 1;
  } catch (const aio::CancelledError& error) {
    // Not a std::exception: supervise() let the handle's CancelledError escape.
    std::cout << error.what()
              << "\nsupervise() should catch the CancelledError that co_await on the cancelled "
                 "task's handle throws (see chapters/05-tasks/README.md).\n";
    return 1;
  }
  return 0;
}
