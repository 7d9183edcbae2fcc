// Go programs (tests/go/programs, the same sources as the RISC-V Go tests) built for linux/mips64
// soft-float with Debian's Go and run on the MT64 machine from load-elf to exit: the Go runtime
// with its real threads (clone), futexes, the garbage collector on, goroutines, channels, maps,
// math/big, sha256 and encoding/json. stdout and the exit code must equal the program's
// expected.txt and what qemu-mips64 prints. The programs run on the fast engine; the smaller ones
// also on the reference interpreter (same final state); the smallest is checked on every step
// against the stateless verifier, the others on sampled steps.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/fast_engine.hpp"
#include "qemu_mips64.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

#ifdef FPVM_MIPS64_GO_GUEST_DIR
std::string goGuest(const std::string& name) { return std::string(FPVM_MIPS64_GO_GUEST_DIR) + "/mips64-" + name; }
#define REQUIRE_GO_GUESTS() (void)0
#else
std::string goGuest(const std::string&) { return {}; }
#define REQUIRE_GO_GUESTS() GTEST_SKIP() << "SKIPPED: Go toolchain not found, no MIPS64 Go guest programs"
#endif

std::string expectedOutput(const std::string& name) {
  const Bytes b = readFile(std::string(FPVM_GO_PROGRAMS_DIR) + "/" + name + "/expected.txt");
  return {b.begin(), b.end()};
}

/// Runs to exit; every step must succeed.
void runToExit(TestVm& vm, uint64_t maxSteps) {
  const auto t0 = std::chrono::steady_clock::now();
  while (!vm.state.exited && vm.state.step < maxSteps) {
    const uint64_t step = vm.state.step;
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << "step " << step << ": " << revertName(o.revert);
    if (::testing::Test::HasFailure()) FAIL() << "stopped at step " << step;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu steps in %.2f s (%.1f M steps/s), %zu threads at exit\n",
              static_cast<unsigned long long>(vm.state.step), s, static_cast<double>(vm.state.step) / s / 1e6,
              vm.state.threadCount());
  ASSERT_TRUE(vm.state.exited) << "no exit after " << maxSteps << " steps";
}

void compareWithQemu(const std::string& elf, const std::string& out, int exitCode) {
  if (const auto qemu = runUnderQemu(elf)) {
    EXPECT_EQ(out, qemu->first) << "stdout differs from qemu-mips64's";
    EXPECT_EQ(exitCode, qemu->second) << "exit code differs from qemu-mips64's";
  } else {
    std::printf("qemu-mips64 not found: comparison SKIPPED\n");
  }
}

TEST(Mips64Go, TinyEveryStepVerified) {
  REQUIRE_GO_GUESTS();
  TestVm vm(loadElf(readFile(goGuest("tiny"))));
  runToExit(vm, 2'000'000);
  EXPECT_EQ(vm.checkedSteps, static_cast<int>(vm.state.step));
  EXPECT_EQ(vm.state.exitCode, 4);
  EXPECT_EQ(vm.output.text[1], expectedOutput("tiny"));
  EXPECT_GT(vm.state.nextThreadId, 2u) << "the Go runtime starts its threads with clone";
  compareWithQemu(goGuest("tiny"), vm.output.text[1], vm.state.exitCode);
}

struct GoProgram {
  const char* name;
  int exitCode;
  bool alsoReference;     ///< run the reference interpreter too and compare the final states
  uint64_t sampleStride;  ///< SampledStepsVerified: fast-engine steps between samples (~40 per run)
};

/// Names the case in test listings (instead of a byte dump).
void PrintTo(const GoProgram& p, std::ostream* os) { *os << p.name; }

class Mips64GoProgram : public ::testing::TestWithParam<GoProgram> {};

TEST_P(Mips64GoProgram, SameOutputAsQemu) {
  REQUIRE_GO_GUESTS();
  const GoProgram& p = GetParam();
  const State initial = loadElf(readFile(goGuest(p.name)));
  TestVm vm{State(initial)};
  FastEngine fast(vm.state, vm.interp);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = fast.run(4'000'000'000);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.stop, RunStop::Exited) << revertName(r.outcome.revert) << " at step " << vm.state.step;
  std::printf("fast engine: %llu steps in %.2f s (%.0f M steps/s), %llu of them on the reference interpreter\n",
              static_cast<unsigned long long>(vm.state.step), s, static_cast<double>(vm.state.step) / s / 1e6,
              static_cast<unsigned long long>(fast.stats().referenceSteps));
  EXPECT_EQ(vm.state.exitCode, p.exitCode);
  EXPECT_EQ(vm.output.text[1], expectedOutput(p.name));
  compareWithQemu(goGuest(p.name), vm.output.text[1], vm.state.exitCode);
  if (p.alsoReference) {
    TestVm ref{State(initial)};
    ref.crossCheck = false;
    runToExit(ref, vm.state.step + 1);
    EXPECT_EQ(ref.state.step, vm.state.step);
    EXPECT_EQ(toHex(ref.state.hash()), toHex(vm.state.hash())) << "fast engine and reference end in different states";
    EXPECT_EQ(ref.output.text, vm.output.text);
  }
}

/// The long programs (4 M to 982 M steps, Go's threads and garbage collector running) proved on
/// sampled steps: the fast engine runs `sampleStride` steps, then 16 steps are proved and checked
/// against the stateless verifier (and, with FPVM_EVM_CASES set, written for the EVM replay of
/// MIPS64.sol: ctest evm.replay.go.sampled), until the program exits with its exit code.
TEST_P(Mips64GoProgram, SampledStepsVerified) {
  REQUIRE_GO_GUESTS();
  const GoProgram& p = GetParam();
  TestVm vm(loadElf(readFile(goGuest(p.name))));
  constexpr int kStepsPerSample = 16;
  int samples = 0;
  while (!vm.state.exited) {
    FastEngine fast(vm.state, vm.interp);
    const RunResult r = fast.run(vm.state.step + p.sampleStride);
    ASSERT_NE(r.stop, RunStop::Reverted) << revertName(r.outcome.revert) << " at step " << vm.state.step;
    if (r.stop == RunStop::Exited) break;
    ++samples;
    for (int i = 0; i < kStepsPerSample && !vm.state.exited; ++i) {
      const uint64_t step = vm.state.step;
      const StepOutcome o = vm.step();
      ASSERT_TRUE(o.ok()) << "step " << step << ": " << revertName(o.revert);
      ASSERT_FALSE(::testing::Test::HasFailure()) << "stopped at step " << step;
    }
  }
  std::printf("%s: %llu steps, %d samples, %d steps proved and verified\n", p.name,
              static_cast<unsigned long long>(vm.state.step), samples, vm.checkedSteps);
  EXPECT_EQ(vm.state.exitCode, p.exitCode);
  EXPECT_EQ(vm.output.text[1], expectedOutput(p.name));
  EXPECT_GE(samples, 30);
}

INSTANTIATE_TEST_SUITE_P(Programs, Mips64GoProgram,
                         ::testing::Values(GoProgram{"goroutines", 5, true, 650'011},
                                           GoProgram{"collections", 3, true, 1'750'009},
                                           GoProgram{"jsonsort", 9, true, 110'017},
                                           GoProgram{"bignum", 7, false, 8'800'009},
                                           GoProgram{"alloc", 11, false, 24'500'003}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace fpvm::mips64::test
