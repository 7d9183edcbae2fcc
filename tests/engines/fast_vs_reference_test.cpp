// Every engine variant (fast with and without its native tier, proving bookkeeping, prove-then-
// verify, and the reference itself) against the reference interpreter: same step count and state
// hash at the end of every riscv-test, when run in one go and in small chunks (hashing between
// chunks), and on self-modifying code; with leaf-pair bookkeeping, the same pairs logged on every
// step.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "test_support/rv_asm.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_loader.hpp"
#include "test_support/variant_engine.hpp"
#include "vm/fast_engine.hpp"
#include "vm/interpreter.hpp"

namespace fpvm {
namespace {

void runReference(vm::VmState& st) {
  vm::HostContext host;
  vm::NoTracker t;
  vm::Interpreter<vm::NoTracker> interp(st, host, t);
  while (!st.exited && st.step < 100000) ASSERT_EQ(interp.step(), vm::kOk);
}

/// Runs the engine and the reference interpreter (on `ref`, a copy of the engine's start state)
/// in chunks of the given sizes, cycled, until the reference exits: after every chunk the step,
/// pc and registers must be equal, the state hash after every `hashEvery`-th chunk and at the end.
void runChunksAgainstReference(test::VariantEngine& engine, vm::VmState& st, vm::VmState& ref,
                               const std::vector<uint64_t>& chunks, size_t hashEvery) {
  vm::HostContext refHost;
  vm::NoTracker t;
  vm::Interpreter<vm::NoTracker> interp(ref, refHost, t);
  for (size_t i = 0; !ref.exited; ++i) {
    const uint64_t chunk = chunks[i % chunks.size()];
    for (uint64_t k = 0; k < chunk && !ref.exited; ++k) ASSERT_EQ(interp.step(), vm::kOk);
    ASSERT_NE(engine.run(chunk), vm::FastStop::Reverted);
    ASSERT_EQ(st.step, ref.step);
    ASSERT_EQ(st.pc, ref.pc) << "after step " << ref.step;
    ASSERT_EQ(st.registers, ref.registers) << "after step " << ref.step;
    if (i % hashEvery == 0) {
      ASSERT_EQ(st.stateHash(), ref.stateHash()) << "after step " << ref.step;
    }
  }
  EXPECT_TRUE(st.exited);
  EXPECT_EQ(st.stateHash(), ref.stateHash());
}

/// Runs each test with every engine variant (test_support/engine_variants.hpp).
class FastEngineTest : public testing::TestWithParam<test::EngineVariant> {};

FPVM_ALL_ENGINE_VARIANTS(FastEngineTest);

TEST_P(FastEngineTest, MatchesReferenceOnRiscvTests) {
  auto tests = test::allRiscvTestPaths();
  if (tests.empty()) GTEST_SKIP() << test::kSharedMissing;
  for (const auto& path : tests) {
    SCOPED_TRACE(path);
    for (bool patched : {false, true}) {
      vm::VmState ref = image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = patched});
      vm::VmState fast = ref;
      runReference(ref);
      vm::HostContext host;
      test::VariantEngine engine(GetParam(), fast, host);
      EXPECT_EQ(engine.run(100000), vm::FastStop::Exited);
      EXPECT_EQ(fast.step, ref.step);
      EXPECT_EQ(fast.stateHash(), ref.stateHash());
    }
  }
}

TEST_P(FastEngineTest, ChunkedRunsWithHashesInBetweenMatchReference) {
  auto tests = test::allRiscvTestPaths();
  if (tests.empty()) GTEST_SKIP() << test::kSharedMissing;
  for (const auto& path : tests) {
    SCOPED_TRACE(path);
    vm::VmState ref = image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = false});
    vm::VmState fast = ref;
    vm::HostContext host, refHost;
    vm::NoTracker t;
    vm::Interpreter<vm::NoTracker> interp(ref, refHost, t);
    test::VariantEngine engine(GetParam(), fast, host);
    uint64_t chunk = 1;
    while (!ref.exited) {
      for (uint64_t i = 0; i < chunk && !ref.exited; ++i) ASSERT_EQ(interp.step(), vm::kOk);
      vm::FastStop stop = engine.run(chunk);
      ASSERT_NE(stop, vm::FastStop::Reverted);
      ASSERT_EQ(fast.step, ref.step);
      ASSERT_EQ(fast.stateHash(), ref.stateHash()) << "after step " << ref.step;
      chunk = chunk % 7 + 1;
    }
  }
}

