// Chapter 03 — running coroutines: the top level (a plain function that starts the event loop
// with aio::run) versus inside the loop (a coroutine that co_awaits).
#pragma once

#include <aio/aio.hpp>
#include <functional>
#include <string>

namespace ch03 {

// The tutorial's hello(): sleeps 1 s (co_await aio::sleep), then returns "Hello!".
// Prints nothing. Simulated time: 1 s.
aio::Task<std::string> hello();

// Something that creates a task giving a string when called with no arguments, like hello().
using Job = std::function<aio::Task<std::string>()>;

// A PLAIN function (not a coroutine): the C++ spelling of `asyncio.run(hello())` at the top of a
// script. Starts an event loop with aio::run(hello()) and returns the value the task returned.
// Each call starts a fresh loop whose clock starts at 0.
// The parameter `hello` is your hello() unless a caller passes another job (the graders pass one
// of their own, to check that run_hello runs it and returns its value). Inside run_hello the
// parameter hides the function of the same name, so `hello()` calls whichever job was passed.
std::string run_hello(Job hello = ch03::hello);

// A coroutine that awaits hello() twice, one after the other, printing at each step:
//   [  0.000s] Saying hello twice...
//   [  1.000s] First: Hello!
//   [  2.000s] Second: Hello!
// and returns "Hello! Hello!". Simulated time: 2 s. Inside the loop you co_await: aio::run here
// is refused with aio::RuntimeError.
// The parameter `hello` works as in run_hello: your hello() unless the caller passes another.
aio::Task<std::string> hello_twice(Job hello = ch03::hello);

// A PLAIN function: runs make_job() on a fresh loop with aio::run and returns its value. If the
// job fails with a std::exception, returns "failed: " followed by the exception's what().
// A cancellation (aio::CancelledError, deliberately not a std::exception) is not a failure to
// report: it must leave run_or_explain unchanged.
std::string run_or_explain(Job make_job);

}  // namespace ch03
