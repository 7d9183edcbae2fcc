#pragma once
/// One deduplicated Merkle multiproof over the depth-59 memory tree (spec §2): for a set of
/// touched leaves, the sibling hashes needed to recompute the root from those leaves alone.
///
/// Canonical form. Let L be the leaf indices (address >> 5), strictly ascending. Walk the tree
/// bottom-up: at height h (0 = leaves) the level holds the distinct nodes on the union of the
/// paths of L, ascending. For each node, if its sibling is also in the level the pair is hashed;
/// otherwise the sibling's hash is the next entry of the multiproof. So the multiproof holds
/// exactly the siblings that are not derivable from L, ordered by height, then by index, and
/// the position of every entry (its height and index) follows from L alone.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "merkle/paged_memory.hpp"

namespace fpvm::segment {

/// A memory leaf: its 32-byte aligned address and its 32 raw bytes.
struct Leaf {
  uint64_t addr = 0;
  Hash32 value;
};

/// Throws Error unless `addrs` are 32-byte aligned and strictly ascending.
void checkLeafOrder(std::span<const uint64_t> addrs);

/// Heights (0..58) of the multiproof entries for leaf addresses `addrs`, in canonical order.
/// `addrs` must be aligned and strictly ascending (else Error); empty gives no entries.
std::vector<uint8_t> multiproofSiblingHeights(std::span<const uint64_t> addrs);

/// Height and index (at that height) of a multiproof entry.
struct SiblingPosition {
  uint8_t height = 0;
  uint64_t index = 0;
};
/// Positions of the multiproof entries for `addrs`, in canonical order (as the heights above).
std::vector<SiblingPosition> multiproofSiblingPositions(std::span<const uint64_t> addrs);

/// The multiproof for `addrs` (aligned, strictly ascending) against `mem`'s current root.
std::vector<Hash32> buildMultiproof(merkle::PagedMemory& mem, std::span<const uint64_t> addrs);

/// Writes the siblings on the path of the leaf at `leafAddr`, bottom-up: out[h] = sibling at height h.
using LeafPath = std::function<void(uint64_t leafAddr, std::span<Hash32, merkle::kTreeDepth> out)>;
/// The multiproof for `addrs` (aligned, strictly ascending) from any tree of the same geometry
/// that can prove one leaf (the MT64 memory): one `path` call per leaf that needs a sibling.
std::vector<Hash32> buildMultiproof(std::span<const uint64_t> addrs, const LeafPath& path);

/// Receives every node the root computation passes through: touched leaves (height 0), the
/// multiproof's siblings, the computed inner nodes and finally the root (height 59, index 0).
using NodeVisitor = std::function<void(unsigned height, uint64_t index, const Hash32& hash)>;

/// The root obtained from `leaves` (addresses aligned and strictly ascending, at least one) and
/// the canonical `siblings`. Throws Error when the leaves are out of order or the number of
/// siblings is not exactly what the leaf set needs. `visit` may be null.
Hash32 multiproofRoot(std::span<const Leaf> leaves, std::span<const Hash32> siblings, const NodeVisitor* visit = nullptr);

}  // namespace fpvm::segment
