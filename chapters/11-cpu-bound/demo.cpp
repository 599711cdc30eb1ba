// Chapter 11 demo: a heartbeat that ticks every 25 ms, first beside checksum_all_blocking (it
// stops while the loop computes, and the runtime says why), then beside checksum_all_offloaded
// (it keeps ticking), then download_and_check on four files.
//
//   ./build/workbook/chapters/11-cpu-bound/ch11_demo             real clock: about 2 s
//   ./build/workbook/chapters/11-cpu-bound/ch11_demo --virtual   simulated clock: instantly, and
//        the heartbeat cannot tick during a job there (a job costs no simulated time, the clock
//        stands still while it runs): run without --virtual to see the difference
//
// Expected on the real clock: in part 1 no "tick" for as long as the four checksums compute
// (about 160 ms in a Debug build), then the slow-step report "the event loop was blocked by
// computation"; in part 2 the ticks go on while the blocks are checksummed on two workers.
#include <chrono>
#include <cstdint>
#include <exception>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <aio/demo.hpp>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto tick_period = 25ms;

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Ticks on the loop until cancelled, noting the real time between ticks.
struct Heartbeat {
  Clock::time_point last{};
  Clock::duration longest{};
  int ticks = 0;
};

aio::Task<> heartbeat(std::shared_ptr<Heartbeat> beat) {
  for (;;) {
    co_await aio::sleep(tick_period);
    auto now = Clock::now();
    if (beat->ticks++ > 0) beat->longest = std::max(beat->longest, now - beat->last);
    beat->last = now;
    aio::print("tick");
  }
}

// `work` beside the heartbeat: a few ticks before, the work, a few ticks after.
aio::Task<> beside_heartbeat(std::string what, aio::Task<std::vector<std::uint64_t>> work) {
  auto beat = std::make_shared<Heartbeat>();
  auto ticking = aio::create_task(heartbeat(beat), "heartbeat");
  co_await aio::sleep(60ms);
  aio::print(what, ": start");
  auto start = Clock::now();
  std::vector<std::uint64_t> sums = co_await std::move(work);
  aio::print(what, ": ", sums.size(), " checksums in ", std::fixed, std::setprecision(0),
             ms(Clock::now() - start), " ms of real time");
  co_await aio::sleep(60ms);
  ticking.cancel();
  try {
    co_await ticking;
  } catch (const aio::CancelledError&) {
  }
  std::cout << "  longest gap between two ticks: " << std::fixed << std::setprecision(0)
            << ms(beat->longest) << " ms (they should come every " << tick_period.count()
            << " ms)\n";
}

std::vector<ch11::Block> four_blocks() {
  std::vector<ch11::Block> blocks;
  for (int i = 0; i < 4; ++i)
    blocks.push_back(ch11::make_block("block-" + std::to_string(i), ch11::typical_block_size));
  return blocks;
}

// The demo's clock, with diagnostics on: the slow-step report is printed where it happens.
aio::RunOptions options() {
  aio::RunOptions options = aio::default_run_options();
  options.debug = true;
  options.workers = 2;
  options.on_diagnostic = [](const aio::Diagnostic& diagnostic) {
    std::cout << "  runtime says: " << diagnostic.message << "\n";
  };
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  aio::DemoClock clock(argc, argv);
  try {
    std::cout << "\n1. checksum_all_blocking: four blocks of 1 MiB computed on the loop\n";
    aio::run(beside_heartbeat("blocking", ch11::checksum_all_blocking(four_blocks())), options());

    std::cout << "\n2. checksum_all_offloaded: the same blocks on two worker threads\n";
    aio::run(beside_heartbeat("offloaded", ch11::checksum_all_offloaded(four_blocks())), options());

    std::cout << "\n3. download_and_check: four files, each checksummed as soon as it arrives\n";
    std::vector<ch11::Download> downloads = {{"maps.bin", 900ms, ch11::typical_block_size},
                                             {"audio.bin", 300ms, ch11::typical_block_size},
                                             {"frames.bin", 600ms, ch11::typical_block_size},
                                             {"manual.bin", 1200ms, ch11::typical_block_size}};
    std::vector<ch11::Checked> checked = aio::run(ch11::download_and_check(downloads), options());
    for (const auto& file : checked)
      std::cout << "  " << file.name << ": " << std::hex << file.checksum << std::dec << "\n";
  } catch (const std::exception& error) {
    std::cout << error.what() << "\nSee chapters/11-cpu-bound/README.md (and HINTS.md if stuck).\n";
    return 1;
  }
  return 0;
}
