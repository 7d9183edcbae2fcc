#pragma once
/// Single-instruction test fixture: a fresh VmState, one instruction word at a chosen PC, registers
/// set by the test, one Interpreter step, and helpers to check registers, PC, memory, the revert
/// code and the memory leaves the step touched (proof slots, spec §3.3).
///
/// The fixture is parameterised over every engine variant (test_support/engine_variants.hpp):
/// each step the reference interpreter executes (and the test checks) is also executed from the
/// same pre-state by the variant, which must reach the same state, step count and revert code.
/// The native variant runs the instruction inside a native block: two `addi x0, x0, 0` are
/// placed before it (when pc is aligned and they fit on its page) and an all-zero word (unknown
/// opcode) after it stops the run.
#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "proof/step_verifier.hpp"
#include "test_support/engine_variants.hpp"
#include "test_support/rv_asm.hpp"
#include "vm/decoded_slot.hpp"
#include "vm/fast_engine.hpp"
#include "vm/native_block.hpp"
#include "vm/interpreter.hpp"
#include "vm/proving_step.hpp"

namespace fpvm::test {

/// Records every leaf access of a step as (leaf address, slot).
struct RecordingTracker {
  std::vector<std::pair<uint64_t, unsigned>> accesses;
  void access(merkle::PagedMemory&, uint64_t leafAddr, unsigned slot) { accesses.emplace_back(leafAddr, slot); }
};

/// An oracle with a fixed preimage table that records hints and lookups.
class FakeOracle final : public vm::PreimageOracle {
 public:
  std::map<std::array<uint8_t, 32>, Bytes> table;
  std::vector<Bytes> hints;
  int lookups = 0;
  void hint(ByteView h) override { hints.emplace_back(h.begin(), h.end()); }
  Bytes getPreimage(const Hash32& key) override {
    ++lookups;
    auto it = table.find(key.b);
    if (it == table.end()) throw Error("fake oracle: unknown key");
    return it->second;
  }
};

/// Captures guest output writes.
class RecordingOutput final : public vm::GuestOutput {
 public:
  std::vector<std::pair<unsigned, Bytes>> writes;
  void write(unsigned fd, ByteView data) override { writes.emplace_back(fd, Bytes(data.begin(), data.end())); }
};

/// Revert code printed as hex in failure messages.
struct Rc {
  vm::RevertCode code;
  friend bool operator==(Rc a, Rc b) { return a.code == b.code; }
  friend std::ostream& operator<<(std::ostream& os, Rc r) {
    return os << "0x" << std::hex << r.code << std::dec << " (" << vm::revertName(r.code) << ")";
  }
};

class SingleStep : public ::testing::TestWithParam<EngineVariant> {
 protected:
  /// Default PC: 32-byte aligned, in its own page, with room for the native variant's lead-in.
  static constexpr uint64_t kPc = 0x10040;
  /// A data area away from the code page.
  static constexpr uint64_t kData = 0x20000;

  vm::VmState st;
  vm::HostContext host;
  FakeOracle oracle;
  RecordingOutput output;
  RecordingTracker tracker;
  std::array<uint64_t, 32> regsBefore{};
  uint64_t lastSyscall = 0;
  /// PreimageOffset of the last step's fd-5 read, if it read.
  std::optional<uint64_t> preimageRead;

  SingleStep() {
    host.oracle = &oracle;
    host.output = &output;
    st.heap = 0x7F0000000000ULL;
    st.memory.allocatePage(kPc >> 12);  // so page counts do not change when exec() stores the instruction
  }

  void set(uint32_t r, uint64_t v) { st.registers[r] = v; }
  uint64_t x(uint32_t r) const { return st.registers[r]; }

