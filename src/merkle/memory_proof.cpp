#include "merkle/memory_proof.hpp"

#include "common/keccak256.hpp"

namespace fpvm::merkle {

void MemoryProof::appendTo(Bytes& out) const {
  for (const Hash32& w : words) out.insert(out.end(), w.b.begin(), w.b.end());
}

Hash32 rootFromProof(const MemoryProof& proof, uint64_t addr, const Hash32& leaf) {
  Hash32 node = leaf;
  uint64_t index = addr >> kLeafBits;
  for (unsigned h = 0; h < kTreeDepth; ++h) {
    node = ((index >> h) & 1) ? keccak256Pair(proof.sibling(h), node) : keccak256Pair(node, proof.sibling(h));
  }
  return node;
}

}  // namespace fpvm::merkle
