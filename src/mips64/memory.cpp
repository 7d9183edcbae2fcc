#include "mips64/memory.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include "common/block_pool.hpp"
#include "common/error.hpp"
#include "common/keccak256.hpp"

namespace fpvm::mips64 {

static_assert(kLeavesPerPage == 128 && kTreeDepth == 59 && kMemoryProofSize == 1920);

const Hash32& zeroHash(unsigned height) {
  static const std::array<Hash32, kTreeDepth + 1> table = [] {
    std::array<Hash32, kTreeDepth + 1> z{};
    for (unsigned i = 1; i <= kTreeDepth; ++i) z[i] = keccak256Pair(z[i - 1], z[i - 1]);
    return z;
  }();
  return table.at(height);
}

/// One page: its bytes and the hashes of its subtree, heap-indexed: nodes[1] = page root
/// (height 7), nodes[2..3] height 6, …, nodes[64..127] height 1 (hashes of leaf pairs).
struct Memory::Page {
  uint8_t data[kPageSize] = {};
  Hash32 nodes[kLeavesPerPage];
  /// Leaves written since the last merkleize(), one bit per leaf.
  uint64_t dirty[2] = {0, 0};
  bool queued = false;

  Page() {
    for (unsigned h = 1; h <= kPageHeight; ++h)
      for (unsigned i = 1u << (kPageHeight - h); i < (2u << (kPageHeight - h)); ++i) nodes[i] = zeroHash(h);
  }

  /// Re-hashes the paths of the dirty leaves up to the page root.
  void rehash() {
    bool cur[kLeavesPerPage];
    for (unsigned i = 0; i < kLeavesPerPage; ++i) cur[i] = ((dirty[i >> 6] >> (i & 63)) & 1) != 0;
    for (unsigned h = 1; h <= kPageHeight; ++h) {
      const unsigned n = kLeavesPerPage >> h;
      const unsigned base = 1u << (kPageHeight - h);
      for (unsigned j = 0; j < n; ++j) {
        const bool d = cur[2 * j] || cur[2 * j + 1];
        if (d) {
          if (h == 1) keccak256Of64(data + 64 * j, nodes[base + j].data());
          else nodes[base + j] = keccak256Pair(nodes[2 * (base + j)], nodes[2 * (base + j) + 1]);
        }
        cur[j] = d;
      }
    }
    dirty[0] = dirty[1] = 0;
  }

  /// Pages come from 2 MiB chunks the kernel may back with huge pages (common/block_pool.hpp).
  static void* operator new(size_t size) {
    if (size > pool().blockSize()) throw std::bad_alloc();
    return pool().allocate();
  }
  static void operator delete(void* page) noexcept { pool().release(page); }

