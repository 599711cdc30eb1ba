// For the chapters' demo programs: `chNN_demo` runs the exercise in real time and prints like
// the tutorial's "Output:" (each line stamped with the loop's clock); `chNN_demo --virtual`
// runs the same code on the simulated clock, instantly.
//
//   int main(int argc, char** argv) {
//     aio::DemoClock clock(argc, argv);       // every aio::run below uses the chosen clock
//     std::string result = aio::run(ch02::main_flow());
//   }
#pragma once

#include <cstring>
#include <iostream>

#include "aio/loop.hpp"

namespace aio {

class DemoClock {
 public:
  DemoClock(int argc, char** argv) : defaults_(options(argc, argv)) {}

  static bool virtual_requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
      if (std::strcmp(argv[i], "--virtual") == 0) return true;
    return false;
  }

 private:
  static RunOptions options(int argc, char** argv) {
    RunOptions options = default_run_options();
    options.clock = virtual_requested(argc, argv) ? Clock::Virtual : Clock::Real;
    options.timestamps = true;
    std::cout << (options.clock == Clock::Virtual
                      ? "(simulated clock: instant, same timeline)\n"
                      : "(real clock: run with --virtual to skip the waiting)\n");
    return options;
  }
  ScopedDefaultRunOptions defaults_;
};

}  // namespace aio
