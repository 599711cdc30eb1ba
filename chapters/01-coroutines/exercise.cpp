// Chapter 01 — coroutines. This is the file you edit. Read README.md first.
//
// Each function below still calls aio::todo(...): that throws aio::NotImplemented, and the
// graders report "not started: <function>() still has its TODO". Replace the TODO lines with
// your code (and delete the aio::todo call). Check your work with:
//   ctest --preset workbook -L ch01
#include "exercise.hpp"

namespace ch01 {

aio::Task<std::string> greeting() {
  // TODO 1: print the line "Hello!". Use aio::print, not std::cout: only aio::print lands in
  //         the event loop's transcript, which is what the graders compare.
  // TODO 2: hand back "Done" to whoever awaits this Task. A coroutine does not `return`: it
  //         uses the keyword that also makes this function a coroutine in the first place.
  aio::todo("greeting");
  co_return "";
}

aio::Task<std::string> greet([[maybe_unused]] std::string name) {
  // TODO 1: build the text "Hello, " + name + "!".
  // TODO 2: hand it back with co_return. Do not print it: greet_all() (and the demo) print it.
  // (When you use `name`, you can remove the [[maybe_unused]] above.)
  aio::todo("greet");
  co_return "";
}

aio::Task<int> greet_all([[maybe_unused]] std::vector<std::string> names,
                         [[maybe_unused]] Greeter greet) {
  // `greet` is a parameter: it is your greet() above unless the caller passes another greeter
  // (the graders do), so call it just like the function: greet(name).
  // TODO 1: go through `names` in order.
  // TODO 2: for each one, get its greeting from greet(). Calling greet() only creates a Task:
  //         you need the awaiting keyword to run it and get its std::string out.
  // TODO 3: print each greeting with aio::print as soon as you have it.
  // TODO 4: hand back how many names you greeted (an int).
  aio::todo("greet_all");
  co_return 0;
}

}  // namespace ch01
