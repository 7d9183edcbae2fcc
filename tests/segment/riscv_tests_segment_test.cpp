// Every riscv-test (../shared/testdata/riscv-tests), cut into segments of several lengths: each
// segment proof re-executes statelessly to the proving engine's hash at its end, the segments
// chain, and merging them all gives the proof of the whole run.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_io.hpp"
#include "segment/segment_merge.hpp"
#include "segment/segment_prover.hpp"
#include "segment_test_util.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_loader.hpp"

namespace fpvm {
namespace {

vm::VmState load(const std::string& path) {
  return image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = false});
}

TEST(RiscvTestsSegments, EverySegmentMatchesTheProvingEngine) {
  auto tests = test::allRiscvTestPaths();
  if (tests.empty()) GTEST_SKIP() << test::kSharedMissing;
  EXPECT_EQ(tests.size(), 84u);
  uint64_t segments = 0, steps = 0;
  size_t proofBytes = 0;
  uint64_t singleStepBytes = 0;
  for (const auto& path : tests) {
    SCOPED_TRACE(path);
    // The proving engine's hash after every step.
    std::vector<Hash32> hashes;
    {
      vm::VmState st = load(path);
      vm::HostContext host;
      hashes.push_back(st.stateHash());
      while (!st.exited && st.step < 100000) hashes.push_back(test::provingEngineHashAt(st, host, st.step + 1));
      ASSERT_TRUE(st.exited);
      ASSERT_EQ(st.exitCode, 0);
    }
    const uint64_t n = hashes.size() - 1;
    steps += n;
    for (uint64_t k : {uint64_t(1), uint64_t(17), uint64_t(250), n}) {
      SCOPED_TRACE("segment length " + std::to_string(k));
      vm::VmState st = load(path);
      vm::HostContext host;
      std::vector<segment::SegmentProof> parts;
      while (!st.exited) {
        segment::ProveStats stats;
        segment::SegmentProof p = test::proveSegmentOn(st, host, st.step + k, &stats);
        const Bytes enc = segment::encodeSegmentProof(p);
        segment::SegmentVerifyResult r = segment::verifySegment(segment::decodeSegmentProof(enc, path));
        ASSERT_EQ(r.preHash, hashes[r.fromStep]);
        ASSERT_EQ(r.postHash, hashes[r.endStep]) << "segment from " << r.fromStep;
        ++segments;
        if (k == n) {
          proofBytes += enc.size();
          singleStepBytes += stats.singleStepBytes();
        }
        parts.push_back(std::move(p));
      }
      if (k == 17 && parts.size() > 1) {
        segment::SegmentProof acc = parts[0];
        for (size_t i = 1; i < parts.size(); ++i) acc = segment::mergeSegments(acc, parts[i]);
        segment::SegmentVerifyResult r = segment::verifySegment(acc);
        EXPECT_EQ(r.postHash, hashes[n]);
        EXPECT_EQ(r.fromStep, 0u);
        vm::VmState whole = load(path);
        vm::HostContext wholeHost;
        EXPECT_EQ(segment::encodeSegmentProof(acc), segment::encodeSegmentProof(test::proveSegmentOn(whole, wholeHost, n)))
            << "merged proof differs from the direct proof of the whole run";
      }
    }
  }
  std::cout << "verified " << segments << " segment proofs over " << tests.size() << " riscv-tests (" << steps
            << " steps); whole-run proofs " << proofBytes << " bytes vs " << singleStepBytes
            << " bytes of one-step proofs\n";
}

}  // namespace
}  // namespace fpvm
