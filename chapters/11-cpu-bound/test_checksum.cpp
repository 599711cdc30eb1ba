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

// The checksum ran exactly once per block (not twice for some, not skipped for others).
::testing::AssertionResult once_per_block(const Probe& probe, const std::vector<Block>& blocks,
                                          const std::string& function) {
  std::map<std::string, int> times;
  for (const auto& call : probe.calls()) ++times[call.name];
  for (const auto& block : blocks) {
    const int n = times.count(block.name) ? times[block.name] : 0;
    if (n == 1) continue;
    return ::testing::AssertionFailure()
           << function << " called the checksum " << probe.calls().size() << " times for "
           << blocks.size() << " blocks, " << n << " times for \"" << block.name
           << "\": each block must be checksummed exactly once (one call, or one job, per "
              "block; none computed twice, none skipped).\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

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
  const grading::Settings settings{
      .clock = aio::Clock::Real, .watchdog = 15s, .stuck_step = 15s, .workers = 2};
  result.run = grading::run(
      with_heartbeat(ch11::checksum_all_blocking(blocks, Probe::function(result.probe)),
                     result.beats),
      settings);
  return result;
}

TEST(ChecksumAllBlocking, ComputesOnTheLoopAndStarvesTheHeartbeat) {
  const int count = grading::random_int(3, 5);
  const Duration burn = 40ms;  // CPU time per block: together over the 100 ms threshold
  const auto blocks = random_blocks(count);
  auto [run, probe, beats] = run_blocking_with_heartbeat(blocks, burn);
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(
      sums_in_order(run, *probe, blocks, "checksum_all_blocking", Computes::InTheCoroutine));
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
  ASSERT_TRUE(holds(
      slow.size() == 1,
      "the runtime's slow-step diagnostic reported a blocked loop " + std::to_string(slow.size()) +
          " times; expected exactly once: ONE step that computed every checksum (" +
          format_duration(computed) + " in all). " +
          (slow.empty()
               ? std::string("No step computed long enough to be reported: the work was split "
                             "into short steps (a co_await between the blocks) or done off the "
                             "loop's thread.")
               : std::string("Several steps were slow: a co_await between the blocks split the "
                             "work into several steps. checksum_all_blocking has no co_await in "
                             "its loop."))));
  EXPECT_TRUE(
      holds(slow[0].find("the event loop was blocked by computation") != std::string::npos &&
                slow[0].find("aio::to_thread") != std::string::npos,
            "the slow-step diagnostic should name the computation and the remedy; it "
            "said: " +
                slow[0]));
  EXPECT_TRUE(nothing_else_reported(run));
}

TEST(ChecksumAllBlocking, ResultsInTheOrderOfTheBlocksFromTheGivenFunction) {
  // At least two blocks (one block has no order to get wrong), then none.
  for (int count : {grading::random_int(2, 12), 0}) {
    SCOPED_TRACE(std::to_string(count) + " blocks");
    const auto blocks = random_blocks(count);
    auto probe = make_probe(blocks);
    auto run = grading::run(ch11::checksum_all_blocking(blocks, Probe::function(probe)));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(
        sums_in_order(run, *probe, blocks, "checksum_all_blocking", Computes::InTheCoroutine));
    ASSERT_TRUE(once_per_block(*probe, blocks, "checksum_all_blocking"));
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
  auto run = grading::run(
      with_heartbeat(ch11::checksum_all_offloaded(blocks, Probe::function(probe)), beats),
      {.clock = aio::Clock::Real, .workers = static_cast<std::size_t>(count)});
  ASSERT_TRUE(did_not_throw(run));
  ASSERT_TRUE(ran_on_workers(*probe, "checksum_all_offloaded"));
  ASSERT_TRUE(heartbeat_ticked_during_calls(*probe, "checksum_all_offloaded"));
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_offloaded"));
  // One-sided and generous: the heartbeat ticks every 5 ms; only a blocked loop (or a machine
  // stalled for a quarter of a second) makes a gap this long.
  EXPECT_TRUE(holds(
      beats->longest_gap() < 250ms,
      "the heartbeat's longest gap was " + format_duration(beats->longest_gap()) +
          " (it ticks every 5 ms): something blocked the loop's thread beside the jobs, while "
          "they ran (a std::this_thread::sleep_for, a .get() or .wait() on a future, a join, a "
          "checksum computed right in the coroutine). While the jobs run, the coroutine that "
          "started them should be suspended in co_await aio::gather(...), and nothing else."));
}

// More blocks than this machine has cores, and more than a small machine's core count written in
// the code (8): a solution that starts its jobs in batches of either cannot run them all at once.
// Capped: each block gets a thread of its own.
int more_blocks_than_cores() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::min(std::max(cores, 8) + grading::random_int(2, 4), 64);
}

TEST(ChecksumAllOffloaded, AllJobsRunAtOnceAndResultsComeInTheOrderOfTheBlocks) {
  for (int count : {grading::random_int(3, 6), more_blocks_than_cores()}) {
    SCOPED_TRACE(std::to_string(count) + " blocks, a worker for each");
    const auto blocks = random_blocks(count);
    auto probe = make_probe(blocks);
    probe->rendezvous = count;     // every job waits until all have begun...
    probe->reverse_finish = true;  // ...and they end last block first
    auto run = grading::run(ch11::checksum_all_offloaded(blocks, Probe::function(probe)),
                            {.workers = static_cast<std::size_t>(count)});
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

// One block (no shortcut for it on the loop), then many more blocks than workers.
TEST(ChecksumAllOffloaded, ManyBlocksOnTwoWorkers) {
  for (int count : {1, grading::random_int(20, 60)}) {
    SCOPED_TRACE(std::to_string(count) + " blocks, 2 workers");
    const auto blocks = random_blocks(count, 16, 1024);
    auto probe = make_probe(blocks);
    auto run =
        grading::run(ch11::checksum_all_offloaded(blocks, Probe::function(probe)), {.workers = 2});
    ASSERT_TRUE(did_not_throw(run));
    ASSERT_TRUE(ran_on_workers(*probe, "checksum_all_offloaded"));
    ASSERT_TRUE(grading::finished(run));
    ASSERT_TRUE(sums_in_order(run, *probe, blocks, "checksum_all_offloaded"));
    EXPECT_TRUE(once_per_block(*probe, blocks, "checksum_all_offloaded"));
    EXPECT_TRUE(grading::real_time_below(run, 5s));
  }
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
  auto run =
      grading::run(ch11::checksum_all_offloaded(blocks, Probe::function(probe)), {.workers = 2});
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
  EXPECT_TRUE(holds(what.rfind(bad.name + " is corrupt", 0) == 0,
                    "checksum_all_offloaded failed with a CorruptBlock, but not the one the "
                    "checksum of \"" +
                        bad.name + "\" threw: its message is \"" + what +
                        "\". The caller must get the very error the function threw, with its "
                        "message: do not catch it and throw another."));
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
