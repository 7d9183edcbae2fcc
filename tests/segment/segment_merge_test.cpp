// Merging adjacent segment proofs: the merged proof verifies, its leaves are the union with
// pre-values from the first, its multiproof is the deduplicated one of the union, and it is
// smaller than the two inputs together.
#include <gtest/gtest.h>

#include "segment/segment_merge.hpp"
#include "segment/segment_prover.hpp"
#include "segment_test_util.hpp"

namespace fpvm {
namespace {

using segment::SegmentProof;

/// Proofs of consecutive segments ending at each of `ends`, starting from step 0.
std::vector<SegmentProof> chain(const std::vector<uint64_t>& ends, vm::VmState* initial = nullptr) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle);
  if (initial) *initial = st;
  vm::HostContext host;
  host.oracle = &oracle;
  std::vector<SegmentProof> out;
  for (uint64_t e : ends) out.push_back(test::proveSegmentOn(st, host, e));
  return out;
}

TEST(SegmentMerge, TwoAdjacentSegmentsMergeIntoTheDirectProof) {
  for (auto [b, c] : std::vector<std::pair<uint64_t, uint64_t>>{{1, 2}, {300, 900}, {1000, 1900}, {1850, 5000}}) {
    SCOPED_TRACE(std::to_string(b) + "," + std::to_string(c));
    auto p = chain({b, c});
    vm::VmState initial;
    auto direct = chain({c}, &initial);
    SegmentProof m = segment::mergeSegments(p[0], p[1]);
    segment::SegmentVerifyResult r = segment::verifySegment(m);
    EXPECT_EQ(r.postHash, p[1].postHash);
    EXPECT_EQ(r.preHash, p[0].preHash);
    // The merge of [0,B) and [B,C) is exactly the proof built directly for [0,C).
    EXPECT_EQ(segment::encodeSegmentProof(m), segment::encodeSegmentProof(direct[0]));
    for (const auto& l : m.leaves) EXPECT_EQ(l.value, initial.memory.readLeaf(l.addr));
    EXPECT_LE(segment::encodeSegmentProof(m).size(),
              segment::encodeSegmentProof(p[0]).size() + segment::encodeSegmentProof(p[1]).size());
  }
}

TEST(SegmentMerge, FoldingManySegmentsGivesTheWholeRun) {
  std::vector<uint64_t> ends;
  for (uint64_t e = 97; e < 2100; e += 97) ends.push_back(e);
  auto parts = chain(ends);
  auto whole = chain({ends.back()});
  SegmentProof acc = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) acc = segment::mergeSegments(acc, parts[i]);
  EXPECT_EQ(segment::encodeSegmentProof(acc), segment::encodeSegmentProof(whole[0]));
  EXPECT_NO_THROW((void)segment::verifySegment(acc));
}

TEST(SegmentMerge, NonAdjacentOrBrokenInputsAreRejected) {
  auto p = chain({100, 200, 300});
  EXPECT_TRUE(test::throwsWith([&] { segment::mergeSegments(p[0], p[2]); }, "segments do not chain"));
  EXPECT_TRUE(test::throwsWith([&] { segment::mergeSegments(p[1], p[0]); }, "segments do not chain"));
  SegmentProof bad = p[1];
  bad.siblings[0][0] ^= 1;
  EXPECT_TRUE(test::throwsWith([&] { segment::mergeSegments(p[0], bad); }, "second segment does not verify"));
  SegmentProof badFirst = p[0];
  badFirst.leaves[0].value[0] ^= 1;
  EXPECT_TRUE(test::throwsWith([&] { segment::mergeSegments(badFirst, p[1]); }, "first segment does not verify"));
}

}  // namespace
}  // namespace fpvm
