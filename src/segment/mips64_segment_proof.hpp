#pragma once
/// A segment proof of the Cannon MT64 machine: what a stateless verifier needs to re-execute
/// steps [from, to) of it — the 188-byte pre-state witness, every thread of both thread stacks
/// (the witness commits to them only through the stacks' hash onions, and a segment may switch,
/// pop, clone or wake any of them), the memory leaves the segment touches with their values
/// before it, one multiproof of those leaves, and the preimages it reads (reasoning in
/// docs/decisions/0017-mt64-segment-proofs.md). The RISC-V format is segment_proof.hpp.
///
/// File format, version 2 (integers big-endian; "varint" = unsigned LEB128, at most 10 bytes):
///
/// | Field | Size | Content |
/// |---|---|---|
/// | magic | 4 | "FPSG" |
/// | version | 1 | 0x02 (MT64) |
/// | flags | 1 | 0x00 (reserved; anything else is rejected) |
/// | to | 8 | end step = Step of the post-state (as in version 1) |
/// | pre | 32 | claimed pre-state hash (must equal the hash of the witness) |
/// | post | 32 | claimed post-state hash |
/// | witness | 188 | MT64 pre-state witness (cannon-mt64.md §1.3); its Step field is `from` |
/// | leftCount | varint | threads on the left stack |
/// | rightCount | varint | threads on the right stack |
/// | threads | 298 each | records (§1.2) of the left stack, bottom first, then of the right stack; exited byte 0 or 1 |
/// | leafCount … preimages | | exactly as in version 1 (segment_proof.hpp): leaves, multiproof, preimages |
///
/// Leaves are the doubleword-addressed memory's 32-byte leaves (same depth-59 tree, same
/// indices). Nothing may follow the last preimage.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "mips64/state.hpp"
#include "mips64/thread.hpp"
#include "segment/multiproof.hpp"
#include "segment/segment_proof.hpp"

namespace fpvm::segment {

inline constexpr uint8_t kMips64SegmentFormatVersion = 2;
/// Bytes before the thread counts: magic, version, flags, to, pre, post, witness.
inline constexpr size_t kMips64SegmentHeaderSize = 4 + 1 + 1 + 8 + 32 + 32 + mips64::kWitnessSize;
static_assert(kMips64SegmentHeaderSize == 266);

/// A decoded MT64 segment proof.
struct Mips64SegmentProof {
  uint64_t toStep = 0;                       ///< Step of the post-state: re-execution must reach it
  Hash32 preHash;                            ///< claimed pre-state hash
  Hash32 postHash;                           ///< claimed post-state hash
  mips64::Witness preWitness{};              ///< pre-state witness; its Step is the segment's first step
  std::vector<mips64::Thread> leftThreads;   ///< the left stack of the pre-state, bottom first
  std::vector<mips64::Thread> rightThreads;  ///< the right stack of the pre-state, bottom first
  std::vector<Leaf> leaves;                  ///< every leaf the segment touches, pre-segment values, ascending
  std::vector<Hash32> siblings;              ///< the canonical multiproof of `leaves` against the witness MemRoot
  std::vector<Preimage> preimages;           ///< preimages read in the segment, keys ascending

  /// Step of the pre-state (the witness's Step field).
  uint64_t fromStep() const { return getBE64(preWitness.data() + mips64::witness_offset::kStep); }
};

/// Where the bytes of an encoded MT64 proof go.
struct Mips64SizeBreakdown {
  size_t header = kMips64SegmentHeaderSize;
  size_t threads = 0;     ///< counts and records
  size_t leaves = 0;      ///< count, indices, bitmap, values
  size_t multiproof = 0;  ///< count, bitmap, hashes
  size_t preimages = 0;   ///< count and entries
  size_t total() const { return header + threads + leaves + multiproof + preimages; }
};

/// Encodes `proof` (leaves ascending, siblings canonical, preimage keys ascending — else Error).
Bytes encodeMips64SegmentProof(const Mips64SegmentProof& proof, Mips64SizeBreakdown* sizes = nullptr);
/// Decodes a version-2 file; throws Error naming `what` and the problem (bad magic or version,
/// truncation, malformed counts or thread records, unordered leaves or keys, trailing bytes).
/// Checks structure only: the hashes are checked by verifyMips64Segment.
Mips64SegmentProof decodeMips64SegmentProof(ByteView data, const std::string& what);

}  // namespace fpvm::segment
