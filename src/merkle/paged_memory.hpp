#pragma once
/// Sparse, byte-addressable 2^64-byte memory committed to by a binary Merkle tree of depth 59 over
/// 32-byte leaves (spec §2), with an incremental root: writes mark 64-byte leaf pairs dirty and
/// only their paths are re-hashed when a root or proof is asked for.
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "merkle/geometry.hpp"
#include "merkle/memory_proof.hpp"
#include "merkle/pair_log.hpp"

namespace fpvm::merkle {

/// Cached hashes of the nodes inside one page, heap-indexed: 1 = page root (height 7),
/// 2..3 height 6, …, 64..127 height 1 (hash of a 64-byte leaf pair). Leaves are the raw data.
struct PageHashes {
  Hash32 nodes[kLeavesPerPage];
};

/// One 4096-byte page with its Merkle bookkeeping.
struct Page {
  uint8_t data[kPageSize] = {};
  /// Root of this page's subtree; valid whenever the page is not queued as dirty.
  Hash32 root;
  /// Lazily allocated inner-node cache (only pages whose root was computed have one).
  std::unique_ptr<PageHashes> hashes;
  /// Bit p set = leaf pair p (bytes 64p..64p+63) changed since the last Merkleization.
  uint64_t dirtyPairs = 0;
  /// True while the page sits in the memory's dirty-page list.
  bool queued = false;
  /// True once the root was computed at least once; a page hashed a second time keeps an
  /// inner-node cache (per-step hashing), a page hashed once does not (saves 4 KiB per page).
  bool hashedBefore = false;

  /// Pages come from a pool of 2 MiB chunks the kernel may back with huge pages
  /// (common/block_pool.hpp): loading or filling a large memory faults far less often.
  static void* operator new(size_t size);
  static void operator delete(void* page) noexcept;
};

/// The VM's memory. Reads of never-written memory yield zero and allocate nothing; address
/// arithmetic wraps modulo 2^64.
class PagedMemory {
 public:
  PagedMemory();
  PagedMemory(const PagedMemory& other);
  PagedMemory& operator=(const PagedMemory& other);
  /// Moves leave `other` empty and usable (its page cache must not alias the moved pages).
  PagedMemory(PagedMemory&& other) noexcept;
  PagedMemory& operator=(PagedMemory&& other) noexcept;
  ~PagedMemory();

  /// Little-endian load of `size` (1..8) bytes at `addr`.
  uint64_t load(uint64_t addr, unsigned size) const {
    unsigned off = addr & (kPageSize - 1);
    if (off + size <= kPageSize) [[likely]] {
      const Page* p = findPage(addr >> kPageBits);
      return p ? getLE(p->data + off, size) : 0;
    }
    return loadSlow(addr, size);
  }
  /// Little-endian store of the low `size` (1..8) bytes of `value` at `addr`.
  void store(uint64_t addr, unsigned size, uint64_t value) {
    unsigned off = addr & (kPageSize - 1);
    if (off + size <= kPageSize) [[likely]] {
      Page& p = pageForWrite(addr >> kPageBits);
      putLE(p.data + off, value, size);
      markDirty(p, addr >> kPageBits, off, size);
      return;
    }
    storeSlow(addr, size, value);
  }
  /// Copies `n` bytes starting at `addr` (wrapping) into `out`.
  void readBytes(uint64_t addr, uint8_t* out, size_t n) const;
  /// Writes `n` bytes from `in` starting at `addr` (wrapping), allocating pages as needed.
  void writeBytes(uint64_t addr, const uint8_t* in, size_t n);
  /// The 32 raw bytes of the leaf containing `addr`.
  Hash32 readLeaf(uint64_t addr) const;

