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

}  // namespace fpvm::segment
