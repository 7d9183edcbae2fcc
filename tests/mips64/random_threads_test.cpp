// Random multi-threaded states: up to three threads on each stack (some exited), either traversal
// direction, the quantum nearly or fully used, each thread about to run a scheduler-relevant
// instruction (futex wait/wake, yield, nanosleep, exit, exit_group, clone, gettid, LL/SC, a nop).
// A few steps of each are cross-checked against the stateless verifier, and (with
// FPVM_EVM_CASES) replayed against MIPS64.sol (tests/evm): pops from both stacks, preemptions,
// direction changes, wake-ups.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "common/error.hpp"
#include "encoder.hpp"
#include "random_scale.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

constexpr uint64_t kFutexWord = 0x20'0010;

/// A thread about to execute one random scheduler-relevant instruction at its own pc.
Thread randomThread(std::mt19937_64& rng, TestVm& vm, uint64_t id) {
  Thread t;
  t.threadId = id;
  t.exited = rng() % 5 == 0;
  t.exitCode = static_cast<uint8_t>(rng());
  t.pc = 0x10'0000 + 0x100 * id;
  t.nextPC = rng() % 10 == 0 ? 0x30'0000 : t.pc + 4;
  for (unsigned r = 1; r < 32; ++r) t.registers[r] = rng() % 2 ? rng() % 16 : rng();
  static constexpr std::array<uint64_t, 9> kCalls = {sys::kFutex,     sys::kFutex, sys::kSchedYield, sys::kNanosleep, sys::kExit,
                                                     sys::kExitGroup, sys::kClone, sys::kGettid,     sys::kFutex};
  uint32_t insn = syscall();
  switch (rng() % 6) {
    case 0: insn = nop(); break;
    case 1: insn = rng() % 2 ? ll(8, 0, 9) : sc(8, 0, 9); break;
    case 2: insn = rng() % 2 ? lld(8, 0, 9) : scd(8, 0, 9); break;
    default: break;
  }
  t.registers[9] = kFutexWord + 8 * (rng() % 2);
  t.registers[kRegV0] = kCalls[rng() % kCalls.size()];
  t.registers[kRegA0] =
      t.registers[kRegV0] == sys::kClone ? (rng() % 4 ? kValidCloneFlags : rng()) : kFutexWord + 4 * (rng() % 3);
  t.registers[kRegA1] = rng() % 2 ? kFutexWaitPrivate : rng() % 2 ? kFutexWakePrivate : 0x20'0800;
  t.registers[kRegA2] = rng() % 2 ? 0x1234 : rng();
  vm.code(t.pc, {insn, nop()});
  return t;
}

TEST(Mips64RandomThreads, AgreeWithTheVerifier) {
  std::mt19937_64 rng(0x7412);
  int steps = 0, reverted = 0, hostFailures = 0;
  for (int i = 0, n = randomIterations(700); i < n; ++i) {
    TestVm vm;
    vm.state.leftThreadStack = ThreadStack();
    vm.state.rightThreadStack = ThreadStack();
    uint64_t id = 1 + rng() % 4;
    const size_t left = rng() % 4, right = rng() % 4;
    for (size_t k = 0; k < left; ++k) vm.state.leftThreadStack.push(randomThread(rng, vm, id++));
    for (size_t k = 0; k < right; ++k) vm.state.rightThreadStack.push(randomThread(rng, vm, id++));
    vm.state.nextThreadId = id + (rng() % 3);
    vm.state.traverseRight = rng() % 2;
    if (vm.state.activeStack().empty() && rng() % 4) vm.state.traverseRight = !vm.state.traverseRight;
    switch (rng() % 4) {
      case 0: vm.state.stepsSinceLastContextSwitch = kSchedQuantum - 1 - rng() % 2; break;
      case 1: vm.state.stepsSinceLastContextSwitch = kSchedQuantum + rng() % 3; break;
      default: vm.state.stepsSinceLastContextSwitch = rng() % 100; break;
    }
    vm.poke(kFutexWord, rng() % 2 ? 0x1234'0000'1234 : rng());
    vm.poke(kFutexWord + 8, 0x1234);
    if (rng() % 3 == 0) {
      vm.state.llReservationStatus = static_cast<uint8_t>(1 + rng() % 2);
      vm.state.llAddress = kFutexWord + 8 * (rng() % 2);
      vm.state.llOwnerThread = 1 + rng() % id;
    }
    for (int k = 0; k < 3 && !vm.state.exited; ++k) {
      try {
        const StepOutcome o = vm.step();  // cross-checked
        ++steps;
        if (!o.ok()) {
          ++reverted;
          break;
        }
      } catch (const Error&) {
        ++hostFailures;
        break;
      }
      if (vm.state.threadCount() == 0) break;
    }
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "at iteration " << i;
      break;
    }
  }
  EXPECT_GT(steps, 1200);
  std::printf("random threads: %d steps, %d reverted, %d host failures\n", steps, reverted, hostFailures);
}

}  // namespace
}  // namespace fpvm::mips64::test
