#include "merkle/paged_memory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <thread>

#include "common/block_pool.hpp"
#include "common/keccak256.hpp"
#include "common/keccak_multi.hpp"
#include "merkle/zero_hashes.hpp"

namespace fpvm::merkle {

namespace {

/// The pool every Page comes from; never destroyed, so pages freed during exit stay valid to free.
BlockPool& pagePool() {
  static BlockPool* const pool = new BlockPool(sizeof(Page));
  return *pool;
}

}  // namespace

void* Page::operator new(size_t size) {
  if (size > pagePool().blockSize()) throw std::bad_alloc();
  return pagePool().allocate();
}

void Page::operator delete(void* page) noexcept { pagePool().release(page); }

PagedMemory::PagedMemory() : upper_(kTreeDepth + 1), root_(zeroHash(kTreeDepth)) {}
PagedMemory::~PagedMemory() = default;

PagedMemory::PagedMemory(const PagedMemory& other) : upper_(other.upper_), root_(other.root_), pageLimit_(other.pageLimit_) {
  pages_.reserve(other.pages_.size());
  for (const auto& [idx, page] : other.pages_) {
    auto copy = std::make_unique<Page>();
    std::memcpy(copy->data, page->data, kPageSize);
    copy->root = page->root;
    if (page->hashes) copy->hashes = std::make_unique<PageHashes>(*page->hashes);
    copy->dirtyPairs = page->dirtyPairs;
    copy->hashedBefore = page->hashedBefore;
    copy->queued = page->queued;
    pages_.emplace(idx, std::move(copy));
  }
  dirtyPages_ = other.dirtyPages_;
}

PagedMemory::PagedMemory(PagedMemory&& other) noexcept
    : pages_(std::move(other.pages_)),
      cache_(other.cache_),
      dirtyPages_(std::move(other.dirtyPages_)),
      upper_(std::move(other.upper_)),
      root_(other.root_),
      pageLimit_(other.pageLimit_) {
  other.reset();
}

PagedMemory& PagedMemory::operator=(PagedMemory&& other) noexcept {
  if (this != &other) {
    pages_ = std::move(other.pages_);
    cache_ = other.cache_;
    dirtyPages_ = std::move(other.dirtyPages_);
    upper_ = std::move(other.upper_);
    root_ = other.root_;
    pageLimit_ = other.pageLimit_;
    other.reset();
  }
  return *this;
}

void PagedMemory::reset() noexcept {
  pages_.clear();
  cache_.fill(CacheEntry{});
  dirtyPages_.clear();
  upper_.clear();
  upper_.resize(kTreeDepth + 1);
  root_ = zeroHash(kTreeDepth);
}

PagedMemory& PagedMemory::operator=(const PagedMemory& other) {
  if (this != &other) {
    PagedMemory tmp(other);
    *this = std::move(tmp);
    cache_.fill(CacheEntry{});
  }
  return *this;
}

const Page* PagedMemory::findPageSlow(uint64_t pageIndex) const {
  auto it = pages_.find(pageIndex);
  if (it == pages_.end()) return nullptr;
  cache_[pageIndex % kCacheSize] = CacheEntry{pageIndex, it->second.get()};
  return it->second.get();
}

Page& PagedMemory::allocatePage(uint64_t pageIndex) {
  if (pageLimit_ != 0 && pages_.size() >= pageLimit_ && pages_.find(pageIndex) == pages_.end())
    throw MemoryLimitError("memory limit exceeded: the guest needs more than " + std::to_string(pageLimit_) + " pages (" +
                           std::to_string(pageLimit_ * kPageSize / (1024 * 1024)) + " MiB)");
  auto [it, inserted] = pages_.try_emplace(pageIndex);
  if (inserted) {
    it->second = std::make_unique<Page>();
    it->second->root = zeroHash(kPageHeight);
  }
  cache_[pageIndex % kCacheSize] = CacheEntry{pageIndex, it->second.get()};
  return *it->second;
}

void PagedMemory::setPage(uint64_t pageIndex, const uint8_t* data) {
  Page& p = allocatePage(pageIndex);
  std::memcpy(p.data, data, kPageSize);
  p.hashes.reset();  // forces a full rehash of this page
  p.dirtyPairs = ~uint64_t(0);
  if (!p.queued) {
    p.queued = true;
    dirtyPages_.push_back(pageIndex);
  }
}

std::vector<uint64_t> PagedMemory::pageIndices() const {
  std::vector<uint64_t> out;
  out.reserve(pages_.size());
  for (const auto& kv : pages_) out.push_back(kv.first);
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t PagedMemory::loadSlow(uint64_t addr, unsigned size) const {
  uint8_t buf[8] = {};
  readBytes(addr, buf, size);
  return getLE(buf, size);
}

void PagedMemory::storeSlow(uint64_t addr, unsigned size, uint64_t value) {
  uint8_t buf[8];
  putLE(buf, value, size);
  writeBytes(addr, buf, size);
}

void PagedMemory::readBytes(uint64_t addr, uint8_t* out, size_t n) const {
  while (n > 0) {
    uint64_t off = addr & (kPageSize - 1);
    size_t chunk = std::min<uint64_t>(n, kPageSize - off);
    const Page* p = findPage(addr >> kPageBits);
    if (p) std::memcpy(out, p->data + off, chunk);
    else std::memset(out, 0, chunk);
    out += chunk;
    n -= chunk;
    addr += chunk;  // wraps modulo 2^64
  }
}

void PagedMemory::writeBytes(uint64_t addr, const uint8_t* in, size_t n) {
  while (n > 0) {
    uint64_t off = addr & (kPageSize - 1);
    size_t chunk = std::min<uint64_t>(n, kPageSize - off);
    Page& p = pageForWrite(addr >> kPageBits);
    std::memcpy(p.data + off, in, chunk);
    markDirty(p, addr >> kPageBits, static_cast<unsigned>(off), static_cast<unsigned>(chunk));
    in += chunk;
    n -= chunk;
    addr += chunk;
  }
}

Hash32 PagedMemory::readLeaf(uint64_t addr) const {
  Hash32 leaf;
  const Page* p = findPage(addr >> kPageBits);
  if (p) std::memcpy(leaf.data(), p->data + (addr & (kPageSize - 1) & ~(kLeafSize - 1)), kLeafSize);
  return leaf;
}

uint8_t* PagedMemory::pageForDirectWrite(uint64_t pageIndex) {
  Page& p = allocatePage(pageIndex);
  p.dirtyPairs = ~uint64_t(0);
  if (!p.queued) {
    p.queued = true;
    dirtyPages_.push_back(pageIndex);
  }
  return p.data;
}

namespace {

static_assert(sizeof(Hash32) == 32, "page nodes must be contiguous 32-byte hashes");

/// Every node of a page's subtree (nodes[1..127], children of i at 2i and 2i+1), level by
/// level, many hashes at a time: the 64 leaf pairs are the page's bytes in order, and each level
/// is the contiguous pairs of the one below.
void hashWholePage(const uint8_t* data, Hash32* nodes) {
  keccak256Of64Many(data, nodes[64].data(), 64);
  for (unsigned n = 32; n >= 1; n /= 2) keccak256Of64Many(nodes[2 * n].data(), nodes[n].data(), n);
}

}  // namespace

void PagedMemory::rehashPage(Page& page) {
  uint64_t mask = page.dirtyPairs;
  if (!page.hashes && !page.hashedBefore) {
    // First hash of this page: compute the root in a scratch buffer, keep no cache.
    PageHashes scratch;
    hashWholePage(page.data, scratch.nodes);
    page.root = scratch.nodes[1];
    page.dirtyPairs = 0;
    page.hashedBefore = true;
    return;
  }
  if (!page.hashes) {
    page.hashes = std::make_unique<PageHashes>();
    mask = ~uint64_t(0);
  }
  page.dirtyPairs = 0;
  Hash32* nodes = page.hashes->nodes;
  if (std::popcount(mask) >= 32) {  // most of the page changed: hash all of it, many at a time
    hashWholePage(page.data, nodes);
    page.root = nodes[1];
    return;
  }
  // Height 1: hash of each dirty 64-byte leaf pair (nodes 64..127).
  for (uint64_t m = mask; m; m &= m - 1) {
    unsigned p = std::countr_zero(m);
    keccak256Of64(page.data + 64 * p, nodes[64 + p].data());
  }
  // Heights 2..7: parents of dirty nodes.
  for (unsigned h = 2; h <= kPageHeight; ++h) {
    uint64_t parents = 0;
    for (uint64_t m = mask; m; m &= m - 1) parents |= uint64_t(1) << (std::countr_zero(m) >> 1);
    mask = parents;
    unsigned base = 1u << (kPageHeight - h);
    for (uint64_t m = mask; m; m &= m - 1) {
      unsigned i = base + std::countr_zero(m);
      keccak256Of64(nodes[2 * i].data(), nodes[i].data());  // children 2i, 2i+1 are adjacent
    }
  }
  page.root = nodes[1];
}

const Hash32& PagedMemory::nodeAt(unsigned height, uint64_t index) const {
  if (height == kPageHeight) {
    auto it = pages_.find(index);
    return it == pages_.end() ? zeroHash(kPageHeight) : it->second->root;
  }
  const auto& level = upper_[height];
  auto it = level.find(index);
  return it == level.end() ? zeroHash(height) : it->second;
}

void PagedMemory::merkleize() {
  if (dirtyPages_.empty()) return;
  std::vector<Page*> dirty;
  dirty.reserve(dirtyPages_.size());
  for (uint64_t idx : dirtyPages_) dirty.push_back(pages_.at(idx).get());
  // Pages hash independently: split large batches over the cores (a 1 GiB guest has 262,144
  // pages to hash at the end of a run; see docs/decisions/0003-fast-engine.md).
  const unsigned threads = dirty.size() >= 4096 ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  auto hashRange = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      rehashPage(*dirty[i]);
      dirty[i]->queued = false;
    }
  };
  if (threads <= 1) {
    hashRange(0, dirty.size());
  } else {
    std::vector<std::thread> pool;
    const size_t per = (dirty.size() + threads - 1) / threads;
    for (unsigned t = 1; t < threads; ++t)
      pool.emplace_back(hashRange, std::min(dirty.size(), t * per), std::min(dirty.size(), (t + 1) * per));
    hashRange(0, std::min(dirty.size(), per));
    for (auto& th : pool) th.join();
  }
  std::vector<uint64_t> current = std::move(dirtyPages_);
  dirtyPages_.clear();
  std::sort(current.begin(), current.end());
  std::vector<uint64_t> next;
  next.reserve(current.size());
  for (unsigned h = kPageHeight + 1; h <= kTreeDepth; ++h) {
    next.clear();
    auto& level = upper_[h];
    for (uint64_t child : current) {
      uint64_t parent = child >> 1;
      if (!next.empty() && next.back() == parent) continue;
      next.push_back(parent);
      Hash32 h2 = keccak256Pair(nodeAt(h - 1, parent << 1), nodeAt(h - 1, (parent << 1) | 1));
      level[parent] = h2;
    }
    current.swap(next);
  }
  root_ = upper_[kTreeDepth].at(0);
}

