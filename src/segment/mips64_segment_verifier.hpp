#pragma once
/// Stateless re-execution of an MT64 segment proof (mips64_segment_proof.hpp): the verifier holds
/// only the proof. It checks the witness against the claimed pre hash, the proof's threads against
/// the witness's two thread-stack roots and the multiproof against its MemRoot, builds a sparse
/// memory holding just the proof's leaves, re-executes the segment with the MT64 reference
/// interpreter over it (an access to any other leaf is an error), and recomputes the post-state
/// MemRoot from the multiproof with the updated leaves — never from the partial memory.
#include <cstdint>

#include "mips64/state.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/segment_verifier.hpp"

namespace fpvm::segment {

/// Outcome of a successful verification.
struct [[nodiscard]] Mips64SegmentVerifyResult {
  Hash32 preHash;                 ///< hash of the proof's witness (equals the claimed pre hash)
  Hash32 postHash;                ///< post-state hash computed by re-execution (equals the claim)
  mips64::Witness postWitness{};  ///< post-state witness computed by re-execution
  uint64_t fromStep = 0;          ///< Step of the pre-state
  uint64_t endStep = 0;           ///< Step of the post-state (to, or earlier when the machine exits)
  bool exited = false;            ///< the post-state has exited
  uint64_t memoryAccesses = 0;    ///< proof slots the steps used (memory proofs their one-step proofs hold)
};

/// Verifies `proof` under `options` (step limit, cancel flag). Throws Error naming the problem: a
/// malformed witness, a witness that does not hash to the claimed pre hash, threads that do not
/// give the witness's stack roots, a multiproof that does not give its MemRoot, a preimage that
/// does not match its key (keccak256 and sha256 keys; local, blob and precompile data is trusted
/// as the on-chain oracle's is), a leaf or preimage the execution needs that the proof lacks
/// ("leaf 0x… not in segment proof"), a step that reverts, leaves or preimages the execution
/// never uses, or a post-state that differs from the claimed one.
Mips64SegmentVerifyResult verifyMips64Segment(const Mips64SegmentProof& proof, const SegmentVerifyOptions& options = {});

}  // namespace fpvm::segment
