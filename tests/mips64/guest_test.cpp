// Compiled C programs (tests/mips64/guests, built with mips64-linux-gnuabi64-gcc) loaded with the
// ELF loader and run to the end, every step cross-checked against the stateless verifier. Where
// qemu-mips64 is installed, the portable programs' output and exit code are compared with it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/file_io.hpp"
#include "mips64/elf_loader.hpp"
#include "guest_path.hpp"
#include "qemu_mips64.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

/// Runs a guest to its exit (at most `maxSteps`), every step verified.
void runToExit(TestVm& vm, uint64_t maxSteps) {
  while (!vm.state.exited && vm.state.step < maxSteps) {
    const uint64_t step = vm.state.step;
    const StepOutcome o = vm.step();
    ASSERT_TRUE(o.ok()) << "step " << step << " pc " << std::hex << vm.thread().pc << ": " << revertName(o.revert);
    if (::testing::Test::HasFailure()) FAIL() << "stopped at step " << step;
  }
  ASSERT_TRUE(vm.state.exited) << "no exit after " << maxSteps << " steps";
  EXPECT_EQ(vm.checkedSteps, static_cast<int>(vm.state.step));
}

TEST(Mips64Guest, Hello) {
  REQUIRE_GUESTS();
  TestVm vm(loadElf(readFile(guestPath("hello"))));
  runToExit(vm, 200'000);
  EXPECT_EQ(vm.state.exitCode, 0);
  // fib(15) = 610; the CRC-32 of the pangram is the well-known 0x414FA339.
  const std::string out = vm.output.text[1];
  EXPECT_EQ(out.substr(0, 18 + 19 + 19), "hello from mips64\n0x0000000000000262\n0x00000000414fa339\n");
  EXPECT_NE(out.find("0x0102030405060709\n"), std::string::npos);  // the unaligned copy
  if (const auto qemu = runUnderQemu(guestPath("hello"))) {
    EXPECT_EQ(out, qemu->first);
    EXPECT_EQ(qemu->second, 0);
  } else {
    std::printf("qemu-mips64 not found: comparison SKIPPED\n");
  }
}

TEST(Mips64Guest, ThreadsWithAtomicsAndFutexes) {
  REQUIRE_GUESTS();
  TestVm vm(loadElf(readFile(guestPath("threads"))));
  runToExit(vm, 500'000);
  EXPECT_EQ(vm.state.exitCode, 0);
  EXPECT_EQ(vm.output.text[1], "counter 0x00000000000000b4\n");
  EXPECT_EQ(vm.state.nextThreadId, 3u);  // two clones
  // exit_group ends the VM at once: each worker's last futex wake yielded, and main ran to its end
  // before the workers ran again, so all three threads are still there.
  EXPECT_EQ(vm.state.threadCount(), 3u);
  if (const auto qemu = runUnderQemu(guestPath("threads"))) {
    EXPECT_EQ(vm.output.text[1], qemu->first);
    EXPECT_EQ(qemu->second, 0);
  }
}

TEST(Mips64Guest, PreimageClient) {
  REQUIRE_GUESTS();
  TestVm vm(loadElf(readFile(guestPath("preimage"))));
  Hash32 key;
  key[0] = 1;
  key[31] = 2;
  const std::string data = "hello preimage";
  vm.oracle.preimages[key] = Bytes(data.begin(), data.end());
  runToExit(vm, 200'000);
  EXPECT_EQ(vm.state.exitCode, 0);
  EXPECT_EQ(vm.output.text[1], "0x000000000000000e\nhello preimage");
  ASSERT_EQ(vm.oracle.hints.size(), 1u);
  EXPECT_EQ(vm.oracle.hints[0], Bytes({'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(vm.state.preimageKey, key);
}

}  // namespace
}  // namespace fpvm::mips64::test
