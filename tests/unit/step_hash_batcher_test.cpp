// Batched per-step state hashes (vm/step_hash_batcher.hpp) against VmState::stateHash() after every
// single step of the reference interpreter: random store programs (same-leaf repeats, sibling
// leaves and pages, stores crossing pairs and pages, fresh pages, runs without stores), a
// preimage read, and every shipped riscv-test. The memory must end as the per-step path leaves it.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/file_io.hpp"
#include "common/keccak256.hpp"
#include "vm/step_hash_batcher.hpp"
#include "single_step.hpp"
#include "test_support/rv_asm.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_file.hpp"
#include "image/elf_loader.hpp"

namespace fpvm::test {
namespace {

using namespace rvasm;
using vm::StepHashBatcher;

/// State hashes after each of the next `steps` steps, one step at a time (the reference).
std::vector<Hash32> referenceHashes(vm::VmState st, vm::PreimageOracle* oracle, uint64_t steps) {
  vm::HostContext host;
  host.oracle = oracle;
  vm::NoTracker tracker;
  vm::Interpreter<vm::NoTracker> interp(st, host, tracker);
  std::vector<Hash32> out;
  for (uint64_t i = 0; i < steps; ++i) {
    EXPECT_EQ(interp.step(), vm::kOk) << "reference step " << i;
    out.push_back(st.stateHash());
  }
  return out;
}

/// The same with the StepHashBatcher, in calls of varying length; checks the memory afterwards.
void expectBatchedEqualsReference(const vm::VmState& start, vm::PreimageOracle* oracle, uint64_t steps, uint64_t seed,
                                  const std::string& what) {
  const std::vector<Hash32> want = referenceHashes(start, oracle, steps);
  vm::VmState st = start;
  vm::HostContext host;
  host.oracle = oracle;
  std::vector<Hash32> got(steps);
  {
    StepHashBatcher hasher(st, host);
    std::mt19937_64 rng(seed);
    for (uint64_t done = 0; done < steps;) {
      const uint64_t n = std::min<uint64_t>(steps - done, 1 + rng() % 700);
      ASSERT_FALSE(hasher.run(n, got.data() + done).has_value()) << what;
      done += n;
    }
  }
  for (uint64_t i = 0; i < steps; ++i) ASSERT_EQ(got[i], want[i]) << what << ": hash after step " << i + 1 << " of " << steps;
  EXPECT_EQ(st.memory.merkleRoot(), st.memory.computeRootFromScratch()) << what;
  if (steps) {
    EXPECT_EQ(st.stateHash(), want.back()) << what;
  }
}

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kBaseA = 0x20000, kBaseB = 0x21000;  // sibling pages

/// A straight-line program of random stores and ALU instructions over several pages, ending
/// with exit(0). Registers: s0/s1 → sibling pages, s2 → a far page, s3 → a page touched first
/// by this program, t0..t6 random values.
vm::VmState randomStoreProgram(std::mt19937_64& rng, size_t length) {
  std::vector<uint32_t> c;
  c.push_back(lui(s0, kBaseA >> 12));
  c.push_back(lui(s1, kBaseB >> 12));
  c.push_back(addi(s2, zero, 1));
  c.push_back(slli(s2, s2, 46));
  c.push_back(lui(s3, 0x40000 + rng() % 64));
  const uint32_t bases[] = {s0, s1, s2, s3};
  const uint32_t values[] = {t0, t1, t2, t3, t4, t5, t6};
  for (uint32_t v : values) c.push_back(addi(v, zero, int32_t(rng() % 2048)));
  int32_t lastOff = 0;
  uint32_t lastBase = s0;
  for (size_t i = 0; i < length; ++i) {
    const uint32_t v = values[rng() % 7];
    switch (rng() % 10) {
      case 0: case 1: c.push_back(sd(v, lastBase, lastOff)); break;                      // same word again
      case 2: c.push_back(sd(v, lastBase, lastOff ^ 32)); break;                          // other leaf
      case 3: c.push_back(sw(v, lastBase, lastOff ^ 64)); break;                          // sibling pair
      case 4: c.push_back(sd(v, s0 == lastBase ? s1 : s0, lastOff)); break;               // sibling page
      case 5: c.push_back(sd(v, lastBase, 60)); break;                                    // crosses two pairs
      case 6: {
        lastBase = bases[rng() % 4];
        lastOff = int32_t(8 * (rng() % 256));
        c.push_back(sb(v, lastBase, lastOff));
        break;
      }
      default: c.push_back(rng() % 2 ? xori(v, v, int32_t(rng() % 2048)) : add(v, v, values[rng() % 7]));  // no store
    }
  }
  c.push_back(addi(a0, zero, 0));
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());
  vm::VmState st;
  for (size_t i = 0; i < c.size(); ++i) st.memory.store(kCode + 4 * i, 4, c[i]);
  st.memory.store(kBaseA + 8, 8, 1);
  st.memory.store(kBaseB + 8, 8, 2);
  st.memory.store((uint64_t(1) << 46) + 8, 8, 3);
  st.pc = kCode;
  st.memory.merkleRoot();  // pages hashed once: the first store to each takes the memory's path
  return st;
}

TEST(StepHashBatcher, RandomStoreProgramsHashLikeEveryStep) {
  std::mt19937_64 rng(31);
  for (int round = 0; round < 25; ++round) {
    const size_t length = 1 + rng() % 1500;
    const vm::VmState st = randomStoreProgram(rng, length);
    expectBatchedEqualsReference(st, nullptr, length + 15, rng(), "random program " + std::to_string(round));
  }
}

TEST(StepHashBatcher, RunsWithoutStoresAndAfterExit) {
  std::vector<uint32_t> c;
  for (int i = 0; i < 600; ++i) c.push_back(addi(t0, t0, 1));
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());
  vm::VmState st;
  for (size_t i = 0; i < c.size(); ++i) st.memory.store(kCode + 4 * i, 4, c[i]);
  st.pc = kCode;
  expectBatchedEqualsReference(st, nullptr, c.size() + 5, 1, "no stores");  // 3 steps of an exited machine
}

