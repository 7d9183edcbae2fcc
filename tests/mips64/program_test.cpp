// Whole programs, hand-assembled, every step cross-checked against the stateless verifier: a
// pre-image client (key written to fd 6, length and data read from fd 5, checksum to stdout) and
// a program mixing memory, arithmetic and every kind of syscall result.
#include <gtest/gtest.h>

#include "common/keccak256.hpp"
#include "encoder.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

constexpr unsigned t0 = 8, t1 = 9, t2 = 10, t3 = 11, t4 = 12, s0 = 16, s1 = 17, s2 = 18, s3 = 19;
constexpr unsigned v0 = kRegV0, a0 = kRegA0, a1 = kRegA1, a2 = kRegA2;

int32_t n(uint64_t v) { return static_cast<int32_t>(v); }

/// syscall(number, a0, a1 = register, a2) with a0 and a2 immediates.
void sys3(Asm& as, uint64_t number, int32_t arg0, unsigned arg1Reg, int32_t arg2) {
  as(addiu(v0, 0, n(number)))(addiu(a0, 0, arg0))(daddu(a1, arg1Reg, 0))(addiu(a2, 0, arg2))(syscall());
}

TEST(Mips64Program, PreimageClient) {
  Bytes data(21);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(0xF0 + i);
  Hash32 key = keccak256(ByteView(data.data(), data.size()));
  key[0] = 2;
  uint64_t sum = 0;
  for (uint8_t b : data) sum += b;

  Asm as;
  as(lui(s0, 0x2))(ori(s1, s0, 0x1000))(addiu(t0, 0, 0));
  as.label("writeKey");
  as(addiu(v0, 0, n(sys::kWrite)))(addiu(a0, 0, 6))(daddu(a1, s0, t0))(addiu(a2, 0, 8))(syscall());
  as(addiu(t0, t0, 8))(slti(t1, t0, 32)).branch([](int32_t o) { return bne(t1, 0, o); }, "writeKey")(nop());
  sys3(as, sys::kRead, 5, s1, 8);  // the BE length
  as(ld(s2, 0, s1))(addiu(s3, 0, 0));
  as.label("readLoop").branch([](int32_t o) { return beq(s2, 0, o); }, "done")(nop());
  sys3(as, sys::kRead, 5, s1, 8);
  as(daddu(t2, v0, 0))(dsubu(s2, s2, t2))(daddu(t3, s1, 0));
  as.label("inner").branch([](int32_t o) { return beq(t2, 0, o); }, "readLoop")(nop());
  as(lbu(t4, 0, t3))(daddu(s3, s3, t4))(daddiu(t3, t3, 1))(daddiu(t2, t2, -1));
  as.branch([](int32_t o) { return beq(0, 0, o); }, "inner")(nop());
  as.label("done")(sd(s3, 0, s1));
  sys3(as, sys::kWrite, 1, s1, 8);
  sys3(as, sys::kExitGroup, 0, 0, 0);

  TestVm vm;
  vm.code(kCodeBase, as.words());
  vm.oracle.preimages[key] = data;
  vm.state.memory.writeBytes(0x2'0000, key.data(), 32);
  for (int i = 0; i < 2000 && !vm.state.exited; ++i) {
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << "step " << i << ": " << revertName(o.revert);
  }
  ASSERT_TRUE(vm.state.exited);
  EXPECT_EQ(vm.state.status(), VmStatus::Valid);
  EXPECT_EQ(vm.state.preimageKey, key);
  EXPECT_EQ(vm.state.preimageOffset, 8u + data.size());
  uint8_t expected[8];
  putBE64(expected, sum);
  EXPECT_EQ(vm.output.text[1], std::string(expected, expected + 8));
  EXPECT_EQ(vm.oracle.requests, 1);
  EXPECT_EQ(vm.checkedSteps, static_cast<int>(vm.state.step));
  EXPECT_GT(vm.state.step, 150u);
}

TEST(Mips64Program, MixedWorkload) {
  // Fills an array with getrandom, sorts it (bubble sort with SLTU), records clock_gettime,
  // takes an LL/SC lock, mmaps, and checks results through conditional exits.
  Asm as;
  as(lui(s0, 0x3));  // s0 = 0x30000: 8 doublewords
  as(addiu(t0, 0, 0));
  as.label("fill");
  as(addiu(v0, 0, n(sys::kGetrandom)))(daddu(a0, s0, t0))(addiu(a1, 0, 8))(syscall());
  as(addiu(t0, t0, 8))(slti(t1, t0, 64)).branch([](int32_t o) { return bne(t1, 0, o); }, "fill")(nop());
  // Bubble sort (unsigned): repeat passes until no swap.
  as.label("pass")(addiu(t4, 0, 0))(addiu(t0, 0, 0));
  as.label("cmp")(daddu(t3, s0, t0))(ld(t1, 0, t3))(ld(t2, 8, t3))(sltu(7, t2, t1));
  as.branch([](int32_t o) { return beq(7, 0, o); }, "noswap")(nop());
  as(sd(t2, 0, t3))(sd(t1, 8, t3))(addiu(t4, 0, 1));
  as.label("noswap")(addiu(t0, t0, 8))(slti(t1, t0, 56)).branch([](int32_t o) { return bne(t1, 0, o); }, "cmp")(nop());
  as.branch([](int32_t o) { return bne(t4, 0, o); }, "pass")(nop());
  // clock_gettime(MONOTONIC, s0 + 0x100)
  as(addiu(v0, 0, n(sys::kClockGettime)))(addiu(a0, 0, 1))(daddiu(a1, s0, 0x100))(syscall());
  // An LL/SC increment of the word at s0 + 0x200.
  as.label("retry")(ll(t1, 0x200, s0))(addiu(t1, t1, 1))(sc(t1, 0x200, s0));
  as.branch([](int32_t o) { return beq(t1, 0, o); }, "retry")(nop());
  // mmap(0, 5000) must return HEAP_START; else exit_group(3).
  as(addiu(v0, 0, n(sys::kMmap)))(addiu(a0, 0, 0))(addiu(a1, 0, 5000))(syscall());
  as(daddu(s1, v0, 0));
  // MULT/DIV round trip: (s1 >> 12) * 7 / 7 == s1 >> 12.
  as(dsrl(t1, s1, 12))(addiu(t2, 0, 7))(dmultu(t1, t2))(mflo(t3))(ddivu(t3, t2))(mflo(t4));
  as.branch([](int32_t o) { return bne(t4, t1, o); }, "fail")(nop());
  as(addiu(v0, 0, n(sys::kExitGroup)))(addiu(a0, 0, 0))(syscall());
  as.label("fail")(addiu(v0, 0, n(sys::kExitGroup)))(addiu(a0, 0, 3))(syscall());

  TestVm vm;
  vm.code(kCodeBase, as.words());
  for (int i = 0; i < 20000 && !vm.state.exited; ++i) {
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << "step " << i << ": " << revertName(o.revert);
  }
  ASSERT_TRUE(vm.state.exited);
  EXPECT_EQ(vm.state.exitCode, 0);
  for (uint64_t a = 0x3'0000; a < 0x3'0038; a += 8) EXPECT_LE(vm.peek(a), vm.peek(a + 8)) << std::hex << a;
  EXPECT_EQ(vm.peek(0x3'0200) >> 32, 1u);  // the SC stored 1 into the high word
  EXPECT_EQ(vm.state.heap, kHeapStart + 0x2000);
  EXPECT_EQ(vm.state.llReservationStatus, 0);
  EXPECT_EQ(vm.checkedSteps, static_cast<int>(vm.state.step));
}

}  // namespace
}  // namespace fpvm::mips64::test
