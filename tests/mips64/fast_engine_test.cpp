// The fast engine against the reference interpreter: the same state (witness, thread stacks, page
// set, hint buffer) at every stop, for chunk sizes from 1 step to more than a quantum, on random
// instruction programs (self-modifying, with LL/SC reservations and delay-slot faults), the C
// guests and the smallest Go program; reverts, host failures and the cancel flag.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <utility>

#include "common/file_io.hpp"
#include "encoder.hpp"
#include "guest_path.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/fast_engine.hpp"
#include "random_insn.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

/// Every part of the state the engines could disagree on.
void expectSameState(State& a, State& b, const std::string& where) {
  EXPECT_EQ(a.witness(), b.witness()) << where;
  EXPECT_EQ(a.memory.pageIndices(), b.memory.pageIndices()) << where;
  EXPECT_EQ(a.lastHint, b.lastHint) << where;
  for (const auto& [x, y] : {std::pair{&a.leftThreadStack, &b.leftThreadStack}, {&a.rightThreadStack, &b.rightThreadStack}}) {
    ASSERT_EQ(x->size(), y->size()) << where;
    for (size_t i = 0; i < x->size(); ++i) EXPECT_EQ(x->at(i), y->at(i)) << where << " thread " << i;
  }
}

/// A reference machine and a fast one started from the same state.
struct Pair {
  State refState, fastState;
  MapOracle refOracle, fastOracle;
  CapturedOutput refOut, fastOut;
  Interpreter ref{refState, &refOracle, &refOut};
  Interpreter fastRef{fastState, &fastOracle, &fastOut};
  FastEngine fast{fastState, fastRef};

  explicit Pair(const State& initial) : refState(initial), fastState(initial) {}
  void addPreimage(const Hash32& key, const Bytes& data) {
    refOracle.preimages[key] = data;
    fastOracle.preimages[key] = data;
  }

  /// Steps the reference to `target` (or its exit/revert) and runs the fast engine to the same
  /// step; both must stop the same way in the same state. Returns false when the run is over.
  bool advanceBoth(uint64_t target) {
    Revert refRevert = Revert::None;
    while (!refState.exited && refState.step < target) {
      const StepOutcome o = ref.step();
      if (!o.ok()) {
        refRevert = o.revert;
        break;
      }
    }
    const RunResult r = fast.run(target);
    const std::string where = "at step " + std::to_string(refState.step);
    if (refRevert != Revert::None) {
      EXPECT_EQ(r.stop, RunStop::Reverted) << where;
      EXPECT_EQ(r.outcome.revert, refRevert) << where << ": " << revertName(r.outcome.revert);
    } else if (refState.exited) {
      EXPECT_EQ(r.stop, RunStop::Exited) << where;
    } else {
      EXPECT_EQ(r.stop, RunStop::Reached) << where;
    }
    EXPECT_EQ(fastState.step, refState.step) << where;
    expectSameState(refState, fastState, where);
    EXPECT_EQ(fastOut.text, refOut.text) << where;
    return refRevert == Revert::None && !refState.exited;
  }

  /// Runs both to the end (or `maxSteps`) in chunks of `chunk` steps.
  void lockstep(uint64_t chunk, uint64_t maxSteps) {
    while (refState.step < maxSteps && advanceBoth(std::min(refState.step + chunk, maxSteps))) {
      if (::testing::Test::HasFailure()) return;
    }
  }
};

/// `insn` with a branch offset or jump target moved into the program's page, so that runs stay
/// in allocated code (where the fast engine works) instead of fetching zeros elsewhere.
uint32_t keepInPage(uint32_t insn, std::mt19937_64& rng) {
  const uint32_t opcode = insn >> 26;
  if (opcode == 0x01 || (opcode >= 0x04 && opcode <= 0x07))
    return (insn & 0xFFFF'0000) | (static_cast<uint32_t>(static_cast<int>(rng() % 32) - 16) & 0xFFFF);
  if (opcode == 0x02 || opcode == 0x03) return (insn & 0xFC00'0000) | ((0x20'0000 + 4 * (rng() % 256)) >> 2);
  return insn;
}

