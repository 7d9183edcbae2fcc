// ALU, shifts, immediates, SPECIAL2 and HI/LO instructions (docs/spec/cannon-mt64.md §5.2–§5.5,
// §5.7, §5.10), one instruction per case, each step cross-checked against the verifier.
#include <gtest/gtest.h>

#include <utility>

#include "encoder.hpp"
#include "mips64/subword.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

using Regs = std::initializer_list<std::pair<unsigned, uint64_t>>;

/// Runs `insn` with `regs` set and returns the thread afterwards.
Thread exec(uint32_t insn, Regs regs, uint64_t hi = 0, uint64_t lo = 0) {
  TestVm vm;
  vm.program({insn});
  for (auto [r, v] : regs) vm.reg(r) = v;
  vm.thread().hi = hi;
  vm.thread().lo = lo;
  const StepOutcome o = vm.step();
  EXPECT_TRUE(o.ok()) << revertName(o.revert);
  EXPECT_EQ(o.kind, StepKind::Executed);
  const Thread t = vm.thread();
  EXPECT_EQ(t.pc, kCodeBase + 4);
  EXPECT_EQ(t.nextPC, kCodeBase + 8);
  EXPECT_EQ(vm.state.step, 1u);
  EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, 1u);
  return t;
}

/// The value `insn` leaves in register `out`.
uint64_t result(uint32_t insn, Regs regs, unsigned out) { return exec(insn, regs).registers[out]; }

constexpr uint64_t kAll = ~uint64_t(0);