// A hot loop (the native tier repeats such a block in place while the step budget allows) stopped
// after chunks of many sizes, around and above the budget the tier keeps in reserve: every stop
// lands on exactly the reference interpreter's state.
TEST_P(FastEngineTest, LoopStoppedAtArbitraryStepsMatchesReference) {
  if (GetParam() == test::EngineVariant::ProveThenVerify)
    GTEST_SKIP() << "about the fast engine's in-place loop repetition; a per-step proof of each of its 10^6 steps adds "
                    "nothing the chunked riscv-test comparison does not check";
  auto rtype = [](uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd) {
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x33;
  };
  auto addi = [](uint32_t rd, uint32_t rs1, int32_t imm) { return (uint32_t(imm & 0xFFF) << 20) | (rs1 << 15) | (rd << 7) | 0x13; };
  const uint32_t prog[] = {
      addi(5, 5, 1),                                                // 0x1000: x5 += 1
      (5u << 20) | (6u << 15) | (3u << 12) | 0x23,                  // 0x1004: sd x5, 0(x6)
      (6u << 15) | (3u << 12) | (7u << 7) | 0x03,                   // 0x1008: ld x7, 0(x6)
      rtype(0, 7, 8, 0, 8),                                         // 0x100c: x8 += x7
      rtype(1, 5, 8, 0, 10),                                        // 0x1010: x10 = x8 * x5
      // 0x1014: blt x5, x9, -20 (back to 0x1000)
      (1u << 31) | (0x3Fu << 25) | (9u << 20) | (5u << 15) | (4u << 12) | (0x6u << 8) | (1u << 7) | 0x63,
      0x00000073,                                                   // 0x1018: ecall (exit)
  };
  vm::VmState st;
  st.memory.writeBytes(0x1000, reinterpret_cast<const uint8_t*>(prog), sizeof prog);
  st.pc = 0x1000;
  st.registers[6] = 0x80000;
  st.registers[9] = 60000;
  st.registers[17] = 93;
  vm::VmState ref = st;
  vm::HostContext host;
  test::VariantEngine engine(GetParam(), st, host);
  runChunksAgainstReference(engine, st, ref, {1, 1024, 1025, 1031, 2047, 2050, 3001, 7, 12289, 5000, 1026}, 5);
}

