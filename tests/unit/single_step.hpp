#pragma once
/// Single-instruction test fixture: a fresh VmState, one instruction word at a chosen PC, registers
/// set by the test, one Interpreter step, and helpers to check registers, PC, memory, the revert
/// code and the memory leaves the step touched (proof slots, spec §3.3).
#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "test_support/rv_asm.hpp"
#include "vm/interpreter.hpp"

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

class SingleStep : public ::testing::Test {
 protected:
  /// Default PC: 32-byte aligned, in its own page.
  static constexpr uint64_t kPc = 0x10000;
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
    vm::Interpreter<RecordingTracker> interp(st, host, tracker);
    vm::RevertCode rc = interp.step();
    lastSyscall = interp.lastSyscall();
    preimageRead = interp.preimageRead();
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
