#pragma once
/// The fast engine of the MT64 machine: runs the current thread's instructions in place, with
/// direct page pointers for fetches and data (a small TLB over mips64::Memory, stores marking
/// their leaves dirty for the incremental Merkleization), and leaves every step it does not
/// handle to the reference interpreter: syscalls, quantum preemptions, pops of exited threads,
/// unaligned or unmapped fetches and every step that reverts. The instruction semantics are the
/// reference interpreter's own (instruction_exec.hpp), so the two give the same state at every
/// step; the tests compare them at every stop over many chunk sizes.
#include <array>
#include <atomic>
#include <cstdint>

#include "mips64/interpreter.hpp"
#include "mips64/memory.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// Why FastEngine::run returned.
enum class RunStop : uint8_t {
  Reached,    ///< state.step reached the target (the machine still runs)
  Exited,     ///< the machine exited
  Reverted,   ///< a step was invalid: RunResult::outcome says why; the state is before it
  Cancelled,  ///< the cancel flag was seen
};

/// What FastEngine::run reports.
struct [[nodiscard]] RunResult {
  RunStop stop = RunStop::Reached;
  /// The reverting step's outcome (stop == Reverted).
  StepOutcome outcome;
};

/// Counters of the engine's work, cumulative over runs.
struct FastEngineStats {
  uint64_t fastSteps = 0;       ///< instructions executed in place
  uint64_t referenceSteps = 0;  ///< steps handed to the reference interpreter
};

/// Runs a State. Uses `reference` (which must step the same State) for the steps it does not
/// handle, so that its one-entry pre-image cache and host services are those of the caller.
class FastEngine {
 public:
  FastEngine(State& state, Interpreter& reference) : s_(state), ref_(reference) {}

  /// Advances until state.step == targetStep, the machine exits, a step reverts or `cancel` is
  /// set (polled every 2^20 steps). Host failures of the reference interpreter (oracle errors)
  /// propagate as fpvm::Error with the state before the failing step.
  RunResult run(uint64_t targetStep, const std::atomic<bool>* cancel = nullptr);

  /// Work done so far.
  const FastEngineStats& stats() const { return stats_; }

 private:
  /// One TLB entry: a page's bytes for reading and, once written, for writing.
  struct TlbEntry {
    uint64_t page = ~uint64_t(0);
    const uint8_t* read = nullptr;
    Memory::DirectPage write{nullptr, nullptr};
  };
  static constexpr unsigned kTlbBits = 8;
  friend class FastPort;

  /// Executes up to `budget` instructions of the current thread in place; stops before the
  /// first one it leaves to the reference interpreter. Returns how many it executed.
  uint64_t runThread(uint64_t budget);

  State& s_;
  Interpreter& ref_;
  std::array<TlbEntry, 1u << kTlbBits> tlb_{};
  FastEngineStats stats_;
};

}  // namespace fpvm::mips64
