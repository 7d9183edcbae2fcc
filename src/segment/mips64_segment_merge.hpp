#pragma once
/// Merging adjacent MT64 segment proofs: [A,B) and [B,C) become one proof of [A,C), as for RISC-V
/// (segment_merge.hpp): the threads are the first proof's (the pre-state's), the leaves the union
/// with the first's values, the multiproof recomputed for the union, the preimages the union.
#include "segment/mips64_segment_proof.hpp"
#include "segment/mips64_segment_verifier.hpp"

namespace fpvm::segment {

/// Merges `first` and `second`. Both are verified by re-execution, and the second's witness must
/// equal the first's re-executed post-state witness byte for byte; otherwise Error. The same key
/// with different preimage data in the two proofs is an Error too.
Mips64SegmentProof mergeMips64Segments(const Mips64SegmentProof& first, const Mips64SegmentProof& second);

}  // namespace fpvm::segment
