// Chapter 11 — CPU-bound work: don't block the loop. A checksum that computes for tens of
// milliseconds, run first on the loop (the naive way, to see what it does to everyone else),
// then on the loop's worker threads with aio::to_thread; a pipeline that downloads (waits, on the
// loop) and checksums (computes, on a worker); and a bound on how many jobs one pipeline keeps
// in flight. You implement the functions in exercise.cpp; the graders and the demo call only
// what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ch11 {

// ---- given, ready-made: the data and the CPU-heavy function ---------------------------------

// A block of data: a name (for messages) and its bytes.
struct Block {
  std::string name;
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const Block&, const Block&) = default;
};

// How many passes checksum() makes over the bytes: the knob that makes it slow on purpose.
inline constexpr int checksum_rounds = 8;

// A block of this size keeps checksum() busy for about 40 ms in a Debug build on the machine
// this workbook was written on (about 12 ms in Release). The demo uses blocks of this size.
inline constexpr std::size_t typical_block_size = std::size_t{1} << 20;  // 1 MiB

// THE CPU-HEAVY FUNCTION (given: do not change it). A 64-bit FNV-1a hash over the bytes, taken
// `checksum_rounds` times: every byte goes through a multiply that depends on the one before, so
// it is pure computation, a few nanoseconds per byte, and nothing in it ever waits. It is a plain
// function, not a coroutine: it runs from start to end on whatever thread calls it, and it
// touches nothing but its argument, so it is safe to run on several threads at once.
inline std::uint64_t checksum(const Block& block) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a's offset basis
  for (int round = 0; round < checksum_rounds; ++round) {
    for (std::uint8_t byte : block.bytes) {
      hash ^= byte;
      hash *= 0x100000001b3ULL;  // FNV-1a's 64-bit prime
    }
  }
  return hash;
}

// A block of `size` bytes whose content depends only on its name (given). Two calls with the
// same name and size give equal blocks; different names give different bytes.
inline Block make_block(std::string name, std::size_t size) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (char c : name) state = (state ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  Block block{std::move(name), std::vector<std::uint8_t>(size)};
  for (auto& byte : block.bytes) {
    state ^= state << 13;  // xorshift64: cheap, deterministic bytes
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<std::uint8_t>(state >> 56);
  }
  return block;
}

// Anything that checksums a block the way checksum() does. Every function below takes one as its
// `checksum` parameter (ch11::checksum unless the caller passes another), and inside those
// functions the name `checksum` means that parameter. The graders pass their own, which records
// the thread each call runs on, how many run at once and in what order, and returns values no
// literal can guess. It is a plain function: give it to aio::to_thread to run it on a worker.
using ChecksumFn = std::function<std::uint64_t(const Block& block)>;

// ---- 1. the naive way, on purpose ---------------------------------------------------------

// Checksums every block, in order, by calling checksum(block) right here in the coroutine (no
// to_thread). Returns the checksums in the order of `blocks`. It is correct, and it is the bug
// this chapter is about: while it computes, the loop's one thread is busy, so no other task runs
// (a heartbeat that should tick every 5 ms stops), and the runtime's slow-step diagnostic
// reports "the event loop was blocked by computation". You write it to see that happen.
aio::Task<std::vector<std::uint64_t>> checksum_all_blocking(std::vector<Block> blocks,
                                                            ChecksumFn checksum = ch11::checksum);

// ---- 2. the fix: the work on worker threads -----------------------------------------------

// The same result, with every checksum(block) run on a worker thread by aio::to_thread, all of
// them started at once (aio::gather), so that they run in parallel on the pool's workers while
// the loop stays free: the heartbeat keeps ticking. Results in the order of `blocks`, whatever
// order the jobs finish in. No blocks: an empty vector, at once. A checksum that throws makes
// this throw the same exception (gather cancels the others' awaiters; their jobs still finish).
aio::Task<std::vector<std::uint64_t>> checksum_all_offloaded(std::vector<Block> blocks,
                                                             ChecksumFn checksum = ch11::checksum);

// ---- 3. a pipeline: waits on the loop, computation on the workers ----------------------------

// A file to download and check: its name, how long the download takes, and its size in bytes.
struct Download {
  std::string name;
  aio::Duration latency{};
  std::size_t size = 0;
};

// Anything that downloads a file the way fetch_block does: fetch(download) returns a Task that,
// when awaited, downloads the file and gives back its Block. The functions below take one (your
// fetch_block unless the caller passes another); the graders pass their own.
using FetchFn = std::function<aio::Task<Block>(Download download)>;

// The simulated download. Waiting for the network is I/O, not computation: it belongs on the
// loop, where waiting costs no thread.
//   prints "Downloading <name>...", waits `latency` (co_await aio::sleep: the loop runs others
//   meanwhile), prints "Downloaded <name>", returns make_block(name, size).
// fetch_block({"a.bin", 2s, 100}) on its own:
//   [  0.000s] Downloading a.bin...
//   [  2.000s] Downloaded a.bin
aio::Task<Block> fetch_block(Download download);

// One checked file: its name and the checksum of its block.
struct Checked {
  std::string name;
  std::uint64_t checksum = 0;
  friend bool operator==(const Checked&, const Checked&) = default;
};

// Every file at once (aio::gather): for each, download it with fetch(download) — on the loop —
// then checksum its block on a worker (aio::to_thread(checksum, block)), then print
// "Checked <name>". Results {name, checksum} in the order of `downloads`.
// Each file's checksum starts as soon as ITS download has finished, not when all have. A job
// costs no time on the simulated clock, so three files of 3 s, 1 s and 2 s give:
//   [  0.000s] Downloading a.bin...
//   [  0.000s] Downloading b.bin...
//   [  0.000s] Downloading c.bin...
//   [  1.000s] Downloaded b.bin
//   [  1.000s] Checked b.bin
//   [  2.000s] Downloaded c.bin
//   [  2.000s] Checked c.bin
//   [  3.000s] Downloaded a.bin
//   [  3.000s] Checked a.bin
// 3 s in total (the longest download); on the real clock, plus the last checksum's time.
aio::Task<std::vector<Checked>> download_and_check(std::vector<Download> downloads,
                                                   FetchFn fetch = fetch_block,
                                                   ChecksumFn checksum = ch11::checksum);

// ---- 4. a bound on the jobs in flight -----------------------------------------------------

// download_and_check, with at most `max_jobs` checksum jobs of this call in flight at any moment
// (an aio::Semaphore of max_jobs permits, local to the call): the downloads are NOT limited —
// they all start at once, as above — only the computation is. A file whose download has
// finished waits for a permit, then holds it while its job runs, and gives it back as soon as
// the job's result is back. So the pipeline never takes more than max_jobs of the pool's
// workers, and other work (another pipeline, a file read on a worker) still finds one free.
// Same timeline and results as download_and_check. max_jobs below 1 would let no job ever run:
// it throws std::invalid_argument (when awaited, before any download starts, even with no files).
aio::Task<std::vector<Checked>> download_and_check_limited(std::vector<Download> downloads,
                                                           int max_jobs,
                                                           FetchFn fetch = fetch_block,
                                                           ChecksumFn checksum = ch11::checksum);

}  // namespace ch11