TEST(Mips64Alu, SpecHandVectors) {
  // 0x240213C2 = ADDIU r2, r0, 5058; 0x3C088000 = LUI r8, 0x8000.
  EXPECT_EQ(addiu(2, 0, 5058), 0x240213C2u);
  EXPECT_EQ(result(0x240213C2, {}, 2), 5058u);
  EXPECT_EQ(lui(8, 0x8000), 0x3C088000u);
  EXPECT_EQ(result(0x3C088000, {}, 8), 0xFFFF'FFFF'8000'0000u);
  // 0x70821020 = CLZ r2, r4.
  EXPECT_EQ(clz(2, 4), 0x70821020u);
  EXPECT_EQ(result(0x70821020, {{4, 0}}, 2), 32u);
  EXPECT_EQ(result(0x70821020, {{4, 0xFFFF'FFFF'0000'0001}}, 2), 31u);
  EXPECT_EQ(result(dclz(2, 4), {{4, 1}}, 2), 63u);
  EXPECT_EQ(result(dclo(2, 4), {{4, kAll}}, 2), 64u);
  EXPECT_EQ(result(dsra32(2, 4, 31), {{4, 0x8000'0000'0000'0000}}, 2), kAll);
  EXPECT_EQ(result(sra(2, 4, 4), {{4, 0x8000'0000}}, 2), 0xFFFF'FFFF'F800'0000u);
  EXPECT_EQ(result(srl(2, 4, 0), {{4, 0x8000'0000}}, 2), 0xFFFF'FFFF'8000'0000u);
  const Thread t = exec(divu(4, 5), {{4, 0xFFFF'FFFF}, {5, 1}});
  EXPECT_EQ(t.lo, kAll);
  EXPECT_EQ(t.hi, 0u);
  // 0x00000000 = NOP, 0x0000000F = SYNC: nothing but the pc moves.
  const Thread n = exec(nop(), {{3, 7}});
  EXPECT_EQ(n.registers[3], 7u);
  const Thread y = exec(sync(), {{3, 7}});
  EXPECT_EQ(y.registers[3], 7u);
}

TEST(Mips64Alu, CannonGoTestVectors) {
  // evm_common64_test.go.
  EXPECT_EQ(result(dadd(3, 1, 2), {{1, 0xFFFF'FFFF}, {2, 0x12}}, 3), 0x1'0000'0011u);
  EXPECT_EQ(result(dsubu(3, 1, 2), {{1, 0x8000'0000'0000'0000}, {2, 0x7FFF'FFFF'FFFF'FFFF}}, 3), 1u);
  EXPECT_EQ(result(dsrav(3, 2, 1), {{2, 0x8000'0000'0000'0020}, {1, 1}}, 3), 0xC000'0000'0000'0010u);
  EXPECT_EQ(result(slt(3, 1, 2), {{1, 0xFFFF'FFFE}, {2, 5}}, 3), 0u);
  EXPECT_EQ(result(slt(3, 1, 2), {{1, 0xFFFF'FFFF'FFFF'FFFE}, {2, 5}}, 3), 1u);
}

TEST(Mips64Alu, ThirtyTwoBitShiftsSignExtend) {
  EXPECT_EQ(result(sll(2, 3, 4), {{3, 0x0800'0001}}, 2), 0xFFFF'FFFF'8000'0010u);
  EXPECT_EQ(result(sll(2, 3, 0), {{3, 0x1'7FFF'FFFF}}, 2), 0x7FFF'FFFFu);
  EXPECT_EQ(result(srl(2, 3, 4), {{3, 0xFFFF'FFFF'0000'0010}}, 2), 1u);
  EXPECT_EQ(result(sra(2, 3, 31), {{3, 0x8000'0000}}, 2), kAll);
  EXPECT_EQ(result(sra(2, 3, 0), {{3, 0x1'8000'0000}}, 2), 0xFFFF'FFFF'8000'0000u);
  EXPECT_EQ(result(sllv(2, 3, 4), {{3, 1}, {4, 33}}, 2), 2u);  // shift amount = rs & 31
  EXPECT_EQ(result(srlv(2, 3, 4), {{3, 0xF0}, {4, 0x24}}, 2), 0xFu);
  EXPECT_EQ(result(srav(2, 3, 4), {{3, 0xF000'0000}, {4, 4}}, 2), 0xFFFF'FFFF'FF00'0000u);
  // ROTR (SRL with bit 21 set) and ROTRV (SRLV with sa = 1) execute as plain logical shifts.
  EXPECT_EQ(result(srl(2, 3, 4) | (1u << 21), {{3, 0x1F}}, 2), 1u);
  EXPECT_EQ(result(srlv(2, 3, 4) | (1u << 6), {{3, 0x1F}, {4, 4}}, 2), 1u);
}

TEST(Mips64Alu, DoublewordShifts) {
  EXPECT_EQ(result(dsll(2, 3, 4), {{3, 0x1000'0000'0000'0001}}, 2), 0x10u);
  EXPECT_EQ(result(dsrl(2, 3, 4), {{3, 0x8000'0000'0000'0000}}, 2), 0x0800'0000'0000'0000u);
  EXPECT_EQ(result(dsra(2, 3, 4), {{3, 0x8000'0000'0000'0000}}, 2), 0xF800'0000'0000'0000u);
  EXPECT_EQ(result(dsll32(2, 3, 0), {{3, 0x1'0000'0001}}, 2), 0x1'0000'0000u);
  EXPECT_EQ(result(dsrl32(2, 3, 31), {{3, kAll}}, 2), 1u);
  EXPECT_EQ(result(dsllv(2, 3, 4), {{3, 1}, {4, 64 + 63}}, 2), 0x8000'0000'0000'0000u);  // rs & 63
  EXPECT_EQ(result(dsrlv(2, 3, 4), {{3, kAll}, {4, 60}}, 2), 0xFu);
}

TEST(Mips64Alu, AddSubNeverTrap) {
  EXPECT_EQ(result(add(2, 3, 4), {{3, 0x7FFF'FFFF}, {4, 1}}, 2), 0xFFFF'FFFF'8000'0000u);
  EXPECT_EQ(result(addu(2, 3, 4), {{3, 0xFFFF'FFFF'0000'0001}, {4, 0x1'0000'0001}}, 2), 2u);
  EXPECT_EQ(result(sub(2, 3, 4), {{3, 0x8000'0000}, {4, 1}}, 2), 0x7FFF'FFFFu);
  EXPECT_EQ(result(subu(2, 3, 4), {{3, 0}, {4, 1}}, 2), kAll);
  EXPECT_EQ(result(dadd(2, 3, 4), {{3, 0x7FFF'FFFF'FFFF'FFFF}, {4, 1}}, 2), 0x8000'0000'0000'0000u);
  EXPECT_EQ(result(dsub(2, 3, 4), {{3, 0}, {4, 1}}, 2), kAll);
  EXPECT_EQ(result(addi(2, 3, 0x7FFF), {{3, 0x7FFF'FFFF}}, 2), 0xFFFF'FFFF'8000'7FFEu);
  EXPECT_EQ(result(addiu(2, 3, -1), {{3, 0}}, 2), kAll);
  EXPECT_EQ(result(daddi(2, 3, -2), {{3, 1}}, 2), kAll);
  EXPECT_EQ(result(daddiu(2, 3, 0x10), {{3, 0xFFFF'FFFF'FFFF'FFF0}}, 2), 0u);
}

TEST(Mips64Alu, LogicAndCompare) {
  EXPECT_EQ(result(and_(2, 3, 4), {{3, 0xFF00}, {4, 0x0FF0}}, 2), 0x0F00u);
  EXPECT_EQ(result(or_(2, 3, 4), {{3, 0xFF00}, {4, 0x0FF0}}, 2), 0xFFF0u);
  EXPECT_EQ(result(xor_(2, 3, 4), {{3, 0xFF00}, {4, 0x0FF0}}, 2), 0xF0F0u);
  EXPECT_EQ(result(nor(2, 3, 4), {{3, 0xFF00}, {4, 0x0FF0}}, 2), ~uint64_t(0xFFF0));
  EXPECT_EQ(result(sltu(2, 3, 4), {{3, 1}, {4, kAll}}, 2), 1u);
  EXPECT_EQ(result(slt(2, 3, 4), {{3, 1}, {4, kAll}}, 2), 0u);
  // Immediates: ANDI/ORI/XORI zero-extend, SLTI/SLTIU sign-extend.
  EXPECT_EQ(result(andi(2, 3, 0x8001), {{3, kAll}}, 2), 0x8001u);
  EXPECT_EQ(result(ori(2, 3, 0x8000), {{3, 0x1'0000'0000}}, 2), 0x1'0000'8000u);
  EXPECT_EQ(result(xori(2, 3, 0xFFFF), {{3, kAll}}, 2), 0xFFFF'FFFF'FFFF'0000u);
  EXPECT_EQ(result(slti(2, 3, -1), {{3, uint64_t(-2)}}, 2), 1u);
  EXPECT_EQ(result(sltiu(2, 3, -1), {{3, 5}}, 2), 1u);  // compares against 0xFFFF…FFFF
  EXPECT_EQ(result(sltiu(2, 3, 5), {{3, 5}}, 2), 0u);
  EXPECT_EQ(result(lui(2, 0x1234), {}, 2), 0x1234'0000u);
}

TEST(Mips64Alu, WritesToR0AreDiscarded) {
  const Thread t = exec(addiu(0, 0, 5), {});
  EXPECT_EQ(t.registers[0], 0u);
}

TEST(Mips64Alu, ConditionalMoves) {
  EXPECT_EQ(result(movz(2, 3, 4), {{2, 9}, {3, 7}, {4, 0}}, 2), 7u);
  EXPECT_EQ(result(movz(2, 3, 4), {{2, 9}, {3, 7}, {4, 1}}, 2), 9u);
  EXPECT_EQ(result(movn(2, 3, 4), {{2, 9}, {3, 7}, {4, 1}}, 2), 7u);
  EXPECT_EQ(result(movn(2, 3, 4), {{2, 9}, {3, 7}, {4, 0}}, 2), 9u);
}

TEST(Mips64Alu, SyncWritesRsToRd) {
  // SYNC is a no-op in real encodings (rd = 0) but formally copies rs to rd (spec §5.4 quirk).
  EXPECT_EQ(result(special(0x0F, 5, 6, 0), {{6, 0xABC}}, 5), 0xABCu);
}

TEST(Mips64Alu, Special2) {
  EXPECT_EQ(result(mul(2, 3, 4), {{3, 0x1'0000'0003}, {4, 0xFFFF'FFFF}}, 2), uint64_t(-3));
  EXPECT_EQ(result(mul(2, 3, 4), {{3, 0x10000}, {4, 0x8000}}, 2), 0xFFFF'FFFF'8000'0000u);
  EXPECT_EQ(result(clz(2, 3), {{3, 0x0000'8000}}, 2), 16u);
  EXPECT_EQ(result(clo(2, 3), {{3, 0xFFFF'FFFF}}, 2), 32u);
  EXPECT_EQ(result(clo(2, 3), {{3, 0x0000'0000'F000'0000}}, 2), 4u);
  EXPECT_EQ(result(clo(2, 3), {{3, 0xFFFF'FFFF'0000'0000}}, 2), 0u);  // upper half ignored
  EXPECT_EQ(result(dclz(2, 3), {{3, 0}}, 2), 64u);
  EXPECT_EQ(result(dclo(2, 3), {{3, 0xFF00'0000'0000'0000}}, 2), 8u);
  // MUL leaves HI/LO alone.
  const Thread t = exec(mul(2, 3, 4), {{3, 2}, {4, 3}}, 0x11, 0x22);
  EXPECT_EQ(t.hi, 0x11u);
  EXPECT_EQ(t.lo, 0x22u);
}

TEST(Mips64Alu, HiLoMoves) {
  EXPECT_EQ(exec(mfhi(2), {}, 0x1234, 0).registers[2], 0x1234u);
  EXPECT_EQ(exec(mflo(2), {}, 0, 0x5678).registers[2], 0x5678u);
  EXPECT_EQ(exec(mthi(3), {{3, 0xAA}}).hi, 0xAAu);
  EXPECT_EQ(exec(mtlo(3), {{3, 0xBB}}).lo, 0xBBu);
  // A non-canonical rd on MTHI/MULT/… is zeroed (spec §5.5 quirk).
  const Thread t = exec(special(0x11, 9, 3, 0), {{3, 0xAA}, {9, 0x99}});
  EXPECT_EQ(t.hi, 0xAAu);
  EXPECT_EQ(t.registers[9], 0u);
  const Thread m = exec(special(0x18, 9, 3, 4), {{3, 2}, {4, 3}, {9, 0x99}});
  EXPECT_EQ(m.lo, 6u);
  EXPECT_EQ(m.registers[9], 0u);
}

TEST(Mips64Alu, Multiply) {
  Thread t = exec(mult(3, 4), {{3, 0xFFFF'FFFF}, {4, 2}});  // -1 · 2
  EXPECT_EQ(t.hi, kAll);
  EXPECT_EQ(t.lo, uint64_t(-2));
  t = exec(mult(3, 4), {{3, 0x4000'0000}, {4, 4}});  // 2^32: hi = 1, lo = 0
  EXPECT_EQ(t.hi, 1u);
  EXPECT_EQ(t.lo, 0u);
  t = exec(multu(3, 4), {{3, 0xFFFF'FFFF}, {4, 0xFFFF'FFFF}});  // 0xFFFFFFFE_00000001
  EXPECT_EQ(t.hi, 0xFFFF'FFFF'FFFF'FFFEu);                     // sign-extended
  EXPECT_EQ(t.lo, 1u);
  t = exec(multu(3, 4), {{3, 0x1'0000'0002}, {4, 0x8000'0000}});  // upper halves ignored
  EXPECT_EQ(t.hi, 1u);
  EXPECT_EQ(t.lo, 0u);
  t = exec(dmult(3, 4), {{3, kAll}, {4, 5}});
  EXPECT_EQ(t.hi, kAll);
  EXPECT_EQ(t.lo, uint64_t(-5));
  t = exec(dmultu(3, 4), {{3, kAll}, {4, kAll}});
  EXPECT_EQ(t.hi, 0xFFFF'FFFF'FFFF'FFFEu);
  EXPECT_EQ(t.lo, 1u);
}

TEST(Mips64Alu, Divide) {
  Thread t = exec(div(3, 4), {{3, uint64_t(-7)}, {4, 2}});
  EXPECT_EQ(t.lo, uint64_t(-3));
  EXPECT_EQ(t.hi, uint64_t(-1));
  t = exec(div(3, 4), {{3, 0x8000'0000}, {4, 0xFFFF'FFFF}});  // INT32_MIN / -1 wraps
  EXPECT_EQ(t.lo, 0xFFFF'FFFF'8000'0000u);
  EXPECT_EQ(t.hi, 0u);
  t = exec(divu(3, 4), {{3, 0xFFFF'FFFF}, {4, 0x10}});
  EXPECT_EQ(t.lo, 0x0FFF'FFFFu);
  EXPECT_EQ(t.hi, 0xFu);
  t = exec(divu(3, 4), {{3, 0x8000'0001}, {4, 0x1'0000'0000 | 0x8000'0000}});  // upper halves ignored
  EXPECT_EQ(t.lo, 1u);
  EXPECT_EQ(t.hi, 1u);
  t = exec(ddiv(3, 4), {{3, uint64_t(-9)}, {4, 4}});
  EXPECT_EQ(t.lo, uint64_t(-2));
  EXPECT_EQ(t.hi, uint64_t(-1));
  t = exec(ddiv(3, 4), {{3, 0x8000'0000'0000'0000}, {4, kAll}});
  EXPECT_EQ(t.lo, 0x8000'0000'0000'0000u);
  EXPECT_EQ(t.hi, 0u);
  t = exec(ddivu(3, 4), {{3, kAll}, {4, 0x10}});
  EXPECT_EQ(t.lo, 0x0FFF'FFFF'FFFF'FFFFu);
  EXPECT_EQ(t.hi, 0xFu);
}

TEST(Mips64Alu, DivisionByZeroReverts) {
  for (uint32_t insn : {div(3, 4), divu(3, 4)}) {
    TestVm vm;
    vm.program({insn});
    vm.reg(3) = 1;
    vm.reg(4) = 0x1'0000'0000;  // low 32 bits zero
    vm.expectRevert(Revert::DivisionByZero);
  }
  for (uint32_t insn : {ddiv(3, 4), ddivu(3, 4)}) {
    TestVm vm;
    vm.program({insn});
    vm.reg(3) = 1;
    vm.expectRevert(Revert::DivisionByZero);
  }
}

}  // namespace
}  // namespace fpvm::mips64::test
