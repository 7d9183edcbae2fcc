// Jumps, branches and delay slots (docs/spec/cannon-mt64.md §5.3), fetch (§5.1) and invalid
// instructions (§5.9), each step cross-checked against the verifier.
#include <gtest/gtest.h>

#include "encoder.hpp"
#include "mips64/subword.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

constexpr uint64_t kAll = ~uint64_t(0);

/// Executes a branch at kCodeBase and reports whether it was taken (nextPC = target).
bool taken(uint32_t insn, uint64_t rs, uint64_t rt = 0) {
  TestVm vm;
  vm.program({insn});
  vm.reg(8) = rs;
  vm.reg(9) = rt;
  const StepOutcome o = vm.step();
  EXPECT_TRUE(o.ok()) << revertName(o.revert);
  EXPECT_EQ(vm.thread().pc, kCodeBase + 4);  // the delay slot runs next
  const uint64_t target = kCodeBase + 4 + (signExtend(insn & 0xFFFF, 16) << 2);
  if (vm.thread().nextPC == target) return true;
  EXPECT_EQ(vm.thread().nextPC, kCodeBase + 8);
  return false;
}

TEST(Mips64Control, ConditionalBranches) {
  EXPECT_TRUE(taken(beq(8, 9, 4), 5, 5));
  EXPECT_FALSE(taken(beq(8, 9, 4), 5, 0x1'0000'0005));  // 64-bit compare
  EXPECT_TRUE(taken(bne(8, 9, -3), 5, 6));
  EXPECT_FALSE(taken(bne(8, 9, -3), 6, 6));
  EXPECT_TRUE(taken(blez(8, 2), 0));
  EXPECT_TRUE(taken(blez(8, 2), kAll));
  EXPECT_FALSE(taken(blez(8, 2), 0x8000'0000));  // positive as a 64-bit value
  EXPECT_TRUE(taken(bgtz(8, 2), 1));
  EXPECT_FALSE(taken(bgtz(8, 2), 0x8000'0000'0000'0000));
  EXPECT_TRUE(taken(bltz(8, 7), kAll));
  EXPECT_FALSE(taken(bltz(8, 7), 0));
  EXPECT_TRUE(taken(bgez(8, 7), 0));
  EXPECT_FALSE(taken(bgez(8, 7), kAll));
  // BLEZ/BGTZ ignore their rt field.
  EXPECT_TRUE(taken(blez(8, 2) | (9u << 16), 0, 5));
}

TEST(Mips64Control, BranchAndLinkAlwaysLinks) {
  for (bool negative : {true, false}) {
    for (uint32_t insn : {bltzal(8, 5), bgezal(8, 5)}) {
      TestVm vm;
      vm.program({insn});
      vm.reg(8) = negative ? kAll : 1;
      ASSERT_TRUE(vm.step().ok());
      EXPECT_EQ(vm.reg(31), kCodeBase + 8) << std::hex << insn;
      const bool isBltzal = ((insn >> 16) & 31) == 0x10;
      EXPECT_EQ(vm.thread().nextPC == kCodeBase + 4 + 20, isBltzal == negative);
    }
  }
}

TEST(Mips64Control, UnknownRegimmIsANeverTakenBranch) {
  for (uint32_t rtField : {0x02u, 0x03u, 0x08u, 0x0Cu, 0x12u, 0x13u, 0x1Fu}) {  // BLTZL, BGEZL, TGEI, TEQI, …
    EXPECT_FALSE(taken(regimm(rtField, 8, 4), kAll)) << rtField;
    EXPECT_FALSE(taken(regimm(rtField, 8, 4), 0)) << rtField;
    // Still a branch: invalid in a delay slot.
    TestVm vm;
    vm.program({regimm(rtField, 8, 4)});
    vm.thread().nextPC = 0x4000;
    vm.expectRevert(Revert::BranchInDelaySlot);
  }
}

TEST(Mips64Control, DelaySlotExecutesBeforeTheTarget) {
  TestVm vm;
  vm.program({beq(0, 0, 2), addiu(2, 0, 1), addiu(3, 0, 1), addiu(4, 0, 1)});
  vm.run(3);  // beq, delay slot, target (kCodeBase + 12)
  EXPECT_EQ(vm.reg(2), 1u);
  EXPECT_EQ(vm.reg(3), 0u);  // skipped
  EXPECT_EQ(vm.reg(4), 1u);
  EXPECT_EQ(vm.thread().pc, kCodeBase + 16);
}

TEST(Mips64Control, JumpUsesTheDelaySlotRegion) {
  // Spec vector: J at pc 0x1_2FFF_FFFC (nextPC 0x1_3000_0000), insn 0x08000010 → 0x1_3000_0040.
  TestVm vm(0x1'2FFF'FFFC);
  EXPECT_EQ(j(0x10), 0x08000010u);
  vm.program({0x08000010});
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.thread().pc, 0x1'3000'0000u);
  EXPECT_EQ(vm.thread().nextPC, 0x1'3000'0040u);
}

TEST(Mips64Control, JalLinksPastTheDelaySlot) {
  TestVm vm;
  vm.program({jal(0x123456)});
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.reg(31), kCodeBase + 8);
  EXPECT_EQ(vm.thread().nextPC, 0x123456u << 2);
}

TEST(Mips64Control, JrAndJalr) {
  TestVm vm;
  vm.program({jr(8)});
  vm.reg(8) = 0xDEAD'BEE0;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.thread().nextPC, 0xDEAD'BEE0u);
  EXPECT_EQ(vm.reg(31), 0u);

  TestVm vm2;
  vm2.program({jalr(7, 8)});
  vm2.reg(8) = 0x2000;
  ASSERT_TRUE(vm2.step().ok());
  EXPECT_EQ(vm2.reg(7), kCodeBase + 8);
  EXPECT_EQ(vm2.thread().nextPC, 0x2000u);

  TestVm vm3;  // JALR with rd = 0 links nowhere; JR ignores its rd field
  vm3.program({jalr(0, 8), nop(), nop()});
  vm3.reg(8) = 0x3000;
  ASSERT_TRUE(vm3.step().ok());
  EXPECT_EQ(vm3.reg(0), 0u);
  TestVm vm4;
  vm4.program({special(0x08, 5, 8, 0)});
  vm4.reg(8) = 0x3000;
  ASSERT_TRUE(vm4.step().ok());
  EXPECT_EQ(vm4.reg(5), 0u);
}

TEST(Mips64Control, MisalignedTargetRevertsAtItsFetch) {
  TestVm vm;
  vm.program({jr(8), nop()});
  vm.reg(8) = 0x2002;
  vm.run(2);  // the jump and its delay slot are fine
  EXPECT_EQ(vm.thread().pc, 0x2002u);
  vm.expectRevert(Revert::InvalidPC);
}

TEST(Mips64Control, JumpOrBranchInADelaySlotReverts) {
  for (uint32_t insn : {j(0x100), jal(0x100), jr(8), jalr(31, 8)}) {
    TestVm vm;
    vm.program({insn});
    vm.thread().nextPC = 0x5000;  // executing a delay slot
    vm.expectRevert(Revert::JumpInDelaySlot);
  }
  for (uint32_t insn : {beq(0, 0, 1), bne(8, 0, 1), blez(0, 1), bgtz(8, 1), bltz(0, 1), bgezal(0, 1)}) {
    TestVm vm;
    vm.program({insn});
    vm.thread().nextPC = 0x5000;
    vm.expectRevert(Revert::BranchInDelaySlot);
  }
  // Back to back: the second jump sits in the first one's delay slot.
  TestVm vm;
  vm.program({j(0x800), j(0x900)});
  ASSERT_TRUE(vm.step().ok());
  vm.expectRevert(Revert::JumpInDelaySlot);
}

TEST(Mips64Control, UnalignedPcReverts) {
  TestVm vm(kCodeBase + 2);
  vm.expectRevert(Revert::InvalidPC);
}

TEST(Mips64Control, FetchSelectsTheHalfOfTheDoubleword) {
  TestVm vm;
  vm.code(kCodeBase, {addiu(2, 0, 1), addiu(3, 0, 2)});
  ASSERT_TRUE(vm.step().ok());
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.reg(2), 1u);
  EXPECT_EQ(vm.reg(3), 2u);
}

