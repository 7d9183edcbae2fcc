#pragma once
/// Cannon's memory (docs/spec/cannon-mt64.md §2): a sparse, big-endian 2^64-byte space committed
/// to by a binary Merkle tree of depth 59 over raw 32-byte leaves, stored in 4096-byte pages.
/// Roots and proofs are computed incrementally: writes mark leaves dirty and only their paths
/// are re-hashed when a root or a proof is asked for.
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"

namespace fpvm::mips64 {

inline constexpr unsigned kLeafBits = 5;  ///< 32-byte leaves
inline constexpr uint64_t kLeafSize = uint64_t(1) << kLeafBits;
inline constexpr unsigned kPageBits = 12;  ///< 4096-byte pages
inline constexpr uint64_t kPageSize = uint64_t(1) << kPageBits;
inline constexpr unsigned kPageHeight = kPageBits - kLeafBits;     ///< a page is a subtree of height 7
inline constexpr unsigned kLeavesPerPage = 1u << kPageHeight;      ///< 128
inline constexpr unsigned kTreeDepth = 64 - kLeafBits;             ///< 59: height of the root
inline constexpr size_t kMemoryProofSize = (kTreeDepth + 1) * 32;  ///< 1920: leaf + 59 siblings

/// A memory proof: word 0 = the leaf, words 1..59 = the siblings from the bottom up.
using MemoryProof = std::array<uint8_t, kMemoryProofSize>;

/// Hash of an all-zero subtree of `height` (0..59): Z[0] = 32 zero bytes, Z[i] = H(Z[i-1] ‖ Z[i-1]).
/// Z[59] is the root of empty memory.
const Hash32& zeroHash(unsigned height);

/// Allocating a page beyond Memory::setPageLimit.
class PageLimitError : public Error {
 public:
  using Error::Error;
};

/// The machine's memory. Reading never allocates; every doubleword write allocates its page (as
/// Cannon does, which makes the set of pages part of the state files, not of the commitment).
class Memory {
 public:
  Memory();
  ~Memory();
  Memory(const Memory& other);
  Memory& operator=(const Memory& other);
  Memory(Memory&& other) noexcept;
  Memory& operator=(Memory&& other) noexcept;

  /// The big-endian doubleword at `addr`, which must be 8-byte aligned (throws Error otherwise).
  uint64_t loadWord(uint64_t addr) const;
  /// Writes the big-endian doubleword at the 8-byte aligned `addr`, allocating its page.
  void storeWord(uint64_t addr, uint64_t value);
  /// Copies `n` bytes starting at `addr` (wrapping around the address space) to `out`.
  void readBytes(uint64_t addr, uint8_t* out, size_t n) const;
  /// Writes `n` bytes starting at `addr` (wrapping), allocating the pages written.
  void writeBytes(uint64_t addr, const uint8_t* in, size_t n);
  /// The 32 raw bytes of the leaf containing `addr`.
  Hash32 leaf(uint64_t addr) const;

  /// Allocates page `pageIndex` (= address >> 12) zero-filled if absent; never changes the root.
  void allocatePage(uint64_t pageIndex);
  /// Whether page `pageIndex` is allocated.
  bool hasPage(uint64_t pageIndex) const { return pages_.count(pageIndex) != 0; }
  /// Number of allocated pages.
  size_t pageCount() const { return pages_.size(); }
  /// Allocated page indices, ascending.
  std::vector<uint64_t> pageIndices() const;
  /// Most pages the memory may hold (0 = no limit): allocating one more throws PageLimitError
  /// (the validation server's memory limit). Pages already held are kept.
  void setPageLimit(size_t pages) { pageLimit_ = pages; }

  /// For engines reading in place: the 4096 bytes of page `pageIndex`, or null when it is not
  /// allocated (reads as zeros). Pages are never freed, so the pointer lives as long as this
  /// object (not across a copy or move of it).
  const uint8_t* pageData(uint64_t pageIndex) const;
  /// A page an engine writes in place: its bytes and its dirty-leaf bitmap (bit i of word i / 64 =
  /// leaf i of the page), which the writer must set for every leaf it changes.
  struct DirectPage {
    uint8_t* data;
    uint64_t* dirtyLeaves;
  };
  /// Page `pageIndex` for writing in place (allocated when absent, as a doubleword store does),
  /// already queued for re-hashing. Valid until the next root(), proof(), copy or move.
  DirectPage pageForDirectWrite(uint64_t pageIndex);

  /// The Merkle root, re-hashing only what changed since the last root or proof.
  Hash32 root();
  /// The proof of the leaf containing `addr`, against the current root.
  MemoryProof proof(uint64_t addr);
  /// The root computed from the page contents alone, ignoring every cache (for tests).
  Hash32 rootFromScratch() const;

 private:
  struct Page;
  Page* findPage(uint64_t pageIndex) const;
  Page& pageForWrite(uint64_t pageIndex);
  void markDirty(Page& page, uint64_t pageIndex, unsigned offset, unsigned size);
  void merkleize();
  /// Node at `height` (1..59) with index `index` (= leaf index >> height), as of the last merkleize().
  const Hash32& node(unsigned height, uint64_t index) const;

  std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
  size_t pageLimit_ = 0;
  std::vector<uint64_t> dirtyPages_;
  /// upper_[h] for h = 8..59: node hashes keyed by leaf index >> h; absent = Z[h].
  std::vector<std::unordered_map<uint64_t, Hash32>> upper_;
};

}  // namespace fpvm::mips64