const Hash32* PagedMemory::committedNode(unsigned height, uint64_t index) const {
  if (height >= kPageHeight) return &nodeAt(height, index);
  const uint64_t pageIndex = index >> (kPageHeight - height);
  const Page* page = findPage(pageIndex);
  if (!page) return &zeroHash(height);
  if (!page->hashes) return nullptr;
  const uint64_t local = index & ((uint64_t(1) << (kPageHeight - height)) - 1);
  return &page->hashes->nodes[(uint64_t(1) << (kPageHeight - height)) + local];
}

Hash32 PagedMemory::merkleRoot() {
  merkleize();
  return root_;
}

MemoryProof PagedMemory::proveLeaf(uint64_t addr) {
  merkleize();
  MemoryProof proof;
  uint64_t pageIndex = addr >> kPageBits;
  unsigned leaf = (addr >> kLeafBits) & (kLeavesPerPage - 1);
  auto it = pages_.find(pageIndex);
  Page* page = it == pages_.end() ? nullptr : it->second.get();
  if (page && !page->hashes) {  // page known only by its root so far: build its node cache
    page->hashedBefore = true;
    rehashPage(*page);
  }
  if (page) {
    std::memcpy(proof.words[0].data(), page->data + leaf * kLeafSize, kLeafSize);
    std::memcpy(proof.words[1].data(), page->data + (leaf ^ 1) * kLeafSize, kLeafSize);
    for (unsigned h = 1; h < kPageHeight; ++h) proof.words[h + 1] = page->hashes->nodes[((kLeavesPerPage + leaf) >> h) ^ 1];
  } else {
    for (unsigned h = 1; h < kPageHeight; ++h) proof.words[h + 1] = zeroHash(h);
  }
  for (unsigned h = kPageHeight; h < kTreeDepth; ++h) proof.words[h + 1] = nodeAt(h, (addr >> (kLeafBits + h)) ^ 1);
  return proof;
}