 private:
  /// Never destroyed, so pages freed during exit stay valid to free.
  static BlockPool& pool() {
    static BlockPool* const instance = new BlockPool(sizeof(Page));
    return *instance;
  }
};

Memory::Memory() : upper_(kTreeDepth + 1) {}
Memory::~Memory() = default;
Memory::Memory(Memory&& other) noexcept = default;
Memory& Memory::operator=(Memory&& other) noexcept = default;

Memory::Memory(const Memory& other) : pageLimit_(other.pageLimit_), dirtyPages_(other.dirtyPages_), upper_(other.upper_) {
  pages_.reserve(other.pages_.size());
  for (const auto& [index, page] : other.pages_) pages_.emplace(index, std::make_unique<Page>(*page));
}

Memory& Memory::operator=(const Memory& other) {
  if (this != &other) {
    Memory copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Memory::Page* Memory::findPage(uint64_t pageIndex) const {
  auto it = pages_.find(pageIndex);
  return it == pages_.end() ? nullptr : it->second.get();
}

Memory::Page& Memory::pageForWrite(uint64_t pageIndex) {
  auto it = pages_.find(pageIndex);
  if (it != pages_.end()) return *it->second;
  if (pageLimit_ != 0 && pages_.size() >= pageLimit_)
    throw PageLimitError("memory limit exceeded: the guest needs more than " + std::to_string(pageLimit_) + " pages (" +
                         std::to_string(pageLimit_ * kPageSize / (1024 * 1024)) + " MiB)");
  return *pages_.emplace(pageIndex, std::make_unique<Page>()).first->second;
}

void Memory::allocatePage(uint64_t pageIndex) { (void)pageForWrite(pageIndex); }

std::vector<uint64_t> Memory::pageIndices() const {
  std::vector<uint64_t> out;
  out.reserve(pages_.size());
  for (const auto& entry : pages_) out.push_back(entry.first);
  std::sort(out.begin(), out.end());
  return out;
}

void Memory::markDirty(Page& page, uint64_t pageIndex, unsigned offset, unsigned size) {
  for (unsigned leaf = offset >> kLeafBits; leaf <= (offset + size - 1) >> kLeafBits; ++leaf)
    page.dirty[leaf >> 6] |= uint64_t(1) << (leaf & 63);
  if (!page.queued) {
    page.queued = true;
    dirtyPages_.push_back(pageIndex);
  }
}

const uint8_t* Memory::pageData(uint64_t pageIndex) const {
  const Page* p = findPage(pageIndex);
  return p ? p->data : nullptr;
}

Memory::DirectPage Memory::pageForDirectWrite(uint64_t pageIndex) {
  Page& p = pageForWrite(pageIndex);
  if (!p.queued) {
    p.queued = true;
    dirtyPages_.push_back(pageIndex);
  }
  return {p.data, p.dirty};
}

uint64_t Memory::loadWord(uint64_t addr) const {
  if (addr & 7) throw Error("unaligned doubleword access at " + std::to_string(addr));
  const Page* p = findPage(addr >> kPageBits);
  return p ? getBE64(p->data + (addr & (kPageSize - 1))) : 0;
}

void Memory::storeWord(uint64_t addr, uint64_t value) {
  if (addr & 7) throw Error("unaligned doubleword access at " + std::to_string(addr));
  Page& p = pageForWrite(addr >> kPageBits);
  const unsigned off = addr & (kPageSize - 1);
  putBE64(p.data + off, value);
  markDirty(p, addr >> kPageBits, off, 8);
}

void Memory::readBytes(uint64_t addr, uint8_t* out, size_t n) const {
  while (n > 0) {
    const unsigned off = addr & (kPageSize - 1);
    const size_t chunk = std::min<size_t>(n, kPageSize - off);
    const Page* p = findPage(addr >> kPageBits);
    if (p) std::memcpy(out, p->data + off, chunk);
    else std::memset(out, 0, chunk);
    out += chunk;
    n -= chunk;
    addr += chunk;
  }
}

void Memory::writeBytes(uint64_t addr, const uint8_t* in, size_t n) {
  while (n > 0) {
    const unsigned off = addr & (kPageSize - 1);
    const size_t chunk = std::min<size_t>(n, kPageSize - off);
    Page& p = pageForWrite(addr >> kPageBits);
    std::memcpy(p.data + off, in, chunk);
    markDirty(p, addr >> kPageBits, off, static_cast<unsigned>(chunk));
    in += chunk;
    n -= chunk;
    addr += chunk;
  }
}

Hash32 Memory::leaf(uint64_t addr) const {
  Hash32 out;
  readBytes(addr & ~(kLeafSize - 1), out.data(), kLeafSize);
  return out;
}

void Memory::merkleize() {
  if (dirtyPages_.empty()) return;
  std::vector<uint64_t> level = std::move(dirtyPages_);
  dirtyPages_.clear();
  for (uint64_t index : level) {
    Page& p = *pages_.at(index);
    p.rehash();
    p.queued = false;
  }
  std::sort(level.begin(), level.end());
  // Heights 8..59: each parent of a changed node is recomputed once.
  for (unsigned h = kPageHeight + 1; h <= kTreeDepth; ++h) {
    for (uint64_t& i : level) i >>= 1;
    level.erase(std::unique(level.begin(), level.end()), level.end());
    for (uint64_t parent : level) upper_[h][parent] = keccak256Pair(node(h - 1, 2 * parent), node(h - 1, 2 * parent + 1));
  }
}

const Hash32& Memory::node(unsigned height, uint64_t index) const {
  if (height <= kPageHeight) {
    const unsigned below = kPageHeight - height;  // levels between this node and its page root
    const Page* p = findPage(index >> below);
    if (!p) return zeroHash(height);
    return p->nodes[(1u << below) + (index & ((uint64_t(1) << below) - 1))];
  }
  const auto& map = upper_[height];
  auto it = map.find(index);
  return it == map.end() ? zeroHash(height) : it->second;
}

Hash32 Memory::root() {
  merkleize();
  return node(kTreeDepth, 0);
}

MemoryProof Memory::proof(uint64_t addr) {
  merkleize();
  MemoryProof out{};
  const uint64_t leafIndex = addr >> kLeafBits;
  const Hash32 own = leaf(addr);
  std::memcpy(out.data(), own.data(), 32);
  const Hash32 sibling = leaf((leafIndex ^ 1) << kLeafBits);
  std::memcpy(out.data() + 32, sibling.data(), 32);
  for (unsigned h = 1; h < kTreeDepth; ++h) {
    const Hash32& s = node(h, (leafIndex >> h) ^ 1);
    std::memcpy(out.data() + 32 * (h + 1), s.data(), 32);
  }
  return out;
}

Hash32 Memory::rootFromScratch() const {
  // Hash every page from its bytes, then combine upwards; absent subtrees are zero hashes.
  std::unordered_map<uint64_t, Hash32> level;
  for (const auto& [index, page] : pages_) {
    std::vector<Hash32> nodes(kLeavesPerPage);
    for (unsigned i = 0; i < kLeavesPerPage; ++i) std::memcpy(nodes[i].data(), page->data + 32 * i, 32);
    while (nodes.size() > 1) {
      std::vector<Hash32> up(nodes.size() / 2);
      for (size_t j = 0; j < up.size(); ++j) up[j] = keccak256Pair(nodes[2 * j], nodes[2 * j + 1]);
      nodes = std::move(up);
    }
    level[index] = nodes[0];
  }
  for (unsigned h = kPageHeight + 1; h <= kTreeDepth; ++h) {
    std::unordered_map<uint64_t, Hash32> up;
    for (const auto& entry : level) {
      const uint64_t parent = entry.first >> 1;
      if (up.count(parent)) continue;
      auto l = level.find(2 * parent), r = level.find(2 * parent + 1);
      up[parent] = keccak256Pair(l == level.end() ? zeroHash(h - 1) : l->second, r == level.end() ? zeroHash(h - 1) : r->second);
    }
    level = std::move(up);
  }
  return level.empty() ? zeroHash(kTreeDepth) : level.at(0);
}

}  // namespace fpvm::mips64
