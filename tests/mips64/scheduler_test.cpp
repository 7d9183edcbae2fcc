// Threads and the scheduler (docs/spec/cannon-mt64.md §3, §6.4, §6.5): clone, exit and the pop
// step, quantum preemption, the zig-zag order, yields, and the step-level checks; every step
// cross-checked against the verifier.
#include <gtest/gtest.h>

#include <vector>

#include "encoder.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

/// Thread ids of a stack, bottom first.
std::vector<uint64_t> ids(const ThreadStack& s) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < s.size(); ++i) out.push_back(s.at(i).threadId);
  return out;
}

TEST(Mips64Scheduler, CloneCreatesAndRunsTheChild) {
  TestVm vm;
  vm.program({syscall(), nop()});
  vm.reg(kRegV0) = sys::kClone;
  vm.reg(kRegA0) = kValidCloneFlags;
  vm.reg(kRegA1) = 0x7000'0000;  // child stack
  vm.reg(kRegA2) = 0xAAAA;       // ptid etc. are ignored
  vm.reg(12) = 0x1212;
  vm.thread().hi = 0x11;
  vm.thread().lo = 0x22;
  vm.state.stepsSinceLastContextSwitch = 50;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_EQ(vm.state.nextThreadId, 2u);
  EXPECT_EQ(ids(vm.state.leftThreadStack), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, 0u);
  EXPECT_FALSE(vm.state.traverseRight);
  const Thread& child = vm.state.leftThreadStack.at(1);
  const Thread& parent = vm.state.leftThreadStack.at(0);
  EXPECT_EQ(child.pc, kCodeBase + 4);
  EXPECT_EQ(child.nextPC, kCodeBase + 8);
  EXPECT_EQ(child.registers[kRegSP], 0x7000'0000u);
  EXPECT_EQ(child.registers[kRegV0], 0u);
  EXPECT_EQ(child.registers[kRegA3], 0u);
  EXPECT_EQ(child.registers[12], 0x1212u);
  EXPECT_EQ(child.hi, 0x11u);
  EXPECT_EQ(child.lo, 0x22u);
  EXPECT_EQ(parent.registers[kRegV0], 1u);
  EXPECT_EQ(parent.registers[kRegA3], 0u);
  EXPECT_EQ(parent.pc, kCodeBase + 4);
  EXPECT_EQ(vm.thread().threadId, 1u);  // the child is current
}

TEST(Mips64Scheduler, CloneWithOtherFlagsPanicsTheVm) {
  for (uint64_t flags : {uint64_t(0), uint64_t(0x50F00 | 0x80000), uint64_t(0x11)}) {
    TestVm vm;
    vm.program({syscall()});
    vm.reg(kRegV0) = sys::kClone;
    vm.reg(kRegA0) = flags;
    ASSERT_TRUE(vm.step().ok());
    EXPECT_TRUE(vm.state.exited);
    EXPECT_EQ(vm.state.exitCode, 2);
    EXPECT_EQ(vm.state.status(), VmStatus::Panic);
    EXPECT_EQ(vm.thread().pc, kCodeBase);  // not updated
    EXPECT_EQ(vm.reg(kRegV0), sys::kClone);
    EXPECT_EQ(vm.state.threadCount(), 1u);
    EXPECT_EQ(vm.state.step, 1u);
  }
}

TEST(Mips64Scheduler, ExitOfOneThreadThenPop) {
  TestVm vm;
  vm.program({syscall(), nop()});
  vm.reg(kRegV0) = sys::kClone;
  vm.reg(kRegA0) = kValidCloneFlags;
  ASSERT_TRUE(vm.step().ok());
  // The child exits with code 3: it stays on the stack, marked exited; the VM goes on.
  vm.thread().pc = kCodeBase;
  vm.thread().nextPC = kCodeBase + 4;
  vm.reg(kRegV0) = sys::kExit;
  vm.reg(kRegA0) = 3;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_FALSE(vm.state.exited);
  EXPECT_TRUE(vm.thread().exited);
  EXPECT_EQ(vm.thread().exitCode, 3);
  EXPECT_EQ(vm.state.threadCount(), 2u);
  // The next step pops it and executes nothing.
  const uint64_t stepBefore = vm.state.step;
  const StepOutcome pop = vm.step();
  ASSERT_TRUE(pop.ok());
  EXPECT_EQ(pop.kind, StepKind::Popped);
  EXPECT_FALSE(pop.proofAddress[0]);
  EXPECT_EQ(vm.state.step, stepBefore + 1);
  EXPECT_EQ(ids(vm.state.leftThreadStack), (std::vector<uint64_t>{0}));
  EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, 0u);
  // The parent now exits as the last thread: the VM exits with its code.
  vm.reg(kRegV0) = sys::kExit;
  vm.reg(kRegA0) = 0;
  vm.thread().pc = kCodeBase;
  vm.thread().nextPC = kCodeBase + 4;
  ASSERT_TRUE(vm.step().ok());
  EXPECT_TRUE(vm.state.exited);
  EXPECT_EQ(vm.state.status(), VmStatus::Valid);
}

TEST(Mips64Scheduler, PopFlipsDirectionWhenTheActiveStackEmpties) {
  TestVm vm;
  Thread other;
  other.threadId = 9;
  other.pc = 0x2000;
  other.nextPC = 0x2004;
  vm.state.rightThreadStack.push(other);
  vm.thread().exited = true;
  const StepOutcome o = vm.step();
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.kind, StepKind::Popped);
  EXPECT_TRUE(vm.state.traverseRight);
  EXPECT_EQ(vm.thread().threadId, 9u);
}