TEST(StepHashBatcher, PreimageReadWritesThroughTheBatch) {
  // Key = keccak type, read the preimage 8 bytes at a time into one pair, then a sibling pair.
  FakeOracle oracle;
  const Bytes data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  Hash32 key = keccak256(ByteView(data));
  key[0] = 2;
  oracle.table[key.b] = data;
  std::vector<uint32_t> c;
  c.push_back(lui(s0, kBaseA >> 12));
  auto sys = [&](uint32_t nr, uint32_t fd, int32_t off, int32_t n) {
    c.push_back(addi(a7, zero, int32_t(nr)));
    c.push_back(addi(a0, zero, int32_t(fd)));
    c.push_back(addi(a1, s0, off));
    c.push_back(addi(a2, zero, n));
    c.push_back(ecall());
  };
  sys(64, 6, 0, 32);  // write the key
  for (int i = 0; i < 4; ++i) sys(63, 5, 128 + 8 * i, 8);
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());
  vm::VmState st;
  for (size_t i = 0; i < c.size(); ++i) st.memory.store(kCode + 4 * i, 4, c[i]);
  st.memory.writeBytes(kBaseA, key.data(), 32);
  st.pc = kCode;
  st.memory.merkleRoot();
  st.memory.store(kBaseA + 64, 8, 0);  // second hash of the data page: it keeps its node cache
  st.memory.merkleRoot();
  expectBatchedEqualsReference(st, &oracle, c.size(), 2, "preimage read");
}

TEST(StepHashBatcher, EveryRiscvTestHashesLikeEveryStep) {
  const auto paths = allRiscvTestPaths();
  if (paths.empty()) GTEST_SKIP() << kSharedMissing;
  for (const auto& path : paths) {
    const vm::VmState st = image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = false});
    // Steps until exit (the reference interpreter, plainly).
    vm::VmState probe = st;
    vm::HostContext host;
    vm::NoTracker tracker;
    vm::Interpreter<vm::NoTracker> interp(probe, host, tracker);
    uint64_t steps = 0;
    while (!probe.exited && steps < 100000 && interp.step() == vm::kOk) ++steps;
    ASSERT_TRUE(probe.exited) << path;
    expectBatchedEqualsReference(st, nullptr, steps, steps, path);
  }
}

}  // namespace
}  // namespace fpvm::test
