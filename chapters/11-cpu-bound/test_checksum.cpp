// Graders of chapter 11, part 1 — the checksums: on the loop (the naive way), then on workers.
//
// The exercises get the graders' checksum (a Probe, graders_support.hpp), which records the
// thread of every call, and can make the calls wait for each other or for a heartbeat on the
// loop. Where the point is the loop's heartbeat, the test runs on the real clock, beside a task
// that ticks every 5 ms, and every bound is one-sided and generous; where the point is which
// thread ran what, in which order, the test runs on the simulated clock, where a job costs no
// time at all and the answers are exact. Block counts, sizes, names and the tag that marks the
// right checksums are random (seeded: the seed is printed with every failure).
#include "graders_support.hpp"

namespace {

using namespace ch11_graders;

// ---- checksum_all_blocking ------------------------------------------------------------------

struct BlockingRun {
  Run<Sums> run;
  std::shared_ptr<Probe> probe;
  std::shared_ptr<Beats> beats;
};

// The graders' checksum burns `burn` of CPU per block, beside a heartbeat, on the real clock.
BlockingRun run_blocking_with_heartbeat(const std::vector<Block>& blocks, Duration burn) {
  BlockingRun result;
  result.probe = make_probe(blocks);
  result.probe->burn = burn;
  result.beats = std::make_shared<Beats>();
  result.probe->beats = result.beats;
  // The step computes on purpose: on a machine busy with other work it may take many times its
  // CPU time, which must not be taken for a step that never returns.
  grading::Settings settings = real_clock();
  settings.stuck_step = 15s;
  settings.watchdog = 15s;
  result.run = run_with_workers(
      with_heartbeat(ch11::checksum_all_blocking(blocks, Probe::function(result.probe)),
                     result.beats),
      2, settings);
  return result;
}

TEST(ChecksumAllBlocking, ComputesOnTheLoopAndStarvesTheHeartbeat) {
  const int count = grading::random_int(3, 5);
  const Duration burn = 40ms;  // CPU time per block: together over the 100 ms threshold
  const auto blocks = random_blocks(count);
  auto [run, probe, beats] = run_blocking_with_heartbeat(blocks, burn);
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_blocking"));
  const auto calls = probe->calls();
  std::size_t off_loop = 0;
  for (const auto& call : calls) off_loop += call.on_loop_thread ? 0 : 1;
  ASSERT_TRUE(holds(
      off_loop == 0,
      std::to_string(off_loop) + " of the " + std::to_string(calls.size()) +
          " checksums ran on a worker thread. checksum_all_blocking is the naive version, on "
          "purpose: call checksum(block) right in the coroutine, so that you can see what "
          "computing on the loop does to every other task. The fix (aio::to_thread) belongs in "
          "checksum_all_offloaded."));
  // The heartbeat could not tick while the checksums computed: its longest gap spans them all.
  const Duration computed = burn * count;
  ASSERT_TRUE(holds(
      beats->longest_gap() >= computed,
      "the heartbeat's longest gap was " + format_duration(beats->longest_gap()) +
          ", less than "
          "the " +
          format_duration(computed) +
          " the checksums computed: the loop ran the "
          "heartbeat somewhere between them. checksum_all_blocking must compute every checksum "
          "in ONE step, with no co_await between the blocks (not even aio::sleep(0)), to show "
          "the starvation this chapter is about."));
  // The runtime said so, with the remedy.
  std::vector<std::string> slow;
  for (const auto& diagnostic : run.diagnostics())
    if (diagnostic.kind == aio::Diagnostic::Kind::SlowStep) slow.push_back(diagnostic.message);
  ASSERT_TRUE(holds(slow.size() == 1,
                    "the runtime's slow-step diagnostic should have reported the blocked loop "
                    "exactly once (one step computed for " +
                        format_duration(computed) + "), but it reported it " +
                        std::to_string(slow.size()) + " times."));
  EXPECT_TRUE(
      holds(slow[0].find("the event loop was blocked by computation") != std::string::npos &&
                slow[0].find("aio::to_thread") != std::string::npos,
            "the slow-step diagnostic should name the computation and the remedy; it "
            "said: " +
                slow[0]));
  EXPECT_TRUE(nothing_else_reported(run));
}

TEST(ChecksumAllBlocking, ResultsInTheOrderOfTheBlocksFromTheGivenFunction) {
  for (int count : {grading::random_int(1, 12), 0}) {
    SCOPED_TRACE(std::to_string(count) + " blocks");
    const auto blocks = random_blocks(count);
    auto probe = make_probe(blocks);
    auto run = grading::run(ch11::checksum_all_blocking(blocks, Probe::function(probe)));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_blocking"));
    ASSERT_TRUE(grading::holds(probe->calls().size() == blocks.size(),
                               "checksum_all_blocking called the checksum " +
                                   std::to_string(probe->calls().size()) + " times for " +
                                   std::to_string(blocks.size()) + " blocks: once per block."));
    EXPECT_TRUE(grading::elapsed_is(run, 0s,
                                    "computing is not waiting: the checksums take no time on "
                                    "the loop's clock, only on the wall clock."));
  }
}

// ---- checksum_all_offloaded -----------------------------------------------------------------

TEST(ChecksumAllOffloaded, TheHeartbeatKeepsTickingWhileTheJobsRun) {
  const int count = grading::random_int(3, 4);
  const auto blocks = random_blocks(count);
  auto probe = make_probe(blocks);
  probe->burn = 20ms;
  auto beats = std::make_shared<Beats>();
  probe->beats = beats;  // each job waits until the heartbeat ticked twice while it ran
  auto run = run_with_workers(
      with_heartbeat(ch11::checksum_all_offloaded(blocks, Probe::function(probe)), beats),
      static_cast<std::size_t>(count), real_clock());
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(ran_on_workers(*probe, "checksum_all_offloaded"));
  ASSERT_TRUE(heartbeat_ticked_during_calls(*probe, "checksum_all_offloaded"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_offloaded"));
  // One-sided and generous: the heartbeat ticks every 5 ms; only a blocked loop (or a machine
  // stalled for a quarter of a second) makes a gap this long.
  EXPECT_TRUE(holds(beats->longest_gap() < 250ms,
                    "the heartbeat's longest gap was " + format_duration(beats->longest_gap()) +
                        " (it ticks every 5 ms): something blocked the loop while the jobs ran."));
}

TEST(ChecksumAllOffloaded, AllJobsRunAtOnceAndResultsComeInTheOrderOfTheBlocks) {
  for (int round = 0; round < 2; ++round) {
    const int count = grading::random_int(3, 6);
    SCOPED_TRACE(std::to_string(count) + " blocks, a worker for each");
    const auto blocks = random_blocks(count);
    auto probe = make_probe(blocks);
    probe->rendezvous = count;     // every job waits until all have begun...
    probe->reverse_finish = true;  // ...and they end last block first
    auto run = run_with_workers(ch11::checksum_all_offloaded(blocks, Probe::function(probe)),
                                static_cast<std::size_t>(count));
    ASSERT_TRUE(did_not_throw(run));
    ASSERT_TRUE(ran_on_workers(*probe, "checksum_all_offloaded"));
    ASSERT_TRUE(ran_together(*probe, "checksum_all_offloaded"));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_offloaded"));
    EXPECT_TRUE(grading::elapsed_is(run, 0s,
                                    "a to_thread job costs no time on the simulated clock: the "
                                    "loop waits for it without moving time."));
  }
}

TEST(ChecksumAllOffloaded, ManyBlocksOnTwoWorkers) {
  const int count = grading::random_int(20, 60);
  const auto blocks = random_blocks(count, 16, 1024);
  auto probe = make_probe(blocks);
  auto run = run_with_workers(ch11::checksum_all_offloaded(blocks, Probe::function(probe)), 2);
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(ran_on_workers(*probe, "checksum_all_offloaded"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_offloaded"));
  EXPECT_TRUE(grading::holds(probe->calls().size() == blocks.size(),
                             "checksum_all_offloaded called the checksum " +
                                 std::to_string(probe->calls().size()) + " times for " +
                                 std::to_string(blocks.size()) + " blocks: once per block."));
  EXPECT_TRUE(grading::real_time_below(run, 5s));
}

TEST(ChecksumAllOffloaded, NoBlocksGiveAnEmptyVectorAtOnce) {
  auto probe = make_probe({});
  auto run = grading::run(ch11::checksum_all_offloaded({}, Probe::function(probe)));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(grading::returned(run, Sums{}, "no blocks, no checksums: an empty vector."));
  EXPECT_TRUE(grading::elapsed_is(run, 0s, "nothing to compute takes no time."));
}

TEST(ChecksumAllOffloaded, AChecksumThatThrowsFailsTheCallWithItsOwnError) {
  const auto blocks = random_blocks(grading::random_int(3, 6));
  auto probe = make_probe(blocks);
  const Block& bad =
      blocks[static_cast<std::size_t>(grading::random_int(0, static_cast<int>(blocks.size()) - 1))];
  probe->corrupt.insert(bad.name);
  auto run = run_with_workers(ch11::checksum_all_offloaded(blocks, Probe::function(probe)), 2);
  ASSERT_TRUE(grading::threw<CorruptBlock>(
      run,
      "an exception thrown by the function on the worker thread comes back to the co_await of "
      "aio::to_thread, with its type; aio::gather then rethrows it. Let it go on: do not catch it "
      "in checksum_all_offloaded."));
  std::string what;
  try {
    std::rethrow_exception(run.error);
  } catch (const CorruptBlock& error) {
    what = error.what();
  }
  EXPECT_TRUE(holds(
      what.rfind(bad.name + " is corrupt", 0) == 0,
      "the error is not the one the checksum of \"" + bad.name + "\" threw: \"" + what + "\"."));
}

TEST(ChecksumAllOffloaded, ByDefaultUsesChecksum) {
  const auto blocks = random_blocks(grading::random_int(2, 5), 256, 4096);
  Sums expected;
  for (const auto& block : blocks) expected.push_back(ch11::checksum(block));
  auto run = grading::run(ch11::checksum_all_offloaded(blocks));
  ASSERT_TRUE(grading::finished(run));
  EXPECT_TRUE(grading::returned(run, expected,
                                "called without a function, checksum_all_offloaded uses "
                                "ch11::checksum (the default argument): one checksum per block, "
                                "in the order of the blocks."));
}

}  // namespace