TEST(Mips64Scheduler, PoppingTheOnlyThreadFailsThePostStateCheck) {
  TestVm vm;
  vm.thread().exited = true;  // not the VM: a state no run reaches
  vm.expectRevert(Revert::PostStateActiveThreadStackEmpty);
}

TEST(Mips64Scheduler, EmptyActiveStackReverts) {
  TestVm vm;
  vm.state.traverseRight = true;  // right is empty
  vm.expectRevert(Revert::ActiveThreadStackEmpty);
  // An exited VM with an empty active stack fails the post-state check.
  TestVm exited;
  exited.state.exited = true;
  exited.state.traverseRight = true;
  exited.expectRevert(Revert::PostStateActiveThreadStackEmpty);
}

TEST(Mips64Scheduler, QuantumPreemptsAfterExactly100000Instructions) {
  TestVm vm;
  vm.program({beq(0, 0, -1), nop()});  // an endless loop
  vm.state.stepsSinceLastContextSwitch = kSchedQuantum - 2;
  vm.run(2);
  EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, kSchedQuantum);
  const Thread before = vm.thread();
  const StepOutcome o = vm.step();
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.kind, StepKind::Preempted);
  EXPECT_FALSE(o.proofAddress[0]);  // no fetch
  EXPECT_EQ(vm.state.step, 3u);
  EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, 0u);
  // A lone thread is preempted too: it moves right, the direction flips, it continues unchanged.
  EXPECT_TRUE(vm.state.leftThreadStack.empty());
  EXPECT_TRUE(vm.state.traverseRight);
  EXPECT_EQ(vm.thread(), before);
  vm.run(1);
  EXPECT_EQ(vm.state.stepsSinceLastContextSwitch, 1u);
}

TEST(Mips64Scheduler, ZigZagOrder) {
  // left = [A, B] (B on top). Each quantum expiry moves the current thread to the other stack.
  TestVm vm;
  vm.program({beq(0, 0, -1), nop()});
  Thread b = vm.thread();
  b.threadId = 2;
  vm.thread().threadId = 1;  // A
  vm.state.leftThreadStack.push(b);
  std::vector<uint64_t> order;
  for (int turn = 0; turn < 6; ++turn) {
    order.push_back(vm.thread().threadId);
    vm.state.stepsSinceLastContextSwitch = kSchedQuantum;  // expire the quantum at once
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok());
    ASSERT_EQ(o.kind, StepKind::Preempted);
  }
  // B, A, then after the flip A again (pushed last), B, B again, A, …
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 1, 1, 2, 2, 1}));
}

TEST(Mips64Scheduler, FutexHandshakeBetweenTwoThreads) {
  // The parent clones and waits on the word at 0x9000 while it holds 0; the child yields once,
  // stores 1, wakes (a yield) and exits; the parent's next wait sees 1, gets EAGAIN and exits.
  constexpr uint64_t kWord = 0x9000;
  const auto n = [](uint64_t v) { return static_cast<int32_t>(v); };
  TestVm vm;
  vm.code(kCodeBase, {
                         addiu(kRegV0, 0, n(sys::kClone)),         // 0x1000
                         syscall(),                                // 0x1004
                         beq(kRegV0, 0, 9),                        // 0x1008: the child goes to 0x1030
                         nop(),                                    // 0x100C
                         ori(kRegA0, 0, kWord),                    // 0x1010: parent
                         addiu(kRegV0, 0, n(sys::kFutex)),         // 0x1014
                         addiu(kRegA1, 0, n(kFutexWaitPrivate)),   // 0x1018
                         syscall(),                                // 0x101C
                         beq(kRegV0, 0, -5),                       // 0x1020: woken (0): wait again
                         nop(),                                    // 0x1024
                         addiu(kRegV0, 0, n(sys::kExit)),          // 0x1028: EAGAIN: exit(0)
                         syscall(),                                // 0x102C
                         addiu(kRegV0, 0, n(sys::kSchedYield)),    // 0x1030: child
                         syscall(),                                // 0x1034
                         addiu(9, 0, 1),                           // 0x1038
                         sw(9, 4, 8),                              // 0x103C: word = 1
                         addiu(kRegV0, 0, n(sys::kFutex)),         // 0x1040
                         addiu(kRegA1, 0, n(kFutexWakePrivate)),   // 0x1044
                         syscall(),                                // 0x1048
                         addiu(kRegV0, 0, n(sys::kExit)),          // 0x104C
                         syscall(),                                // 0x1050
                     });
  vm.reg(kRegA0) = kValidCloneFlags;
  vm.reg(8) = kWord - 4;
  std::vector<uint64_t> trace;
  std::vector<StepKind> kinds;
  for (int i = 0; i < 100 && !vm.state.exited; ++i) {
    trace.push_back(vm.thread().threadId);
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << i << ": " << revertName(o.revert);
    kinds.push_back(o.kind);
  }
  ASSERT_TRUE(vm.state.exited);
  EXPECT_EQ(vm.state.status(), VmStatus::Valid);
  EXPECT_EQ(vm.state.step, 36u);
  EXPECT_EQ(vm.peek(kWord) >> 32, 1u);
  EXPECT_EQ(vm.reg(kRegA3), kSysErrorSignal);  // the last futex wait failed (EAGAIN)
  const std::vector<uint64_t> expected = {0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(trace, expected);
  EXPECT_EQ(kinds[25], StepKind::Popped);  // the exited child is removed one step after its exit
  EXPECT_EQ(vm.state.threadCount(), 1u);
}

}  // namespace
}  // namespace fpvm::mips64::test
