#include "segment/multiproof.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"

namespace fpvm::segment {
namespace {

/// The structural walk: calls `need(rep, height, index)` for every sibling the multiproof holds,
/// in canonical order; `index` is the node whose sibling is needed and `rep` the position in
/// `addrs` of the smallest leaf under it.
template <class Need>
void walkStructure(std::span<const uint64_t> addrs, Need&& need) {
  struct Entry {
    uint64_t index;
    uint32_t rep;
  };
  std::vector<Entry> level(addrs.size()), next;
  next.reserve(addrs.size());
  for (size_t i = 0; i < addrs.size(); ++i) level[i] = Entry{addrs[i] >> merkle::kLeafBits, static_cast<uint32_t>(i)};
  for (unsigned h = 0; h < merkle::kTreeDepth && !level.empty(); ++h) {
    next.clear();
    for (size_t i = 0; i < level.size();) {
      const Entry& a = level[i];
      if (!(a.index & 1) && i + 1 < level.size() && level[i + 1].index == (a.index | 1)) {
        i += 2;
      } else {
        need(a.rep, h, a.index);
        i += 1;
      }
      next.push_back(Entry{a.index >> 1, a.rep});
    }
    level.swap(next);
  }
}

}  // namespace

void checkLeafOrder(std::span<const uint64_t> addrs) {
  for (size_t i = 0; i < addrs.size(); ++i) {
    if (addrs[i] & (merkle::kLeafSize - 1)) throw Error("leaf address " + hex64(addrs[i]) + " is not 32-byte aligned");
    if (i && addrs[i] <= addrs[i - 1])
      throw Error("leaf addresses not strictly ascending: " + hex64(addrs[i]) + " after " + hex64(addrs[i - 1]));
  }
}

std::vector<uint8_t> multiproofSiblingHeights(std::span<const uint64_t> addrs) {
  checkLeafOrder(addrs);
  std::vector<uint8_t> heights;
  walkStructure(addrs, [&](uint32_t, unsigned h, uint64_t) { heights.push_back(static_cast<uint8_t>(h)); });
  return heights;
}

std::vector<SiblingPosition> multiproofSiblingPositions(std::span<const uint64_t> addrs) {
  checkLeafOrder(addrs);
  std::vector<SiblingPosition> out;
  walkStructure(addrs, [&](uint32_t, unsigned h, uint64_t index) {
    out.push_back(SiblingPosition{static_cast<uint8_t>(h), index ^ 1});
  });
  return out;
}

std::vector<Hash32> buildMultiproof(merkle::PagedMemory& mem, std::span<const uint64_t> addrs) {
  return buildMultiproof(addrs, [&mem](uint64_t addr, std::span<Hash32, merkle::kTreeDepth> out) {
    const merkle::MemoryProof proof = mem.proveLeaf(addr);
    for (unsigned h = 0; h < merkle::kTreeDepth; ++h) out[h] = proof.sibling(h);
  });
}

std::vector<Hash32> buildMultiproof(std::span<const uint64_t> addrs, const LeafPath& path) {
  checkLeafOrder(addrs);
  struct Need {
    uint32_t rep;
    uint32_t out;
    uint8_t height;
  };
  std::vector<Need> needs;
  walkStructure(addrs, [&](uint32_t rep, unsigned h, uint64_t) {
    needs.push_back(Need{rep, static_cast<uint32_t>(needs.size()), static_cast<uint8_t>(h)});
  });
  std::vector<Hash32> siblings(needs.size());
  // One path per leaf that represents a node needing a sibling; the sibling at height h of any
  // leaf under node n is n's sibling.
  std::stable_sort(needs.begin(), needs.end(), [](const Need& a, const Need& b) { return a.rep < b.rep; });
  std::array<Hash32, merkle::kTreeDepth> sibs;
  for (size_t i = 0; i < needs.size();) {
    const uint32_t rep = needs[i].rep;
    path(addrs[rep], sibs);
    for (; i < needs.size() && needs[i].rep == rep; ++i) siblings[needs[i].out] = sibs[needs[i].height];
  }
  return siblings;
}

Hash32 multiproofRoot(std::span<const Leaf> leaves, std::span<const Hash32> siblings, const NodeVisitor* visit) {
  if (leaves.empty()) throw Error("a multiproof needs at least one leaf");
  struct Node {
    uint64_t index;
    Hash32 hash;
  };
  std::vector<Node> level(leaves.size()), next;
  next.reserve(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    const uint64_t a = leaves[i].addr;
    if (a & (merkle::kLeafSize - 1)) throw Error("leaf address " + hex64(a) + " is not 32-byte aligned");
    if (i && a <= leaves[i - 1].addr)
      throw Error("leaf addresses not strictly ascending: " + hex64(a) + " after " + hex64(leaves[i - 1].addr));
    level[i] = Node{a >> merkle::kLeafBits, leaves[i].value};
  }
  size_t k = 0;
  for (unsigned h = 0; h < merkle::kTreeDepth; ++h) {
    next.clear();
    for (size_t i = 0; i < level.size();) {
      const Node& a = level[i];
      if (visit) (*visit)(h, a.index, a.hash);
      Hash32 parent;
      if (!(a.index & 1) && i + 1 < level.size() && level[i + 1].index == (a.index | 1)) {
        if (visit) (*visit)(h, level[i + 1].index, level[i + 1].hash);
        parent = keccak256Pair(a.hash, level[i + 1].hash);
        i += 2;
      } else {
        if (k >= siblings.size())
          throw Error("multiproof too short: " + std::to_string(siblings.size()) + " sibling hashes, the " +
                      std::to_string(leaves.size()) + " leaves need more");
        const Hash32& sib = siblings[k++];
        if (visit) (*visit)(h, a.index ^ 1, sib);
        parent = (a.index & 1) ? keccak256Pair(sib, a.hash) : keccak256Pair(a.hash, sib);
        i += 1;
      }
      next.push_back(Node{a.index >> 1, parent});
    }
    level.swap(next);
  }
  if (k != siblings.size())
    throw Error("multiproof too long: " + std::to_string(siblings.size()) + " sibling hashes, the " +
                std::to_string(leaves.size()) + " leaves need " + std::to_string(k));
  if (visit) (*visit)(merkle::kTreeDepth, 0, level[0].hash);
  return level[0].hash;
}

}  // namespace fpvm::segment
