// System calls (docs/spec/cannon-mt64.md §6): results in v0/a3, errors, memory effects, the
// pre-image and hint file descriptors, each step cross-checked against the verifier.
#include <gtest/gtest.h>

#include "common/keccak256.hpp"
#include "encoder.hpp"
#include "mips64/subword.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

constexpr uint64_t kAll = ~uint64_t(0);
constexpr uint64_t kBuf = 0xFF00;

/// A machine about to execute SYSCALL `number` with arguments a0..a2.
struct SyscallVm : TestVm {
  SyscallVm(uint64_t number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0) {
    program({syscall()});
    reg(kRegV0) = number;
    reg(kRegA0) = a0;
    reg(kRegA1) = a1;
    reg(kRegA2) = a2;
    reg(3) = 0x3333;  // v1 is never written
    reg(kRegA3) = 0x7777;
  }
  /// Steps and checks the common epilogue: pc advanced, v1 untouched; returns {v0, a3}.
  std::pair<uint64_t, uint64_t> call() {
    const StepOutcome o = step();
    EXPECT_TRUE(o.ok()) << revertName(o.revert);
    EXPECT_TRUE(o.syscall.has_value());
    EXPECT_EQ(thread().pc, kCodeBase + 4);
    EXPECT_EQ(thread().nextPC, kCodeBase + 8);
    EXPECT_EQ(reg(3), 0x3333u);
    return {reg(kRegV0), reg(kRegA3)};
  }
};

std::pair<uint64_t, uint64_t> call(uint64_t number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0) {
  SyscallVm vm(number, a0, a1, a2);
  return vm.call();
}

using Result = std::pair<uint64_t, uint64_t>;
const Result kEBADFResult{kEBADF, kAll};
const Result kEINVALResult{kEINVAL, kAll};
const Result kEAGAINResult{kEAGAIN, kAll};

TEST(Mips64Syscall, SimpleResults) {
  EXPECT_EQ(call(sys::kBrk, 0x1234), Result(0x4000'0000'0000, 0));
  EXPECT_EQ(call(sys::kGetpid), Result(0, 0));
  EXPECT_EQ(call(sys::kOpen, 0x100, 0), kEBADFResult);
  EXPECT_EQ(call(sys::kOpenat, 0, 0x100), Result(0, 0));  // a no-op: "fd 0", no error
  SyscallVm vm(sys::kGettid);
  vm.thread().threadId = 42;
  EXPECT_EQ(vm.call(), Result(42, 0));
}

TEST(Mips64Syscall, NoOpsTouchNothing) {
  for (uint64_t n : {sys::kMunmap, sys::kMprotect, sys::kSchedGetaffinity, sys::kMadvise, sys::kRtSigprocmask, sys::kSigaltstack,
                     sys::kRtSigaction, sys::kPrlimit64, sys::kClose, sys::kPread64, sys::kStat, sys::kFstat, sys::kOpenat,
                     sys::kReadlink, sys::kReadlinkat, sys::kIoctl, sys::kEpollCreate1, sys::kPipe2, sys::kEpollCtl,
                     sys::kEpollPwait, sys::kUname, sys::kGetuid, sys::kGetgid, sys::kMincore, sys::kTgkill, sys::kSetitimer,
                     sys::kTimerCreate, sys::kTimerSettime, sys::kTimerDelete, sys::kGetrlimit, sys::kLseek}) {
    SyscallVm vm(n, kBuf, kBuf, 64);
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << n;
    EXPECT_EQ(vm.reg(kRegV0), 0u) << n;
    EXPECT_EQ(vm.reg(kRegA3), 0u) << n;
    EXPECT_FALSE(o.proofAddress[1]) << n;
    EXPECT_EQ(vm.state.memory.pageCount(), 1u) << n << ": only the code page";
  }
}

TEST(Mips64Syscall, UnknownNumbersRevert) {
  // Not in the list: lstat, poll, pwrite64, set_robust_list, sysinfo, getcwd, rseq, o32/n32 numbers,
  // and a number whose low 32 bits are a known one (compared as 64 bits).
  for (uint64_t n : {uint64_t(5006), uint64_t(5007), uint64_t(5017), uint64_t(5268), uint64_t(5097), uint64_t(5077),
                     uint64_t(5327), uint64_t(4001), uint64_t(6001), uint64_t(0), uint64_t(0x1'0000'0000) | sys::kGetpid}) {
    SyscallVm vm(n);
    vm.expectRevert(Revert::UnimplementedSyscall);
  }
}

