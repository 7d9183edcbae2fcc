#pragma once
/// The `run` main loop (spec §8.2): moves a vm::Machine from event to event (progress lines, stop
/// steps, snapshots, proofs, preimage stop conditions), writing snapshots and proofs through
/// callbacks.
#include <atomic>
#include <functional>
#include <string>

#include "image/step_pattern.hpp"
#include "image/symbols.hpp"
#include "vm/machine.hpp"
#include "vm/proving_step.hpp"

namespace fpvm::cli {

/// How to run.
struct RunOptions {
  image::StepPattern stopAt;
  image::StepPattern infoAt = image::StepPattern::parse("%100000", "--info-at");
  image::StepPattern snapshotAt;
  image::StepPattern proofAt;
  vm::PreimageStop preimageStop;
  const image::SymbolTable* symbols = nullptr;
  /// Called with the state before a step that matches snapshotAt.
  std::function<void(const vm::VmState&)> onSnapshot;
  /// Called with each proof of a step that matches proofAt.
  std::function<void(const vm::StepProof&)> onProof;
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
RunOutcome runLoop(vm::Machine& machine, const RunOptions& options);

}  // namespace fpvm::cli
