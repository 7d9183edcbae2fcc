#pragma once
/// A set of 32-byte memory leaves, kept as one 128-bit mask per 4096-byte page, with a second
/// mask plane for "used" marks. Both segment trackers look up one or two leaves per step, so the
/// lookup is a small direct-mapped page cache in front of a hash map.
#include <array>
#include <cstdint>
#include <unordered_map>

#include "merkle/geometry.hpp"

namespace fpvm::segment {

class LeafSet {
 public:
  LeafSet() = default;
  LeafSet(const LeafSet&) = delete;
  LeafSet& operator=(const LeafSet&) = delete;

  /// Adds the leaf containing `addr`; true when it was not in the set before.
  bool insert(uint64_t addr) {
    Bits& b = bitsForInsert(addr >> merkle::kPageBits);
    const unsigned leaf = leafInPage(addr);
    uint64_t& w = b.member[leaf >> 6];
    const uint64_t m = uint64_t(1) << (leaf & 63);
    if (w & m) return false;
    w |= m;
    ++size_;
    return true;
  }
  /// True when the leaf containing `addr` is in the set.
  bool contains(uint64_t addr) const {
    const Bits* b = find(addr >> merkle::kPageBits);
    const unsigned leaf = leafInPage(addr);
    return b && ((b->member[leaf >> 6] >> (leaf & 63)) & 1);
  }
  /// If the leaf is in the set, marks it used and returns true; returns false otherwise.
  bool markUsed(uint64_t addr) {
    Bits* b = const_cast<Bits*>(find(addr >> merkle::kPageBits));
    if (!b) return false;
    const unsigned leaf = leafInPage(addr);
    const uint64_t m = uint64_t(1) << (leaf & 63);
    if (!(b->member[leaf >> 6] & m)) return false;
    if (!(b->used[leaf >> 6] & m)) {
      b->used[leaf >> 6] |= m;
      ++used_;
    }
    return true;
  }
  /// True when the leaf containing `addr` is in the set and marked used.
  bool isUsed(uint64_t addr) const {
    const Bits* b = find(addr >> merkle::kPageBits);
    const unsigned leaf = leafInPage(addr);
    return b && ((b->used[leaf >> 6] >> (leaf & 63)) & 1);
  }
  /// Number of leaves in the set.
  size_t size() const { return size_; }
  /// Number of leaves marked used.
  size_t usedCount() const { return used_; }

 private:
  struct Bits {
    uint64_t member[2] = {0, 0};
    uint64_t used[2] = {0, 0};
  };
  static unsigned leafInPage(uint64_t addr) {
    return static_cast<unsigned>((addr >> merkle::kLeafBits) & (merkle::kLeavesPerPage - 1));
  }
  const Bits* find(uint64_t page) const {
    CacheEntry& e = cache_[page % kCacheSize];
    if (e.bits && e.page == page) return e.bits;
    auto it = pages_.find(page);
    if (it == pages_.end()) return nullptr;
    e = CacheEntry{page, const_cast<Bits*>(&it->second)};
    return e.bits;
  }
  Bits& bitsForInsert(uint64_t page) {
    if (const Bits* b = find(page)) return *const_cast<Bits*>(b);
    Bits* b = &pages_[page];  // node-based map: the address stays valid across rehashes
    cache_[page % kCacheSize] = CacheEntry{page, b};
    return *b;
  }

  struct CacheEntry {
    uint64_t page = 0;
    Bits* bits = nullptr;
  };
  static constexpr size_t kCacheSize = 16;
  std::unordered_map<uint64_t, Bits> pages_;
  mutable std::array<CacheEntry, kCacheSize> cache_{};
  size_t size_ = 0;
  size_t used_ = 0;
};

}  // namespace fpvm::segment
