// Chapter 01 — coroutines. The functions you write in exercise.cpp; the graders and the demo call
// exactly these. Do not change the declarations: the graders are compiled against them.
#pragma once

#include <aio/aio.hpp>
#include <functional>
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

// What greet_all() calls to get each greeting: any callable that takes a name and gives a Task
// of the text, like greet() above.
using Greeter = std::function<aio::Task<std::string>(std::string)>;

// Exercise 3. For every name, in order: await greet(name) and print the greeting it returns.
// Return how many people were greeted (0 for an empty list, which prints nothing).
//   greet_all({"Ada", "Linus"}):
//   [  0.000s] Hello, Ada!
//   [  0.000s] Hello, Linus!
//   and the Task's value is 2.
//
// The parameter `greet` is your greet() unless a caller passes another greeter (the graders pass
// one of their own, to check that greet_all prints exactly what it was given). Inside greet_all
// the parameter hides the function of the same name, so `co_await greet(name)` calls whichever
// greeter was passed.
aio::Task<int> greet_all(std::vector<std::string> names, Greeter greet = ch01::greet);

}  // namespace ch01
