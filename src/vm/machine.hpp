#pragma once
/// The one way to move a VM: a Machine owns the state, the host side (oracle, output, preimage
/// cache) and the engines with their caches, and advances to a target step under a budget,
/// returning an Outcome value. Every driver (the `run` loop, validation, execution runs, segment
/// building and proving) goes through it; none keeps its own step loop
/// (docs/decisions/0009-machine-interface.md).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/error.hpp"
#include "vm/host_context.hpp"
#include "vm/native_block.hpp"
#include "vm/proving_step.hpp"
#include "vm/revert_codes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {

class FastEngine;
class Symbolizer;

/// Which engine moves the machine between events. All three give the same state on every step.
enum class Engine {
  Fast,       ///< validation: threaded interpreter over decoded code, with the native tier where built
  Proving,    ///< the threaded interpreter with per-store leaf-pair bookkeeping (cheap hashes at any step)
  Reference,  ///< the reference interpreter on every step (the definition the others are checked against)
};

/// The name used on the command line ("fast", "proving", "reference").
const char* engineName(Engine e);

/// How a Machine is built.
struct MachineOptions {
  /// The engine advance() uses unless a call names another.
  Engine engine = Engine::Fast;
  /// Whether the fast engine may compile native code (x86-64). The environment variable
  /// FPVM_NATIVE=0 turns it off as well; platforms without the tier ignore it.
  bool nativeTier = true;
  /// Size of the fast engine's native code cache; when full it is flushed and refilled.
  size_t nativeCodeBytes = kDefaultNativeCodeBytes;
};

/// The step a guest fault happened at: the machine is left as after the failed step.
struct [[nodiscard]] Revert {
  uint64_t step = 0;  ///< Step before the failed step
  uint64_t pc = 0;    ///< pc of the failed instruction
  RevertCode code = kOk;
  uint64_t syscall = ~uint64_t(0);  ///< syscall number when the step was an ECALL, else ~0
};

/// Why advance() returned.
enum class [[nodiscard]] StopReason{
    Reached,         ///< the target step was reached (the machine is still running)
    Exited,          ///< the machine has exited (at or before the target)
    Reverted,        ///< a step was invalid (Outcome::revert says which)
    PreimageRead,    ///< a step read preimage data matching AdvanceOptions::preimageStop
    Cancelled,       ///< the budget's cancel flag was seen
    ShuttingDown,    ///< the budget's shutdown flag was seen
    DeadlinePassed,  ///< the budget's deadline passed
};

/// What advance() and the single-step calls report.
struct [[nodiscard]] Outcome {
  StopReason reason = StopReason::Reached;
  /// Set when reason == Reverted.
  Revert revert;
  /// True when the machine reached its target or exited.
  bool completed() const { return reason == StopReason::Reached || reason == StopReason::Exited; }
};

/// Stop conditions on preimage reads (`--stop-at-preimage*`); checked after every step, which
/// makes advance() run on the reference interpreter.
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
  /// True when any condition is set.
  bool active() const { return any || keyPrefix || keyType || largerThan != 0; }
};

/// Limits of one advance() call. Flags are polled at least every 2^22 steps (the fast engine
/// polls `cancel` every 2^20 steps inside its runs); the deadline between such chunks.
struct Budget {
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* shutdown = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

/// Options of one advance() call.
struct AdvanceOptions {
  Budget budget;
  /// Overrides MachineOptions::engine for this call.
  std::optional<Engine> engine;
  /// Stop after the first step whose preimage read matches (null = no condition).
  const PreimageStop* preimageStop = nullptr;
};

/// Why a step could not complete on the host side (not a guest fault).
enum class HostFailureKind {
  Oracle,       ///< the oracle failed, a preimage is missing or was read past its end, a hint is too large …
  MemoryLimit,  ///< the machine's page limit was reached
  OutOfMemory,  ///< the host could not allocate
};

/// A host failure inside a step. The machine is unusable afterwards (Machine::broken()).
/// what() is the cause alone; step() and pc() locate it.
class HostFailure : public Error {
 public:
  HostFailure(HostFailureKind kind, uint64_t step, uint64_t pc, const std::string& cause)
      : Error(cause), kind_(kind), step_(step), pc_(pc) {}
  HostFailureKind kind() const { return kind_; }
  /// Step of the failing step (its pre-state's Step).
  uint64_t step() const { return step_; }
  /// pc of the failing instruction.
  uint64_t pc() const { return pc_; }

 private:
  HostFailureKind kind_;
  uint64_t step_, pc_;
};

/// Told about each step of Machine::advanceObserved: the memory leaves the step touches, in
/// proof-slot order (spec §3.3), and then what the step read from the oracle.
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  /// A leaf the step is about to read or write (slot 0 = instruction fetch, 1-2 = data).
  virtual void leafAccess(merkle::PagedMemory& memory, uint64_t leafAddr, unsigned slot) = 0;
  /// After a step that completed; `preimageRead` is set when it read oracle data (at that
  /// PreimageOffset) and `prefixedPreimage` is then BE64(len) ‖ preimage of the key read.
  virtual void stepDone(const VmState& state, std::optional<uint64_t> preimageRead, const Bytes& prefixedPreimage) = 0;
};

