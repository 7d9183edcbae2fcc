#include "segment/mips64_segment_merge.hpp"

#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/segment_merge.hpp"

namespace fpvm::segment {

Mips64SegmentProof mergeMips64Segments(const Mips64SegmentProof& first, const Mips64SegmentProof& second) {
  Mips64SegmentVerifyResult r1;
  try {
    r1 = verifyMips64Segment(first);
  } catch (const Error& e) {
    throw Error(std::string("first segment does not verify: ") + e.what());
  }
  try {
    (void)verifyMips64Segment(second);
  } catch (const Error& e) {
    throw Error(std::string("second segment does not verify: ") + e.what());
  }
  if (!(second.preWitness == r1.postWitness))
    throw Error("segments do not chain: the second starts at step " + std::to_string(second.fromStep()) + " in state " +
                toHex(second.preHash) + ", the first ends at step " + std::to_string(r1.endStep) + " in state " +
                toHex(r1.postHash));
  Mips64SegmentProof m;
  m.toStep = second.toStep;
  m.preHash = first.preHash;
  m.postHash = second.postHash;
  m.preWitness = first.preWitness;
  // The merged segment starts in the first's pre-state, whose threads are the first's.
  m.leftThreads = first.leftThreads;
  m.rightThreads = first.rightThreads;
  detail::mergeSections({first.leaves, first.siblings, first.preimages}, {second.leaves, second.siblings, second.preimages},
                        m.leaves, m.siblings, m.preimages);
  return m;
}

}  // namespace fpvm::segment
