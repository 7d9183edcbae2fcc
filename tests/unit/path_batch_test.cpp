// Batched per-write memory roots (merkle/path_batch.hpp) against the memory's own incremental
// root after every write: same-pair repeats, the other leaf of a pair, neighbouring pairs and
// pages, far pages, full batches, and the memory's state after the batch.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "merkle/paged_memory.hpp"
#include "merkle/path_batch.hpp"

namespace fpvm::merkle {
namespace {

/// Pages the tests write: sibling pairs of pages, low and far up.
const uint64_t kPages[] = {0x20, 0x21, 0x22, 0x23, 0x400, 0x401, 0x7FFFFFFFF0ULL, 0x7FFFFFFFF1ULL};

/// A memory whose pages all keep their node caches (hashed twice), with random contents.
PagedMemory preparedMemory(std::mt19937_64& rng) {
  PagedMemory m;
  for (uint64_t p : kPages)
    for (int i = 0; i < 16; ++i) m.store((p << kPageBits) + 8 * (rng() % 512), 8, rng());
  m.merkleRoot();
  for (uint64_t p : kPages) m.store(p << kPageBits, 1, rng());  // second hash keeps the caches
  m.merkleRoot();
  return m;
}

/// The next written address, drawn from patterns that exercise every way paths share nodes.
uint64_t nextAddr(std::mt19937_64& rng, uint64_t prev) {
  switch (rng() % 7) {
    case 0: return prev;                                // the same word again
    case 1: return prev ^ 32;                           // the other leaf of the pair
    case 2: return prev ^ 64;                           // the sibling pair
    case 3: return (prev & ~uint64_t(kPageSize - 1)) | (8 * (rng() % 512));  // same page
    case 4: return prev ^ kPageSize;                    // same offset in the sibling page
    default: return (kPages[rng() % std::size(kPages)] << kPageBits) | (8 * (rng() % 512));
  }
}

TEST(PathBatch, RootsEqualTheIncrementalRootAfterEveryWrite) {
  std::mt19937_64 rng(21);
  for (int round = 0; round < 40; ++round) {
    PagedMemory mem = preparedMemory(rng);
    PagedMemory ref = mem;
    PathBatch batch(mem);
    batch.clear();
    const size_t writes = 1 + rng() % PathBatch::kMaxRecords;
    std::vector<Hash32> want;
    uint64_t addr = kPages[0] << kPageBits;
    for (size_t i = 0; i < writes; ++i) {
      addr = nextAddr(rng, addr);
      const unsigned size = 1u << (rng() % 4);
      const uint64_t a = addr & ~uint64_t(size - 1);  // aligned: stays inside one pair
      const uint64_t v = rng();
      mem.store(a, size, v);
      ref.store(a, size, v);
      ASSERT_TRUE(batch.canRecord(a >> 6));
      batch.record(a >> 6);
      want.push_back(ref.merkleRoot());
    }
    std::vector<Hash32> got(writes);
    batch.computeRoots(got.data());
    for (size_t i = 0; i < writes; ++i) ASSERT_EQ(got[i], want[i]) << "round " << round << " write " << i;
    EXPECT_EQ(mem.merkleRoot(), want.back());
    EXPECT_EQ(mem.computeRootFromScratch(), want.back());
    // The memory's caches are current: proofs and later roots still agree with the reference.
    mem.store(kPages[2] << kPageBits, 8, 7);
    ref.store(kPages[2] << kPageBits, 8, 7);
    EXPECT_EQ(mem.merkleRoot(), ref.merkleRoot());
    EXPECT_EQ(mem.proveLeaf(addr).words, ref.proveLeaf(addr).words);
  }
}

TEST(PathBatch, FullBatchOfOnePair) {
  std::mt19937_64 rng(22);
  PagedMemory mem = preparedMemory(rng);
  PagedMemory ref = mem;
  PathBatch batch(mem);
  batch.clear();
  std::vector<Hash32> want;
  const uint64_t addr = (kPages[5] << kPageBits) + 128;
  while (!batch.full()) {
    const uint64_t v = rng();
    mem.store(addr, 8, v);
    ref.store(addr, 8, v);
    batch.record(addr >> 6);
    want.push_back(ref.merkleRoot());
  }
  std::vector<Hash32> got(batch.size());
  batch.computeRoots(got.data());
  EXPECT_EQ(got, want);
  EXPECT_EQ(batch.size(), PathBatch::kMaxRecords);
}

TEST(PathBatch, PagesWithoutNodeCacheCannotBeRecorded) {
  PagedMemory m;
  m.store(0x5000, 8, 1);
  m.merkleRoot();  // hashed once: root only, no inner nodes kept
  PathBatch batch(m);
  EXPECT_FALSE(batch.canRecord(0x5000 >> 6));
  EXPECT_FALSE(batch.canRecord(0x9000 >> 6));  // not allocated at all
  EXPECT_EQ(m.committedNode(1, 0x5000 >> 6), nullptr);
  m.store(0x5000, 8, 2);
  m.merkleRoot();  // hashed twice: caches kept
  EXPECT_TRUE(batch.canRecord(0x5000 >> 6));
  EXPECT_NE(m.committedNode(1, 0x5000 >> 6), nullptr);
}

TEST(PathBatch, PairLogSeesOnePairOrMore) {
  PagedMemory m;
  PairLog log;
  m.setPairLog(&log);
  m.store(0x1008, 8, 1);
  m.store(0x1010, 4, 1);  // same pair again
  EXPECT_EQ(log.count, 1u);
  EXPECT_EQ(log.pair, 0x1000u >> 6);
  log.clear();
  m.store(0x103C, 8, 1);  // crosses into the next pair
  EXPECT_EQ(log.count, 2u);
  log.clear();
  m.store(0x1000, 1, 1);
  m.store(0x1040, 1, 1);  // a second pair
  EXPECT_EQ(log.count, 2u);
  log.clear();
  const uint8_t buf[3] = {1, 2, 3};
  m.writeBytes(0x1FFF, buf, 3);  // crosses a page
  EXPECT_EQ(log.count, 2u);
  m.setPairLog(nullptr);
  log.clear();
  m.store(0x1000, 8, 5);
  EXPECT_EQ(log.count, 0u);
}

}  // namespace
}  // namespace fpvm::merkle
