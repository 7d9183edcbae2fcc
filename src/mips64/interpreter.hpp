#pragma once
/// The reference interpreter of Cannon's MT64 machine: one step = the step procedure of
/// docs/spec/cannon-mt64.md §3.1 (exited check, thread pop, quantum preemption, fetch/decode/
/// execute of §5, syscalls of §6, scheduler operations of §3.2), quirks included. It is written
/// from the spec's tables, independently of the stateless verifier (which mirrors the contract),
/// so that comparing the two checks both.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/bytes.hpp"
#include "mips64/host.hpp"
#include "mips64/revert.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// What a step did.
enum class StepKind : uint8_t {
  Exited,     ///< the VM had exited: nothing changed, the step counter included
  Popped,     ///< the current thread had exited and was removed from its stack
  Preempted,  ///< the quantum was used up: the current thread moved to the other stack
  Executed,   ///< an instruction was fetched and executed
};

/// A pre-image read (read on fd 5) done by a step.
struct PreimageRead {
  Hash32 key;                          ///< raw (un-localised) key
  uint64_t offset = 0;                 ///< preimageOffset the read started at
  std::shared_ptr<const Bytes> value;  ///< BE u64 length ‖ pre-image
};

/// Proof slots of a step (spec §4.3): 0 = instruction fetch, 1 = data access, 2 = the second
/// doubleword of clock_gettime (proved against the root after the first write).
inline constexpr unsigned kProofSlots = 3;

/// The result of one step.
struct [[nodiscard]] StepOutcome {
  Revert revert = Revert::None;  ///< None, or why the step is invalid (the state is then unchanged)
  StepKind kind = StepKind::Exited;
  uint32_t insn = 0;                ///< the instruction (kind == Executed)
  std::optional<uint64_t> syscall;  ///< the syscall number when the instruction was SYSCALL
  /// Aligned doubleword address of each proof slot the step used, in access order.
  std::array<std::optional<uint64_t>, kProofSlots> proofAddress{};
  /// Set when the step read pre-image data.
  std::optional<PreimageRead> preimageRead;
  bool ok() const { return revert == Revert::None; }
};

/// Hears every memory access of a step just before it happens, with memory as it is at that
/// moment (so a proof taken there is the one the verifier needs for that slot).
class AccessObserver {
 public:
  virtual ~AccessObserver() = default;
  /// Slot `slot` is about to read (and maybe write) the doubleword at aligned `addr`.
  virtual void beforeAccess(unsigned slot, uint64_t addr, Memory& memory) = 0;
};

/// Steps a State. Host services are optional: without an oracle, hints are dropped and a pre-image
/// request throws Error ("no pre-image retriever available"); without an output sink, guest
/// writes to fd 1/2 are only counted.
class Interpreter {
 public:
  explicit Interpreter(State& state, PreimageOracle* oracle = nullptr, GuestOutput* output = nullptr)
      : s_(state), oracle_(oracle), output_(output) {}

  /// Executes one step. A revert leaves the state unchanged. Host failures (oracle errors, an
  /// oversized hint or output) throw fpvm::Error, also leaving the state unchanged.
  StepOutcome step(AccessObserver* observer = nullptr);

  State& state() { return s_; }

 private:
  /// What happens to the current thread after its instruction.
  enum class Disposition : uint8_t {
    WriteBack,  ///< the updated thread replaces the top of the active stack
    Preempt,    ///< the updated thread moves to the other stack (yielding syscalls)
    PushChild,  ///< write back, then push child_ (clone)
    Unchanged,  ///< the thread is not written (clone with invalid flags)
  };

  void access(unsigned slot, uint64_t addr);
  uint64_t loadData(uint64_t addr);
  void storeData(uint64_t addr, uint64_t value);
  void noteMemoryWrite(uint64_t addr);

  // Scheduler operations (spec §3.2).
  void popThread();
  void preemptThread(const Thread& t);
  void pushThread(const Thread& t);

  // The instructions are in instruction_exec.hpp; this is their access to memory.
  friend struct InterpreterPort;

  // Syscalls (spec §6), in syscalls.cpp.
  Disposition syscall(Thread& t);
  void sysRead(uint64_t fd, uint64_t addr, uint64_t count, uint64_t& v0, uint64_t& v1);
  void sysWrite(uint64_t fd, uint64_t addr, uint64_t count, uint64_t& v0, uint64_t& v1);
  uint64_t readPreimage(uint64_t addr, uint64_t count);
  uint64_t writePreimageKey(uint64_t addr, uint64_t count);
  void writeHint(uint64_t addr, uint64_t count);
  void writeOutput(uint64_t fd, uint64_t addr, uint64_t count);
  uint64_t getRandom(uint64_t addr, uint64_t count);
  std::shared_ptr<const Bytes> preimage(const Hash32& key);

  State& s_;
  PreimageOracle* oracle_;
  GuestOutput* output_;
  // Per-step context.
  AccessObserver* observer_ = nullptr;
  StepOutcome* out_ = nullptr;
  Thread child_;
  // One-entry pre-image cache (as Cannon's reader keeps one).
  std::optional<Hash32> lastKey_;
  std::shared_ptr<const Bytes> lastPreimage_;
};

/// splitmix64, the generator of getrandom (spec §6.9).
uint64_t splitmix64(uint64_t seed);

}  // namespace fpvm::mips64
