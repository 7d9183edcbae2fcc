#pragma once
/// The `run` main loop (spec §8.2): moves a Machine from event to event (progress lines, stop
/// steps, snapshots, proofs, preimage stop conditions), writing snapshots and proofs through
/// callbacks.
#include <atomic>
#include <functional>
#include <string>

#include "vm/machine.hpp"
#include "vm/proving_step.hpp"
#include "vm/step_pattern.hpp"
#include "vm/symbols.hpp"

namespace fpvm::vm {

/// How to run.
struct RunOptions {
  StepPattern stopAt;
  StepPattern infoAt = StepPattern::parse("%100000", "--info-at");
  StepPattern snapshotAt;
  StepPattern proofAt;
  PreimageStop preimageStop;
  const SymbolTable* symbols = nullptr;
  /// Called with the state before a step that matches snapshotAt.
  std::function<void(const VmState&)> onSnapshot;
  /// Called with each proof of a step that matches proofAt.
  std::function<void(const StepProof&)> onProof;
  /// Polled while running; when true the loop ends with `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
};

/// How the loop ended (all false: the machine exited).
struct [[nodiscard]] RunOutcome {
  bool interrupted = false;
  bool stoppedAtPreimage = false;
  bool stoppedAtStep = false;
};

/// Runs `machine` (its MachineOptions::engine between events; proofs always come from the
/// reference interpreter). Throws Error "failed at step N (PC: …): …" when a step is invalid (a
/// revert) or the host fails.
RunOutcome runLoop(Machine& machine, const RunOptions& options);

}  // namespace fpvm::vm
