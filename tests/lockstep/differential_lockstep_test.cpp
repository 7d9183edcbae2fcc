// Proving engine vs stateless verifier on the differential C programs (issue 3 item 3): every
// step of four windows per program (start, one third, two thirds, the end), reached with the
// fast engine. With FPVM_LOCKSTEP_ALL=1 (the `long` ctest) every step of every program is
// proven and verified instead (~120 M steps; hours on this machine).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/file_io.hpp"
#include "lockstep_check.hpp"
#include "image/elf_loader.hpp"
#include "vm/fast_engine.hpp"

#ifndef FPVM_GUEST_DIR
#define FPVM_GUEST_DIR ""
#endif

namespace fpvm {
namespace {

std::vector<std::string> differentialElfs() {
  std::vector<std::string> out;
  std::filesystem::path dir(FPVM_GUEST_DIR);
  std::filesystem::path sources = std::filesystem::path(FPVM_SOURCE_DIR) / "tests/differential/programs";
  if (!std::filesystem::is_directory(dir) || !std::filesystem::is_directory(sources)) return out;
  for (const auto& e : std::filesystem::directory_iterator(sources)) {
    if (e.path().extension() != ".c") continue;
    std::string name = e.path().stem().string();
    if (name.rfind("long_", 0) == 0) continue;  // the long program is for step-rate measurements
    auto elf = dir / (name + ".elf");
    if (std::filesystem::exists(elf)) out.push_back(elf.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DifferentialLockstep, WindowsOfEveryProgramVerify) {
  auto elfs = differentialElfs();
  if (elfs.empty()) GTEST_SKIP() << "SKIPPED: differential guests not built (riscv64-unknown-elf-gcc missing?)";
  const bool all = std::getenv("FPVM_LOCKSTEP_ALL") != nullptr;
  const uint64_t window = 3000;
  uint64_t verified = 0;
  for (const auto& path : elfs) {
    SCOPED_TRACE(path);
    const vm::VmState pre = image::loadElf(image::parseElf(readFile(path), path));
    uint64_t total;
    {
      vm::VmState st = pre;
      vm::HostContext host;
      vm::FastEngine fast(st, host);
      ASSERT_EQ(fast.run(~uint64_t(0)), vm::FastStop::Exited);
      total = st.step;
    }
    std::vector<uint64_t> starts = {0, total / 3, 2 * total / 3, total > window ? total - window : 0};
    if (all) starts = {0};
    vm::VmState st = pre;
    vm::HostContext host;
    vm::FastEngine fast(st, host);
    for (uint64_t start : starts) {
      if (start > st.step) {
        (void)fast.run(start - st.step);
        fast.invalidateCaches();
      }
      const uint64_t until = all ? total : std::min(total, start + window);
      while (!st.exited && st.step < until) {
        ASSERT_TRUE(test::lockstepOnce(st, host, nullptr, nullptr));
        ++verified;
      }
    }
    if (all) {
      EXPECT_TRUE(st.exited);
    }
  }
  std::cout << "proved and verified " << verified << " steps of " << elfs.size() << " differential programs\n";
}

}  // namespace
}  // namespace fpvm
