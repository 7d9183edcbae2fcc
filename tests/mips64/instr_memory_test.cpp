// Loads, stores and LL/SC (docs/spec/cannon-mt64.md §5.6, §5.8, §3.4, vectors of §5.10), each
// step cross-checked against the verifier.
#include <gtest/gtest.h>

#include "encoder.hpp"
#include "mips64/subword.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

constexpr uint64_t kData = 0x8000;
constexpr uint64_t kAll = ~uint64_t(0);

/// Runs one load/store `insn` (base r8 = kData) with doubleword `m` at kData and rt (r9) = `rt`;
/// returns {r9 afterwards, the doubleword afterwards}.
std::pair<uint64_t, uint64_t> access(uint32_t insn, uint64_t m, uint64_t rt = 0, uint64_t base = kData) {
  TestVm vm;
  vm.program({insn});
  vm.poke(base & ~uint64_t(7), m);
  vm.reg(8) = base;
  vm.reg(9) = rt;
  const StepOutcome o = vm.step();
  EXPECT_TRUE(o.ok()) << revertName(o.revert);
  EXPECT_EQ(vm.thread().pc, kCodeBase + 4);
  return {vm.reg(9), vm.peek(base & ~uint64_t(7))};
}
uint64_t loaded(uint32_t insn, uint64_t m, uint64_t rt = 0) { return access(insn, m, rt).first; }
uint64_t stored(uint32_t insn, uint64_t m, uint64_t rt) { return access(insn, m, rt).second; }

