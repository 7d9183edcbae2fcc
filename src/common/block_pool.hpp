#pragma once
/// Fixed-size blocks (guest memory pages with their bookkeeping) carved from 2 MiB chunks that the
/// kernel may back with transparent huge pages: filling a guest's memory then costs one page
/// fault per 2 MiB instead of one per 4 KiB (decision 0021 has the measurements).
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define FPVM_BLOCK_POOL_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FPVM_BLOCK_POOL_OFF 1
#endif
#endif

namespace fpvm {

/// A thread-safe pool of blocks of one size. Freed blocks are reused by later allocations of the
/// same pool; chunks are kept for the life of the process (as malloc keeps its heap), so a
/// process's footprint is its peak number of live blocks rounded up to a chunk. Under
/// AddressSanitizer every block is a plain allocation, so the sanitizer still checks its uses.
class BlockPool {
 public:
  /// Bytes per chunk (aligned to this size, so a chunk is one huge page where THP is available).
  static constexpr size_t kChunkBytes = size_t(2) << 20;
#ifdef FPVM_BLOCK_POOL_OFF
  static constexpr bool kPooled = false;
#else
  /// False under AddressSanitizer: blocks are then plain allocations.
  static constexpr bool kPooled = true;
#endif

  /// A pool of blocks of `blockSize` bytes (rounded up to 64), each aligned to 64 bytes.
  explicit BlockPool(size_t blockSize);
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  /// A block of blockSize() bytes with unspecified contents; throws std::bad_alloc when the
  /// system has no memory left.
  void* allocate();
  /// Returns a block from allocate() to the pool.
  void release(void* block) noexcept;
  size_t blockSize() const { return blockSize_; }

 private:
  void addChunk();

  const size_t blockSize_;
  std::mutex mutex_;
  std::vector<void*> free_;
  uint8_t* next_ = nullptr;  ///< unused space of the newest chunk
  uint8_t* end_ = nullptr;
};

}  // namespace fpvm
