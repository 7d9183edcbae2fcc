#pragma once
/// Building an MT64 segment proof: the MT64 reference interpreter steps the machine while an
/// access observer records every memory leaf the steps touch and its value at first access (every
/// write is preceded by the access of its doubleword, so that is the value before the segment),
/// and the preimages the steps read. The RISC-V prover is segment_prover.hpp.
#include <cstdint>

#include "common/error.hpp"
#include "mips64/interpreter.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/segment_prover.hpp"

namespace fpvm::segment {

/// What the segment's steps would cost as MT64 one-step proofs, and what they did.
struct Mips64ProveStats {
  uint64_t steps = 0;           ///< steps executed
  uint64_t memoryAccesses = 0;  ///< proof slots the steps used (memory proofs their one-step proofs need)
  uint64_t oracleBytes = 0;     ///< key + length-prefixed preimage of every step that reads fd 5
  uint64_t threadSwitches = 0;  ///< steps after which another thread is current (pop, preemption, yield, clone)
  uint64_t syscalls = 0;        ///< steps that executed SYSCALL
  /// Calldata of one `step` call with Cannon's fixed 6090-byte proof data (ABI-encoded, 6468 bytes)
  /// times the steps: what proving every step of the segment on chain would send.
  uint64_t singleStepBytes() const;
};

/// A step of the segment reverted: the machine is at that step, unchanged.
class Mips64SegmentRevert : public Error {
 public:
  Mips64SegmentRevert(uint64_t step, uint64_t pc, const mips64::StepOutcome& outcome, const std::string& msg)
      : Error(msg), step_(step), pc_(pc), outcome_(outcome) {}
  uint64_t step() const { return step_; }
  uint64_t pc() const { return pc_; }
  const mips64::StepOutcome& outcome() const { return outcome_; }

 private:
  uint64_t step_, pc_;
  mips64::StepOutcome outcome_;
};

/// Steps the interpreter's state from its Step to `toStep` (or until it exits) and returns the
/// proof of that segment, whose end step is the post-state's Step; the state is left at the
/// post-state. A reverting step throws Mips64SegmentRevert ("failed at proof-gen step N (PC: …):
/// reason"); a host failure throws Error "failed at proof-gen step N (PC: …): …"; `toStep` before
/// the state's Step throws Error.
Mips64SegmentProof proveMips64Segment(mips64::Interpreter& interpreter, uint64_t toStep, Mips64ProveStats* stats = nullptr,
                                      const ProveOptions& options = {});

}  // namespace fpvm::segment
