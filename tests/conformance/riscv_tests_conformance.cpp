// riscv-tests conformance (spec §10.1, §10.3): every shipped test runs on the harness path
// (no patch, no stack) to exit code 0 within 10 000 steps, with the spec's step count and
// initial/final state hashes. Skipped, loudly, where ../shared is absent.
#include <gtest/gtest.h>

#include <string>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_loader.hpp"
#include "cli/run_loop.hpp"

namespace fpvm {
namespace {

struct Vector {
  const char* suite;
  const char* test;
  uint64_t steps;
  const char* finalHash;
  const char* initialHash;
};

const Vector kVectors[] = {
#include "riscv_tests_vectors.inc"
};

class RiscvTests : public ::testing::TestWithParam<Vector> {};

TEST_P(RiscvTests, MatchesSpecVectors) {
  const Vector& v = GetParam();
  std::string path = test::riscvTestPath(v.suite, v.test);
  if (path.empty()) GTEST_SKIP() << test::kSharedMissing;
  image::ElfFile elf = image::parseElf(readFile(path), path);
  vm::VmState st = image::loadElf(elf, image::LoadOptions{.patchAndStack = false});
  if (*v.initialHash) {
    EXPECT_EQ(toHex(st.stateHash()), std::string("0x") + v.initialHash);
  }

  vm::HostContext host;
  vm::NoPreimageOracle oracle;
  host.oracle = &oracle;
  vm::NoTracker tracker;
  vm::Interpreter<vm::NoTracker> interp(st, host, tracker);
  while (!st.exited && st.step < 10000) ASSERT_EQ(interp.step(), vm::kOk) << "at step " << st.step;
  ASSERT_TRUE(st.exited) << "did not exit within 10000 steps";
  EXPECT_EQ(st.exitCode, 0) << "failing test case " << (st.exitCode >> 1);
  EXPECT_EQ(st.step, v.steps);
  EXPECT_EQ(toHex(st.stateHash()), std::string("0x") + v.finalHash);
  // Steps after exit change nothing.
  Hash32 before = st.stateHash();
  ASSERT_EQ(interp.step(), vm::kOk);
  EXPECT_EQ(st.stateHash(), before);
}

std::string testName(const ::testing::TestParamInfo<Vector>& info) {
  return std::string(info.param.suite) + "_" + info.param.test;
}

INSTANTIATE_TEST_SUITE_P(Shipped, RiscvTests, ::testing::ValuesIn(kVectors), testName);

}  // namespace
}  // namespace fpvm
