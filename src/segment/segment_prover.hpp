#pragma once
/// Building a segment proof with the proving engine: the reference interpreter steps the machine
/// while a tracker records every memory leaf the steps touch (spec §3.3 slots) and the value it
/// had before its first access, which is its value at the segment's first step.
#include <cstdint>

#include "segment/segment_proof.hpp"
#include "vm/machine.hpp"

namespace fpvm::segment {

/// What the same steps would cost as one-step proofs (spec §3), for comparisons.
struct ProveStats {
  uint64_t steps = 0;         ///< steps executed
  uint64_t memoryProofs = 0;  ///< memory proofs their one-step proofs hold (1920 bytes each)
  uint64_t oracleBytes = 0;   ///< key + length-prefixed preimage of every step that reads fd 5
  /// Witness (362) plus memory proofs of every step: the calldata of (to − from) `step` calls.
  uint64_t singleStepBytes() const { return steps * 362 + memoryProofs * 1920; }
};

/// Prover switches.
struct ProveOptions {
  /// Recompute the root from the multiproof with the pre- and post-segment leaf values and
  /// compare it with the machine's own roots (costs one multiproof hash pass each).
  bool selfCheck = true;
};

/// Steps `machine` (on the reference interpreter) from its current Step to `toStep` (or until it
/// exits), and returns the proof of that segment, whose end step is the post-state's Step; the
/// machine is left at the post-state. A step that reverts or a host failure throws Error
/// "failed at proof-gen step N (PC: …): …"; `toStep` < Step throws Error.
SegmentProof proveSegment(vm::Machine& machine, uint64_t toStep, ProveStats* stats = nullptr, const ProveOptions& options = {});

}  // namespace fpvm::segment
