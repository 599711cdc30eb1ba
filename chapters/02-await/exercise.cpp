// Chapter 02 — waiting with co_await. This is the file you edit.
//
// Read chapters/02-await/README.md first. Check your work with `ctest --preset workbook -L ch02`.
// Stuck? chapters/02-await/HINTS.md has hints, gentlest first.
#include "exercise.hpp"

namespace ch02 {

using namespace std::chrono_literals;

aio::Task<std::string> long_process() {
  // TODO 1: print "Start process..." with aio::print.
  // TODO 2: wait 2 seconds WITHOUT blocking the thread: other tasks must be able to run while
  //         this one waits (which aio call suspends a coroutine for a while?).
  // TODO 3: print "Process finished!".
  // TODO 4: hand "Result" back to whoever awaits this coroutine.
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("long_process");
  co_return std::string{};
}

aio::Task<std::string> main_flow([[maybe_unused]] Process long_process) {
  // `long_process` is a parameter: it is your long_process() above unless the caller passes
  // another process (the graders do), so call it just like the function: long_process().
  // TODO 1: run long_process() and wait for its value (one keyword does both).
  // TODO 2: print "Got: " followed by that value.
  // TODO 3: return the value.
  aio::todo("main_flow");
  co_return std::string{};
}

aio::Task<aio::Duration> two_steps([[maybe_unused]] aio::Duration first,
                                   [[maybe_unused]] aio::Duration second) {
  // TODO 1: wait for `first`, then print "Step 1 done".
  // TODO 2: wait for `second`, then print "Step 2 done".
  // TODO 3: return the loop's current time (not a sum you computed yourself).
  aio::todo("two_steps");
  co_return aio::Duration{};
}

}  // namespace ch02
