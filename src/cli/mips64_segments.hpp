#pragma once
/// The segment commands on the Cannon MT64 machine: `prove-segment` and `validate-segments` on an
/// MT64 state file, `verify-segment` and `merge-segments` on version-2 proofs
/// (segment/mips64_segment_proof.hpp).
/// The RISC-V paths stay in cmd_prove_segment.cpp, cmd_validate_segments.cpp and
/// cmd_verify_segment.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "segment/parallel_validation.hpp"
#include "segment/segment_verifier.hpp"
#include "vm/preimage_oracle.hpp"

namespace fpvm::cli {

/// True when `path` is a Cannon binary state (a .bin or .bin.gz file whose first byte is 8).
bool isMips64StateFile(const std::string& path);

/// Loads the MT64 state at `input`, runs it with the fast engine to `from`, proves [from, to) as
/// one segment and writes the proof to `output`; prints a JSON summary. Returns the exit code.
int proveMips64SegmentFile(const std::string& input, uint64_t from, uint64_t to, const std::string& output,
                           vm::PreimageOracle& oracle);

/// Verifies the decoded bytes `raw` of a version-2 proof read from `path`; prints a JSON summary
/// and checks the expected hashes (hex, empty = not checked). Returns the exit code.
int verifyMips64SegmentBytes(ByteView raw, const std::string& path, const segment::SegmentVerifyOptions& options,
                             const std::string& expectPre, const std::string& expectPost);

/// Merges the version-2 proofs `proofs` (read from `paths`) of adjacent segments, in step order,
/// into one proof written to `output`; prints a JSON summary. Returns the exit code.
int mergeMips64SegmentBytes(const std::vector<Bytes>& proofs, const std::vector<std::string>& paths, const std::string& output);

/// Validates the run of the MT64 state at `input` by segments of `opt.every` steps (at most
/// `opt.maxSteps` steps): the fast engine takes a commitment at each segment end, a copy of the
/// state at its start proves the segment on the reference interpreter (one thread), and the proofs
/// are verified statelessly on `opt.threads` threads and must chain through the commitments (and
/// end in `opt.claimedEnd` when given). Writes the proofs to `proofDir` unless it is empty; prints
/// a JSON summary. Returns the exit code.
int validateMips64Segments(const std::string& input, const segment::ValidateOptions& opt, const std::string& proofDir,
                           vm::PreimageOracle& oracle);

}  // namespace fpvm::cli
