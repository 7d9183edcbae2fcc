#pragma once
/// The main loop of `cannon run` (docs/spec/cannon-mt64.md §10.3), written against an engine
/// interface so that a faster MT64 engine can replace the reference interpreter: per step the
/// cancellation check, the `processing` progress line, stop-at, snapshot, a plain or proving step,
/// and the pre-image stop conditions, in Cannon's order.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/logfmt.hpp"
#include "image/step_pattern.hpp"
#include "mips64/fast_engine.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/metadata.hpp"
#include "mips64/prover.hpp"

namespace fpvm::cli {

/// Steps an MT64 state. Contract: step() and proveStep() execute exactly one step of state();
/// a revert leaves the state unchanged; host failures throw fpvm::Error.
class Mt64Engine {
 public:
  virtual ~Mt64Engine() = default;
  virtual mips64::State& state() = 0;
  /// One step.
  virtual mips64::StepOutcome step() = 0;
  /// One step with its one-step proof.
  virtual mips64::StepOutcome proveStep(mips64::StepProof& proof) = 0;
  /// Runs many steps at once, up to state().step == target, the exit, a revert (the state before
  /// it, the outcome in the result) or `cancel`, when the engine can (nullopt: it cannot, and
  /// the loop steps one by one).
  virtual std::optional<mips64::RunResult> runTo(uint64_t /*target*/, const std::atomic<bool>* /*cancel*/) {
    return std::nullopt;
  }
};

/// The reference interpreter as an engine.
class ReferenceMt64Engine final : public Mt64Engine {
 public:
  ReferenceMt64Engine(mips64::State& state, mips64::PreimageOracle* oracle, mips64::GuestOutput* output)
      : interpreter_(state, oracle, output) {}
  mips64::State& state() override { return interpreter_.state(); }
  mips64::StepOutcome step() override { return interpreter_.step(); }
  mips64::StepOutcome proveStep(mips64::StepProof& proof) override { return mips64::proveStep(interpreter_, proof); }

 private:
  mips64::Interpreter interpreter_;
};

/// The fast engine (mips64/fast_engine.hpp) between the loop's events, the reference interpreter
/// for single steps and proofs: the same states, many times faster (decision 0015).
class FastMt64Engine final : public Mt64Engine {
 public:
  FastMt64Engine(mips64::State& state, mips64::PreimageOracle* oracle, mips64::GuestOutput* output)
      : interpreter_(state, oracle, output), fast_(state, interpreter_) {}
  mips64::State& state() override { return interpreter_.state(); }
  mips64::StepOutcome step() override { return interpreter_.step(); }
  mips64::StepOutcome proveStep(mips64::StepProof& proof) override { return mips64::proveStep(interpreter_, proof); }
  std::optional<mips64::RunResult> runTo(uint64_t target, const std::atomic<bool>* cancel) override {
    return fast_.run(target, cancel);
  }

 private:
  mips64::Interpreter interpreter_;
  mips64::FastEngine fast_;
};

/// Hears every step (for statistics and --debug); only consulted when registered.
class Mt64StepObserver {
 public:
  virtual ~Mt64StepObserver() = default;
  /// Just before a step of `state` (whose active stack is not empty).
  virtual void beforeStep(const mips64::State& state) = 0;
  /// After that step completed without a revert.
  virtual void afterStep(const mips64::State& state, const mips64::StepOutcome& outcome) = 0;
};

/// Cannon's pre-image stop conditions (--stop-at-preimage, -type, -larger-than).
struct CannonPreimageStop {
  bool any = false;        ///< --stop-at-preimage-type any
  Bytes keyPrefix;         ///< empty = no key condition
  uint64_t offset = 0;     ///< with keyPrefix: the read offset
  uint64_t minStep = 0;    ///< with keyPrefix: the step is at least this
  int64_t largerThan = 0;  ///< 0 = off; else stop when len(prefix ‖ pre-image) > this
};

/// How to run.
struct CannonRunOptions {
  image::StepPattern stopAt;
  image::StepPattern infoAt;
  image::StepPattern snapshotAt;
  image::StepPattern proofAt;
  CannonPreimageStop preimageStop;
  const mips64::Metadata* meta = nullptr;
  /// Called with the state before a step that matches snapshotAt.
  std::function<void(const mips64::State&)> onSnapshot;
  /// Called with the proof of each step that matches proofAt.
  std::function<void(const mips64::StepProof&)> onProof;
  std::vector<Mt64StepObserver*> observers;
  /// Polled every 100 steps; when true the loop ends with `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
};

/// How the loop ended (all false: the program exited).
struct [[nodiscard]] CannonRunOutcome {
  bool interrupted = false;
  bool stoppedAtStep = false;
  bool stoppedAtPreimage = false;
};

/// A step that could not be executed: "failed at [proof-gen ]step N (PC: %08x): <reason>".
/// `invalidStep` is true for a revert (on-chain the step is invalid; Cannon panics), false for a
/// host failure.
class StepFailure : public Error {
 public:
  StepFailure(const std::string& message, bool invalidStep) : Error(message), invalidStep_(invalidStep) {}
  bool invalidStep() const { return invalidStep_; }

 private:
  bool invalidStep_;
};

/// Runs until the program exits or a stop condition holds, then logs "Execution stopped".
/// Throws StepFailure for a failing step; other errors (snapshot or proof files) as Error.
CannonRunOutcome runCannonLoop(Mt64Engine& engine, const CannonRunOptions& options);

/// Logs at INFO with module=vm first, as Cannon's `run` logger does.
void logVm(const std::string& msg, std::initializer_list<LogField> fields = {});

}  // namespace fpvm::cli
