#pragma once
/// An execution run (spec/validation-server.md "Execution runs and the machine cache"): a trace
/// of (prestate, input) executed once in the background while machines are kept at checkpoints
/// (Nitro's scheme: cached-challenge-machines machines at multiples of initial-steps; when full,
/// every other one is dropped and the spacing doubles; the final machine is kept separately).
/// Lookups start from the nearest checkpoint at or before the step, or from the machine the last
/// lookup left when that lies between, and move with the fast engine; per-step hashing uses the
/// reference interpreter with the memory's incremental Merkle root. Prestates of either machine
/// (core::AnyMachine) run the same way.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/any_machine.hpp"
#include "runs/input_oracle.hpp"
#include "runs/prestate_store.hpp"
#include "runs/validation_input.hpp"
#include "runs/validator.hpp"
#include "vm/machine.hpp"

namespace fpvm::runs {

/// How runs are built and bounded.
struct RunSettings {
  RunLimits limits;
  unsigned cachedMachines = 4;
  uint64_t initialSteps = 100000;
  /// Threads one long per-step hash query may use; 0 = min(cores, 8).
  unsigned hashThreads = 0;
};

/// A machine state at a position of the trace.
struct StepInfo {
  Hash32 hash;
  uint64_t position = 0;
  vm::VmStatus status = vm::VmStatus::Unfinished;
};

/// The most hashes one getMachineHashesWithStepSize call returns (BoLD asks for up to 2^23+1).
inline constexpr uint64_t kMaxHashesPerQuery = (uint64_t(1) << 24) + 1;
/// The most steps one segment proof query covers (the proof is built on the reference
/// interpreter with per-access bookkeeping: ~1-3 s for this many steps).
inline constexpr uint64_t kMaxSegmentProofSteps = uint64_t(1) << 22;
/// Bytes per hash in a JSON array: "0x…" (66) + quotes + comma.
inline constexpr size_t kJsonBytesPerHash = 69;
// Long per-step queries (step size ≤ 64, ≥ 2^17 hashes) are split over up to min(cores, 8)
// threads (RunSettings::hashThreads), each from its own checkpoint (execution_run.cpp); step size
// 1 hashes in batches (step_hasher.hpp).

class ExecutionRun {
 public:
  ExecutionRun(std::shared_ptr<const Prestate> prestate, std::shared_ptr<const ValidationInput> input, RunSettings settings,
               Hash32 key);
  ~ExecutionRun();
  ExecutionRun(const ExecutionRun&) = delete;
  ExecutionRun& operator=(const ExecutionRun&) = delete;

  /// Executes the whole trace once, keeping checkpoints. Called once, on a worker. Never throws:
  /// a failure (limit, revert, cancel) is kept and reported by every later call.
  void build(const std::atomic<bool>* shutdown);
  /// Marks the run failed without building (the pool stopped before it ran).
  void abandon(const std::string& reason);
  /// Calls `fn` once the build has ended (at once, on this thread, when it has).
  void whenBuilt(std::function<void()> fn);
  /// True once build() or abandon() ended.
  bool built() const;
  /// Throws RpcError(kRunFailed, why) when the build failed; nothing while building or ready.
  void checkUsable() const;
  /// Stops a build or query in progress; later queries fail with kCancelled.
  void cancel();
  bool cancelled() const { return cancel_.load(); }

  // --- queries (after the build; serialised per run) ---
  /// The machine after `position` steps (positions past the end give the final machine).
  StepInfo stepAt(uint64_t position);
  /// JSON array text of up to `maxIterations` hashes: at `from`, then after every `stepSize`
  /// steps, ending early with the final machine's hash once it has exited. `reserveExtra` bytes of
  /// spare capacity are left in the string (for the JSON-RPC envelope).
  std::string machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations, size_t reserveExtra = 0);
  /// The one-step proof for position → position+1 (an exited machine's step, which changes
  /// nothing, past the end).
  core::OneStepProof proofAt(uint64_t position);
  /// The encoded segment proof (segment/segment_proof.hpp) of steps [from, to) — to is clamped to
  /// the final step; at most kMaxSegmentProofSteps steps, and from must lie before the end.
  Bytes segmentProof(uint64_t from, uint64_t to);
  /// Replaces the cached machines (except step 0) with cached-challenge-machines machines spread
  /// evenly over [start, end] (clamped to the trace).
  void prepareRange(uint64_t start, uint64_t end);

