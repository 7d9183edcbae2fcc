// The deduplicated multiproof: it recomputes the memory root from any leaf set, holds exactly
// the siblings that are not derivable from the set, and rejects every altered entry.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "merkle/zero_hashes.hpp"
#include "segment/multiproof.hpp"
#include "segment_test_util.hpp"

namespace fpvm {
namespace {

using segment::Leaf;

/// A memory with data scattered over a few regions, including the ends of the address space.
merkle::PagedMemory scatteredMemory(std::mt19937_64& rng) {
  merkle::PagedMemory mem;
  const uint64_t regions[] = {0x0, 0x10000, 0x20fe0, 0x7F0000000000ULL, 0x0FFFFFFFFFFFFF00ULL, ~uint64_t(0) - 4095};
  for (uint64_t base : regions)
    for (int i = 0; i < 40; ++i) mem.store(base + (rng() % 4096), 8, rng());
  return mem;
}

std::vector<uint64_t> randomLeafSet(std::mt19937_64& rng, size_t n) {
  const uint64_t bases[] = {0x0, 0x10000, 0x20fe0, 0x7F0000000000ULL, ~uint64_t(0) - 4095, 0x123456789000ULL};
  std::set<uint64_t> s;
  while (s.size() < n) {
    uint64_t base = bases[rng() % 6];
    s.insert((base + rng() % 8192) & ~uint64_t(31));
  }
  return {s.begin(), s.end()};
}

std::vector<Leaf> leavesOf(const merkle::PagedMemory& mem, const std::vector<uint64_t>& addrs) {
  std::vector<Leaf> out;
  for (uint64_t a : addrs) out.push_back(Leaf{a, mem.readLeaf(a)});
  return out;
}

/// Naive count: nodes on the union of paths whose sibling is not on it, over all heights.
size_t naiveSiblingCount(const std::vector<uint64_t>& addrs) {
  std::set<uint64_t> level;
  for (uint64_t a : addrs) level.insert(a >> 5);
  size_t n = 0;
  for (unsigned h = 0; h < 59; ++h) {
    std::set<uint64_t> up;
    for (uint64_t i : level) {
      if (!level.count(i ^ 1)) ++n;
      up.insert(i >> 1);
    }
    level.swap(up);
  }
  return n;
}

TEST(Multiproof, RecomputesTheRootForRandomLeafSets) {
  std::mt19937_64 rng(7);
  merkle::PagedMemory mem = scatteredMemory(rng);
  const Hash32 root = mem.merkleRoot();
  for (size_t n : {1, 2, 3, 10, 64, 300}) {
    SCOPED_TRACE(n);
    std::vector<uint64_t> addrs = randomLeafSet(rng, n);
    std::vector<Hash32> sibs = segment::buildMultiproof(mem, addrs);
    EXPECT_EQ(sibs.size(), naiveSiblingCount(addrs));
    EXPECT_EQ(segment::multiproofSiblingHeights(addrs).size(), sibs.size());
    EXPECT_EQ(segment::multiproofRoot(leavesOf(mem, addrs), sibs), root);
  }
}

TEST(Multiproof, SingleLeafEqualsTheOneLeafMemoryProof) {
  std::mt19937_64 rng(8);
  merkle::PagedMemory mem = scatteredMemory(rng);
  const uint64_t addr = 0x20fe0;
  std::vector<uint64_t> addrs{addr};
  std::vector<Hash32> sibs = segment::buildMultiproof(mem, addrs);
  merkle::MemoryProof p = mem.proveLeaf(addr);
  ASSERT_EQ(sibs.size(), 59u);
  for (unsigned h = 0; h < 59; ++h) EXPECT_EQ(sibs[h], p.sibling(h)) << "height " << h;
}

TEST(Multiproof, AdjacentLeavesShareEverythingAboveThem) {
  merkle::PagedMemory mem;
  mem.store(0x1000, 8, 1);
  mem.store(0x1020, 8, 2);
  // Two sibling leaves: the pair hashes itself, 58 siblings above. A whole page: 52 above it.
  std::vector<uint64_t> pair{0x1000, 0x1020};
  EXPECT_EQ(segment::buildMultiproof(mem, pair).size(), 58u);
  std::vector<uint64_t> page;
  for (uint64_t a = 0x1000; a < 0x2000; a += 32) page.push_back(a);
  std::vector<Hash32> sibs = segment::buildMultiproof(mem, page);
  EXPECT_EQ(sibs.size(), 52u);
  EXPECT_EQ(segment::multiproofRoot(leavesOf(mem, page), sibs), mem.merkleRoot());
}

TEST(Multiproof, EveryAlteredSiblingOrLeafChangesTheRoot) {
  std::mt19937_64 rng(9);
  merkle::PagedMemory mem = scatteredMemory(rng);
  const Hash32 root = mem.merkleRoot();
  std::vector<uint64_t> addrs = randomLeafSet(rng, 20);
  std::vector<Hash32> sibs = segment::buildMultiproof(mem, addrs);
  std::vector<Leaf> leaves = leavesOf(mem, addrs);
  for (size_t j = 0; j < sibs.size(); ++j) {
    auto bad = sibs;
    bad[j][j % 32] ^= 1;
    EXPECT_NE(segment::multiproofRoot(leaves, bad), root) << "sibling " << j;
  }
  for (size_t i = 0; i < leaves.size(); ++i) {
    auto bad = leaves;
    bad[i].value[31] ^= 0x80;
    EXPECT_NE(segment::multiproofRoot(bad, sibs), root) << "leaf " << i;
  }
  // A leaf moved to another address (same set size) cannot keep the root either.
  auto moved = leaves;
  moved.back().addr += 32 * 1024;
  try {
    EXPECT_NE(segment::multiproofRoot(moved, sibs), root);
  } catch (const Error&) {
    // a different shape may need a different sibling count: rejected as well
  }
}

TEST(Multiproof, WrongSiblingCountOrOrderIsAnError) {
  std::mt19937_64 rng(10);
  merkle::PagedMemory mem = scatteredMemory(rng);
  std::vector<uint64_t> addrs = randomLeafSet(rng, 8);
  std::vector<Hash32> sibs = segment::buildMultiproof(mem, addrs);
  std::vector<Leaf> leaves = leavesOf(mem, addrs);
  auto shorter = sibs;
  shorter.pop_back();
  EXPECT_TRUE(test::throwsWith([&] { segment::multiproofRoot(leaves, shorter); }, "multiproof too short"));
  auto longer = sibs;
  longer.push_back(Hash32{});
  EXPECT_TRUE(test::throwsWith([&] { segment::multiproofRoot(leaves, longer); }, "multiproof too long"));
  auto swapped = leaves;
  std::swap(swapped[0], swapped[1]);
  EXPECT_TRUE(test::throwsWith([&] { segment::multiproofRoot(swapped, sibs); }, "not strictly ascending"));
  auto unaligned = addrs;
  unaligned[0] += 1;
  EXPECT_TRUE(test::throwsWith([&] { segment::buildMultiproof(mem, unaligned); }, "not 32-byte aligned"));
  EXPECT_TRUE(test::throwsWith([&] { segment::multiproofRoot({}, {}); }, "at least one leaf"));
}

TEST(Multiproof, VisitorSeesLeavesSiblingsInnerNodesAndRoot) {
  merkle::PagedMemory mem;
  mem.store(0x40, 8, 5);
  mem.store(0x2000, 8, 6);
  std::vector<uint64_t> addrs{0x40, 0x2000};
  std::vector<Hash32> sibs = segment::buildMultiproof(mem, addrs);
  std::map<std::pair<unsigned, uint64_t>, Hash32> seen;
  segment::NodeVisitor v = [&](unsigned h, uint64_t i, const Hash32& x) { seen[{h, i}] = x; };
  const Hash32 root = segment::multiproofRoot(leavesOf(mem, addrs), sibs, &v);
  EXPECT_EQ(root, mem.merkleRoot());
  EXPECT_EQ((seen[{59, 0}]), root);
  EXPECT_EQ((seen[{0, 2}]), mem.readLeaf(0x40));
  // Leaf 0x40 (index 2) has sibling index 3 = zero leaf; its page sibling above height 7 too.
  EXPECT_EQ((seen[{0, 3}]), merkle::zeroHash(0));
  // Positions agree with the visitor.
  for (const auto& p : segment::multiproofSiblingPositions(addrs)) EXPECT_TRUE(seen.count({p.height, p.index}));
}

}  // namespace
}  // namespace fpvm