// Chained native code stopped anywhere: a loop that calls two functions (jal links, jalr
// lookups, a tail call), whose callee keeps more guest registers live than the native tier has
// host registers, stores and loads through a pointer that moves to a new page now and then (TLB
// misses leave blocks with allocated registers written), and every 8th iteration rewrites the
// callee's first instruction (its block is dropped and every block linked to it unlinked). Every
// stop after chunks of many sizes lands on the reference interpreter's registers and step; the
// state hash is compared every few chunks and at the end.
TEST_P(FastEngineTest, ChainedCallsStoppedAnywhereMatchReference) {
  if (GetParam() == test::EngineVariant::ProveThenVerify)
    GTEST_SKIP() << "about chained native code; the proof path is the reference interpreter's and is checked elsewhere";
  using namespace test::rvasm;
  constexpr int32_t kF1 = 12, kF2 = 33;
  std::vector<uint32_t> prog = {
      addi(27, zero, 2000),                // 0: counter
      jal(ra, (kF1 - 1) * 4),              // 1 loop: call F1
      jal(ra, (kF2 - 2) * 4),              // 2: call F2
      addi(27, 27, -1),                    // 3
      andi(28, 27, 7),                     // 4
      bne(28, zero, 16),                   // 5: to 9 unless counter % 8 == 0
      xor_(31, 31, 30),                    // 6: toggle F1's first instruction (+3 / +5)
      sw(31, 29, kF1 * 4),                 // 7: rewrite it
      addi(6, 6, 2047),                    // 8: data pointer to new leaves and pages
      bne(27, zero, -32),                  // 9: back to 1
      addi(a7, zero, 93),                  // 10
      0x00000073,                          // 11: ecall (exit)
      addi(a0, a0, 3),                     // 12 = F1
  };
  for (uint32_t r = 10; r <= 26; ++r) prog.push_back(add(r, r, r == 26 ? 10 : r + 1));  // 13..29
  prog.push_back(sd(20, 6, 16));           // 30
  prog.push_back(ld(21, 6, 16));           // 31
  prog.push_back(jalr(zero, ra, 0));       // 32: ret
  prog.push_back(addi(7, 7, 1));           // 33 = F2
  prog.push_back(sd(7, 6, 8));             // 34
  prog.push_back(jal(zero, (kF1 - 35) * 4));  // 35: tail call F1
  ASSERT_EQ(prog.size(), 36u);
  vm::VmState st;
  st.memory.writeBytes(0x1000, reinterpret_cast<const uint8_t*>(prog.data()), prog.size() * 4);
  st.pc = 0x1000;
  st.registers[6] = 0x80000;
  st.registers[29] = 0x1000;
  st.registers[31] = addi(a0, a0, 3);
  st.registers[30] = addi(a0, a0, 3) ^ addi(a0, a0, 5);
  for (uint32_t r = 10; r <= 26; ++r) st.registers[r] = 0x9E3779B97F4A7C15ull * r;
  vm::VmState ref = st;
  vm::HostContext host;
  test::VariantEngine engine(GetParam(), st, host);
  runChunksAgainstReference(engine, st, ref, {1, 2, 3, 5, 17, 100, 999, 4096, 4097, 31, 50000, 7, 1025}, 4);
  if (HasFatalFailure()) return;
  if (vm::FastEngine* fast = engine.fastEngine(); fast && fast->nativeTierActive()) {
    // The native path took part: blocks were linked and jalr targets looked up.
    EXPECT_GT(fast->nativeLinks(), 100u);
    EXPECT_GT(fast->nativeIndirectEntries(), 0u);
    std::cout << "[ native ] " << ref.step << " steps, " << fast->nativeBlocksCompiled() << " blocks compiled, "
              << fast->nativeLinks() << " links, " << fast->nativeIndirectEntries() << " jalr entries" << std::endl;
  }
}

// Misaligned loads and stores inside a compiled loop: a pointer that advances by 3 bytes hits
// every alignment, and walks over three pages, so some accesses cross a page end. Compiled code
// checks page and alignment in one compare and lets a misaligned access to a mapped page through
// an out-of-line check; only TLB misses and page-crossing accesses leave to the engine. Stopped
// after chunks of many sizes, registers and step equal the reference's; hashes every few chunks.
TEST_P(FastEngineTest, MisalignedAccessesInCompiledLoopsMatchReference) {
  if (GetParam() == test::EngineVariant::ProveThenVerify)
    GTEST_SKIP() << "about compiled memory accesses; single misaligned steps are proved in the instruction tests";
  using namespace test::rvasm;
  const std::vector<uint32_t> prog = {
      addi(27, zero, 2000),  // 0: counter
      ld(10, 6, 0),          // 1 loop
      lw(11, 6, 5),          // 2
      lh(12, 6, 7),          // 3
      add(13, 10, 11),       // 4
      add(13, 13, 12),       // 5
      sd(13, 6, 9),          // 6
      sw(10, 6, 18),         // 7
      sh(11, 6, 23),         // 8
      lwu(14, 6, 1),         // 9
      xor_(15, 15, 14),      // 10
      addi(6, 6, 3),         // 11
      addi(27, 27, -1),      // 12
      bne(27, zero, -48),    // 13: back to 1
      addi(a7, zero, 93),    // 14
      0x00000073,            // 15: ecall (exit)
  };
  vm::VmState st;
  st.memory.writeBytes(0x1000, reinterpret_cast<const uint8_t*>(prog.data()), prog.size() * 4);
  for (uint64_t a = 0x80000; a < 0x80000 + 3 * 4096 + 64; a += 8) st.memory.store(a, 8, a * 0x9E3779B97F4A7C15ull);
  st.pc = 0x1000;
  st.registers[6] = 0x80000 + 4096 - 1000;  // crosses into the next page after ~330 iterations
  vm::VmState ref = st;
  vm::HostContext host;
  test::VariantEngine engine(GetParam(), st, host);
  runChunksAgainstReference(engine, st, ref, {50000, 1, 13, 14, 999, 4097, 2, 31, 1025}, 3);
  if (HasFatalFailure()) return;
  if (vm::FastEngine* fast = engine.fastEngine(); fast && fast->nativeTierActive() && GetParam() == test::EngineVariant::FastNative) {
    // 2,000 iterations of 8 accesses, most of them misaligned: nearly all stay in native code.
    EXPECT_GT(fast->nativeBlocksCompiled(), 0u);
    EXPECT_LT(fast->nativeMemoryExits(), 400u);
    std::cout << "[ native ] " << ref.step << " steps, " << fast->nativeMemoryExits()
              << " of 16,000 loads/stores left to the engine" << std::endl;
  }
}

