#pragma once
/// What one step wrote to memory, at the granularity of 64-byte leaf pairs (the unit a store
/// dirties): nothing, exactly one pair (any number of writes to it), or more than one pair.
/// PagedMemory fills it while one is attached (PagedMemory::setPairLog); per-step batched
/// hashing (merkle/path_batch.hpp) reads it after every step.
#include <cstdint>

namespace fpvm::merkle {

struct PairLog {
  /// Index of the pair written (address >> 6) when `count` is 1.
  uint64_t pair = 0;
  /// 0: nothing written; 1: only `pair`; 2: more than one pair.
  unsigned count = 0;

  /// Forgets what was logged (call before each step).
  void clear() { count = 0; }
  /// Notes a write covering pairs firstPair..lastPair.
  void note(uint64_t firstPair, uint64_t lastPair) {
    if (firstPair != lastPair || (count == 1 && pair != firstPair)) {
      count = 2;
    } else if (count == 0) {
      count = 1;
      pair = firstPair;
    }
  }
};

}  // namespace fpvm::merkle