Hash32 PagedMemory::computeRootFromScratch() const {
  // Page roots by plain hashing, then the levels above, without touching any cache.
  std::vector<std::pair<uint64_t, Hash32>> level;
  for (uint64_t idx : pageIndices()) {
    const Page& p = *pages_.at(idx);
    Hash32 nodes[kLeavesPerPage];
    for (unsigned i = 0; i < 64; ++i) keccak256Of64(p.data + 64 * i, nodes[64 + i].data());
    for (unsigned i = 63; i >= 1; --i) keccak256Of64(nodes[2 * i].data(), nodes[i].data());
    level.emplace_back(idx, nodes[1]);
  }
  for (unsigned h = kPageHeight + 1; h <= kTreeDepth; ++h) {
    std::vector<std::pair<uint64_t, Hash32>> up;
    for (size_t i = 0; i < level.size(); ++i) {
      uint64_t parent = level[i].first >> 1;
      Hash32 left = zeroHash(h - 1), right = zeroHash(h - 1);
      if (level[i].first & 1) {
        right = level[i].second;
      } else {
        left = level[i].second;
        if (i + 1 < level.size() && level[i + 1].first == (level[i].first | 1)) right = level[++i].second;
      }
      up.emplace_back(parent, keccak256Pair(left, right));
    }
    level.swap(up);
  }
  return level.empty() ? zeroHash(kTreeDepth) : level[0].second;
}

}  // namespace fpvm::merkle
