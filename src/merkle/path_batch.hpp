#pragma once
/// Memory roots after each write of a run of steps, computed together (per-step hashing of the
/// bottom-level BoLD query). Each recorded write changed one 64-byte leaf pair; its root is the
/// hash of its 59-level path, where the sibling at a height "as of" record k is the newest earlier
/// record's node at that position, else the memory's committed node (its value before the batch).
/// Paths are computed level by level, all records of a level at once with many-input Keccak.
///
/// Use: memory.merkleRoot(); clear(); after each step that wrote one pair, record(pair);
/// computeRoots(); then memory.merkleRoot() again brings the memory's own caches up to date and
/// returns the root after the last write (which equals the last computed root).
#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "merkle/paged_memory.hpp"

namespace fpvm::merkle {

class PathBatch {
 public:
  /// Most writes one batch records.
  static constexpr size_t kMaxRecords = 256;

  explicit PathBatch(const PagedMemory& memory);

  /// Forgets every record. The memory must be Merkleized at this point (its committed nodes are
  /// the values every record's path starts from).
  void clear();
  /// Records taken since clear().
  size_t size() const { return pairs_.size(); }
  bool full() const { return pairs_.size() >= kMaxRecords; }
  /// True when a write to leaf pair `pair` (address >> 6) can be recorded: its page keeps the
  /// inner-node cache the path's lower siblings come from.
  bool canRecord(uint64_t pair) const { return memory_.hasNodeCache(pair >> 6); }
  /// Records that leaf pair `pair` was written; its 64 bytes are read from the memory now.
  /// Requires canRecord(pair) and !full().
  void record(uint64_t pair);
  /// Writes the root after record i to roots[i] for every record. Reads only the recorded bytes
  /// and the memory's committed nodes, so the memory may have moved on since the last record.
  void computeRoots(Hash32* roots);

 private:
  const PagedMemory& memory_;
  std::vector<uint64_t> pairs_;
  std::vector<uint8_t> values_;  ///< 64 bytes per record
  /// sib_[k·kTreeDepth + h]: where record k's sibling at height h (1..58) is: ≥ 0 = record index
  /// (its node at that height), < 0 = base_[-1 - v] (a committed node).
  std::vector<int32_t> sib_;
  std::vector<const Hash32*> base_;
  std::vector<Hash32> level_, next_;
  std::vector<uint8_t> input_;
};

}  // namespace fpvm::merkle