  /// Places `instr` at `pc`, executes one step and returns its revert code.
  Rc exec(uint32_t instr, uint64_t pc = kPc) {
    st.pc = pc;
    st.memory.store(pc, 4, instr);
    return stepOnce();
  }
  /// Executes one step at the current PC (the instruction must already be in memory).
  Rc stepOnce() {
    regsBefore = st.registers;
    tracker.accesses.clear();
    const EngineVariant variant = GetParam();
    std::optional<vm::VmState> pre;
    if (variant != EngineVariant::Reference) {
      st.stateHash();  // clean Merkle caches: the variant's write bookkeeping must mark what it changes
      pre = st;
    }
    vm::Interpreter<RecordingTracker> interp(st, host, tracker);
    vm::RevertCode rc = interp.step();
    lastSyscall = interp.lastSyscall();
    preimageRead = interp.preimageRead();
    if (pre) checkVariant(variant, std::move(*pre), rc);
    return Rc{rc};
  }
  /// Writes `words` from `pc` on and sets PC there.
  void program(std::initializer_list<uint32_t> words, uint64_t pc = kPc) {
    uint64_t a = pc;
    for (uint32_t w : words) {
      st.memory.store(a, 4, w);
      a += 4;
    }
    st.pc = pc;
  }

  /// Registers other than `changed` hold their pre-step values.
  void expectOnlyChanged(std::initializer_list<uint32_t> changed) const {
    std::set<uint32_t> c(changed);
    for (uint32_t r = 0; r < 32; ++r)
      if (!c.count(r)) {
        EXPECT_EQ(st.registers[r], regsBefore[r]) << "register x" << r << " changed";
      }
  }
  /// Executed normally: PC advanced by 4 from `pc`.
  void expectNext(uint64_t pc = kPc) const { EXPECT_EQ(st.pc, pc + 4); }

  /// The slots the step touched, in order.
  std::vector<unsigned> slots() const {
    std::vector<unsigned> s;
    for (const auto& a : tracker.accesses) s.push_back(a.second);
    return s;
  }
  /// Writes two `addi x0, x0, 0` before pc into the pre-state `b` and the reference result `a`
  /// (for the native variant) when pc is aligned, the machine runs, the words fit on pc's page,
  /// are zero and the step did not write them. Returns whether it did.
  static bool placeLeadIn(vm::VmState& b, vm::VmState& a) {
    const uint64_t pc = b.pc;
    if (b.exited || (pc & 3) != 0 || (pc & (merkle::kPageSize - 1)) < 8) return false;
    if (b.memory.load(pc - 8, 8) != 0 || a.memory.load(pc - 8, 8) != 0) return false;
    for (vm::VmState* s : {&b, &a}) {
      s->memory.store(pc - 8, 4, rvasm::nop());
      s->memory.store(pc - 4, 4, rvasm::nop());
    }
    return true;
  }

