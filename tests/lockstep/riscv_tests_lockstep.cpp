// Every step of every riscv-test: the proving engine's proof, fed to the stateless verifier,
// gives the proving engine's post-state hash; a plain interpreter on a copy agrees too.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_io.hpp"
#include "lockstep_check.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_loader.hpp"

namespace fpvm {
namespace {

TEST(RiscvTestsLockstep, EveryStepOfEveryTestVerifies) {
  auto tests = test::allRiscvTestPaths();
  if (tests.empty()) GTEST_SKIP() << test::kSharedMissing;
  EXPECT_EQ(tests.size(), 84u);
  uint64_t totalSteps = 0;
  for (const auto& path : tests) {
    SCOPED_TRACE(path);
    vm::VmState st = image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = false});
    vm::VmState plain = st;
    vm::HostContext host, plainHost;
    while (!st.exited && st.step < 10000) {
      ASSERT_TRUE(test::lockstepOnce(st, host, &plain, &plainHost));
      ++totalSteps;
    }
    EXPECT_TRUE(st.exited);
    EXPECT_EQ(st.exitCode, 0);
  }
  RecordProperty("steps", std::to_string(totalSteps));
  std::cout << "verified " << totalSteps << " steps over " << tests.size() << " riscv-tests\n";
}

}  // namespace
}  // namespace fpvm
