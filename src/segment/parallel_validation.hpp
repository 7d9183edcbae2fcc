#pragma once
/// Parallel validation of a long run by segments: one fast-engine pass takes a commitment (state
/// hash) and a state copy every K steps; worker threads build a segment proof from each copy;
/// then N verifiers re-execute the segments statelessly, each from its proof alone, and the
/// commitments must chain from the start hash to the end hash (and a claimed end, if given).
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "segment/segment_proof.hpp"
#include "segment/segment_verifier.hpp"
#include "vm/machine.hpp"

namespace fpvm::segment {

/// Per-segment figures.
struct SegmentRecord {
  uint64_t from = 0, to = 0;  ///< first step and end step (post-state Step)
  Hash32 pre, post;           ///< verified pre- and post-state hashes
  bool exited = false;        ///< the verified post-state has exited
  size_t bytes = 0;           ///< encoded proof size
  size_t leaves = 0, siblings = 0, preimages = 0;
  uint64_t memoryProofs = 0;  ///< memory proofs the steps' one-step proofs would hold
  double proveSeconds = 0;    ///< CPU time building and encoding the proof
  double verifySeconds = 0;   ///< CPU time decoding and re-executing it
};

/// Result of verifying a chain of proofs.
struct [[nodiscard]] ChainReport {
  std::vector<SegmentRecord> segments;  ///< in chain order (build fields left zero)
  Hash32 startHash, endHash;
  uint64_t startStep = 0, endStep = 0;
  bool exited = false;
  double wallSeconds = 0;
  double cpuSeconds = 0;  ///< sum of the per-segment verification CPU times
};

/// Decodes and re-executes one encoded proof of either machine (format version 1 or 2; `what`
/// names it in errors); the record's verifySeconds is the calling thread's CPU time. Throws Error naming why it was rejected.
SegmentRecord verifyEncodedSegment(const Bytes& proof, const std::string& what, const SegmentVerifyOptions& options = {});

/// Checks that verified segments chain. `chain.segments` must hold, in chain order, each
/// segment's verified pre/post hashes, steps and exit flag: each pre-state must be the previous post-state, the first must start
/// at `start` and the last end at `end` when those are given, and with `checkpoints` (segments + 1 hashes) every pre- and
/// post-state must be the commitment at its step. Fills the start/end fields, `exited` and `cpuSeconds` (sum of verifySeconds).
/// Throws Error naming the first broken link.
void checkSegmentChain(ChainReport& chain, const std::optional<Hash32>& start = std::nullopt,
                       const std::optional<Hash32>& end = std::nullopt, const std::vector<Hash32>& checkpoints = {});

/// Verifies encoded proofs on `threads` threads (1 = the calling thread only) and checks that
/// they chain: each proof's pre-state is the previous one's verified post-state, the first
/// starts at `start` and the last ends at `end` when those are given. `checkpoints`, when not
/// empty, must hold proofs.size() + 1 hashes that the chain must pass through. Throws Error
/// naming the first failing segment or broken link.
ChainReport verifySegmentChain(const std::vector<Bytes>& proofs, unsigned threads,
                               const std::optional<Hash32>& start = std::nullopt, const std::optional<Hash32>& end = std::nullopt,
                               const std::vector<Hash32>& checkpoints = {}, const SegmentVerifyOptions& options = {});

/// How to validate.
struct ValidateOptions {
  uint64_t every = 100000;           ///< checkpoint interval K in steps (> 0)
  unsigned threads = 1;              ///< provers and verifiers (1 = everything on the calling thread)
  uint64_t maxSteps = ~uint64_t(0);  ///< stop after this many steps even if the machine runs on
  std::optional<Hash32> claimedEnd;  ///< the end-state hash to confirm
  bool keepProofs = false;           ///< return the encoded proofs
  /// Bounded hand-over between the fast engine and the provers: at most this many state copies
  /// wait (0 = 2 × threads).
  size_t maxQueued = 0;
  /// Polled by the fast engine and the verifiers; when set, validation stops early and the
  /// report says `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
};

/// Result of validateSegments.
struct [[nodiscard]] ValidateReport {
  std::vector<Hash32> checkpoints;  ///< fast-engine commitments: start, then after each segment
  std::vector<SegmentRecord> segments;
  std::vector<Bytes> proofs;  ///< when keepProofs
  uint64_t startStep = 0, endStep = 0;
  bool exited = false;
  double runSeconds = 0;         ///< fast engine, checkpoint hashing and state copies (one thread, wall)
  double runCpuSeconds = 0;      ///< the same, CPU time (the part no thread count shortens)
  double buildWallSeconds = 0;   ///< phase 1: fast engine + proof building, wall time
  double proveCpuSeconds = 0;    ///< sum of proof-building CPU times
  double verifyWallSeconds = 0;  ///< phase 2: parallel verification and chain check, wall time
  double verifyCpuSeconds = 0;   ///< sum of verification CPU times
  double wallSeconds = 0;        ///< both phases
  uint64_t proofBytes = 0;       ///< sum of encoded proof sizes
  uint64_t singleStepBytes = 0;  ///< the same steps as one-step proofs (362 + 1920 per memory proof)
  bool interrupted = false;      ///< the cancel flag stopped it (nothing was verified to the end)
};

/// Called once per built proof with its index and build figures (from, to, the proof's claimed
/// pre and post hashes, bytes, memoryProofs, proveSeconds), in completion order, from the prover threads but never two calls at
/// once. An exception thrown here stops the build and is reported as the failure of that segment.
using ProofSink = std::function<void(size_t index, const SegmentRecord& built, const Bytes& proof)>;

/// Phase 1 of validateSegments: the fast-engine pass with its commitments and the proofs built on
/// `options.threads` threads. Returns the report with the phase-1 fields, `segments` holding the
/// build figures, and every proof in `proofs` (whatever keepProofs says); nothing is verified
/// yet. `sink`, when set, receives each proof as soon as it is built (to hand it to remote
/// verifiers while the run goes on). Throws Error like validateSegments for the run itself.
ValidateReport buildSegmentProofs(vm::Machine& machine, const ValidateOptions& options, const ProofSink& sink = {});

/// Phase 2's bookkeeping: moves a checked chain (checkSegmentChain or verifySegmentChain) into
/// the report of buildSegmentProofs — verified segments with their build figures kept,
/// verification CPU time, `verifySeconds` as verifyWallSeconds.
void adoptChain(ValidateReport& report, ChainReport chain, double verifySeconds);

/// Validates `machine` (left at the end state) with the fast engine and segment proofs. Its
/// oracle serves the fast engine; the provers read preimages from a copy of what it served.
/// Throws Error when a step fails, a proof does not verify, the chain breaks, or the end state
/// differs from `claimedEnd`.
ValidateReport validateSegments(vm::Machine& machine, const ValidateOptions& options);

}  // namespace fpvm::segment