  /// Executes the step of `b` (the pre-state) with `variant` and compares the outcome with the
  /// reference interpreter's (`st`, `refRc`).
  void checkVariant(EngineVariant variant, vm::VmState b, vm::RevertCode refRc) {
    SCOPED_TRACE("engine variant " + engineVariantName(variant));
    FakeOracle variantOracle = oracle;
    RecordingOutput variantOutput;
    vm::HostContext h;
    h.oracle = &variantOracle;
    h.output = &variantOutput;
    h.limits = host.limits;
    vm::VmState a = st;  // the reference result
    const uint64_t pc = b.pc;
    if (variant == EngineVariant::ProveThenVerify) {
      vm::StepProof proof;
      const vm::RevertCode rc = vm::proveStep(b, h, proof);
      ASSERT_EQ(Rc{rc}, Rc{refRc});
      if (rc != vm::kOk) return;
      std::unique_ptr<proof::PartOracle> part;
      if (proof.oracleKey) part = std::make_unique<proof::SinglePreimageOracle>(*proof.oracleKey, proof.oracleValue);
      proof::VerifyOptions exact;
      exact.exactLength = true;
      const proof::VerifyResult vr = proof::verifyStep(proof.stateData, proof.proofData, part.get(), exact);
      ASSERT_EQ(Rc{vr.revert}, Rc{vm::kOk});
      EXPECT_EQ(vr.postHash, a.stateHash());
      EXPECT_EQ(proof.post, a.stateHash());
      return;
    }
    // The run: one step, or (native) lead-in + instruction + a stopper that reverts.
    uint64_t budget = 1;
    bool stopper = false;
    const bool native = variant == EngineVariant::FastNative || variant == EngineVariant::ProvingNative;
    const bool leadIn = native && placeLeadIn(b, a);
    if (leadIn) {
      b.pc = pc - 8;
      budget = 3;
      const uint64_t next = a.pc;
      const bool nextOutsideLeadIn = next < pc - 8 || next > pc;
      if (refRc == vm::kOk && !a.exited && (next & 3) == 0 && nextOutsideLeadIn) {
        // An all-zero word at the next pc (unknown opcode) ends the run; the reference result
        // gets the same word so that the memories compare.
        const uint64_t before = b.memory.load(next, 4);
        if (before == a.memory.load(next, 4)) {  // (the step did not write it)
          if (before != 0) {
            b.memory.store(next, 4, 0);
            a.memory.store(next, 4, 0);
          }
          stopper = true;
          budget = merkle::kPageSize;  // enough for the fast (block) mode of the whole page
        }
      }
    }
    const bool proving = variant == EngineVariant::Proving || variant == EngineVariant::ProvingNative;
    vm::FastEngine engine(b, h, proving ? vm::Bookkeeping::LeafPairs : vm::Bookkeeping::Pages,
                          native);
    const vm::FastStop stop = engine.run(budget);
    if (stopper && engine.nativeTierActive()) {
      // The lead-in and the instruction form a native block when the tier compiles the instruction.
      const uint32_t word = static_cast<uint32_t>(a.memory.load(pc, 4));
      const vm::Slot decoded = vm::decode(word, pc);
      const bool compilable = vm::nativeOp(decoded.op) || vm::nativeTerminatorOp(decoded.op);
      EXPECT_EQ(engine.nativeBlocksCompiled(), compilable ? 1u : 0u) << "instruction 0x" << std::hex << word;
    }
    const uint64_t extra = (leadIn ? 2 : 0) + (stopper ? 1 : 0);
    if (refRc != vm::kOk) {
      ASSERT_EQ(stop, vm::FastStop::Reverted);
      EXPECT_EQ(Rc{engine.revert()}, Rc{refRc});
      EXPECT_EQ(b.step, a.step + (leadIn ? 2 : 0));
    } else if (a.exited) {
      ASSERT_EQ(stop, vm::FastStop::Exited);
      EXPECT_EQ(b.step, a.step + (leadIn ? 2 : 0));
    } else if (stopper) {
      ASSERT_EQ(stop, vm::FastStop::Reverted) << "the run went past the stopper";
      EXPECT_EQ(Rc{engine.revert()}, Rc{vm::kUnknownOpcode});
      EXPECT_EQ(b.step, a.step + extra);
    } else {
      EXPECT_EQ(b.step, a.step + extra);
    }
    for (unsigned r = 0; r < 32; ++r) EXPECT_EQ(b.registers[r], a.registers[r]) << "register x" << r;
    EXPECT_EQ(b.pc, a.pc);
    b.step = a.step;
    EXPECT_EQ(b.stateHash(), a.stateHash()) << "state (memory, registers, pc …) differs from the reference";
  }

  /// The leaf addresses the step touched, in order.
  std::vector<uint64_t> leaves() const {
    std::vector<uint64_t> s;
    for (const auto& a : tracker.accesses) s.push_back(a.first);
    return s;
  }
};

inline constexpr Rc kOk{vm::kOk};
inline constexpr Rc kIllegal{vm::kIllegalInstruction};
inline constexpr Rc kUnknownOpcode{vm::kUnknownOpcode};
inline constexpr Rc kUnknownAtomic{vm::kUnknownAtomicOp};
inline constexpr Rc kBadAmoSize{vm::kBadAmoSize};
inline constexpr Rc kMisaligned{vm::kMisaligned};
inline constexpr Rc kStoreTooLarge{vm::kStoreTooLarge};
inline constexpr Rc kFetchCrosses{vm::kFetchCrossesLeaf};
inline constexpr Rc kUnsupportedSyscall{vm::kUnsupportedSyscall};
inline constexpr Rc kUnknownRlimit{vm::kUnknownRlimit};

inline constexpr uint64_t kAllOnes = ~uint64_t(0);
inline constexpr uint64_t kMinI64 = uint64_t(1) << 63;

}  // namespace fpvm::test
