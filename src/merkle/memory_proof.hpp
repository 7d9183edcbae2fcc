#pragma once
/// One memory proof (spec §3.2): the 32-byte leaf followed by 59 sibling hashes, bottom to top.
#include <array>

#include "common/bytes.hpp"
#include "merkle/geometry.hpp"

namespace fpvm::merkle {

/// 1920 bytes: word 0 = leaf, words 1..59 = siblings at heights 0..58.
struct MemoryProof {
  std::array<Hash32, kProofWords> words{};
  /// The raw leaf bytes.
  const Hash32& leaf() const { return words[0]; }
  /// Sibling at `height` (0 = the neighbouring leaf, 58 = the root's other child).
  const Hash32& sibling(unsigned height) const { return words[height + 1]; }
  /// Appends the 1920 bytes to `out`.
  void appendTo(Bytes& out) const;
};

/// Root obtained by hashing `leaf` up the path of leaf-aligned address `addr` with `proof`'s
/// siblings (the leaf in the proof is ignored).
Hash32 rootFromProof(const MemoryProof& proof, uint64_t addr, const Hash32& leaf);

}  // namespace fpvm::merkle
