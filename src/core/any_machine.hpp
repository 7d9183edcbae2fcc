#pragma once
/// One interface over both machines — RISC-V (Asterisc) and MIPS64 (Cannon MT64) — for code that
/// must not care which instruction set runs: the C library (libfpvm) today, the drivers above
/// `vm/` next (docs/decisions/0012, "Toward one Machine for both instruction sets"). Each
/// machine keeps its own engines, proofs and state encodings; this layer only names them the
/// same way.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "vm/host_context.hpp"
#include "vm/machine.hpp"
#include "vm/preimage_oracle.hpp"
#include "vm/revert_message.hpp"
#include "vm/witness_layout.hpp"

namespace fpvm::mips64 {
struct State;
}

namespace fpvm::core {

/// The instruction set of a machine.
enum class Isa : uint8_t {
  Riscv64 = 1,  ///< Asterisc's RV64IMA machine (362-byte witness)
  Mips64 = 2,   ///< Cannon's MT64 machine, state version 8 (188-byte witness)
};

/// "riscv64" or "mips64".
const char* isaName(Isa isa);

/// What a machine of one instruction set cannot do (yet): e.g. segment proofs of the MT64 machine.
class Unsupported : public Error {
 public:
  using Error::Error;
};

/// A one-step proof of either machine: what a proof file holds and what the on-chain `step`
/// call needs.
struct OneStepProof {
  Isa isa = Isa::Riscv64;
  uint64_t step = 0;                ///< step of the pre-state
  Hash32 pre;                       ///< pre-state hash
  Hash32 post;                      ///< post-state hash
  Bytes stateData;                  ///< the pre-state witness
  Bytes proofData;                  ///< the memory proofs (and, for MT64, the thread witness)
  std::optional<Hash32> oracleKey;  ///< raw key of a pre-image read by the step
  Bytes oracleValue;                ///< BE u64 length ‖ pre-image, with oracleKey
  uint64_t oracleOffset = 0;        ///< offset of that read
};

/// Why advance() or proveStep() returned.
enum class Stop : uint8_t { Reached, Exited, Reverted, Cancelled, ShuttingDown, DeadlinePassed };

/// What advance() and proveStep() report.
struct [[nodiscard]] Outcome {
  Stop stop = Stop::Reached;
  /// For Stop::Reverted: step and pc of the invalid step and the verifier's name for the reason.
  uint64_t revertStep = 0;
  uint64_t revertPc = 0;
  std::string revert;
  /// True when the machine reached its target or exited.
  bool completed() const { return stop == Stop::Reached || stop == Stop::Exited; }
};

/// One thread's registers as a debugger or stack unwinder sees them.
struct ThreadRegisters {
  uint64_t threadId = 0;           ///< MT64 thread id; 0 on RISC-V
  std::array<uint64_t, 32> gpr{};  ///< x0..x31 / r0..r31
  uint64_t pc = 0;                 ///< the next instruction to execute
  uint64_t nextPc = 0;             ///< MT64: the instruction after it (a delay slot); RISC-V: pc + 4
  uint64_t hi = 0, lo = 0;         ///< MT64 only
};

/// A machine of either instruction set with its host side. Not thread-safe. Host failures (a
/// missing pre-image, a failing oracle, the page limit, the host out of memory) throw
/// vm::HostFailure naming the step, pc and kind; after one, and after a revert, the machine is
/// broken() and refuses to move.
class AnyMachine {
 public:
  virtual ~AnyMachine() = default;
  virtual Isa isa() const = 0;

  /// The oracle of the guest's pre-image and hint channels (not owned; null = none).
  virtual void setOracle(vm::PreimageOracle* oracle) = 0;
  /// Receiver of the guest's stdout/stderr writes (not owned; null = dropped).
  virtual void setOutput(vm::GuestOutput* output) = 0;

  /// Runs until step `target`, the exit, a revert or a budget stop, on `engine` (the MT64
  /// machine has a fast engine and the reference interpreter; Proving runs its fast engine).
  virtual Outcome advance(uint64_t target, vm::Engine engine, const vm::Budget& budget) = 0;
  /// Executes one step (reference interpreter) with its one-step proof.
  virtual Outcome proveStep(OneStepProof& out) = 0;
  /// Runs `count` steps on the reference interpreter and hands the state hash after each step to
  /// `sink` in order, in chunks (vm::Machine::hashEachStep). Stops early on a revert or a budget
  /// stop (checked between chunks); steps after an exit keep the final hash.
  virtual Outcome hashEachStep(uint64_t count, const vm::Machine::HashSink& sink, const vm::Budget& budget) = 0;
  /// The message for the revert this machine last returned: step, pc, instruction, the
  /// verifier's reason, and with `symbols` the function. `proofGen` marks a step run for a proof.
  virtual std::string describeRevert(const vm::Symbolizer* symbols, bool proofGen) const = 0;

  /// Most pages of guest memory (0 = no limit); allocating past it is a HostFailure(MemoryLimit).
  virtual void setPageLimit(size_t pages) = 0;
  /// Pages of guest memory held.
  virtual size_t pageCount() const = 0;
  /// What a pre-image server must be told again when a run resumes from this state: the last
  /// complete hint (docs/decisions/0002-hint-replay-on-resume.md). RISC-V keeps it in its state
  /// (and state files); MT64 only in the machine and its clones (Cannon's state has no such field).
  virtual Bytes resumeHint() const = 0;