TEST(Mips64Syscall, Fcntl) {
  for (uint64_t fd = 0; fd <= 6; ++fd) EXPECT_EQ(call(sys::kFcntl, fd, 1), Result(0, 0)) << fd;
  EXPECT_EQ(call(sys::kFcntl, 7, 1), kEBADFResult);
  EXPECT_EQ(call(sys::kFcntl, kFdEventfd, 1), kEBADFResult);
  for (uint64_t fd : {0, 3, 5}) EXPECT_EQ(call(sys::kFcntl, fd, 3), Result(0, 0)) << fd;
  for (uint64_t fd : {1, 2, 4, 6}) EXPECT_EQ(call(sys::kFcntl, fd, 3), Result(1, 0)) << fd;
  EXPECT_EQ(call(sys::kFcntl, 100, 3), kEBADFResult);
  EXPECT_EQ(call(sys::kFcntl, 1, 2), kEINVALResult);
  EXPECT_EQ(call(sys::kFcntl, 1, 0x1'0000'0001), kEINVALResult);
}

TEST(Mips64Syscall, Eventfd2) {
  EXPECT_EQ(call(sys::kEventfd2, 5, 0x80), Result(100, 0));
  EXPECT_EQ(call(sys::kEventfd2, 0, 0x80 | 0x80000), Result(100, 0));
  EXPECT_EQ(call(sys::kEventfd2, 0, 0x80000), kEINVALResult);
  EXPECT_EQ(call(sys::kRead, 100, kBuf, 8), kEAGAINResult);
  EXPECT_EQ(call(sys::kWrite, 100, kBuf, 8), kEAGAINResult);
}

