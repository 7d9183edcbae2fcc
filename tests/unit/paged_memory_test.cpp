// PagedMemory (spec §2): byte semantics, the incremental Merkle root against two from-scratch
// computations, memory proofs (§3.2), and the Asterisc cache-bug scenario that must NOT be copied.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "merkle/paged_memory.hpp"
#include "merkle/zero_hashes.hpp"

namespace fpvm::merkle {
namespace {

/// Byte-level model of memory: absent = 0.
using Model = std::map<uint64_t, uint8_t>;

/// The root by the definition of §2, computed from the model alone (independent of PagedMemory):
/// sparse levels of non-zero leaves, absent siblings taken from the zero-hash table.
Hash32 modelRoot(const Model& m) {
  std::map<uint64_t, Hash32> level;  // leaf index -> leaf bytes
  for (const auto& [addr, v] : m) {
    if (v == 0) continue;
    level[addr >> 5][addr & 31] = v;
  }
  for (unsigned h = 0; h < kTreeDepth; ++h) {
    std::map<uint64_t, Hash32> up;
    for (const auto& [idx, node] : level) {
      uint64_t parent = idx >> 1;
      if (up.count(parent)) continue;
      auto sib = level.find(idx ^ 1);
      const Hash32& other = sib == level.end() ? zeroHash(h) : sib->second;
      up[parent] = (idx & 1) ? keccak256Pair(other, node) : keccak256Pair(node, other);
    }
    level.swap(up);
  }
  return level.empty() ? zeroHash(kTreeDepth) : level.begin()->second;
}

uint64_t modelLoad(const Model& m, uint64_t addr, unsigned size) {
  uint64_t v = 0;
  for (unsigned i = 0; i < size; ++i) {
    auto it = m.find(addr + i);  // wraps modulo 2^64
    v |= uint64_t(it == m.end() ? 0 : it->second) << (8 * i);
  }
  return v;
}

void modelStore(Model& m, uint64_t addr, unsigned size, uint64_t v) {
  for (unsigned i = 0; i < size; ++i) m[addr + i] = static_cast<uint8_t>(v >> (8 * i));
}

/// Addresses that hit the interesting places: page ends, leaf ends, the top of the address
/// space, a few shared pages, and anywhere.
uint64_t interestingAddress(std::mt19937_64& rng) {
  static const uint64_t bases[] = {0,
                                   0x1000,
                                   0x80000000,
                                   0x7F0000000000ULL,
                                   0x1000000000000000ULL,
                                   ~uint64_t(0) - 4095,  // last page
                                   0x8000000000000000ULL};
  uint64_t base = bases[rng() % (sizeof bases / sizeof bases[0])];
  switch (rng() % 6) {
    case 0: return base + 4096 - 1 - rng() % 8;           // crosses into the next page (or wraps)
    case 1: return base + 32 * (rng() % 128) + 25 + rng() % 7;  // crosses a leaf
    case 2: return base + 64 * (rng() % 64) + 57 + rng() % 7;   // crosses a 64-byte pair
    case 3: return (rng() % 4) * 0x0123456789ABC000ULL + rng() % 8192;  // a few pages far apart
    case 4: return ~uint64_t(0) - rng() % 8;               // wraps past 2^64
    default: return base + rng() % 8192;
  }
}

void expectProofVerifies(PagedMemory& mem, uint64_t addr) {
  Hash32 root = mem.merkleRoot();
  MemoryProof p = mem.proveLeaf(addr);
  const uint64_t leafAddr = addr & ~uint64_t(31);
  EXPECT_EQ(p.leaf(), mem.readLeaf(addr)) << std::hex << addr;
  EXPECT_EQ(rootFromProof(p, leafAddr, p.leaf()), root) << "proof of 0x" << std::hex << addr;
  // A different leaf must not verify.
  Hash32 other = p.leaf();
  other[7] ^= 0x40;
  EXPECT_NE(rootFromProof(p, leafAddr, other), root);
  Bytes raw;
  p.appendTo(raw);
  ASSERT_EQ(raw.size(), kProofBytes);
  EXPECT_EQ(0, std::memcmp(raw.data(), p.leaf().data(), 32));
}

TEST(PagedMemory, EmptyMemoryRootIsZ59AndReadsAreZero) {
  PagedMemory mem;
  EXPECT_EQ(toHex(mem.merkleRoot()), "0x14af5385bcbb1e4738bbae8106046e6e2fca42875aa5c000c582587742bcc748");
  EXPECT_EQ(mem.computeRootFromScratch(), mem.merkleRoot());
  EXPECT_EQ(mem.load(0, 8), 0u);
  EXPECT_EQ(mem.load(0x123456789abcdefULL, 8), 0u);
  EXPECT_EQ(mem.load(~uint64_t(0), 8), 0u);
  EXPECT_EQ(mem.pageCount(), 0u);
}

TEST(PagedMemory, ReadsNeverAllocatePages) {
  PagedMemory mem;
  mem.store(0x5000, 8, 0x1122334455667788ULL);
  ASSERT_EQ(mem.pageCount(), 1u);
  uint8_t buf[10000];
  mem.readBytes(0x9000, buf, sizeof buf);
  mem.readBytes(~uint64_t(0) - 100, buf, 1000);  // wraps
  (void)mem.load(0x4FFC, 8);                      // crosses into the allocated page from an absent one
  (void)mem.load(0xFFFFFFFFFFFFFFFEULL, 4);
  (void)mem.readLeaf(0x100000);
  (void)mem.proveLeaf(0x200000);
  (void)mem.merkleRoot();
  (void)mem.computeRootFromScratch();
  EXPECT_EQ(mem.pageCount(), 1u);
  EXPECT_EQ(mem.pageIndices(), std::vector<uint64_t>{5});
}

TEST(PagedMemory, LittleEndianLoadStoreAndSizes) {
  PagedMemory mem;
  mem.store(0x100, 8, 0x0807060504030201ULL);
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(mem.load(0x100 + i, 1), i + 1u);
  EXPECT_EQ(mem.load(0x100, 2), 0x0201u);
  EXPECT_EQ(mem.load(0x101, 4), 0x05040302u);
  EXPECT_EQ(mem.load(0x103, 3), 0x060504u);
  mem.store(0x102, 1, 0xAAFF);  // only the low byte is written
  EXPECT_EQ(mem.load(0x100, 8), 0x0807060504FF0201ULL);
  mem.store(0x104, 3, 0xFFEEDDCCBBULL);
  EXPECT_EQ(mem.load(0x100, 8), 0x08DDCCBB04FF0201ULL);
}

TEST(PagedMemory, AccessWrapsAtTopOfAddressSpace) {
  PagedMemory mem;
  mem.store(0xFFFFFFFFFFFFFFFEULL, 4, 0xDDCCBBAA);
  EXPECT_EQ(mem.load(0xFFFFFFFFFFFFFFFEULL, 1), 0xAAu);
  EXPECT_EQ(mem.load(0xFFFFFFFFFFFFFFFFULL, 1), 0xBBu);
  EXPECT_EQ(mem.load(0, 1), 0xCCu);
  EXPECT_EQ(mem.load(1, 1), 0xDDu);
  EXPECT_EQ(mem.load(0xFFFFFFFFFFFFFFFEULL, 4), 0xDDCCBBAAu);
  EXPECT_EQ(mem.load(0xFFFFFFFFFFFFFFFCULL, 8), 0xDDCCBBAA0000ULL);
  EXPECT_EQ(mem.pageIndices(), (std::vector<uint64_t>{0, 0xFFFFFFFFFFFFFULL}));
  EXPECT_EQ(mem.merkleRoot(), mem.computeRootFromScratch());
  Model m;
  modelStore(m, 0xFFFFFFFFFFFFFFFEULL, 4, 0xDDCCBBAA);
  EXPECT_EQ(mem.merkleRoot(), modelRoot(m));
  // writeBytes/readBytes wrap too.
  const uint8_t in[5] = {1, 2, 3, 4, 5};
  mem.writeBytes(~uint64_t(0) - 1, in, 5);
  uint8_t out[5];
  mem.readBytes(~uint64_t(0) - 1, out, 5);
  EXPECT_EQ(0, std::memcmp(in, out, 5));
  EXPECT_EQ(mem.load(0, 4), 0x050403u);
}

TEST(PagedMemory, LeafLayoutByteAtAddrIsLeafByteAddrMod32) {
  PagedMemory mem;
  mem.store(0x2000 + 5, 1, 0x77);
  Hash32 leaf = mem.readLeaf(0x2000 + 17);
  Hash32 expected;
  expected[5] = 0x77;
  EXPECT_EQ(leaf, expected);
  // A single non-zero leaf at index i: root = hash up with zero siblings, left/right by bit i.
  Hash32 node = leaf;
  uint64_t idx = 0x2000 >> 5;
  for (unsigned h = 0; h < kTreeDepth; ++h)
    node = ((idx >> h) & 1) ? keccak256Pair(zeroHash(h), node) : keccak256Pair(node, zeroHash(h));
  EXPECT_EQ(mem.merkleRoot(), node);
}

TEST(PagedMemory, AllocatingZeroPagesNeverChangesRoot) {
  PagedMemory mem;
  mem.store(0x3000, 4, 0x12345678);
  Hash32 r = mem.merkleRoot();
  mem.allocatePage(0);
  mem.allocatePage(0xFFFFFFFFFFFFFULL);
  mem.allocatePage(0x80000);
  EXPECT_EQ(mem.pageCount(), 4u);
  EXPECT_EQ(mem.merkleRoot(), r);
  EXPECT_EQ(mem.computeRootFromScratch(), r);
  // Writing zeros into a fresh page leaves the root unchanged as well.
  mem.store(0x123000, 8, 0);
  EXPECT_EQ(mem.merkleRoot(), r);
}

TEST(PagedMemory, RandomStoresKeepIncrementalRootExact) {
  std::mt19937_64 rng(20);
  PagedMemory mem;
  Model model;
  for (int op = 0; op < 3000; ++op) {
    uint64_t addr = interestingAddress(rng);
    unsigned size = 1 + rng() % 8;
    uint64_t v = rng();
    if (rng() % 10 == 0) v = 0;  // zero writes over non-zero data must also be seen
    mem.store(addr, size, v);
    modelStore(model, addr, size, v);
    ASSERT_EQ(mem.load(addr, size), modelLoad(model, addr, size)) << std::hex << addr << " size " << size;
    uint64_t probe = interestingAddress(rng);
    unsigned psize = 1 + rng() % 8;
    ASSERT_EQ(mem.load(probe, psize), modelLoad(model, probe, psize)) << std::hex << probe;
    if (rng() % 10 == 0) {  // every root the memory computes is checked from scratch
      Hash32 root = mem.merkleRoot();
      ASSERT_EQ(root, mem.computeRootFromScratch()) << "after op " << op;
      if (op % 16 == 0) {
        ASSERT_EQ(root, modelRoot(model)) << "after op " << op;
      }
    }
  }
  EXPECT_EQ(mem.merkleRoot(), modelRoot(model));
  EXPECT_EQ(mem.merkleRoot(), mem.computeRootFromScratch());
}

TEST(PagedMemory, RandomWriteBytesAcrossPages) {
  std::mt19937_64 rng(21);
  PagedMemory mem;
  Model model;
  for (int op = 0; op < 120; ++op) {
    uint64_t addr = interestingAddress(rng);
    size_t n = rng() % 6000;
    Bytes data(n);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    mem.writeBytes(addr, data.data(), n);
    for (size_t i = 0; i < n; ++i) model[addr + i] = data[i];
    Bytes back(n);
    mem.readBytes(addr, back.data(), n);
    ASSERT_EQ(back, data);
    if (op % 10 == 0) {
      ASSERT_EQ(mem.merkleRoot(), mem.computeRootFromScratch());
    }
  }
  EXPECT_EQ(mem.merkleRoot(), modelRoot(model));
}

TEST(PagedMemory, ProofsVerifyForTouchedAndUntouchedLeaves) {
  std::mt19937_64 rng(22);
  PagedMemory mem;
  for (int i = 0; i < 200; ++i) mem.store(interestingAddress(rng), 8, rng());
  // Touched leaves, neighbours in touched pages, and leaves of absent pages.
  for (int i = 0; i < 150; ++i) {
    uint64_t a = interestingAddress(rng);
    expectProofVerifies(mem, a);
    expectProofVerifies(mem, a ^ 32);
    expectProofVerifies(mem, a + 4096 * 1000);
  }
  expectProofVerifies(mem, 0);
  expectProofVerifies(mem, ~uint64_t(0));
  // Proofs stay right after further writes without an explicit root call in between.
  for (int i = 0; i < 50; ++i) {
    uint64_t a = interestingAddress(rng);
    mem.store(a, 1 + rng() % 8, rng());
    expectProofVerifies(mem, a);
  }
}

TEST(PagedMemory, ProofOfEmptyMemoryIsAllZeroHashes) {
  PagedMemory mem;
  MemoryProof p = mem.proveLeaf(0xdeadbeef00ULL);
  EXPECT_EQ(p.leaf(), Hash32{});
  for (unsigned h = 0; h < kTreeDepth; ++h) EXPECT_EQ(p.sibling(h), zeroHash(h)) << "height " << h;
  EXPECT_EQ(mem.pageCount(), 0u);
}

TEST(PagedMemory, ProofSiblingZeroIsTheNeighbouringLeaf) {
  PagedMemory mem;
  mem.store(0x4000 + 32, 8, 0x1111);  // leaf 1 of the page
  mem.store(0x4000, 8, 0x2222);       // leaf 0
  MemoryProof p = mem.proveLeaf(0x4000);
  EXPECT_EQ(p.leaf(), mem.readLeaf(0x4000));
  EXPECT_EQ(p.sibling(0), mem.readLeaf(0x4020));
  MemoryProof q = mem.proveLeaf(0x4020);
  EXPECT_EQ(q.sibling(0), mem.readLeaf(0x4000));
}

// Spec §2 [quirk — Asterisc bug, do not copy]: after one Merkleization, writes into two different
// 64-byte pairs of one page before the next Merkleization must both be reflected.
TEST(PagedMemory, AsteriscCacheBugScenarioGivesCorrectRoot) {
  PagedMemory mem;
  mem.store(0x10000, 8, 0x0102030405060708ULL);
  mem.store(0x10000 + 512, 8, 0x1111111111111111ULL);
  Hash32 first = mem.merkleRoot();
  EXPECT_EQ(first, mem.computeRootFromScratch());
  mem.store(0x10000 + 64 * 3 + 5, 4, 0xCAFEBABE);   // pair 3
  mem.store(0x10000 + 64 * 40 + 60, 8, 0xFEEDF00D);  // pair 40 and 41 (crosses a pair)
  Hash32 second = mem.merkleRoot();
  EXPECT_NE(second, first);
  EXPECT_EQ(second, mem.computeRootFromScratch());
  Model m;
  modelStore(m, 0x10000, 8, 0x0102030405060708ULL);
  modelStore(m, 0x10000 + 512, 8, 0x1111111111111111ULL);
  modelStore(m, 0x10000 + 64 * 3 + 5, 4, 0xCAFEBABE);
  modelStore(m, 0x10000 + 64 * 40 + 60, 8, 0xFEEDF00D);
  EXPECT_EQ(second, modelRoot(m));
  // Proofs for both freshly written pairs verify against the new root.
  expectProofVerifies(mem, 0x10000 + 64 * 3);
  expectProofVerifies(mem, 0x10000 + 64 * 40 + 32);
  // And once more with a proof (instead of a root) as the intermediate Merkleization.
  (void)mem.proveLeaf(0x10000);
  mem.store(0x10000 + 64 * 7, 1, 0x5A);
  mem.store(0x10000 + 64 * 9, 1, 0xA5);
  EXPECT_EQ(mem.merkleRoot(), mem.computeRootFromScratch());
}

TEST(PagedMemory, SetPageReplacesContents) {
  PagedMemory mem;
  mem.store(0x7000 + 100, 8, ~uint64_t(0));
  (void)mem.merkleRoot();
  uint8_t page[kPageSize] = {};
  page[0] = 1;
  page[4095] = 2;
  mem.setPage(7, page);
  EXPECT_EQ(mem.load(0x7000 + 100, 8), 0u);
  EXPECT_EQ(mem.load(0x7000, 1), 1u);
  EXPECT_EQ(mem.load(0x7FFF, 1), 2u);
  Model m;
  m[0x7000] = 1;
  m[0x7FFF] = 2;
  EXPECT_EQ(mem.merkleRoot(), modelRoot(m));
  EXPECT_EQ(mem.merkleRoot(), mem.computeRootFromScratch());
}

TEST(PagedMemory, CopiesAreIndependent) {
  std::mt19937_64 rng(23);
  PagedMemory a;
  for (int i = 0; i < 50; ++i) a.store(interestingAddress(rng), 8, rng());
  a.store(0x9000, 8, 42);  // dirty, not yet Merkleized, at copy time
  PagedMemory b(a);
  EXPECT_EQ(b.merkleRoot(), a.merkleRoot());
  b.store(0x9000, 8, 43);
  EXPECT_EQ(a.load(0x9000, 8), 42u);
  EXPECT_EQ(b.load(0x9000, 8), 43u);
  EXPECT_NE(a.merkleRoot(), b.merkleRoot());
  EXPECT_EQ(a.merkleRoot(), a.computeRootFromScratch());
  EXPECT_EQ(b.merkleRoot(), b.computeRootFromScratch());
  PagedMemory c;
  c.store(0x1234, 2, 7);
  (void)c.load(0x1234, 2);  // warm c's page cache before it is replaced
  c = a;
  EXPECT_EQ(c.load(0x1234, 2), a.load(0x1234, 2));
  c.store(0x9000, 8, 44);
  EXPECT_EQ(a.load(0x9000, 8), 42u);
  EXPECT_EQ(c.merkleRoot(), c.computeRootFromScratch());
  EXPECT_EQ(a.merkleRoot(), a.computeRootFromScratch());
  PagedMemory d(std::move(c));
  EXPECT_EQ(d.load(0x9000, 8), 44u);
  EXPECT_EQ(d.merkleRoot(), d.computeRootFromScratch());
}

TEST(PagedMemory, MovedFromMemoryIsEmptyAndIndependent) {
  PagedMemory a;
  a.store(0x9000, 8, 42);
  (void)a.load(0x9000, 8);  // a's one-entry page cache now points at page 9
  PagedMemory b(std::move(a));
  EXPECT_EQ(b.load(0x9000, 8), 42u);
  // The moved-from object must not alias b's pages through its cache.
  EXPECT_EQ(a.load(0x9000, 8), 0u);  // NOLINT(bugprone-use-after-move): deliberately reused
  a.store(0x9000, 8, 7);
  EXPECT_EQ(b.load(0x9000, 8), 42u);
  EXPECT_EQ(a.load(0x9000, 8), 7u);
  EXPECT_EQ(a.merkleRoot(), a.computeRootFromScratch());
  EXPECT_EQ(b.merkleRoot(), b.computeRootFromScratch());
  PagedMemory c;
  c.store(0x5000, 1, 1);
  (void)c.load(0x5000, 1);
  PagedMemory d;
  d = std::move(c);
  EXPECT_EQ(c.load(0x5000, 1), 0u);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.pageCount(), 0u);
  EXPECT_EQ(c.merkleRoot(), zeroHash(kTreeDepth));
  EXPECT_EQ(d.load(0x5000, 1), 1u);
}

}  // namespace
}  // namespace fpvm::merkle
