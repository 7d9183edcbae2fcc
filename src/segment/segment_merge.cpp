#include "segment/segment_merge.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace fpvm::segment {
namespace {

/// Node hashes by height, keyed by index at that height.
using NodeMap = std::vector<std::unordered_map<uint64_t, Hash32>>;

/// Adds every node the root computation of `leaves` and `siblings` passes through (leaves,
/// siblings, inner nodes), keeping entries already present.
void collectNodes(const std::vector<Leaf>& leaves, const std::vector<Hash32>& siblings, NodeMap& nodes) {
  if (leaves.empty()) return;
  NodeVisitor visit = [&](unsigned h, uint64_t index, const Hash32& hash) { nodes[h].try_emplace(index, hash); };
  multiproofRoot(leaves, siblings, &visit);
}

}  // namespace

namespace detail {

void mergeSections(const SectionsRef& first, const SectionsRef& second, std::vector<Leaf>& leaves, std::vector<Hash32>& siblings,
                   std::vector<Preimage>& preimages) {
  // Leaves: the union; where both touch a leaf, the first holds its value at A. A leaf only the
  // second touches was not written in [A,B), so its value at B is its value at A.
  leaves.reserve(first.leaves.size() + second.leaves.size());
  auto a = first.leaves.begin(), b = second.leaves.begin();
  while (a != first.leaves.end() || b != second.leaves.end()) {
    if (b == second.leaves.end() || (a != first.leaves.end() && a->addr <= b->addr)) {
      if (b != second.leaves.end() && b->addr == a->addr) ++b;
      leaves.push_back(*a++);
    } else {
      leaves.push_back(*b++);
    }
  }

  // Multiproof: a sibling of the union's paths covers no touched leaf. If its parent lies on a
  // path of the first proof it is a node of the first proof (a hash at A); otherwise it covers
  // no leaf of the first segment, so its hash at B (from the second proof) equals its hash at A.
  // Nodes of the first proof take precedence for that reason.
  NodeMap nodes(merkle::kTreeDepth + 1);
  collectNodes(first.leaves, first.siblings, nodes);
  collectNodes(second.leaves, second.siblings, nodes);
  std::vector<uint64_t> addrs(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) addrs[i] = leaves[i].addr;
  const std::vector<SiblingPosition> positions = multiproofSiblingPositions(addrs);
  siblings.resize(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    auto it = nodes[positions[i].height].find(positions[i].index);
    if (it == nodes[positions[i].height].end()) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "height %u index 0x%" PRIx64, unsigned(positions[i].height), positions[i].index);
      throw Error(std::string("internal error: merged multiproof needs node at ") + buf + ", which neither proof holds");
    }
    siblings[i] = it->second;
  }

  // Preimages: the union by key.
  auto pa = first.preimages.begin(), pb = second.preimages.begin();
  while (pa != first.preimages.end() || pb != second.preimages.end()) {
    if (pb == second.preimages.end() || (pa != first.preimages.end() && keyLess(pa->key, pb->key))) {
      preimages.push_back(*pa++);
    } else if (pa == first.preimages.end() || keyLess(pb->key, pa->key)) {
      preimages.push_back(*pb++);
    } else {
      if (pa->data != pb->data) throw Error("segments disagree on the preimage of key " + toHex(pa->key));
      preimages.push_back(*pa++);
      ++pb;
    }
  }
}

}  // namespace detail

SegmentProof mergeVerifiedSegments(const SegmentProof& first, const SegmentVerifyResult& firstResult,
                                   const SegmentProof& second) {
  if (!(second.preWitness == firstResult.postWitness))
    throw Error("segments do not chain: the second starts at step " + std::to_string(second.fromStep()) + " in state " +
                toHex(second.preHash) + ", the first ends at step " + std::to_string(firstResult.endStep) + " in state " +
                toHex(firstResult.postHash));
  SegmentProof m;
  m.toStep = second.toStep;
  m.preHash = first.preHash;
  m.postHash = second.postHash;
  m.preWitness = first.preWitness;

  detail::mergeSections({first.leaves, first.siblings, first.preimages}, {second.leaves, second.siblings, second.preimages},
                        m.leaves, m.siblings, m.preimages);
  return m;
}

SegmentProof mergeSegments(const SegmentProof& first, const SegmentProof& second) {
  SegmentVerifyResult r1;
  try {
    r1 = verifySegment(first);
  } catch (const Error& e) {
    throw Error(std::string("first segment does not verify: ") + e.what());
  }
  try {
    (void)verifySegment(second);
  } catch (const Error& e) {
    throw Error(std::string("second segment does not verify: ") + e.what());
  }
  return mergeVerifiedSegments(first, r1, second);
}

}  // namespace fpvm::segment
