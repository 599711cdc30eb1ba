// The per-thread frame pool (see aio/detail/frame_allocator.hpp for why).
#include "aio/detail/frame_allocator.hpp"

#include <array>
#include <utility>

namespace aio::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool pool_enabled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool pool_enabled = false;
#else
constexpr bool pool_enabled = true;
#endif
#else
constexpr bool pool_enabled = true;
#endif

constexpr std::size_t granule = 16;  // operator new's alignment: every block stays aligned
constexpr std::size_t largest_pooled = 1024;
constexpr std::size_t size_classes = largest_pooled / granule;
constexpr std::size_t max_cached_bytes = std::size_t{64} << 20;

// A free block stores the link to the next free block in its own first bytes.
struct FreeBlock {
  FreeBlock* next;
};

std::size_t class_of(std::size_t size) noexcept {
  return (size + granule - 1) / granule - 1;
}
std::size_t class_size(std::size_t index) noexcept {
  return (index + 1) * granule;
}

class FramePool {
 public:
  FramePool() = default;
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;
  ~FramePool() { release_all(); }

  void* allocate(std::size_t size) {
    if (size > largest_pooled || size == 0) return fresh_block(size);
    std::size_t index = class_of(size);
    if (FreeBlock* block = free_[index]; block && recycling) {
      free_[index] = block->next;
      stats.cached_bytes -= class_size(index);
      ++stats.reused;
      return block;
    }
    // Always the class's full size, even with recycling off: any block may later be pooled.
    return fresh_block(class_size(index));
  }

  void deallocate(void* block, std::size_t size) noexcept {
    if (size > largest_pooled || size == 0) {
      ::operator delete(block);
      return;
    }
    std::size_t index = class_of(size);
    if (!recycling || stats.cached_bytes + class_size(index) > max_cached_bytes) {
      ::operator delete(block);
      return;
    }
    auto* free_block = static_cast<FreeBlock*>(block);
    free_block->next = free_[index];
    free_[index] = free_block;
    stats.cached_bytes += class_size(index);
  }

  FramePoolStats stats;
  bool recycling = true;

 private:
  void* fresh_block(std::size_t size) {
    ++stats.allocated;
    return ::operator new(size);
  }

  void release_all() noexcept {
    for (FreeBlock*& head : free_) {
      while (head) ::operator delete(std::exchange(head, head->next));
    }
    stats.cached_bytes = 0;
  }

  std::array<FreeBlock*, size_classes> free_{};
};

// A frame may be freed while the thread's static objects are being destroyed (a Task held in a
// static). After the pool itself is gone, blocks go straight back to operator delete.
thread_local bool pool_destroyed = false;

struct PoolOwner {
  FramePool pool;
  ~PoolOwner() { pool_destroyed = true; }
};

FramePool* this_thread_pool() noexcept {
  if (!pool_enabled || pool_destroyed) return nullptr;
  thread_local PoolOwner owner;
  return &owner.pool;
}

}  // namespace

void* allocate_frame(std::size_t size) {
  if (FramePool* pool = this_thread_pool()) return pool->allocate(size);
  return ::operator new(size);
}

void deallocate_frame(void* block, std::size_t size) noexcept {
  if (FramePool* pool = this_thread_pool()) {
    pool->deallocate(block, size);
    return;
  }
  // Without a pool, a block may still have been rounded up to its size class by the pool:
  // unsized delete frees either kind.
  ::operator delete(block);
}

FramePoolStats frame_pool_stats() noexcept {
  if (FramePool* pool = this_thread_pool()) return pool->stats;
  return {};
}

void set_frame_recycling(bool on) noexcept {
  if (FramePool* pool = this_thread_pool()) pool->recycling = on;
}

bool frame_recycling() noexcept {
  FramePool* pool = this_thread_pool();
  return pool && pool->recycling;
}

}  // namespace aio::detail
