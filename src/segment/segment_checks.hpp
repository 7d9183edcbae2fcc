#pragma once
/// What both segment verifiers (segment_verifier.cpp for RISC-V, mips64_segment_verifier.cpp for
/// MT64) share around re-execution: the oracle over the proof's pre-images, and the checks made
/// once the machine-specific stepping is done — errors located at the failing step, the end step
/// reached, every leaf and pre-image of the proof used, and the post-state memory root from the
/// multiproof over the updated leaves.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/leaf_set.hpp"
#include "segment/multiproof.hpp"
#include "segment/segment_proof.hpp"

namespace fpvm::segment::detail {

/// A verifier's pre-image oracle: serves the proof's pre-images (keys ascending) and nothing else,
/// drops hints, and remembers which pre-images were read. `Base` is the machine's oracle interface
/// (vm::PreimageOracle or mips64::PreimageOracle: hint and getPreimage).
template <class Base>
class ProofOracle final : public Base {
 public:
  explicit ProofOracle(const std::vector<Preimage>& preimages) : p_(preimages), used_(preimages.size(), false) {}
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    auto it = std::lower_bound(p_.begin(), p_.end(), key, [](const Preimage& a, const Hash32& k) { return keyLess(a.key, k); });
    if (it == p_.end() || !(it->key == key)) throw Error("preimage for key " + toHex(key) + " not in segment proof");
    used_[static_cast<size_t>(it - p_.begin())] = true;
    return it->data;
  }
  /// Index of the first pre-image never asked for, or -1.
  ptrdiff_t firstUnused() const {
    for (size_t i = 0; i < used_.size(); ++i)
      if (!used_[i]) return static_cast<ptrdiff_t>(i);
    return -1;
  }

 private:
  const std::vector<Preimage>& p_;
  std::vector<bool> used_;
};

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

/// A prover's pre-images (collected by raw key, so ascending) as the proof's list.
std::vector<Preimage> preimageList(std::map<std::array<uint8_t, 32>, Bytes>&& byKey);

/// A prover's self-check: the multiproof over the recorded leaves must give the machine's own
/// MemRoot before the segment (`preRoot`) and, over the leaves' values after it as `readLeaf(addr)`
/// gives them, after the segment (`postRoot`). Throws an internal Error naming `machine` otherwise.
template <class ReadLeaf>
void checkProverRoots(std::span<const Leaf> leaves, std::span<const Hash32> siblings, const Hash32& preRoot,
                      const Hash32& postRoot, ReadLeaf&& readLeaf, const char* machine) {
  if (leaves.empty()) return;
  const Hash32 pre = multiproofRoot(leaves, siblings);
  if (!(pre == preRoot))
    throw Error(std::string("internal error: ") + machine + " segment multiproof gives pre-state root " + toHex(pre) +
                ", the machine's is " + toHex(preRoot));
  const Hash32 post = postSegmentRoot(pre, leaves, siblings, readLeaf);
  if (!(post == postRoot))
    throw Error(std::string("internal error: ") + machine + " segment multiproof gives post-state root " + toHex(post) +
                ", the machine's is " + toHex(postRoot));
}

}  // namespace fpvm::segment::detail