  // --- facts ---
  const Hash32& key() const { return key_; }
  const Prestate& prestate() const { return *prestate_; }
  /// Steps of the whole trace (valid after a successful build).
  uint64_t finalStep() const { return final_.step; }
  double buildSeconds() const { return buildSeconds_; }
  /// Steps of the cached machines, ascending (tests).
  std::vector<uint64_t> checkpointSteps() const;
  /// Steps executed by queries so far (tests: a lookup near a checkpoint re-executes little).
  uint64_t queryStepsExecuted() const { return queryStepsExecuted_.load(); }

  /// Bookkeeping of RunManager (guarded by its mutex).
  unsigned handles = 0;

 private:
  struct Checkpoint {
    std::shared_ptr<const core::AnyMachine> machine;  ///< Merkleized: its clones hash cheaply
    uint64_t step = 0;
    Hash32 hash;
    Bytes witness;
  };
  struct Cursor;

  void requireReady() const;
  const Checkpoint& baseFor(uint64_t step) const;
  /// Places `c` at `step` (< final step): keeps it when it lies between the nearest checkpoint
  /// and `step`, else starts a new one from that checkpoint. Caller holds queryMutex_.
  void place(std::unique_ptr<Cursor>& c, uint64_t step, const Deadline& deadline);
  /// place() on the run's own cursor.
  Cursor& seek(uint64_t step, const Deadline& deadline);
  /// Writes the hashes of indices [first, end) (positions from + i·stepSize, all before the final
  /// step) into their fixed slots of `out`, moving `c`.
  void hashRange(std::unique_ptr<Cursor>& c, uint64_t from, uint64_t stepSize, uint64_t first, uint64_t end, char* out,
                 const Deadline& deadline);
  /// Step size 1: writes the hashes after every step for indices [first, end) into their slots
  /// of `out` (the cursor stands at index first - 1); `range` names the steps in errors.
  void hashEveryStep(Cursor& c, uint64_t first, uint64_t end, char* out, const Deadline& deadline,
                     const std::function<std::string()>& range);
  /// Moves `c` to `target`; `checkBudget` = false skips the deadline and cancel checks.
  void advance(Cursor& c, uint64_t target, const Deadline& deadline, bool checkBudget = true);
  std::unique_ptr<Cursor> makeCursor(const core::AnyMachine& from);
  static Checkpoint snapshot(core::AnyMachine& machine);
  /// Bounds of a query's machine moves.
  RunContext queryContext(const Deadline& deadline);

  std::shared_ptr<const Prestate> prestate_;
  std::shared_ptr<const ValidationInput> input_;
  RunSettings settings_;
  Hash32 key_;
  std::atomic<bool> cancel_{false};

  mutable std::mutex stateMutex_;  ///< phase, failure, callbacks
  enum class Phase { Building, Ready, Failed } phase_ = Phase::Building;
  std::string failure_;
  std::vector<std::function<void()>> waiting_;

  mutable std::mutex queryMutex_;  ///< checkpoints_ (after the build), cursor_
  std::vector<Checkpoint> checkpoints_;
  Checkpoint final_;
  /// The machine of final_ (exited or at the run's end), for proofs past the end.
  std::unique_ptr<core::AnyMachine> finalMachine_;
  std::unique_ptr<Cursor> cursor_;
  double buildSeconds_ = 0;
  std::atomic<uint64_t> queryStepsExecuted_{0};
};

}  // namespace fpvm::runs
