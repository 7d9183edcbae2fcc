#pragma once
/// Stateless re-execution of a segment proof: the verifier holds no machine, only the proof. It
/// checks the multiproof against the witness MemRoot, builds a sparse memory holding just the
/// proof's leaves, re-executes the segment with the reference interpreter over that memory
/// (any access to a leaf outside the proof is an error), and recomputes the post-state MemRoot
/// from the multiproof with the updated leaves — never from the partial memory.
#include <atomic>
#include <cstdint>

#include "segment/segment_proof.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::segment {

/// Outcome of a successful verification.
struct [[nodiscard]] SegmentVerifyResult {
  Hash32 preHash;               ///< hash of the proof's witness (equals the claimed pre hash)
  Hash32 postHash;              ///< post-state hash computed by re-execution (equals the claim)
  vm::Witness postWitness{};    ///< post-state witness computed by re-execution
  uint64_t fromStep = 0;        ///< Step of the pre-state
  uint64_t endStep = 0;         ///< Step of the post-state (to, or earlier when the machine exits)
  bool exited = false;          ///< the post-state has exited
  uint64_t memoryAccesses = 0;  ///< leaf accesses (= memory proofs the steps' one-step proofs hold)
};

/// Limits for proofs from untrusted sources.
struct SegmentVerifyOptions {
  /// Largest number of steps a proof may claim (to − from); a longer one is rejected before any
  /// execution (re-execution costs one interpreter step per claimed step).
  uint64_t maxSteps = ~uint64_t(0);
  /// Polled every 64 Ki steps; when set, verification stops with Error "interrupted".
  const std::atomic<bool>* cancel = nullptr;
};

/// Verifies `proof`. Throws Error with a message naming the problem: a malformed witness, a
/// witness that does not hash to the claimed pre hash, a multiproof that does not give the
/// witness MemRoot, a preimage that does not match its key, a leaf or preimage the execution
/// needs that the proof lacks ("leaf 0x… not in segment proof"), a step that reverts, leaves or
/// preimages the execution never uses, or a post-state that differs from the claimed one.
SegmentVerifyResult verifySegment(const SegmentProof& proof, const SegmentVerifyOptions& options = {});

/// The witness of `state`'s registers and flags with `memRoot` as MemRoot (the state's own
/// memory is not hashed).
vm::Witness witnessWithRoot(const vm::VmState& state, const Hash32& memRoot);
/// Sets every witness field of `state` except memory (MemRoot is not applied).
void loadWitnessFields(vm::VmState& state, const vm::Witness& w);

}  // namespace fpvm::segment
