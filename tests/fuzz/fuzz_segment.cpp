// Fuzz target: segment proof decoding and stateless verification, both formats (version 1 =
// RISC-V, src/segment/segment_proof.hpp; version 2 = MT64, src/segment/mips64_segment_proof.hpp).
// Any input is a proof or an fpvm::Error; a decoded proof's encoding decodes to the same encoding;
// verification (at most 20000 steps) accepts or throws Error, and an accepted proof's
// re-execution gives its claimed post-state.
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/mips64_segment_verifier.hpp"
#include "segment/segment_proof.hpp"
#include "segment/segment_verifier.hpp"

namespace {

constexpr uint64_t kMaxSteps = 20000;

template <class Proof, class Decode, class Encode, class Verify>
void check(fpvm::ByteView in, Decode decode, Encode encode, Verify verify) {
  using namespace fpvm;
  Proof p;
  try {
    p = decode(in, "fuzz");
  } catch (const Error&) {
    return;
  }
  const Bytes bytes = encode(p);
  FUZZ_CHECK(bytes.size() <= in.size());  // the decoder accepts non-minimal varints only
  FUZZ_CHECK(encode(decode(bytes, "re")) == bytes);
  segment::SegmentVerifyOptions options;
  options.maxSteps = kMaxSteps;
  try {
    const auto r = verify(p, options);
    FUZZ_CHECK(r.postHash == p.postHash && r.preHash == p.preHash);
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpvm;
  const ByteView in(data, size);
  if (segment::segmentProofVersion(in) == segment::kMips64SegmentFormatVersion) {
    check<segment::Mips64SegmentProof>(
        in, segment::decodeMips64SegmentProof, [](const segment::Mips64SegmentProof& p) { return segment::encodeMips64SegmentProof(p); },
        [](const segment::Mips64SegmentProof& p, const segment::SegmentVerifyOptions& o) { return segment::verifyMips64Segment(p, o); });
  } else {
    check<segment::SegmentProof>(
        in, segment::decodeSegmentProof, [](const segment::SegmentProof& p) { return segment::encodeSegmentProof(p); },
        [](const segment::SegmentProof& p, const segment::SegmentVerifyOptions& o) { return segment::verifySegment(p, o); });
  }
  return 0;
}