TEST(Mips64Memory, SubwordSelectionVectors) {
  // exec/mips_instructions64_test.go: M = 0x12345678_98765432.
  const uint64_t m = 0x1234'5678'9876'5432;
  for (uint64_t ea = 0; ea < 4; ++ea) EXPECT_EQ(selectField(ea, m, 4), 0x1234'5678u);
  for (uint64_t ea = 4; ea < 8; ++ea) EXPECT_EQ(selectField(ea, m, 4), 0x9876'5432u);
  EXPECT_EQ(selectField(5, m, 1), 0x76u);
  EXPECT_EQ(updateField(5, m, 1, 0xAB), 0x1234'5678'98AB'5432u);
  EXPECT_EQ(updateField(2, m, 2, 0xFFFF'0000'CDEF), 0x1234'CDEF'9876'5432u);
}

TEST(Mips64Memory, Loads) {
  const uint64_t m = 0x8081'8283'8485'8687;
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(loaded(lb(9, i, 8), m), signExtend(0x80 + i, 8)) << i;
    EXPECT_EQ(loaded(lbu(9, i, 8), m), uint64_t(0x80 + i)) << i;
  }
  EXPECT_EQ(loaded(lh(9, 2, 8), m), 0xFFFF'FFFF'FFFF'8283u);
  EXPECT_EQ(loaded(lhu(9, 6, 8), m), 0x8687u);
  EXPECT_EQ(loaded(lw(9, 0, 8), m), 0xFFFF'FFFF'8081'8283u);
  EXPECT_EQ(loaded(lw(9, 4, 8), 0x0000'0000'7F00'0001), 0x7F00'0001u);
  EXPECT_EQ(loaded(lwu(9, 0, 8), m), 0x8081'8283u);
  EXPECT_EQ(loaded(lwu(9, 4, 8), m), 0x8485'8687u);
  EXPECT_EQ(loaded(ld(9, 0, 8), m), m);
  // Negative offsets wrap the base.
  TestVm vm;
  vm.program({ld(9, -8, 8)});
  vm.poke(kData, m);
  vm.reg(8) = kData + 8;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.reg(9), m);
}

TEST(Mips64Memory, MisalignedAccessesUseTheAlignedField) {
  const uint64_t m = 0x8081'8283'8485'8687;
  EXPECT_EQ(loaded(lw(9, 1, 8), m), 0xFFFF'FFFF'8081'8283u);  // LW at …1 reads …0..3
  EXPECT_EQ(loaded(lh(9, 3, 8), m), 0xFFFF'FFFF'FFFF'8283u);
  EXPECT_EQ(loaded(ld(9, 5, 8), m), m);
  EXPECT_EQ(stored(sw(9, 6, 8), m, 0xAABB'CCDD), 0x8081'8283'AABB'CCDDu);
  EXPECT_EQ(stored(sh(9, 1, 8), m, 0xEEFF), 0xEEFF'8283'8485'8687u);
  EXPECT_EQ(stored(sd(9, 3, 8), m, 0x1122), 0x1122u);
}

TEST(Mips64Memory, Stores) {
  const uint64_t m = 0x8081'8283'8485'8687;
  EXPECT_EQ(stored(sb(9, 0, 8), m, 0x1FF), 0xFF81'8283'8485'8687u);
  EXPECT_EQ(stored(sb(9, 7, 8), m, 0x11), 0x8081'8283'8485'8611u);
  EXPECT_EQ(stored(sh(9, 4, 8), m, 0x1234'5678), 0x8081'8283'5678'8687u);
  EXPECT_EQ(stored(sw(9, 0, 8), m, 0x1'2345'6789), 0x2345'6789'8485'8687u);
  EXPECT_EQ(stored(sd(9, 0, 8), m, 0x0102'0304'0506'0708), 0x0102'0304'0506'0708u);
  // Stores write no register.
  EXPECT_EQ(access(sd(9, 0, 8), m, 5).first, 5u);
}

TEST(Mips64Memory, LwlLwrVectors) {
  // evm_common64_test.go: rt = 0x1122334455667788, M = 0xAABBCCDD_A1B1C1D1.
  const uint64_t rt = 0x1122'3344'5566'7788, m = 0xAABB'CCDD'A1B1'C1D1;
  EXPECT_EQ(loaded(lwl(9, 0, 8), m, rt), 0xFFFF'FFFF'AABB'CCDDu);
  EXPECT_EQ(loaded(lwl(9, 1, 8), m, rt), 0xFFFF'FFFF'BBCC'DD88u);
  EXPECT_EQ(loaded(lwl(9, 5, 8), m, rt), 0xFFFF'FFFF'B1C1'D188u);
  EXPECT_EQ(loaded(lwr(9, 0, 8), m, rt), 0x1122'3344'5566'77AAu);  // upper half of rt kept
  EXPECT_EQ(loaded(lwr(9, 3, 8), m, rt), 0xFFFF'FFFF'AABB'CCDDu);
  EXPECT_EQ(loaded(lwr(9, 7, 8), m, rt), 0xFFFF'FFFF'A1B1'C1D1u);
  EXPECT_EQ(loaded(lwl(9, 2, 8), 0x0102'0304'0506'0708, rt), 0x0000'0000'0304'7788u);
  EXPECT_EQ(loaded(lwr(9, 5, 8), 0x0102'0304'0506'0708, rt), 0x1122'3344'5566'0506u);
}

TEST(Mips64Memory, SwlSwrVectors) {
  const uint64_t rt = 0x1122'3344'5566'7788, m = 0xAABB'CCDD'A1B1'C1D1;
  EXPECT_EQ(stored(swl(9, 1, 8), m, rt), 0xAA55'6677'A1B1'C1D1u);
  EXPECT_EQ(stored(swl(9, 4, 8), m, rt), 0xAABB'CCDD'5566'7788u);
  EXPECT_EQ(stored(swl(9, 7, 8), m, rt), 0xAABB'CCDD'A1B1'C155u);
  EXPECT_EQ(stored(swr(9, 0, 8), m, rt), 0x88BB'CCDD'A1B1'C1D1u);
  EXPECT_EQ(stored(swr(9, 3, 8), m, rt), 0x5566'7788'A1B1'C1D1u);
  EXPECT_EQ(stored(swr(9, 6, 8), m, rt), 0xAABB'CCDD'6677'88D1u);
}

TEST(Mips64Memory, DoublewordLeftRight) {
  const uint64_t m = 0x0102'0304'0506'0708, rt = 0xA1A2'A3A4'A5A6'A7A8;
  EXPECT_EQ(loaded(ldl(9, 0, 8), m, rt), m);
  EXPECT_EQ(loaded(ldl(9, 3, 8), m, rt), 0x0405'0607'08A6'A7A8u);
  EXPECT_EQ(loaded(ldl(9, 7, 8), m, rt), 0x08A2'A3A4'A5A6'A7A8u);
  EXPECT_EQ(loaded(ldr(9, 7, 8), m, rt), m);  // shift by 64 keeps nothing of rt
  EXPECT_EQ(loaded(ldr(9, 0, 8), m, rt), 0xA1A2'A3A4'A5A6'A701u);
  EXPECT_EQ(loaded(ldr(9, 4, 8), m, rt), 0xA1A2'A3010203'0405u);
  EXPECT_EQ(stored(sdl(9, 0, 8), m, rt), rt);
  EXPECT_EQ(stored(sdl(9, 3, 8), m, rt), 0x0102'03A1'A2A3'A4A5u);
  EXPECT_EQ(stored(sdr(9, 7, 8), m, rt), rt);
  EXPECT_EQ(stored(sdr(9, 0, 8), m, rt), 0xA802'0304'0506'0708u);
  EXPECT_EQ(stored(sdr(9, 4, 8), m, rt), 0xA4A5'A6A7'A806'0708u);
}

TEST(Mips64Memory, StoresAllocateAndLoadsDoNot) {
  TestVm vm;
  vm.program({ld(9, 0, 8), sd(0, 0, 10)});
  vm.reg(8) = 0x9'0000;
  vm.reg(10) = 0xA'0000;
  vm.run(2);
  EXPECT_FALSE(vm.state.memory.hasPage(0x90));
  EXPECT_TRUE(vm.state.memory.hasPage(0xA0));  // storing zero over zero still allocates
}

TEST(Mips64Memory, LoadLinkedVectors) {
  // evm_multithreaded64_test.go:41-53 (LL, base r6): base, offset, address, memory, result register, result.
  struct Case {
    uint64_t base;
    uint32_t offset;
    uint64_t addr;
    uint64_t m;
    unsigned retReg;
    uint64_t expected;
  };
  const uint64_t pos = 0x1122'3344'5566'7788, neg = 0xF122'3344'F566'7788;
  const Case cases[] = {
      {0x01, 0x0107, 0x0108, pos, 5, 0x1122'3344},
      {0x01, 0x0107, 0x0108, neg, 5, 0xFFFF'FFFF'F122'3344},
      {0x01, 0x0109, 0x010A, pos, 5, 0x1122'3344},
      {0x01, 0xFF37, 0xFFFF'FFFF'FFFF'FF38, pos, 5, 0x1122'3344},
      {0x1000'0001, 0xFF07, 0x0FFF'FF08, pos, 5, 0x1122'3344},
      {0x01, 0x0103, 0x0104, pos, 5, 0x5566'7788},
      {0x01, 0x0104, 0x0105, neg, 5, 0xFFFF'FFFF'F566'7788},
      {0x01, 0x0105, 0x0106, pos, 5, 0x5566'7788},
      {0x01, 0xFF33, 0xFFFF'FFFF'FFFF'FF34, pos, 5, 0x5566'7788},
      {0x1000'0001, 0xFF03, 0x0FFF'FF04, pos, 5, 0x5566'7788},
      {0x01, 0x0107, 0x0108, pos, 0, 0},
  };
  for (const Case& c : cases) {
    for (bool existing : {true, false}) {
      TestVm vm;
      vm.program({iType(0x30, 6, c.retReg, c.offset)});
      vm.reg(6) = c.base;
      ASSERT_EQ(c.base + signExtend(c.offset, 16), c.addr);
      vm.poke(c.addr & ~uint64_t(7), c.m);
      vm.thread().threadId = 7;
      if (existing) {
        vm.state.llReservationStatus = 2;
        vm.state.llAddress = 0x40;
        vm.state.llOwnerThread = 3;
      }
      ASSERT_TRUE(vm.step().ok());
      EXPECT_EQ(vm.reg(c.retReg), c.expected) << std::hex << c.addr;
      EXPECT_EQ(vm.state.llReservationStatus, 1);
      EXPECT_EQ(vm.state.llAddress, c.addr);  // full, unmasked
      EXPECT_EQ(vm.state.llOwnerThread, 7u);
    }
  }
}

TEST(Mips64Memory, LoadLinkedStoreConditional) {
  TestVm vm;
  vm.program({ll(9, 4, 8), addiu(9, 9, 1), sc(9, 4, 8), lld(10, 0, 8), scd(11, 0, 8)});
  vm.poke(kData, 0x1111'1111'2222'2222);
  vm.reg(8) = kData;
  vm.reg(11) = 0xABCD;
  vm.run(3);
  EXPECT_EQ(vm.reg(9), 1u);  // success
  EXPECT_EQ(vm.peek(kData), 0x1111'1111'2222'2223u);
  EXPECT_EQ(vm.state.llReservationStatus, 0);
  EXPECT_EQ(vm.state.llAddress, 0u);
  vm.run(2);  // LLD then SCD
  EXPECT_EQ(vm.reg(10), 0x1111'1111'2222'2223u);
  EXPECT_EQ(vm.reg(11), 1u);
  EXPECT_EQ(vm.peek(kData), 0xABCDu);
}

TEST(Mips64Memory, StoreConditionalFailures) {
  struct Case {
    const char* what;
    uint8_t status;
    uint64_t addr;
    uint64_t owner;
    uint32_t insn;
  };
  const Case cases[] = {
      {"no reservation", 0, kData, 0, sc(9, 0, 8)},
      {"width mismatch (LLD then SC)", 2, kData, 0, sc(9, 0, 8)},
      {"width mismatch (LL then SCD)", 1, kData, 0, scd(9, 0, 8)},
      {"other thread", 1, kData, 1, sc(9, 0, 8)},
      {"other address in the doubleword", 1, kData + 4, 0, sc(9, 0, 8)},
  };
  for (const Case& c : cases) {
    TestVm vm;
    vm.program({c.insn});
    vm.state.llReservationStatus = c.status;
    vm.state.llAddress = c.addr;
    vm.state.llOwnerThread = c.owner;
    vm.reg(8) = kData;
    vm.reg(9) = 0x55;
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << c.what;
    EXPECT_EQ(vm.reg(9), 0u) << c.what;
    EXPECT_EQ(vm.peek(kData), 0u) << c.what;
    EXPECT_FALSE(o.proofAddress[1].has_value()) << c.what << ": a failed SC reads no memory";
    EXPECT_FALSE(vm.state.memory.hasPage(kData >> 12)) << c.what;
    EXPECT_EQ(vm.state.llReservationStatus, c.status) << c.what << ": a failed SC keeps the reservation";
  }
}

TEST(Mips64Memory, StoresToTheReservedDoublewordClearTheReservation) {
  for (uint64_t target : {kData, kData + 4, kData + 8}) {
    TestVm vm;
    vm.program({sb(0, 0, 10)});
    vm.state.llReservationStatus = 1;
    vm.state.llAddress = kData + 4;
    vm.state.llOwnerThread = 3;
    vm.reg(10) = target;
    ASSERT_TRUE(vm.step().ok());
    const bool cleared = (target & ~uint64_t(7)) == kData;
    EXPECT_EQ(vm.state.llReservationStatus, cleared ? 0 : 1) << target;
    EXPECT_EQ(vm.state.llAddress, cleared ? 0 : kData + 4) << target;
    EXPECT_EQ(vm.state.llOwnerThread, cleared ? 0u : 3u) << target;
  }
}

TEST(Mips64Memory, LoadsDoNotClearTheReservation) {
  TestVm vm;
  vm.program({ld(9, 0, 8), ll(9, 0, 8)});
  vm.state.llReservationStatus = 2;
  vm.state.llAddress = kData;
  vm.reg(8) = kData;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.state.llReservationStatus, 2);
  ASSERT_TRUE(vm.step().ok());  // a new LL replaces it
  EXPECT_EQ(vm.state.llReservationStatus, 1);
  EXPECT_EQ(vm.state.llAddress, kData);
}

}  // namespace
}  // namespace fpvm::mips64::test