/// One VM: state, host side and engines. Not thread-safe; copy the state to run elsewhere.
class Machine {
 public:
  explicit Machine(VmState state, MachineOptions options = {});
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // --- host side ---
  /// The oracle the guest's fds 3-6 talk to (not owned; null = none: preimage reads fail).
  void setOracle(PreimageOracle* oracle) { host_.oracle = oracle; }
  PreimageOracle* oracle() const { return host_.oracle; }
  /// The preimage of the key last read (fetched once per key).
  const PreimageCache& preimageCache() const { return host_.preimage; }
  /// Receiver of guest writes to fds 1 and 2 (not owned; null = dropped).
  void setOutput(GuestOutput* output) { host_.output = output; }
  /// Limits that keep a hostile guest from exhausting the host.
  void setHostLimits(const HostLimits& limits) { host_.limits = limits; }
  /// Page limit of the guest memory (0 = none); reaching it is a HostFailure(MemoryLimit).
  void setPageLimit(size_t pages) { state_.memory.setPageLimit(pages); }

  // --- facts ---
  /// The state as of the last completed call (registers, memory, step …).
  const VmState& state() const { return state_; }
  /// The state for writing outside the engines (tests, loaders); the engines' caches are
  /// dropped before the next advance.
  VmState& mutableState() {
    noteOutsideWrites();
    return state_;
  }
  /// Takes the state out; the machine must not be used afterwards.
  VmState releaseState();
  uint64_t step() const { return state_.step; }
  uint64_t pc() const { return state_.pc; }
  bool exited() const { return state_.exited; }
  uint8_t exitCode() const { return state_.exitCode; }
  VmStatus status() const { return state_.status(); }
  /// The witness of the current state (Merkleizes what changed).
  Witness witness() { return state_.witness(); }
  /// The state hash of the current state.
  Hash32 stateHash() { return state_.stateHash(); }
  /// True after a revert or a HostFailure: the state is not one any valid step leads to (a
  /// revert leaves it after the failed step, a host failure half-way through it). Moving a broken
  /// machine throws.
  bool broken() const { return broken_; }

  // --- moving ---
  /// Runs until step `target`, an exit, a revert or a stop condition. Throws HostFailure.
  Outcome advance(uint64_t target, const AdvanceOptions& options = {});
  /// Executes one step with its one-step proof (always on the reference interpreter) into
  /// `proof`. Throws HostFailure.
  Outcome proveStep(StepProof& proof);
  /// Receives the state hashes after steps [first, first + n) of a hashEachStep call.
  using HashSink = std::function<void(uint64_t first, const Hash32* hashes, size_t n)>;
  /// Runs `count` steps on the reference interpreter and hands the state hash after each step to
  /// `sink` (in order, in chunks), hashing in batches (step_hash_batcher.hpp). Stops early on a
  /// revert or a budget stop (the budget is checked between chunks); steps after an exit keep
  /// the final hash. Throws HostFailure.
  Outcome hashEachStep(uint64_t count, const HashSink& sink, const Budget& budget = {});
  /// Runs up to step `target` on the reference interpreter, telling `observer` about every step.
  /// Throws HostFailure.
  Outcome advanceObserved(uint64_t target, StepObserver& observer);

  /// The message for a revert: step, pc, instruction, revert name, syscall, and with `symbols`
  /// the function and caller. `proofGen` marks a step run for a proof.
  std::string describe(const Revert& revert, const Symbolizer* symbols, bool proofGen) const;

 private:
  FastEngine& fastEngine(Engine e);
  Outcome advanceReference(uint64_t target, const AdvanceOptions& options);
  Outcome advanceEngine(FastEngine& engine, uint64_t target, const Budget& budget);
  /// Checks the flags and deadline of `budget`; returns the reason to stop, if any.
  static std::optional<StopReason> budgetStop(const Budget& budget);
  /// Marks the machine broken and returns the Reverted outcome.
  Outcome reverted(const Revert& revert);
  /// Turns the exception in flight into a HostFailure at (step, pc) and marks the machine broken.
  [[noreturn]] void rethrowAsHostFailure(uint64_t step, uint64_t pc);
  /// Memory was (or is about to be) written outside the engines: both drop their caches before
  /// they run next.
  void noteOutsideWrites();

  VmState state_;
  MachineOptions options_;
  HostContext host_;
  std::unique_ptr<FastEngine> fast_;     ///< Engine::Fast (created on first use)
  std::unique_ptr<FastEngine> proving_;  ///< Engine::Proving (created on first use)
  /// Memory was written outside each engine (reference steps, mutableState(), the other engine)
  /// since it last ran: its decoded code and TLBs must be dropped.
  bool fastStale_ = false;
  bool provingStale_ = false;
  bool broken_ = false;
};

}  // namespace fpvm::vm
