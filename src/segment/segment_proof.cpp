#include "segment/segment_proof.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/proof_sections.hpp"

namespace fpvm::segment {

std::vector<uint64_t> SegmentProof::leafAddrs() const {
  std::vector<uint64_t> a(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) a[i] = leaves[i].addr;
  return a;
}

Bytes encodeSegmentProof(const SegmentProof& p, SizeBreakdown* sizes) {
  Bytes out;
  out.insert(out.end(), kSegmentMagic, kSegmentMagic + 4);
  out.push_back(kSegmentFormatVersion);
  out.push_back(0);  // flags
  uint8_t u[8];
  putBE64(u, p.toStep);
  out.insert(out.end(), u, u + 8);
  out.insert(out.end(), p.preHash.b.begin(), p.preHash.b.end());
  out.insert(out.end(), p.postHash.b.begin(), p.postHash.b.end());
  out.insert(out.end(), p.preWitness.begin(), p.preWitness.end());
  SizeBreakdown sz;
  sz.header = out.size();
  const detail::SectionSizes s = detail::putSections(out, p.leaves, p.siblings, p.preimages);
  sz.leaves = s.leaves;
  sz.multiproof = s.multiproof;
  sz.preimages = s.preimages;
  if (sizes) *sizes = sz;
  return out;
}

uint8_t segmentProofVersion(ByteView data) {
  if (data.size() < 5 || std::memcmp(data.data(), kSegmentMagic, 4) != 0) return 0;
  return data[4];
}

SegmentProof decodeSegmentProof(ByteView data, const std::string& what) {
  detail::Reader r(data, what);
  SegmentProof p;
  const uint8_t* magic = r.take(4, "magic");
  if (std::memcmp(magic, kSegmentMagic, 4) != 0) r.fail("not a segment proof (bad magic, expected \"FPSG\")");
  const uint8_t version = r.byte("version");
  if (version == 2) r.fail("unsupported format version 2 (an MT64 segment proof; this reads RISC-V proofs, version 1)");
  if (version != kSegmentFormatVersion)
    r.fail("unsupported format version " + std::to_string(version) + " (this fpvm reads version " +
           std::to_string(kSegmentFormatVersion) + ")");
  const uint8_t flags = r.byte("flags");
  if (flags != 0) r.fail("unknown flags 0x" + toHex(ByteView(&flags, 1), false));
  p.toStep = r.u64("end step");
  p.preHash = r.hash("pre-state hash");
  p.postHash = r.hash("post-state hash");
  std::memcpy(p.preWitness.data(), r.take(vm::kWitnessSize, "witness"), vm::kWitnessSize);
  detail::readSections(r, p.leaves, p.siblings, p.preimages);
  if (r.remaining()) r.fail(std::to_string(r.remaining()) + " trailing bytes after the last preimage");
  return p;
}

}  // namespace fpvm::segment