TEST(Mips64Control, InvalidInstructionsRevert) {
  std::vector<uint32_t> invalid;
  for (uint32_t fun : {0x01u, 0x05u, 0x0Du, 0x0Eu, 0x15u, 0x28u, 0x29u, 0x30u, 0x31u, 0x32u, 0x33u, 0x34u, 0x35u, 0x36u,
                       0x37u, 0x39u, 0x3Du})
    invalid.push_back(special(fun, 1, 2, 3));
  for (uint32_t op = 0x10; op <= 0x17; ++op) invalid.push_back(iType(op, 1, 2, 3));  // COPx, branch-likely
  for (uint32_t op : {0x1Du, 0x1Eu, 0x1Fu}) invalid.push_back(iType(op, 1, 2, 3));   // incl. SPECIAL3 (RDHWR)
  invalid.push_back(0x7C03E83B);                                                    // rdhwr $3, $29
  for (uint32_t fun : {0x00u, 0x01u, 0x04u, 0x05u, 0x3Fu}) invalid.push_back(special2(fun, 1, 2, 3));  // MADD, …
  for (uint32_t insn : invalid) {
    TestVm vm;
    vm.program({insn});
    SCOPED_TRACE(insn);
    vm.expectRevert(Revert::InvalidInstruction);
  }
}

TEST(Mips64Control, InvalidMemoryOpcodesReadMemoryFirst) {
  for (uint32_t op : {0x2Fu, 0x31u, 0x32u, 0x33u, 0x35u, 0x36u, 0x39u, 0x3Au, 0x3Bu, 0x3Du, 0x3Eu}) {
    TestVm vm;
    vm.program({iType(op, 8, 2, 0x10)});
    vm.reg(8) = 0x8000;
    const StepOutcome o = vm.step();
    EXPECT_EQ(o.revert, Revert::InvalidInstruction) << op;
    EXPECT_EQ(o.proofAddress[1], std::optional<uint64_t>(0x8010)) << op;
  }
}

}  // namespace
}  // namespace fpvm::mips64::test
