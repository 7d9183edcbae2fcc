// Exact mode's straight-line cache: on real programs of both instruction sets and in Go, the
// profile with the cache is the profile without it (every stack the same), and most stacks come
// from the cache.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/file_io.hpp"
#include "profile/sampler.hpp"
#include "profile/straight_line_cache.hpp"
#include "profile/unwinder_source.hpp"

namespace fpvm::profile {
namespace {

/// Every stack of `p` by names, root first, with its steps.
std::map<std::vector<std::string>, uint64_t> named(const Profile& p) {
  std::map<std::vector<std::string>, uint64_t> out;
  for (const auto& s : p.stacks()) {
    std::vector<std::string> names;
    for (FrameId f : s.frames) names.push_back(p.name(f));
    out[names] += s.steps;
  }
  return out;
}

void compare(const std::string& elfPath, uint64_t stopAt) {
  if (elfPath.empty() || !std::filesystem::exists(elfPath)) GTEST_SKIP() << "SKIPPED: " << elfPath << " was not built";
  const Bytes elf = readFile(elfPath);
  SamplerOptions o;
  o.exact = true;
  o.stopAt = stopAt;

  auto plainMachine = core::machineFromElf(ByteView(elf), elfPath);
  UnwinderSource plainSource(debuginfo::symbolsOfElf(ByteView(elf), elfPath), *plainMachine);
  Profile plain;
  (void)sampleRun(*plainMachine, plainSource, plain, o);

  auto cachedMachine = core::machineFromElf(ByteView(elf), elfPath);
  UnwinderSource inner(debuginfo::symbolsOfElf(ByteView(elf), elfPath), *cachedMachine);
  StraightLineCache cache(inner);
  Profile cached;
  const SampleResult r = sampleRun(*cachedMachine, cache, cached, o);

  EXPECT_EQ(cached.totalSteps(), plain.totalSteps());
  const auto a = named(cached), b = named(plain);
  for (const auto& [stack, steps] : b) {
    const auto it = a.find(stack);
    const uint64_t got = it == a.end() ? 0 : it->second;
    std::string text;
    for (const auto& f : stack) text += f + ";";
    EXPECT_EQ(got, steps) << text;
  }
  EXPECT_EQ(a.size(), b.size());
  EXPECT_GT(cache.hits() * 2, r.samples) << cache.hits() << " of " << r.samples << " stacks from the cache";
}

#ifndef FPVM_PROFILE_HOT_RISCV
#define FPVM_PROFILE_HOT_RISCV ""
#endif
#ifndef FPVM_PROFILE_HOT_MIPS64
#define FPVM_PROFILE_HOT_MIPS64 ""
#endif
#ifndef FPVM_PROFILE_GO
#define FPVM_PROFILE_GO ""
#endif

TEST(StraightLineCache, RiscvSameProfile) { compare(FPVM_PROFILE_HOT_RISCV, 400000); }
TEST(StraightLineCache, Mips64SameProfile) { compare(FPVM_PROFILE_HOT_MIPS64, 400000); }
TEST(StraightLineCache, GoSameProfile) { compare(FPVM_PROFILE_GO, 400000); }

}  // namespace
}  // namespace fpvm::profile
