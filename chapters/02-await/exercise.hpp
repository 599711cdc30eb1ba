// Chapter 02 — waiting with co_await. You implement these in exercise.cpp; the graders and the
// demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <string>

namespace ch02 {

// Simulates a slow operation without blocking the event loop:
//   prints "Start process...", waits 2 s with co_await aio::sleep, prints "Process finished!",
//   returns "Result".
// Timeline when run on its own:
//   [  0.000s] Start process...
//   [  2.000s] Process finished!
aio::Task<std::string> long_process();

// Awaits long_process(), then prints "Got: " followed by the value it returned, and returns
// that value. Timeline:
//   [  0.000s] Start process...
//   [  2.000s] Process finished!
//   [  2.000s] Got: Result
aio::Task<std::string> main_flow();

// Awaits a sleep of `first`, prints "Step 1 done", awaits a sleep of `second`, prints
// "Step 2 done", and returns aio::now() (the loop's clock at that moment).
// Started at time 0, two_steps(1s, 2s) prints:
//   [  1.000s] Step 1 done
//   [  3.000s] Step 2 done
// and returns 3 s: awaits in sequence add up.
aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second);

}  // namespace ch02
