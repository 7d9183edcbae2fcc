#include "common/block_pool.hpp"

#include <new>

#include <sys/mman.h>

namespace fpvm {

BlockPool::BlockPool(size_t blockSize) : blockSize_((blockSize + 63) & ~size_t(63)) {}

void BlockPool::addChunk() {
  // Map twice the chunk size and trim it to an aligned chunk, so the kernel can use one huge page.
  const size_t span = 2 * kChunkBytes;
  void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto* raw = static_cast<uint8_t*>(p);
  const uintptr_t aligned = (reinterpret_cast<uintptr_t>(raw) + kChunkBytes - 1) & ~(uintptr_t(kChunkBytes) - 1);
  auto* chunk = reinterpret_cast<uint8_t*>(aligned);
  if (chunk > raw) munmap(raw, static_cast<size_t>(chunk - raw));
  if (chunk + kChunkBytes < raw + span) munmap(chunk + kChunkBytes, static_cast<size_t>(raw + span - (chunk + kChunkBytes)));
#ifdef MADV_HUGEPAGE
  madvise(chunk, kChunkBytes, MADV_HUGEPAGE);  // advice only: without THP the chunk uses 4 KiB pages
#endif
  next_ = chunk;
  end_ = chunk + kChunkBytes;
}

void* BlockPool::allocate() {
#ifdef FPVM_BLOCK_POOL_OFF  // AddressSanitizer sees every block as its own allocation
  return ::operator new(blockSize_);
#else
  std::lock_guard<std::mutex> lock(mutex_);
  if (!free_.empty()) {
    void* block = free_.back();
    free_.pop_back();
    return block;
  }
  if (static_cast<size_t>(end_ - next_) < blockSize_) addChunk();
  void* block = next_;
  next_ += blockSize_;
  return block;
#endif
}

void BlockPool::release(void* block) noexcept {
  if (block == nullptr) return;
#ifdef FPVM_BLOCK_POOL_OFF
  ::operator delete(block);
#else
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    free_.push_back(block);
  } catch (...) {  // the free list could not grow: the block stays unused, nothing breaks
  }
#endif
}

}  // namespace fpvm