TEST(Mips64Syscall, Mmap) {
  {
    SyscallVm vm(sys::kMmap, 0, 1, 0x7);  // prot (a2) and flags are ignored
    EXPECT_EQ(vm.call(), Result(kHeapStart, 0));
    EXPECT_EQ(vm.state.heap, kHeapStart + 4096);
  }
  {
    SyscallVm vm(sys::kMmap, 0, 0x2000);
    EXPECT_EQ(vm.call(), Result(kHeapStart, 0));
    EXPECT_EQ(vm.state.heap, kHeapStart + 0x2000);
  }
  {
    SyscallVm vm(sys::kMmap, 0, 0);  // zero length: the heap pointer itself, no growth
    EXPECT_EQ(vm.call(), Result(kHeapStart, 0));
    EXPECT_EQ(vm.state.heap, kHeapStart);
  }
  {
    SyscallVm vm(sys::kMmap, 0x00c0'0000'0000, 0x1000'0000);  // a hint is returned as is
    EXPECT_EQ(vm.call(), Result(0x00c0'0000'0000, 0));
    EXPECT_EQ(vm.state.heap, kHeapStart);
  }
  {
    SyscallVm vm(sys::kMmap, 0, kHeapEnd - kHeapStart);  // exactly to the end is fine
    EXPECT_EQ(vm.call(), Result(kHeapStart, 0));
    EXPECT_EQ(vm.state.heap, kHeapEnd);
  }
  {
    SyscallVm vm(sys::kMmap, 0, kHeapEnd - kHeapStart + 1);  // past HEAP_END
    EXPECT_EQ(vm.call(), kEINVALResult);
    EXPECT_EQ(vm.state.heap, kHeapStart);
  }
  {
    SyscallVm vm(sys::kMmap, 0, kAll - 10);  // rounding overflows
    EXPECT_EQ(vm.call(), kEINVALResult);
    EXPECT_EQ(vm.state.heap, kHeapStart);
  }
  {
    SyscallVm vm(sys::kMmap, 0, 0x1000);  // the heap wraps
    vm.state.heap = kAll - 0xFFF;
    EXPECT_EQ(vm.call(), kEINVALResult);
    EXPECT_EQ(vm.state.heap, kAll - 0xFFF);
  }
}

TEST(Mips64Syscall, ExitGroupEndsTheVmWithoutAdvancingPc) {
  SyscallVm vm(sys::kExitGroup, 0x1FF);
  const StepOutcome o = vm.step();
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(vm.state.exited);
  EXPECT_EQ(vm.state.exitCode, 0xFF);
  EXPECT_EQ(vm.thread().pc, kCodeBase);
  EXPECT_EQ(vm.reg(kRegV0), sys::kExitGroup);
  EXPECT_EQ(vm.reg(kRegA3), 0x7777u);
  EXPECT_EQ(vm.state.status(), VmStatus::Panic);
  EXPECT_EQ(vm.state.hash()[0], 2);
  // An exited VM does not step: nothing changes, not even the step counter.
  const Hash32 before = vm.state.hash();
  const StepOutcome again = vm.step();
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(again.kind, StepKind::Exited);
  EXPECT_EQ(vm.state.step, 1u);
  EXPECT_EQ(vm.state.hash(), before);
}

TEST(Mips64Syscall, ExitStatuses) {
  for (auto [code, status] : {std::pair{0, VmStatus::Valid}, {1, VmStatus::Invalid}, {2, VmStatus::Panic}, {0x100, VmStatus::Valid}}) {
    SyscallVm vm(sys::kExit, code);
    ASSERT_TRUE(vm.step().ok());
    EXPECT_TRUE(vm.thread().exited);
    EXPECT_EQ(vm.thread().exitCode, code & 0xFF);
    EXPECT_TRUE(vm.state.exited);  // the last thread
    EXPECT_EQ(vm.state.status(), status);
    EXPECT_EQ(vm.thread().pc, kCodeBase);
  }
}

TEST(Mips64Syscall, ReadAndWriteSimpleFds) {
  EXPECT_EQ(call(sys::kRead, 0, kBuf, 10), Result(0, 0));
  {
    SyscallVm vm(sys::kRead, 3, kBuf, 10);  // hint ack: nothing written
    EXPECT_EQ(vm.call(), Result(10, 0));
    EXPECT_FALSE(vm.state.memory.hasPage(kBuf >> 12));
  }
  for (uint64_t fd : {1, 2, 4, 6, 7, 99}) EXPECT_EQ(call(sys::kRead, fd, kBuf, 1), kEBADFResult) << fd;
  for (uint64_t fd : {0, 3, 5, 7}) EXPECT_EQ(call(sys::kWrite, fd, kBuf, 1), kEBADFResult) << fd;
  for (uint64_t fd : {1, 2}) {
    SyscallVm vm(sys::kWrite, fd, 0x2'0001, 5);
    const char text[] = "hello";
    vm.state.memory.writeBytes(0x2'0001, reinterpret_cast<const uint8_t*>(text), 5);
    EXPECT_EQ(vm.call(), Result(5, 0));
    EXPECT_EQ(vm.output.text[fd], "hello");
  }
}

TEST(Mips64Syscall, HintsAreDeliveredWhenComplete) {
  TestVm vm;
  vm.program({syscall(), syscall(), syscall()});
  // Hint "abc" (length 3) then the start of hint "de": 00 00 00 03 'a' 'b' 'c' 00 00 00 02 'd' | 'e'.
  const uint8_t data[] = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 2, 'd', 'e'};
  vm.state.memory.writeBytes(0x3'0000, data, sizeof data);
  vm.reg(kRegV0) = sys::kWrite;
  vm.reg(kRegA0) = kFdHintWrite;
  vm.reg(kRegA1) = 0x3'0000;
  vm.reg(kRegA2) = 12;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.reg(kRegV0), 12u);
  ASSERT_EQ(vm.oracle.hints.size(), 1u);
  EXPECT_EQ(vm.oracle.hints[0], Bytes({'a', 'b', 'c'}));
  EXPECT_EQ(vm.state.lastHint, Bytes({0, 0, 0, 2, 'd'}));
  vm.reg(kRegV0) = sys::kWrite;
  vm.reg(kRegA1) = 0x3'000C;
  vm.reg(kRegA2) = 1;
  ASSERT_TRUE(vm.step().ok());
  ASSERT_EQ(vm.oracle.hints.size(), 2u);
  EXPECT_EQ(vm.oracle.hints[1], Bytes({'d', 'e'}));
  EXPECT_TRUE(vm.state.lastHint.empty());
  // The hint reply is not written to memory.
  vm.reg(kRegV0) = sys::kRead;
  vm.reg(kRegA0) = kFdHintRead;
  vm.reg(kRegA2) = 1;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.reg(kRegV0), 1u);
}

TEST(Mips64Syscall, PreimageKeyWrites) {
  // key := (key << 8n) | bytes; n = min(count, 8 - (addr & 7)); offset reset.
  SyscallVm vm(sys::kWrite, kFdPreimageWrite, kBuf + 5, 10);
  vm.poke(kBuf, 0x0011'2233'4455'6677);
  for (int i = 0; i < 32; ++i) vm.state.preimageKey[i] = static_cast<uint8_t>(0xA0 + i);
  vm.state.preimageOffset = 99;
  EXPECT_EQ(vm.call(), Result(3, 0));
  Hash32 expected;
  for (int i = 0; i < 29; ++i) expected[i] = static_cast<uint8_t>(0xA3 + i);
  expected[29] = 0x55;
  expected[30] = 0x66;
  expected[31] = 0x77;
  EXPECT_EQ(vm.state.preimageKey, expected);
  EXPECT_EQ(vm.state.preimageOffset, 0u);
  EXPECT_EQ(vm.peek(kBuf), 0x0011'2233'4455'6677u);  // memory unchanged
  // A zero-length write still resets the offset.
  SyscallVm zero(sys::kWrite, kFdPreimageWrite, kBuf, 0);
  zero.state.preimageOffset = 5;
  EXPECT_EQ(zero.call(), Result(0, 0));
  EXPECT_EQ(zero.state.preimageOffset, 0u);
}

TEST(Mips64Syscall, PreimageReadVectors) {
  // evm_multithreaded64_test.go:410-446: pre-image 12 34 56 78 98 76 54 32, memory EEEEEEEE_FFFFFFFF at 0xFF00.
  struct Case {
    uint64_t addr, count, writeLen, offset, post;
    bool invalid;
  };
  const uint64_t pre = 0xEEEE'EEEE'FFFF'FFFF;
  const Case cases[] = {
      {0xFF00, 1, 1, 8, 0x12EE'EEEE'FFFF'FFFF, false},  {0xFF00, 2, 2, 8, 0x1234'EEEE'FFFF'FFFF, false},
      {0xFF00, 3, 3, 8, 0x1234'56EE'FFFF'FFFF, false},  {0xFF00, 4, 4, 8, 0x1234'5678'FFFF'FFFF, false},
      {0xFF00, 5, 5, 8, 0x1234'5678'98FF'FFFF, false},  {0xFF00, 6, 6, 8, 0x1234'5678'9876'FFFF, false},
      {0xFF00, 7, 7, 8, 0x1234'5678'9876'54FF, false},  {0xFF00, 8, 8, 8, 0x1234'5678'9876'5432, false},
      {0xFF01, 1, 1, 8, 0xEE12'EEEE'FFFF'FFFF, false},  {0xFF01, 2, 2, 9, 0xEE34'56EE'FFFF'FFFF, false},
      {0xFF01, 3, 3, 8, 0xEE12'3456'FFFF'FFFF, false},  {0xFF01, 4, 4, 8, 0xEE12'3456'78FF'FFFF, false},
      {0xFF01, 5, 5, 8, 0xEE12'3456'7898'FFFF, false},  {0xFF01, 6, 6, 8, 0xEE12'3456'7898'76FF, false},
      {0xFF01, 7, 7, 8, 0xEE12'3456'7898'7654, false},  {0xFF02, 1, 1, 8, 0xEEEE'12EE'FFFF'FFFF, false},
      {0xFF02, 2, 2, 12, 0xEEEE'9876'FFFF'FFFF, false}, {0xFF02, 3, 3, 12, 0xEEEE'9876'54FF'FFFF, false},
      {0xFF02, 4, 4, 12, 0xEEEE'9876'5432'FFFF, false}, {0xFF03, 1, 1, 8, 0xEEEE'EE12'FFFF'FFFF, false},
      {0xFF04, 1, 1, 8, 0xEEEE'EEEE'12FF'FFFF, false},  {0xFF05, 1, 1, 8, 0xEEEE'EEEE'FF12'FFFF, false},
      {0xFF06, 1, 1, 8, 0xEEEE'EEEE'FFFF'12FF, false},  {0xFF07, 1, 1, 8, 0xEEEE'EEEE'FFFF'FF12, false},
      {0xFF03, 0, 0, 8, pre, false},                    {0xFF00, 15, 8, 8, 0x1234'5678'9876'5432, false},
      {0xFF01, 15, 7, 8, 0xEE12'3456'7898'7654, false}, {0xFF00, 8, 1, 15, 0x32EE'EEEE'FFFF'FFFF, false},
      {0xFF00, 4, 0, 16, pre, true},                    {0xFF00, 4, 0, 17, pre, true},
  };
  const Bytes data = {0x12, 0x34, 0x56, 0x78, 0x98, 0x76, 0x54, 0x32};
  Hash32 key = keccak256(ByteView(data.data(), data.size()));
  key[0] = 2;
  for (const Case& c : cases) {
    SyscallVm vm(sys::kRead, kFdPreimageRead, c.addr, c.count);
    vm.oracle.preimages[key] = data;
    vm.state.preimageKey = key;
    vm.state.preimageOffset = c.offset;
    vm.poke(0xFF00, pre);
    SCOPED_TRACE(testing::Message() << std::hex << c.addr << " count " << c.count << " offset " << c.offset);
    if (c.invalid) {
      vm.expectRevert(Revert::PreimageMustExist);
      continue;
    }
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << revertName(o.revert);
    EXPECT_EQ(vm.reg(kRegV0), c.writeLen);
    EXPECT_EQ(vm.reg(kRegA3), 0u);
    EXPECT_EQ(vm.peek(0xFF00), c.post);
    EXPECT_EQ(vm.state.preimageOffset, c.offset + c.writeLen);
    ASSERT_TRUE(o.preimageRead.has_value());
    EXPECT_EQ(o.preimageRead->key, key);
    EXPECT_EQ(o.preimageRead->offset, c.offset);
    EXPECT_EQ(o.preimageRead->value->size(), 16u);
  }
}

TEST(Mips64Syscall, PreimageReadOfZeroBytesStillWritesTheDoubleword) {
  const Bytes data = {1, 2, 3};
  Hash32 key = keccak256(ByteView(data.data(), data.size()));
  key[0] = 2;
  SyscallVm vm(sys::kRead, kFdPreimageRead, 0x5'0000, 0);
  vm.oracle.preimages[key] = data;
  vm.state.preimageKey = key;
  vm.state.llReservationStatus = 1;
  vm.state.llAddress = 0x5'0004;
  vm.state.llOwnerThread = 9;
  EXPECT_EQ(vm.call(), Result(0, 0));
  EXPECT_TRUE(vm.state.memory.hasPage(0x50));  // written back, hence allocated
  EXPECT_EQ(vm.state.llReservationStatus, 0);  // and the reservation on it is cleared
  EXPECT_EQ(vm.state.llAddress, 0u);
  EXPECT_EQ(vm.state.llOwnerThread, 0u);
}

TEST(Mips64Syscall, PreimageReadsAreCachedByKey) {
  TestVm vm;
  vm.program({syscall(), syscall(), syscall()});
  const Bytes data(20, 0x5A);
  Hash32 key = keccak256(ByteView(data.data(), data.size()));
  key[0] = 2;
  vm.oracle.preimages[key] = data;
  vm.state.preimageKey = key;
  for (int i = 0; i < 3; ++i) {
    vm.reg(kRegV0) = sys::kRead;
    vm.reg(kRegA0) = kFdPreimageRead;
    vm.reg(kRegA1) = 0x6'0000 + 8 * i;
    vm.reg(kRegA2) = 8;
    ASSERT_TRUE(vm.step().ok());
    EXPECT_EQ(vm.reg(kRegV0), 8u);
  }
  EXPECT_EQ(vm.peek(0x6'0000), 20u);  // the BE length comes first
  EXPECT_EQ(vm.peek(0x6'0008), 0x5A5A'5A5A'5A5A'5A5Au);
  EXPECT_EQ(vm.oracle.requests, 1);
  EXPECT_EQ(vm.state.preimageOffset, 24u);
}

TEST(Mips64Syscall, MissingPreimageIsAHostFailure) {
  SyscallVm vm(sys::kRead, kFdPreimageRead, kBuf, 8);
  vm.state.preimageKey[0] = 2;
  const Hash32 before = vm.state.hash();
  EXPECT_THROW((void)vm.step(), Error);
  EXPECT_EQ(vm.state.hash(), before);
  TestVm noOracle;
  Interpreter bare(noOracle.state);
  noOracle.program({syscall()});
  noOracle.reg(kRegV0) = sys::kRead;
  noOracle.reg(kRegA0) = kFdPreimageRead;
  noOracle.state.preimageKey[0] = 2;
  EXPECT_THROW((void)bare.step(), Error);
}

TEST(Mips64Syscall, KeysTheOracleCannotLoadAreInvalidSteps) {
  // The oracle contract only loads local (1), keccak (2), sha256 (4), blob (5) and precompile (6)
  // parts, local data of at most 32 bytes: reading anything else reverts on chain.
  for (uint8_t type : {0, 3, 7, 0xFF}) {
    SyscallVm vm(sys::kRead, kFdPreimageRead, kBuf, 8);
    vm.state.preimageKey[0] = type;
    vm.state.preimageKey[31] = 1;
    vm.oracle.preimages[vm.state.preimageKey] = Bytes{1, 2, 3};
    vm.expectRevert(Revert::PreimageMustExist);
    EXPECT_EQ(vm.oracle.requests, 0) << int(type) << ": the host is not asked";
  }
  SyscallVm vm(sys::kRead, kFdPreimageRead, kBuf, 8);
  vm.state.preimageKey[0] = 1;
  vm.state.preimageKey[31] = 9;
  vm.oracle.preimages[vm.state.preimageKey] = Bytes(33, 7);
  vm.expectRevert(Revert::PreimageMustExist);
  SyscallVm ok(sys::kRead, kFdPreimageRead, kBuf, 8);
  ok.state.preimageKey = vm.state.preimageKey;
  ok.oracle.preimages[ok.state.preimageKey] = Bytes(32, 7);
  EXPECT_EQ(ok.call(), Result(8, 0));
  EXPECT_EQ(ok.peek(kBuf), 32u);
}

TEST(Mips64Syscall, ClockGettime) {
  {
    // Spec vector: at step 123 456 789 the monotonic clock reads 12 s, 345 678 900 ns.
    SyscallVm vm(sys::kClockGettime, kClockMonotonic, 0x7'0010);
    vm.state.step = 123'456'788;  // incremented before the syscall runs
    EXPECT_EQ(vm.call(), Result(0, 0));
    EXPECT_EQ(vm.peek(0x7'0010), 12u);
    EXPECT_EQ(vm.peek(0x7'0018), 345'678'900u);
  }
  {
    SyscallVm vm(sys::kClockGettime, kClockRealtime, 0x7'0013);  // unaligned: written aligned down
    vm.poke(0x7'0010, kAll);
    vm.poke(0x7'0018, kAll);
    EXPECT_EQ(vm.call(), Result(0, 0));
    EXPECT_EQ(vm.peek(0x7'0010), 0u);
    EXPECT_EQ(vm.peek(0x7'0018), 0u);
  }
  {
    SyscallVm vm(sys::kClockGettime, kClockMonotonic, 0x7'0018);  // the two words straddle a leaf
    vm.state.step = 9;
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o.proofAddress[1], std::optional<uint64_t>(0x7'0018));
    EXPECT_EQ(o.proofAddress[2], std::optional<uint64_t>(0x7'0020));
    EXPECT_EQ(vm.peek(0x7'0020), 1000u);
  }
  for (uint64_t clock : {2ull, 3ull, 4ull, 7ull, 0x1'0000'0001ull}) {
    SyscallVm vm(sys::kClockGettime, clock, 0x7'0010);
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(vm.reg(kRegV0), kEINVAL);
    EXPECT_EQ(vm.reg(kRegA3), kAll);
    EXPECT_FALSE(o.proofAddress[1]) << clock;
  }
  for (uint64_t reserved : {0x7'0010, 0x7'0018}) {
    SyscallVm vm(sys::kClockGettime, kClockRealtime, 0x7'0010);
    vm.state.llReservationStatus = 2;
    vm.state.llAddress = reserved;
    ASSERT_TRUE(vm.step().ok());
    EXPECT_EQ(vm.state.llReservationStatus, 0) << reserved;
  }
}

TEST(Mips64Syscall, GetrandomVectors) {
  EXPECT_EQ(splitmix64(0), 0xE220'A839'7B1D'CDAFu);
  EXPECT_EQ(splitmix64(1), 0x910A'2DEC'8902'5CC1u);
  EXPECT_EQ(splitmix64(2), 0x9758'35DE'1C97'56CEu);
  EXPECT_EQ(splitmix64(100), 0x2325'9B94'F13C'F544u);
  // Spec example: first step, a0 = …03, a1 = 16: n = 5, bytes …03..…07 = EC 89 02 5C C1.
  SyscallVm vm(sys::kGetrandom, 0x8'0003, 16);
  vm.poke(0x8'0000, 0x1122'3344'5566'7788);
  EXPECT_EQ(vm.call(), Result(5, 0));
  EXPECT_EQ(vm.peek(0x8'0000), 0x1122'33EC'8902'5CC1u);
  // Count 0 still writes back (and allocates); an aligned full doubleword takes all of R.
  SyscallVm zero(sys::kGetrandom, 0x9'0000, 0);
  EXPECT_EQ(zero.call(), Result(0, 0));
  EXPECT_TRUE(zero.state.memory.hasPage(0x90));
  SyscallVm full(sys::kGetrandom, 0x9'0000, 100);
  full.state.step = 99;
  EXPECT_EQ(full.call(), Result(8, 0));
  EXPECT_EQ(full.peek(0x9'0000), splitmix64(100));
}

TEST(Mips64Syscall, FutexAndYields) {
  {
    SyscallVm vm(sys::kFutex, 0xA'0006, kFutexWaitPrivate, 0x1234);  // word at 0xA0004
    vm.poke(0xA'0000, 0x0000'0000'0000'1234);
    vm.thread().threadId = 5;
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o.proofAddress[1], std::optional<uint64_t>(0xA'0000));
    // A match yields: the thread (pc advanced, v0 = a3 = 0) moves to the other stack.
    EXPECT_TRUE(vm.state.leftThreadStack.empty());
    ASSERT_EQ(vm.state.rightThreadStack.size(), 1u);
    EXPECT_TRUE(vm.state.traverseRight);
    EXPECT_EQ(vm.thread().threadId, 5u);
    EXPECT_EQ(vm.thread().pc, kCodeBase + 4);
    EXPECT_EQ(vm.reg(kRegV0), 0u);
    EXPECT_EQ(vm.reg(kRegA3), 0u);
    EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, 0u);
  }
  {
    SyscallVm vm(sys::kFutex, 0xA'0004, kFutexWaitPrivate, 0x1'0000'1235);  // compares lo32(a2)
    vm.poke(0xA'0000, 0x0000'0000'0000'1234);
    EXPECT_EQ(vm.call(), kEAGAINResult);
    EXPECT_FALSE(vm.state.traverseRight);
  }
  for (uint64_t n : {sys::kSchedYield, sys::kNanosleep}) {
    SyscallVm vm(n, 0x100, 0x200);
    ASSERT_TRUE(vm.step().ok());
    EXPECT_TRUE(vm.state.traverseRight);
    EXPECT_EQ(vm.thread().pc, kCodeBase + 4);
  }
  {
    SyscallVm vm(sys::kFutex, 0xA'0000, kFutexWakePrivate, 1);
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok());
    EXPECT_FALSE(o.proofAddress[1]);  // wake reads no memory
    EXPECT_TRUE(vm.state.traverseRight);
    EXPECT_EQ(vm.reg(kRegV0), 0u);
  }
  for (uint64_t op : {0ull, 1ull, 9ull, 0x1'0000'0080ull}) EXPECT_EQ(call(sys::kFutex, 0xA'0000, op, 0), kEINVALResult) << op;
}

}  // namespace
}  // namespace fpvm::mips64::test
