#pragma once
/// Merging adjacent segment proofs: [A,B) and [B,C) become one proof of [A,C) whose leaves are
/// the union (pre-values from the first where both touch a leaf) and whose multiproof is
/// recomputed for the union and deduplicated.
#include "segment/segment_proof.hpp"
#include "segment/segment_verifier.hpp"

namespace fpvm::segment {

/// Merges `first` and `second`. Both are verified by re-execution, and the second's witness must
/// equal the first's re-executed post-state witness byte for byte; otherwise Error. The same key
/// with different preimage data in the two proofs is an Error too.
SegmentProof mergeSegments(const SegmentProof& first, const SegmentProof& second);

/// The same, for inputs already verified: `firstResult` is verifySegment(first) and `second` is
/// trusted to verify (the merged proof is only as good as its inputs; verify it afterwards).
SegmentProof mergeVerifiedSegments(const SegmentProof& first, const SegmentVerifyResult& firstResult, const SegmentProof& second);

namespace detail {
/// The leaves, multiproof and preimages of one proof (either format).
struct SectionsRef {
  const std::vector<Leaf>& leaves;
  const std::vector<Hash32>& siblings;
  const std::vector<Preimage>& preimages;
};
/// The sections of the merge of adjacent segments `first` and `second` (both verified, chained):
/// the union of the leaves with the first's values where both hold one, the multiproof of the
/// union from the nodes of both, and the union of the preimages (the same key with other data is
/// an Error). Shared by both formats.
void mergeSections(const SectionsRef& first, const SectionsRef& second, std::vector<Leaf>& leaves, std::vector<Hash32>& siblings,
                   std::vector<Preimage>& preimages);
}  // namespace detail

}  // namespace fpvm::segment