  /// The current thread's registers.
  virtual ThreadRegisters registers() const = 0;
  /// Every thread, the current one first (RISC-V: one thread). MT64: the active stack from the
  /// top, then the other stack from the top.
  virtual std::vector<ThreadRegisters> threads() const = 0;
  /// Copies `n` bytes of guest memory at `addr` (wrapping) in the guest's byte order; pages never
  /// allocated read as zero. Never changes the state or its hash.
  virtual void readMemory(uint64_t addr, uint8_t* out, size_t n) const = 0;

  virtual uint64_t step() const = 0;
  /// pc of the current thread.
  virtual uint64_t pc() const = 0;
  virtual bool exited() const = 0;
  virtual uint8_t exitCode() const = 0;
  virtual bool broken() const = 0;
  /// Valid, invalid, panic or unfinished, from exited() and exitCode().
  vm::VmStatus status() const { return vm::statusOf(exited(), exitCode()); }
  /// The state witness (Merkleizes what changed).
  virtual Bytes witness() = 0;
  /// The state hash (status byte first).
  virtual Hash32 stateHash() = 0;

  /// Writes the state to `path` atomically, in the format its name asks for (the machine's own
  /// state-file formats). Throws Error when the machine has no such format.
  virtual void writeState(const std::string& path) = 0;
  /// An independent copy of the state (no host side attached).
  virtual std::unique_ptr<AnyMachine> clone() const = 0;

  /// Steps to `toStep` (or the exit) on the reference interpreter and returns the encoded segment
  /// proof of those steps: format version 1 (segment/segment_proof.hpp) for RISC-V, version 2
  /// (segment/mips64_segment_proof.hpp) for MT64. Throws Error on a revert or a host failure.
  virtual Bytes proveSegment(uint64_t toStep) = 0;
};

/// A RISC-V machine over `state` (for code that builds states itself: loaders, tests).
std::unique_ptr<AnyMachine> machineFromState(vm::VmState state);
/// An MT64 machine over `state`.
std::unique_ptr<AnyMachine> machineFromState(mips64::State state);

/// The machine an ELF describes: EM_RISCV (243) → RISC-V, EM_MIPS (8) → MT64. Throws Error naming
/// the problem for anything else or a malformed file.
/// `bare` loads the segments only (no initial stack, no Go patches: the riscv-tests harness path).
std::unique_ptr<AnyMachine> machineFromElf(ByteView elf, const std::string& what, bool bare = false);
/// The machine a state file holds: Cannon's binary MT64 state (version byte 8) or one of the
/// RISC-V formats of image/state_file.hpp. Throws Error.
std::unique_ptr<AnyMachine> machineFromStateFile(const std::string& path);

/// The state hash of a witness of `isa`'s size (362 or 188 bytes). Throws Error for another size.
Hash32 hashWitness(Isa isa, ByteView witness);
/// The instruction set whose witness has `size` bytes; nullopt for any other size.
std::optional<Isa> isaOfWitnessSize(size_t size);

/// What the stateless verifier says about a one-step proof.
struct VerifyOutcome {
  bool ok = false;                     ///< the contract would return a post hash
  Hash32 post;                         ///< that hash
  Bytes postState;                     ///< and the post-state witness it logs
  std::string revert;                  ///< otherwise the revert reason
  std::optional<uint32_t> revertCode;  ///< RISC-V: the verifier's revert code
};
/// Verifies `proof` statelessly, as the machine's on-chain contract would (pre-image parts loaded
/// from the proof's oracle fields; MT64 local keys with a zero local context and caller).
/// `exactLength` also rejects proof data that is not exactly what the machine's prover emits
/// (RISC-V: the proofs the step uses; MT64: Cannon's 6090 bytes) — the contracts accept more.
VerifyOutcome verifyOneStep(const OneStepProof& proof, bool exactLength = false);

/// The caller's side of a `step` call.
struct StepCall {
  bool exactLength = false;  ///< as verifyOneStep's
  /// msg.sender and localContext, which local (type-1) keys are localised with: MT64 always (zero
  /// when not given, as verifyOneStep does), RISC-V only when given.
  struct Localization {
    std::array<uint8_t, 20> caller{};
    Hash32 localContext;
  };
  std::optional<Localization> localization;
};
/// verifyOneStep with the call's context.
VerifyOutcome verifyOneStep(const OneStepProof& proof, const StepCall& call);

/// What a verified segment proof establishes.
struct SegmentOutcome {
  Hash32 preHash, postHash;
  uint64_t fromStep = 0, endStep = 0;
  bool exited = false;
};
/// Decodes and re-executes an encoded segment proof of either machine (the format version byte
/// says which: 1 = RISC-V, 2 = MT64) claiming at most `maxSteps` steps.
/// Throws Error naming the problem when it does not verify.
SegmentOutcome verifySegmentProof(ByteView encoded, uint64_t maxSteps);

/// What an encoded segment proof of either machine claims, decoded but not verified.
struct SegmentClaim {
  Hash32 preHash, postHash;
  uint64_t fromStep = 0;  ///< Step of the pre-state
  uint64_t toStep = 0;    ///< Step of the claimed post-state
};
/// Decodes the claim of an encoded segment proof; throws Error naming `what` when it is malformed.
SegmentClaim readSegmentClaim(ByteView encoded, const std::string& what);

}  // namespace fpvm::core
