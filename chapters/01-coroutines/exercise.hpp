// Chapter 01 — coroutines. The functions you write in exercise.cpp; the graders and the demo call
// exactly these. Do not change the declarations: the graders are compiled against them.
#pragma once

#include <aio/aio.hpp>
#include <string>
#include <vector>

namespace ch01 {

// Exercise 1. Print "Hello!" with aio::print, then hand back the text "Done".
//
// Calling greeting() runs none of that: it only creates the coroutine. The body runs when
// someone awaits the Task (`co_await greeting()`, or aio::run(greeting())).
//   [  0.000s] Hello!
aio::Task<std::string> greeting();

// Exercise 2. Return "Hello, <name>!" (greet("Ada") gives "Hello, Ada!"). It prints nothing: the
// caller decides what to do with the text.
//
// `name` is taken by value on purpose: the coroutine may run long after the caller's argument
// (often a temporary) is gone, so it must own its own copy. The README explains why.
aio::Task<std::string> greet(std::string name);

// Exercise 3. For every name, in order: await greet(name) and print the greeting it returns.
// Return how many people were greeted (0 for an empty list, which prints nothing).
//   greet_all({"Ada", "Linus"}):
//   [  0.000s] Hello, Ada!
//   [  0.000s] Hello, Linus!
//   and the Task's value is 2.
aio::Task<int> greet_all(std::vector<std::string> names);

}  // namespace ch01
