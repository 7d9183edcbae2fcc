#pragma once
/// A segment proof: everything a stateless verifier needs to re-execute steps [from, to) of a
/// machine — the pre-state witness, the memory leaves the segment touches with their values
/// before the segment, one deduplicated multiproof of those leaves against the witness MemRoot,
/// and the preimages the segment reads — plus its binary file format (the reasoning behind it is
/// in docs/decisions/0005-segment-proofs.md).
///
/// File format, version 1 (integers big-endian; "varint" = unsigned LEB128, at most 10 bytes):
///
/// | Field | Size | Content |
/// |---|---|---|
/// | magic | 4 | "FPSG" |
/// | version | 1 | 0x01 |
/// | flags | 1 | 0x00 (reserved; anything else is rejected) |
/// | to | 8 | end step = Step of the post-state; the verifier runs to it and requires it reached (an exit before it is an error) |
/// | pre | 32 | claimed pre-state hash (must equal the hash of the witness) |
/// | post | 32 | claimed post-state hash |
/// | witness | 362 | pre-state witness (spec §1.2); its Step field is `from` |
/// | leafCount | varint | number of touched leaves N |
/// | leafIndex | N varints | first: leaf index (address >> 5); then the difference to the previous (≥ 1) |
/// | zeroLeaves | ceil(N/8) | bit i (byte i/8, LSB first) set = leaf i is 32 zero bytes, its value omitted |
/// | leafValues | 32 each | the values of the leaves whose bit is clear, in leaf order |
/// | siblingCount | varint | S, must equal the count the leaf set needs (multiproof.hpp) |
/// | zeroSiblings | ceil(S/8) | bit j set = sibling j is Z[h] for its height h, its hash omitted |
/// | siblings | 32 each | the other siblings, in canonical order |
/// | preimageCount | varint | P |
/// | preimages | P × (32-byte key, varint length n, n bytes) | keys strictly ascending; data without the 8-byte length prefix |
///
/// Nothing may follow the last preimage. Unused padding bits of the bitmaps must be zero.
/// Version 2 is the MT64 machine's (mips64_segment_proof.hpp): the same sections after a 188-byte
/// witness and the thread records.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "segment/multiproof.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::segment {

inline constexpr uint8_t kSegmentFormatVersion = 1;
inline constexpr uint8_t kSegmentMagic[4] = {'F', 'P', 'S', 'G'};
/// Bytes before the first leaf: magic, version, flags, to, pre, post, witness.
inline constexpr size_t kSegmentHeaderSize = 4 + 1 + 1 + 8 + 32 + 32 + vm::kWitnessSize;
static_assert(kSegmentHeaderSize == 440);

/// A preimage the segment reads: the raw key (as the guest wrote it) and the data without the
/// length prefix.
struct Preimage {
  Hash32 key;
  Bytes data;
};

/// A decoded segment proof.
struct SegmentProof {
  uint64_t toStep = 0;              ///< Step of the post-state: re-execution runs to it and must reach it
  Hash32 preHash;                   ///< claimed pre-state hash
  Hash32 postHash;                  ///< claimed post-state hash
  vm::Witness preWitness{};         ///< pre-state witness; its Step is the segment's first step
  std::vector<Leaf> leaves;         ///< every leaf the segment touches, pre-segment values, ascending
  std::vector<Hash32> siblings;     ///< the canonical multiproof of `leaves` against the witness MemRoot
  std::vector<Preimage> preimages;  ///< preimages read in the segment, keys ascending

  /// Step of the pre-state (the witness's Step field).
  uint64_t fromStep() const { return getBE64(preWitness.data() + vm::kOffStep); }
  /// Leaf addresses in order.
  std::vector<uint64_t> leafAddrs() const;
};

/// Where the bytes of an encoded proof go.
struct SizeBreakdown {
  size_t header = kSegmentHeaderSize;
  size_t leaves = 0;      ///< count, indices, bitmap, values
  size_t multiproof = 0;  ///< count, bitmap, hashes
  size_t preimages = 0;   ///< count and entries
  size_t total() const { return header + leaves + multiproof + preimages; }
};

/// Encodes `proof` (leaves ascending, siblings canonical, preimage keys ascending — else Error).
Bytes encodeSegmentProof(const SegmentProof& proof, SizeBreakdown* sizes = nullptr);
/// The format version byte of an encoded proof (1 = RISC-V, 2 = MT64, mips64_segment_proof.hpp),
/// or 0 when `data` does not start with "FPSG" and a version byte.
uint8_t segmentProofVersion(ByteView data);
/// Decodes a version-1 (RISC-V) file; throws Error naming `what` and the problem (bad magic or version, truncation,
/// malformed counts, unordered leaves or keys, trailing bytes). Checks structure only: the
/// hashes are checked by verifySegment.
SegmentProof decodeSegmentProof(ByteView data, const std::string& what);

/// Lexicographic order of keys.
inline bool keyLess(const Hash32& a, const Hash32& b) { return a.b < b.b; }

}  // namespace fpvm::segment
