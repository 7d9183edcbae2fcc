#pragma once
/// The checks both segment verifiers (segment_verifier.cpp for RISC-V, mips64_segment_verifier.cpp
/// for MT64) make around re-execution, once the machine-specific stepping is done: errors located
/// at the failing step, the end step reached, every leaf and pre-image of the proof used, and the
/// post-state memory root from the multiproof over the updated leaves.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "segment/leaf_set.hpp"
#include "segment/multiproof.hpp"
#include "segment/segment_proof.hpp"

namespace fpvm::segment::detail {

/// Rethrows the Error in flight prefixed with "segment step N (PC: 0x…): ".
[[noreturn]] void rethrowAtStep(uint64_t step, uint64_t pc);

/// Throws Error when re-execution stopped at `reached` (an exit) before the proof's end step.
void requireEndReached(uint64_t reached, uint64_t toStep);

/// Throws Error when the proof carries a leaf the execution never touched (`allowed` marks the
/// touched ones) or a pre-image it never read (`firstUnusedPreimage` ≥ 0 is its index).
void requireEverythingUsed(const LeafSet& allowed, std::span<const Leaf> leaves, ptrdiff_t firstUnusedPreimage,
                           std::span<const Preimage> preimages);

/// The post-segment memory root: the multiproof `siblings` over each proof leaf's value after the
/// segment, as `readLeaf(addr)` gives it (`preRoot` when the proof holds no leaf). Never hashes the
/// verifier's partial memory.
template <class ReadLeaf>
Hash32 postSegmentRoot(const Hash32& preRoot, std::span<const Leaf> leaves, std::span<const Hash32> siblings,
                       ReadLeaf&& readLeaf) {
  if (leaves.empty()) return preRoot;
  std::vector<Leaf> post(leaves.size());
  for (size_t i = 0; i < post.size(); ++i) post[i] = Leaf{leaves[i].addr, readLeaf(leaves[i].addr)};
  return multiproofRoot(post, siblings);
}

}  // namespace fpvm::segment::detail
