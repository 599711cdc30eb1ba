// Chapter 03 demo: the top level runs, the inside awaits.
//   ./ch03_demo            real time (about 3 s)
//   ./ch03_demo --virtual  the same timeline on the simulated clock, instantly
#include <aio/demo.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "exercise.hpp"

namespace {

// A job that breaks the rule on purpose: aio::run inside a running loop.
aio::Task<std::string> nests_a_run() {
  aio::print("a coroutine calls aio::run(hello())...");
  co_return aio::run(ch03::hello());
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    // Top level, like `result = asyncio.run(hello()); print(result)`. No loop runs out here, so
    // the line has no timestamp.
    std::string greeting = ch03::run_hello();
    std::cout << "run_hello() returned: " << greeting << "\n\n";

    // A second, fresh loop (its clock starts at 0 again) runs hello_twice, which awaits inside.
    std::cout << "aio::run(hello_twice()):\n";
    std::string both = aio::run(ch03::hello_twice());
    std::cout << "returned: " << both << "\n\n";

    // A third loop: run_or_explain turns the refused nested run into a message.
    std::cout << "run_or_explain(a job that nests aio::run):\n";
    std::string explained = ch03::run_or_explain([] { return nests_a_run(); });
    std::cout << explained << '\n';
  } catch (const std::exception& error) {
    std::cout << error.what()
              << "\nFinish the exercises in chapters/03-running/exercise.cpp "
                 "(see chapters/03-running/README.md).\n";
    return 1;
  }
}