  /// Allocates the page with index `pageIndex` (zero-filled) if absent; never changes the root.
  Page& allocatePage(uint64_t pageIndex);
  /// Replaces the contents of page `pageIndex` (used by state-file loading).
  void setPage(uint64_t pageIndex, const uint8_t* data);
  /// Data of page `pageIndex` for direct writes by an engine that does no per-store bookkeeping:
  /// allocates the page, marks all of it dirty and returns its bytes. The pointer stays valid
  /// until the page is removed; writes through it are seen by the next merkleRoot() only if this
  /// is called again after every merkleRoot()/proveLeaf() (engines flush their write caches).
  uint8_t* pageForDirectWrite(uint64_t pageIndex);
  /// Records a write an engine made straight into `page` (index `pageIndex`, from allocatePage):
  /// marks the leaf pairs of bytes [off, off + size) dirty and notes them in the pair log, exactly
  /// as store() does. `off + size` must not exceed the page.
  void noteDirectWrite(Page& page, uint64_t pageIndex, unsigned off, unsigned size) { markDirty(page, pageIndex, off, size); }
  /// The page with this index, or nullptr. Inline single-entry cache for the hot path.
  const Page* findPage(uint64_t pageIndex) const {
    const CacheEntry& e = cache_[pageIndex % kCacheSize];
    if (e.index == pageIndex && e.page) return e.page;
    return findPageSlow(pageIndex);
  }
  /// Number of allocated pages.
  size_t pageCount() const { return pages_.size(); }
  /// Limits the number of allocated pages (0 = unlimited). Allocating beyond it throws
  /// MemoryLimitError, which stops the run (used by the validation server's memory limit).
  void setPageLimit(size_t pages) { pageLimit_ = pages; }
  size_t pageLimit() const { return pageLimit_; }
  /// Allocated page indices in ascending order.
  std::vector<uint64_t> pageIndices() const;

  /// The Merkle root, re-hashing only what changed since the last call.
  Hash32 merkleRoot();
  /// Memory proof for the leaf containing `addr`, against the current root.
  MemoryProof proveLeaf(uint64_t addr);
  /// The root computed from the page contents alone, ignoring every cache (for checks).
  Hash32 computeRootFromScratch() const;

  // --- per-step batched hashing (merkle/path_batch.hpp) ---
  /// Attaches `log` (nullptr detaches): every later write notes the leaf pairs it covers there.
  /// The log belongs to this object: copies and moves of the memory do not take it.
  void setPairLog(PairLog* log) { log_ = log; }
  /// The attached pair log, or nullptr.
  PairLog* pairLog() const { return log_; }
  /// The node at `height` (1..58) with index `index` (= address >> (5 + height)) as of the last
  /// merkleRoot()/proveLeaf(), ignoring writes since; nullptr when it lies inside a page that
  /// keeps no inner-node cache (a page hashed at most once, or allocated since). The pointer
  /// stays valid until the next Merkleization.
  const Hash32* committedNode(unsigned height, uint64_t index) const;
  /// True when page `pageIndex` exists and keeps its inner-node cache, i.e. committedNode() can
  /// answer every height below the page root on its paths.
  bool hasNodeCache(uint64_t pageIndex) const {
    const Page* p = findPage(pageIndex);
    return p && p->hashes;
  }

 private:
  Page& pageForWrite(uint64_t pageIndex) {
    const CacheEntry& e = cache_[pageIndex % kCacheSize];
    if (e.index == pageIndex && e.page) return *e.page;
    return allocatePage(pageIndex);
  }
  void markDirty(Page& p, uint64_t pageIndex, unsigned off, unsigned size) {
    unsigned first = off >> 6, last = (off + size - 1) >> 6;
    p.dirtyPairs |= (uint64_t(2) << last) - (uint64_t(1) << first);
    if (log_) [[unlikely]]
      log_->note((pageIndex << 6) | first, (pageIndex << 6) | last);
    if (!p.queued) {
      p.queued = true;
      dirtyPages_.push_back(pageIndex);
    }
  }
  /// Empties the memory (the state a moved-from object is left in).
  void reset() noexcept;
  const Page* findPageSlow(uint64_t pageIndex) const;
  uint64_t loadSlow(uint64_t addr, unsigned size) const;
  void storeSlow(uint64_t addr, unsigned size, uint64_t value);
  void rehashPage(Page& page);
  const Hash32& nodeAt(unsigned height, uint64_t index) const;
  void merkleize();

  std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
  /// Direct-mapped cache of recently used pages (code and data pages alternate on every step).
  struct CacheEntry {
    uint64_t index = ~uint64_t(0);
    Page* page = nullptr;
  };
  static constexpr size_t kCacheSize = 64;
  mutable std::array<CacheEntry, kCacheSize> cache_{};
  std::vector<uint64_t> dirtyPages_;
  /// upper_[h] holds node hashes at height h (8..59) keyed by `addr >> (5 + h)`; absent = Z[h].
  std::vector<std::unordered_map<uint64_t, Hash32>> upper_;
  Hash32 root_;
  size_t pageLimit_ = 0;
  PairLog* log_ = nullptr;
};

/// Thrown when a page allocation would exceed PagedMemory's page limit.
class MemoryLimitError : public Error {
 public:
  using Error::Error;
};

}  // namespace fpvm::merkle
