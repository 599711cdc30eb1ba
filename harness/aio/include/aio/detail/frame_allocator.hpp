// Where coroutine frames (and task states) get their memory: a per-thread recycling pool.
//
// Why: GCC 12 heap-allocates every coroutine frame, and Clang elides the allocation only when
// it can prove the frame dies inside its caller, which a task never does. A program that
// creates many short tasks (gather of 100,000 downloads) would spend most of its time in
// malloc/free. Frames of the same coroutine have the same size, so a freed frame is a perfect
// fit for the next one: the pool keeps freed blocks on a free list per size class (multiples of
// 16 bytes, up to 1 KiB) and hands them out again without calling malloc. Larger blocks, and
// everything once the pool caches 64 MiB, go straight to operator new / delete.
//
// Per thread, no locks: each thread has its own pool. A block freed on another thread than the
// one that allocated it simply joins that thread's pool (it is plain memory). A thread's pool
// gives its blocks back to the system when the thread exits.
//
// Sanitizers: under AddressSanitizer the pool is off, so that a use of a destroyed frame is
// still reported as a use-after-free instead of silently reading a recycled block.
//
// This is the lesson's "see how it works" version; production runtimes (cppcoro, folly) do the
// same with more size classes and cross-thread return queues.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aio::detail {

void* allocate_frame(std::size_t size);
void deallocate_frame(void* block, std::size_t size) noexcept;

// Counters for benchmarks and tests (this thread's pool).
struct FramePoolStats {
  std::uint64_t reused = 0;      // allocations served from the pool
  std::uint64_t allocated = 0;   // allocations that went to operator new
  std::size_t cached_bytes = 0;  // bytes sitting on the free lists now
};
FramePoolStats frame_pool_stats() noexcept;

// Turn recycling off (or on) for this thread: the benchmarks' "before" measurement. Blocks
// already cached stay cached; while off, every allocation goes to operator new.
void set_frame_recycling(bool on) noexcept;
bool frame_recycling() noexcept;

}  // namespace aio::detail