/// A random program at 0x20'0000 whose loads and stores reach its own code.
State randomProgram(std::mt19937_64& rng, int length) {
  TestVm vm(0x20'0000);
  for (int i = 0; i < length; ++i) vm.code(0x20'0000 + 4 * uint64_t(i), {keepInPage(randomInsn(rng), rng)});
  for (unsigned r = 1; r < 32; ++r) {
    switch (rng() % 4) {
      case 0: vm.reg(r) = 0x20'0000 + 4 * (rng() % 0x100); break;
      case 1: vm.reg(r) = std::array<uint64_t, 5>{0, 1, ~uint64_t(0), 0x8000'0000, 0x8000'0000'0000'0000}[rng() % 5]; break;
      default: vm.reg(r) = rng(); break;
    }
  }
  vm.thread().hi = rng();
  vm.thread().lo = rng();
  for (uint64_t a = 0x20'0000 + 4 * uint64_t(length); a < 0x20'0800; a += 8) vm.poke(a, rng());
  if (rng() % 2 == 0) {
    vm.state.llReservationStatus = static_cast<uint8_t>(1 + rng() % 2);
    vm.state.llAddress = 0x20'0000 + 8 * (rng() % 64);
    vm.state.llOwnerThread = 0;
  }
  return vm.state;
}

TEST(Mips64FastEngine, RandomProgramsMatchTheReferenceAtEveryChunkSize) {
  std::mt19937_64 rng(2026);
  uint64_t steps = 0, fastSteps = 0;
  for (int i = 0; i < 1000; ++i) {
    const State initial = randomProgram(rng, 256);
    for (uint64_t chunk : {1u, 2u, 5u, 64u}) {
      Pair p(initial);
      p.lockstep(chunk, 400);
      if (::testing::Test::HasFailure()) FAIL() << "program " << i << ", chunk " << chunk;
      if (chunk == 64) {
        steps += p.refState.step;
        fastSteps += p.fast.stats().fastSteps;
      }
    }
  }
  std::printf("%llu steps per chunk size, %llu of them executed in place by the fast engine\n",
              static_cast<unsigned long long>(steps), static_cast<unsigned long long>(fastSteps));
  EXPECT_GT(fastSteps, 10'000u);
}

TEST(Mips64FastEngine, StoresOverTheNextInstructionAreFetched) {
  TestVm vm;
  // sw t1 into the word after the next instruction: that word becomes "addiu v1, zero, 7".
  vm.program({sw(9, 8, 8), nop(), addiu(3, 0, 1), nop()});
  vm.reg(9) = addiu(3, 0, 7);
  vm.reg(8) = kCodeBase;
  Pair p(vm.state);
  p.lockstep(100, 3);
  EXPECT_EQ(p.fastState.currentThread().registers[3], 7u);
}

TEST(Mips64FastEngine, OrdinaryStoreClearsAnotherThreadsReservation) {
  TestVm vm;
  vm.program({sd(9, 0, 8), nop(), nop()});
  vm.reg(8) = 0x30'0000;
  vm.state.llReservationStatus = kLLStatusActive64;
  vm.state.llAddress = 0x30'0004;  // same doubleword
  vm.state.llOwnerThread = 99;
  Pair p(vm.state);
  p.lockstep(3, 3);
  EXPECT_EQ(p.fastState.llReservationStatus, kLLStatusNone);
  EXPECT_EQ(p.fast.stats().referenceSteps, 0u);
}

TEST(Mips64FastEngine, RevertLeavesThePreStateAndNamesTheReason) {
  TestVm vm;
  vm.program({addiu(2, 0, 5), divu(3, 0), nop()});  // division by zero at step 1
  Pair p(vm.state);
  const RunResult r = p.fast.run(100);
  ASSERT_EQ(r.stop, RunStop::Reverted);
  EXPECT_EQ(r.outcome.revert, Revert::DivisionByZero);
  EXPECT_EQ(p.fastState.step, 1u);
  EXPECT_EQ(p.fastState.currentThread().pc, kCodeBase + 4);
  p.lockstep(100, 100);  // the reference reverts at the same place
}

TEST(Mips64FastEngine, CancelFlagStopsTheRun) {
  TestVm vm;
  vm.program({beq(0, 0, 0xFFFF), nop()});  // an endless loop
  Pair p(vm.state);
  std::atomic<bool> cancel{true};
  const RunResult r = p.fast.run(~uint64_t(0), &cancel);
  EXPECT_EQ(r.stop, RunStop::Cancelled);
  cancel = false;
  const RunResult r2 = p.fast.run(3'000'000, &cancel);
  EXPECT_EQ(r2.stop, RunStop::Reached);
  EXPECT_EQ(p.fastState.step, 3'000'000u);
  // The quantum preempted the single thread 29 times on the way (each one a reference step).
  EXPECT_EQ(p.fast.stats().referenceSteps, 29u);
  p.advanceBoth(3'000'000);
}

TEST(Mips64FastEngine, HostFailureKeepsTheStateBeforeTheStep) {
  TestVm vm;
  // read(fd 5) with no pre-image for the key: the oracle throws.
  Hash32 key;
  key[0] = 2;
  vm.state.preimageKey = key;
  vm.program({addiu(2, 0, 5000), addiu(4, 0, 5), lui(5, 0x30), addiu(6, 0, 8), syscall(), nop()});
  Pair p(vm.state);
  EXPECT_THROW((void)p.fast.run(100), Error);
  EXPECT_EQ(p.fastState.step, 4u);
  EXPECT_EQ(p.fastState.currentThread().pc, kCodeBase + 16);
}

#ifdef FPVM_MIPS64_GUEST_DIR

class Mips64FastEngineGuest : public ::testing::TestWithParam<const char*> {};

TEST_P(Mips64FastEngineGuest, SameStateAtEveryStop) {
  const State initial = loadElf(readFile(guestPath(GetParam())));
  Hash32 key;
  key[0] = 1;
  key[31] = 2;
  const std::string data = "hello preimage";
  for (uint64_t chunk : {1u, 3u, 1000u, 100'003u}) {
    Pair p(initial);
    p.addPreimage(key, Bytes(data.begin(), data.end()));
    p.lockstep(chunk, 1'000'000);
    if (::testing::Test::HasFailure()) FAIL() << "chunk " << chunk;
    EXPECT_TRUE(p.fastState.exited);
  }
}

INSTANTIATE_TEST_SUITE_P(CGuests, Mips64FastEngineGuest, ::testing::Values("hello", "threads", "preimage"));
#endif

#ifdef FPVM_MIPS64_GO_GUEST_DIR
TEST(Mips64FastEngine, GoProgramSameStateAtEveryStop) {
  const State initial = loadElf(readFile(std::string(FPVM_MIPS64_GO_GUEST_DIR) + "/mips64-tiny"));
  for (uint64_t chunk : {1u, 17u, 4096u, 250'000u}) {
    Pair p(initial);
    p.lockstep(chunk, chunk == 1 ? 30'000 : 10'000'000);
    if (::testing::Test::HasFailure()) FAIL() << "chunk " << chunk;
    if (chunk != 1) {
      EXPECT_TRUE(p.fastState.exited);
    }
  }
}
#endif

}  // namespace
}  // namespace fpvm::mips64::test
