// Control transfer and the step procedure (spec §4.2, §4.3, §4.9): LUI/AUIPC, JAL/JALR,
// branches, fetch rules, x0, Step and exited machines.
#include "single_step.hpp"

namespace fpvm::test {
namespace {
using namespace rvasm;

using ControlTest = SingleStep;

TEST_P(ControlTest, Lui) {
  ASSERT_EQ(exec(lui(a0, 0x12345)), kOk);
  EXPECT_EQ(x(a0), 0x12345000u);
  expectNext();
  expectOnlyChanged({a0});
  ASSERT_EQ(exec(lui(a1, 0x80000)), kOk);  // sign-extended from bit 31
  EXPECT_EQ(x(a1), 0xFFFFFFFF80000000ULL);
  ASSERT_EQ(exec(lui(a2, 0xFFFFF)), kOk);
  EXPECT_EQ(x(a2), 0xFFFFFFFFFFFFF000ULL);
}

TEST_P(ControlTest, Auipc) {
  ASSERT_EQ(exec(auipc(a0, 1)), kOk);
  EXPECT_EQ(x(a0), kPc + 0x1000);
  expectNext();
  ASSERT_EQ(exec(auipc(a0, 0xFFFFF)), kOk);  // -0x1000
  EXPECT_EQ(x(a0), kPc - 0x1000);
  ASSERT_EQ(exec(auipc(a0, 0x80000), 0x800), kOk);
  EXPECT_EQ(x(a0), 0xFFFFFFFF80000800ULL);
  ASSERT_EQ(exec(auipc(a0, 0)), kOk);
  EXPECT_EQ(x(a0), kPc);
}

TEST_P(ControlTest, JalLinksAndJumps) {
  ASSERT_EQ(exec(jal(ra, 8)), kOk);
  EXPECT_EQ(st.pc, kPc + 8);
  EXPECT_EQ(x(ra), kPc + 4);
  expectOnlyChanged({ra});
  ASSERT_EQ(exec(jal(t0, -4096)), kOk);
  EXPECT_EQ(st.pc, kPc - 4096);
  EXPECT_EQ(x(t0), kPc + 4);
  ASSERT_EQ(exec(jal(zero, 1048572)), kOk);  // largest positive offset, no link
  EXPECT_EQ(st.pc, kPc + 1048572);
  EXPECT_EQ(x(zero), 0u);
  ASSERT_EQ(exec(jal(ra, -1048576)), kOk);
  EXPECT_EQ(st.pc, kPc - 1048576);
}

TEST_P(ControlTest, JalWrapsAroundAddressSpace) {
  ASSERT_EQ(exec(jal(ra, -8), 0), kOk);
  EXPECT_EQ(st.pc, ~uint64_t(0) - 7);
  EXPECT_EQ(x(ra), 4u);
}

TEST_P(ControlTest, JalMisalignedTargetReverts) {
  EXPECT_EQ(exec(jal(ra, 2)), kMisaligned);  // by 2: no C extension
  EXPECT_EQ(exec(jal(ra, 6)), kMisaligned);
  EXPECT_EQ(exec(jal(ra, -2)), kMisaligned);
}

TEST_P(ControlTest, JalrClearsLowBitAndLinks) {
  set(a0, 0x30000);
  ASSERT_EQ(exec(jalr(ra, a0, 0x11)), kOk);  // 0x30011 & ~1 = 0x30010
  EXPECT_EQ(st.pc, 0x30010u);
  EXPECT_EQ(x(ra), kPc + 4);
  expectOnlyChanged({ra});
  set(a0, 0x30001);
  ASSERT_EQ(exec(jalr(ra, a0, 0)), kOk);  // lsb cleared
  EXPECT_EQ(st.pc, 0x30000u);
  set(a0, 0x30000);
  ASSERT_EQ(exec(jalr(zero, a0, -8)), kOk);
  EXPECT_EQ(st.pc, 0x30000u - 8);
  EXPECT_EQ(x(zero), 0u);
}

TEST_P(ControlTest, JalrRdEqualsRs1ReadsBeforeWrite) {
  set(a0, 0x40000);
  ASSERT_EQ(exec(jalr(a0, a0, 4)), kOk);
  EXPECT_EQ(st.pc, 0x40004u);
  EXPECT_EQ(x(a0), kPc + 4);
}

TEST_P(ControlTest, JalrMisalignedTargetReverts) {
  set(a0, 0x30000);
  EXPECT_EQ(exec(jalr(ra, a0, 2)), kMisaligned);
  EXPECT_EQ(exec(jalr(ra, a0, 3)), kMisaligned);  // 0x30003 & ~1 = 0x30002
  set(a0, 0x30006);
  EXPECT_EQ(exec(jalr(ra, a0, 0)), kMisaligned);
}

TEST_P(ControlTest, JalrIgnoresFunct3) {
  for (uint32_t f3 = 0; f3 < 8; ++f3) {
    set(a0, 0x50000);
    ASSERT_EQ(exec(encI(kOpJalr, ra, f3, a0, 8)), kOk) << "funct3 " << f3;
    EXPECT_EQ(st.pc, 0x50008u);
    EXPECT_EQ(x(ra), kPc + 4);
  }
}

struct BranchCase {
  const char* name;
  uint32_t f3;
  uint64_t a, b;
  bool taken;
};

TEST_P(ControlTest, AllBranchConditions) {
  const uint64_t m1 = kAllOnes;
  const BranchCase cases[] = {
      {"beq eq", 0, 5, 5, true},          {"beq ne", 0, 5, 6, false},
      {"bne ne", 1, 5, 6, true},          {"bne eq", 1, 5, 5, false},
      {"blt -1<1", 4, m1, 1, true},       {"blt 1<-1", 4, 1, m1, false},
      {"blt eq", 4, 3, 3, false},         {"blt min<max", 4, kMinI64, kMinI64 - 1, true},
      {"bge 1>=-1", 5, 1, m1, true},      {"bge eq", 5, m1, m1, true},
      {"bge -1>=1", 5, m1, 1, false},     {"bltu 1<-1", 6, 1, m1, true},
      {"bltu -1<1", 6, m1, 1, false},     {"bltu eq", 6, 7, 7, false},
      {"bgeu -1>=1", 7, m1, 1, true},     {"bgeu eq", 7, 0, 0, true},
      {"bgeu 1>=-1", 7, 1, m1, false},    {"funct3 2 eq", 2, 5, 5, false},
      {"funct3 2 ne", 2, 5, 6, false},    {"funct3 3 eq", 3, 0, 0, false},
      {"funct3 3 ne", 3, m1, 1, false},
  };
  for (const auto& c : cases) {
    for (int32_t off : {16, -16, 4094 - 2, -4096}) {
      set(a0, c.a);
      set(a1, c.b);
      ASSERT_EQ(exec(branch(c.f3, a0, a1, off)), kOk) << c.name;
      EXPECT_EQ(st.pc, c.taken ? kPc + int64_t(off) : kPc + 4) << c.name << " offset " << off;
      expectOnlyChanged({});
    }
  }
}

TEST_P(ControlTest, BranchMisalignedTargetRevertsOnlyWhenTaken) {
  set(a0, 1);
  set(a1, 1);
  EXPECT_EQ(exec(beq(a0, a1, 6)), kMisaligned);
  EXPECT_EQ(exec(beq(a0, a1, 2)), kMisaligned);
  EXPECT_EQ(exec(bne(a0, a1, 6)), kOk);  // not taken: PC+4
  expectNext();
  EXPECT_EQ(exec(branch(2, a0, a1, 6)), kOk);  // never taken
  expectNext();
  EXPECT_EQ(exec(branch(3, a0, a1, 2)), kOk);
  expectNext();
}

TEST_P(ControlTest, NotTakenBranchFromMisalignedPcReverts) {
  // PC ≡ 2 (mod 4) is fetchable inside a leaf; the not-taken successor PC+4 is misaligned too.
  set(a0, 1);
  EXPECT_EQ(exec(beq(a0, zero, 8), kPc + 2), kMisaligned);
  EXPECT_EQ(exec(beq(zero, zero, 6), kPc + 2), kOk);  // taken to an aligned target
  EXPECT_EQ(st.pc, kPc + 8);
}

TEST_P(ControlTest, FetchCrossingALeafReverts) {
  EXPECT_EQ(exec(nop(), kPc + 30), kFetchCrosses);
  EXPECT_EQ(exec(nop(), kPc + 29), kFetchCrosses);
  EXPECT_EQ(exec(nop(), kPc + 31), kFetchCrosses);
  EXPECT_EQ(exec(nop(), kPc + 28), kOk);  // the last 4 bytes of the leaf
  expectNext(kPc + 28);
}

TEST_P(ControlTest, FetchAtPcWithOffset2WithinLeafExecutes) {
  ASSERT_EQ(exec(addi(a0, zero, 7), kPc + 2), kOk);
  EXPECT_EQ(x(a0), 7u);
  EXPECT_EQ(st.pc, kPc + 6);
}

TEST_P(ControlTest, FetchUsesOnlySlotZero) {
  ASSERT_EQ(exec(addi(a0, a0, 1), kPc + 8), kOk);
  EXPECT_EQ(slots(), std::vector<unsigned>{0});
  EXPECT_EQ(leaves(), std::vector<uint64_t>{kPc});
}

TEST_P(ControlTest, X0IsNeverWritten) {
  EXPECT_EQ(exec(addi(zero, zero, 5)), kOk);
  EXPECT_EQ(exec(lui(zero, 0x12345)), kOk);
  EXPECT_EQ(exec(auipc(zero, 1)), kOk);
  EXPECT_EQ(exec(jal(zero, 8)), kOk);
  set(a0, 0x100);
  st.memory.store(0x100, 8, 0x1234);
  EXPECT_EQ(exec(ld(zero, a0, 0)), kOk);
  EXPECT_EQ(exec(add(zero, a0, a0)), kOk);
  EXPECT_EQ(exec(mul(zero, a0, a0)), kOk);
  EXPECT_EQ(exec(csrrs(zero, kCsrMhartid, zero)), kOk);
  EXPECT_EQ(exec(amoswap_d(zero, a0, a0)), kOk);
  EXPECT_EQ(st.memory.load(0x100, 8), 0x100u);  // the swap still happened
  EXPECT_EQ(x(zero), 0u);
}

TEST_P(ControlTest, StepIncrementsOncePerStepIncludingReverts) {
  st.step = 41;
  ASSERT_EQ(exec(nop()), kOk);
  EXPECT_EQ(st.step, 42u);
  ASSERT_EQ(exec(0xFFFFFFFF), kUnknownOpcode);
  EXPECT_EQ(st.step, 43u);
}

TEST_P(ControlTest, ExitedMachineDoesNotStep) {
  st.exited = true;
  st.exitCode = 3;
  st.step = 10;
  set(a0, 1);
  ASSERT_EQ(exec(addi(a0, a0, 1)), kOk);
  EXPECT_EQ(st.step, 10u);
  EXPECT_EQ(st.pc, kPc);
  EXPECT_EQ(x(a0), 1u);
  EXPECT_TRUE(tracker.accesses.empty());  // no proof needed
  ASSERT_EQ(exec(0xFFFFFFFF), kOk);         // not even an invalid instruction reverts
  EXPECT_EQ(st.step, 10u);
}

TEST_P(ControlTest, NoExtraStateChangesOnPlainInstruction) {
  st.loadReservation = 0x1230;
  st.preimageOffset = 9;
  st.heap = 0x5000;
  ASSERT_EQ(exec(addi(a0, a0, 1)), kOk);
  EXPECT_EQ(st.loadReservation, 0x1230u);
  EXPECT_EQ(st.preimageOffset, 9u);
  EXPECT_EQ(st.heap, 0x5000u);
  EXPECT_FALSE(st.exited);
}

FPVM_ALL_ENGINE_VARIANTS(ControlTest);

}  // namespace
}  // namespace fpvm::test