// Proving bookkeeping marks exactly the leaf pairs the reference interpreter marks, step by step
// (the pair log is what per-step batched hashing reads).
TEST(FastEngineLeafPairs, LogsTheSamePairsAsReferenceOnEveryStep) {
  auto tests = test::allRiscvTestPaths();
  if (tests.empty()) GTEST_SKIP() << test::kSharedMissing;
  for (const auto& path : tests) {
    SCOPED_TRACE(path);
    vm::VmState ref = image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = true});
    vm::VmState fast = ref;
    merkle::PairLog refLog, fastLog;
    ref.memory.setPairLog(&refLog);
    fast.memory.setPairLog(&fastLog);
    vm::HostContext host, refHost;
    vm::NoTracker t;
    vm::Interpreter<vm::NoTracker> interp(ref, refHost, t);
    vm::FastEngine engine(fast, host, vm::Bookkeeping::LeafPairs);
    while (!ref.exited) {
      refLog.clear();
      fastLog.clear();
      ASSERT_EQ(interp.step(), vm::kOk);
      ASSERT_NE(engine.run(1), vm::FastStop::Reverted);
      ASSERT_EQ(fastLog.count, refLog.count) << "step " << ref.step;
      if (refLog.count == 1) {
        ASSERT_EQ(fastLog.pair, refLog.pair) << "step " << ref.step;
      }
    }
    EXPECT_EQ(fast.stateHash(), ref.stateHash());
  }
}

// A loop that rewrites one of its own instructions: the fast engine must see the new code.
TEST_P(FastEngineTest, SelfModifyingCode) {
  // 0x1000: addi x5, x5, 1        (rewritten to addi x5, x5, 2 by the store below)
  // 0x1004: sw   x6, -4(x7)       (x7 = 0x1004 → stores the new word at 0x1000)
  // 0x1008: addi x8, x8, 1
  // 0x100c: blt  x8, x9, -12      (loop to 0x1000 while x8 < x9)
  // 0x1010: ecall (exit, a0 = x5 via mv below)  -- a7 = 93 preset
  auto addi = [](uint32_t rd, uint32_t rs1, int32_t imm) { return (uint32_t(imm & 0xFFF) << 20) | (rs1 << 15) | (rd << 7) | 0x13; };
  uint32_t prog[] = {
      addi(5, 5, 1),
      (uint32_t((-4 >> 5) & 0x7F) << 25) | (6u << 20) | (7u << 15) | (2u << 12) | (uint32_t(-4 & 31) << 7) | 0x23,
      addi(8, 8, 1),
      // blt x8, x9, -12
      (1u << 31) | (0x3Fu << 25) | (9u << 20) | (8u << 15) | (4u << 12) | (0xAu << 8) | (1u << 7) | 0x63,
      addi(10, 5, 0),
      0x00000073,
  };
  vm::VmState st;
  st.memory.writeBytes(0x1000, reinterpret_cast<const uint8_t*>(prog), sizeof prog);
  st.pc = 0x1000;
  st.registers[6] = addi(5, 5, 2);
  st.registers[7] = 0x1004;
  st.registers[9] = 10;
  st.registers[17] = 93;
  vm::VmState ref = st;
  runReference(ref);
  vm::HostContext host;
  test::VariantEngine engine(GetParam(), st, host);
  ASSERT_EQ(engine.run(1000), vm::FastStop::Exited);
  EXPECT_EQ(ref.exitCode, 19);  // 1 + 9 × 2
  EXPECT_EQ(st.exitCode, ref.exitCode);
  EXPECT_EQ(st.step, ref.step);
  EXPECT_EQ(st.stateHash(), ref.stateHash());
}

