// Chapter 02 — waiting with co_await. You implement these in exercise.cpp; the graders and the
// demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <functional>
#include <string>

namespace ch02 {

// Simulates a slow operation without blocking the event loop:
//   prints "Start process...", waits 2 s with co_await aio::sleep, prints "Process finished!",
//   returns "Result".
// Timeline when run on its own:
//   [  0.000s] Start process...
//   [  2.000s] Process finished!
aio::Task<std::string> long_process();

// What main_flow() awaits: anything that can be called with no arguments and gives a Task of a
// string, like long_process() above.
using Process = std::function<aio::Task<std::string>()>;

// Awaits long_process(), then prints "Got: " followed by the value it returned, and returns
// that value. Timeline:
//   [  0.000s] Start process...
//   [  2.000s] Process finished!
//   [  2.000s] Got: Result
// The parameter `long_process` is your long_process() unless a caller passes another process
// (the graders pass one of their own, to check that main_flow prints and returns the value it
// awaited). Inside main_flow the parameter hides the function of the same name, so
// `co_await long_process()` awaits whichever process was passed.
aio::Task<std::string> main_flow(Process long_process = ch02::long_process);

// Awaits a sleep of `first`, prints "Step 1 done", awaits a sleep of `second`, prints
// "Step 2 done", and returns aio::now() (the loop's clock at that moment).
// Started at time 0, two_steps(1s, 2s) prints:
//   [  1.000s] Step 1 done
//   [  3.000s] Step 2 done
// and returns 3 s: awaits in sequence add up.
aio::Task<aio::Duration> two_steps(aio::Duration first, aio::Duration second);

}  // namespace ch02
