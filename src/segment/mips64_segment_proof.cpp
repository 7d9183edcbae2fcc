#include "segment/mips64_segment_proof.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/proof_sections.hpp"

namespace fpvm::segment {
namespace {

/// Offset of the exited byte in a thread record (threadID 8, exitCode 1).
constexpr size_t kRecordExited = 9;

void putThreads(Bytes& out, const std::vector<mips64::Thread>& threads) {
  for (const mips64::Thread& t : threads) {
    const mips64::ThreadRecord rec = mips64::encodeThread(t);
    out.insert(out.end(), rec.begin(), rec.end());
  }
}

std::vector<mips64::Thread> readThreads(detail::Reader& r, uint64_t n, const char* stack) {
  std::vector<mips64::Thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t* rec = r.take(mips64::kThreadRecordSize, "thread record");
    // One encoding per thread, so that re-encoding gives the bytes the witness committed to.
    if (rec[kRecordExited] > 1)
      r.fail(std::string("thread ") + std::to_string(i) + " of the " + stack + " stack has exited byte " +
             std::to_string(rec[kRecordExited]) + ", expected 0 or 1");
    threads.push_back(mips64::decodeThread(ByteView(rec, mips64::kThreadRecordSize)));
  }
  return threads;
}

}  // namespace

Bytes encodeMips64SegmentProof(const Mips64SegmentProof& p, Mips64SizeBreakdown* sizes) {
  Bytes out;
  out.insert(out.end(), kSegmentMagic, kSegmentMagic + 4);
  out.push_back(kMips64SegmentFormatVersion);
  out.push_back(0);  // flags
  uint8_t u[8];
  putBE64(u, p.toStep);
  out.insert(out.end(), u, u + 8);
  out.insert(out.end(), p.preHash.b.begin(), p.preHash.b.end());
  out.insert(out.end(), p.postHash.b.begin(), p.postHash.b.end());
  out.insert(out.end(), p.preWitness.begin(), p.preWitness.end());
  Mips64SizeBreakdown sz;
  sz.header = out.size();
  size_t mark = out.size();
  detail::putVarint(out, p.leftThreads.size());
  detail::putVarint(out, p.rightThreads.size());
  putThreads(out, p.leftThreads);
  putThreads(out, p.rightThreads);
  sz.threads = out.size() - mark;
  const detail::SectionSizes s = detail::putSections(out, p.leaves, p.siblings, p.preimages);
  sz.leaves = s.leaves;
  sz.multiproof = s.multiproof;
  sz.preimages = s.preimages;
  if (sizes) *sizes = sz;
  return out;
}

Mips64SegmentProof decodeMips64SegmentProof(ByteView data, const std::string& what) {
  detail::Reader r(data, what);
  Mips64SegmentProof p;
  const uint8_t* magic = r.take(4, "magic");
  if (std::memcmp(magic, kSegmentMagic, 4) != 0) r.fail("not a segment proof (bad magic, expected \"FPSG\")");
  const uint8_t version = r.byte("version");
  if (version != kMips64SegmentFormatVersion)
    r.fail("format version " + std::to_string(version) + " is not an MT64 segment proof (version " +
           std::to_string(kMips64SegmentFormatVersion) + ")");
  const uint8_t flags = r.byte("flags");
  if (flags != 0) r.fail("unknown flags 0x" + toHex(ByteView(&flags, 1), false));
  p.toStep = r.u64("end step");
  p.preHash = r.hash("pre-state hash");
  p.postHash = r.hash("post-state hash");
  std::memcpy(p.preWitness.data(), r.take(mips64::kWitnessSize, "witness"), mips64::kWitnessSize);
  const uint64_t left = r.count("left thread count", mips64::kThreadRecordSize);
  const uint64_t right = r.count("right thread count", mips64::kThreadRecordSize);
  if (left + right > r.remaining() / mips64::kThreadRecordSize)
    r.fail("truncated: " + std::to_string(left + right) + " thread records but only " + std::to_string(r.remaining()) +
           " bytes follow");
  p.leftThreads = readThreads(r, left, "left");
  p.rightThreads = readThreads(r, right, "right");
  detail::readSections(r, p.leaves, p.siblings, p.preimages);
  if (r.remaining()) r.fail(std::to_string(r.remaining()) + " trailing bytes after the last preimage");
  return p;
}

}  // namespace fpvm::segment
