// Chapter 02 demo: the tutorial's await example, run through your main_flow().
//
//   ./build/workbook/chapters/02-await/ch02_demo               real time: about 2.5 s
//   ./build/workbook/chapters/02-await/ch02_demo --virtual     simulated clock: same output,
//   instantly
//   ./build/workbook/chapters/02-await/ch02_demo --two-steps   then two_steps(1s, 2s): 3 s more
//
// main_flow() awaits your long_process(), then main_flow(quick_process) a process of the demo's
// own: main_flow's parameter decides what it awaits.
#include <cstring>
#include <exception>
#include <iomanip>
#include <iostream>
#include <string>

#include <aio/demo.hpp>

#include "exercise.hpp"

namespace {

// Another process for main_flow to await: half a second, another value.
aio::Task<std::string> quick_process() {
  aio::print("Quick process...");
  co_await aio::sleep(std::chrono::milliseconds(500));
  co_return "Quick result";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  aio::DemoClock clock(argc, argv);
  try {
    std::string result = aio::run(ch02::main_flow());
    std::cout << "main_flow() returned \"" << result << "\"\n";
    std::string quick = aio::run(ch02::main_flow(quick_process));
    std::cout << "main_flow(quick_process) returned \"" << quick << "\"\n";
    bool two_steps_requested = false;
    for (int i = 1; i < argc; ++i) two_steps_requested |= std::strcmp(argv[i], "--two-steps") == 0;
    if (!two_steps_requested) return 0;

    std::cout << "\ntwo_steps(1s, 2s): awaits in sequence add up\n";
    aio::Duration finished_at = aio::run(ch02::two_steps(1s, 2s));
    std::cout << "two_steps returned " << std::fixed << std::setprecision(3)
              << std::chrono::duration<double>(finished_at).count() << " s\n";
  } catch (const std::exception& error) {
    std::cout << error.what() << "\nSee chapters/02-await/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