TEST_P(FastEngineTest, RevertsLikeReference) {
  // jalr to a misaligned target (x1 = 0x2002) and an unknown opcode.
  for (uint32_t word : {0x00008067u /* jalr x0, 0(x1) */, 0x0000007Fu}) {
    vm::VmState st;
    st.memory.store(0x1000, 4, word);
    st.pc = 0x1000;
    st.registers[1] = 0x2002;
    vm::HostContext host;
    test::VariantEngine engine(GetParam(), st, host);
    vm::VmState ref = st;
    vm::HostContext refHost;
    vm::NoTracker t;
    vm::RevertCode expected = vm::Interpreter<vm::NoTracker>(ref, refHost, t).step();
    ASSERT_NE(expected, vm::kOk);
    EXPECT_EQ(engine.run(10), vm::FastStop::Reverted);
    EXPECT_EQ(engine.revert(), expected);
  }
}

}  // namespace
}  // namespace fpvm

namespace fpvm {
namespace {

// A guest that stores to a new page on every iteration stops with MemoryLimitError once the
// memory's page limit is reached, in both engines, and the error says which limit.
TEST_P(FastEngineTest, PageLimitStopsTheRun) {
  // loop: sd x0, 0(x5); add x5, x5, x6; jal x0, loop   (x6 = 4096)
  const uint32_t prog[] = {0x0002b023, 0x006282b3, 0xff9ff06f};
  for (bool fast : {true, false}) {
    vm::VmState st;
    st.memory.writeBytes(0x1000, reinterpret_cast<const uint8_t*>(prog), sizeof prog);
    st.pc = 0x1000;
    st.registers[5] = 0x100000;
    st.registers[6] = 4096;
    st.memory.setPageLimit(64);
    vm::HostContext host;
    try {
      if (fast) {
        test::VariantEngine engine(GetParam(), st, host);
        (void)engine.run(1000000);
      } else {
        vm::NoTracker t;
        vm::Interpreter<vm::NoTracker> interp(st, host, t);
        for (int i = 0; i < 1000000; ++i) (void)interp.step();
      }
      FAIL() << "no memory limit error";
    } catch (const merkle::MemoryLimitError& e) {
      EXPECT_NE(std::string(e.what()).find("memory limit exceeded"), std::string::npos);
      EXPECT_EQ(st.memory.pageCount(), 64u);
    }
  }
}

// The native code cache at its smallest (64 KiB) fills and is flushed many times in one run: the
// fast engine still lands on the reference interpreter's state at every chunk boundary, and
// compiles the code it lost again. Real programs, C and Go, up to 3 M steps each.
TEST(FastEngineCodeCache, FlushedMidRunStaysExact) {
  int checked = 0;
  for (const std::string name : {"bignum.elf", "malloc_stress.elf", "go/tiny"}) {
    const std::string path = std::string(FPVM_GUESTS_DIR) + "/" + name;
    if (!std::filesystem::exists(path)) {
      std::cout << "[ skipped ] " << path << " was not built" << std::endl;
      continue;
    }
    SCOPED_TRACE(path);
    vm::VmState ref = image::loadElf(image::parseElf(readFile(path), path));
    vm::VmState fast = ref;
    vm::HostContext host, refHost;
    vm::NoTracker t;
    vm::Interpreter<vm::NoTracker> interp(ref, refHost, t);
    vm::FastEngine engine(fast, host, vm::Bookkeeping::Pages, true, vm::kMinNativeCodeBytes);
    if (!engine.nativeTierActive()) GTEST_SKIP() << "no native tier on this host";
    constexpr uint64_t kChunk = 100'003, kMaxSteps = 3'000'000;
    while (!ref.exited && ref.step < kMaxSteps) {
      for (uint64_t i = 0; i < kChunk && !ref.exited; ++i) ASSERT_EQ(interp.step(), vm::kOk) << "step " << ref.step;
      ASSERT_NE(engine.run(kChunk), vm::FastStop::Reverted);
      ASSERT_EQ(fast.step, ref.step);
      ASSERT_EQ(fast.stateHash(), ref.stateHash()) << "after step " << ref.step;
    }
    EXPECT_GT(engine.nativeCodeFlushes(), 0u) << "64 KiB never filled";
    std::cout << "[ cache ] " << name << ": " << ref.step << " steps, " << engine.nativeBlocksCompiled()
              << " blocks compiled, " << engine.nativeCodeFlushes() << " flushes" << std::endl;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no guest was built";
}

}  // namespace
}  // namespace fpvm
