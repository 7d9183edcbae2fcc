#pragma once
/// The `run` main loop (spec §8.2): steps a machine until it exits or a stop condition holds,
/// logging progress, writing snapshots and proofs through callbacks.
#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "vm/host_context.hpp"
#include "vm/proving_step.hpp"
#include "vm/step_pattern.hpp"
#include "vm/symbols.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {

/// Stop conditions on preimage reads (`--stop-at-preimage*`).
struct PreimageStop {
  /// Stop after any preimage read.
  bool any = false;
  /// Stop when the read key starts with this prefix and the read offset equals `offset`.
  std::optional<Bytes> keyPrefix;
  uint64_t offset = 0;
  /// Key type byte to stop on (local=1, keccak=2, sha256=4, blob=5, precompile=6).
  std::optional<uint8_t> keyType;
  /// Stop when len(8-byte prefix ‖ data) > this (0 = off).
  uint64_t largerThan = 0;
};

/// Which engine runLoop executes with.
enum class EngineChoice {
  Fast,       ///< validation: FastEngine with page bookkeeping (and its native tier where built)
  Proving,    ///< FastEngine's interpreter with per-store leaf-pair bookkeeping
  Reference,  ///< the reference interpreter on every step (the definition the others are checked against)
};

/// How to run.
struct RunOptions {
  StepPattern stopAt;
  StepPattern infoAt = StepPattern::parse("%100000", "--info-at");
  StepPattern snapshotAt;
  StepPattern proofAt;
  PreimageStop preimageStop;
  const SymbolTable* symbols = nullptr;
  /// Called with the state before a step that matches snapshotAt.
  std::function<void(VmState&)> onSnapshot;
  /// Called with each proof of a step that matches proofAt.
  std::function<void(const StepProof&)> onProof;
  /// The engine that runs between events (proofs always come from the reference interpreter).
  EngineChoice engine = EngineChoice::Fast;
  /// Polled every 100 steps; when true the loop ends with `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
};

/// How the loop ended.
struct [[nodiscard]] RunOutcome {
  bool interrupted = false;
  bool stoppedAtPreimage = false;
  bool stoppedAtStep = false;
};

/// Runs `state` (see RunOptions). Throws Error "failed at step N (PC: …): …" when a step is
/// invalid (a revert) or the host fails.
RunOutcome runLoop(VmState& state, HostContext& host, const RunOptions& options);

/// Formats a byte count like "12.3 MiB" ("N B" below 1 KiB).
std::string humanBytes(uint64_t n);

/// The error message for a step that reverted: step, pc, instruction, revert, syscall, symbol.
std::string describeRevert(const VmState& before, uint64_t step, uint64_t pc, RevertCode code, uint64_t syscall,
                           const SymbolTable* symbols, bool proofGen);

}  // namespace fpvm::vm
