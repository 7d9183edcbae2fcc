// Parallel validation: checkpoints from one fast-engine pass, proofs built and verified on N
// threads, commitments chained from the start hash to the end hash.
#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "segment/parallel_validation.hpp"
#include "segment_test_util.hpp"
#include "vm/fast_engine.hpp"

namespace fpvm {
namespace {

Hash32 endHashOfMix(uint64_t* steps = nullptr, unsigned loops = 2000) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, loops);
  vm::HostContext host;
  host.oracle = &oracle;
  vm::FastEngine fast(st, host);
  (void)fast.run(~uint64_t(0));
  if (steps) *steps = st.step;
  return st.stateHash();
}

TEST(ParallelValidation, ThreadCountsAgreeWithTheFastEngine) {
  uint64_t steps = 0;
  const Hash32 end = endHashOfMix(&steps);
  for (unsigned threads : {1u, 2u, 4u}) {
    for (uint64_t every : {1000ull, 4096ull, 100000ull}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + " every " + std::to_string(every));
      test::TableOracle oracle;
      vm::VmState st = test::makeMixProgram(oracle, 2000);
      vm::HostContext host;
      host.oracle = &oracle;
      segment::ValidateOptions opt;
      opt.every = every;
      opt.threads = threads;
      opt.claimedEnd = end;
      opt.keepProofs = true;
      segment::ValidateReport rep = test::validateSegmentsOn(st, host, opt);
      EXPECT_EQ(rep.segments.size(), (steps + every - 1) / every);
      EXPECT_EQ(rep.checkpoints.size(), rep.segments.size() + 1);
      EXPECT_EQ(rep.checkpoints.back(), end);
      EXPECT_EQ(rep.endStep, steps);
      EXPECT_TRUE(rep.exited);
      EXPECT_EQ(host.oracle, &oracle);  // restored
      for (size_t i = 0; i < rep.segments.size(); ++i) {
        EXPECT_EQ(rep.segments[i].from, i * every);
        EXPECT_EQ(rep.segments[i].to, std::min<uint64_t>((i + 1) * every, steps));
      }
      // The kept proofs verify again, as a chain, on another thread count.
      segment::ChainReport c = segment::verifySegmentChain(rep.proofs, 3, rep.checkpoints.front(), end);
      EXPECT_EQ(c.endHash, end);
    }
  }
}

TEST(ParallelValidation, MaxStepsStopsEarly) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, 2000);
  vm::HostContext host;
  host.oracle = &oracle;
  segment::ValidateOptions opt;
  opt.every = 1000;
  opt.threads = 2;
  opt.maxSteps = 2500;
  segment::ValidateReport rep = test::validateSegmentsOn(st, host, opt);
  EXPECT_EQ(rep.endStep, 2500u);
  EXPECT_EQ(rep.segments.size(), 3u);
  EXPECT_EQ(rep.segments.back().from, 2000u);
  EXPECT_FALSE(rep.exited);
}

TEST(ParallelValidation, WrongClaimedEndIsRejected) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, 500);
  vm::HostContext host;
  host.oracle = &oracle;
  segment::ValidateOptions opt;
  opt.every = 700;
  opt.threads = 2;
  Hash32 wrong;
  wrong[0] = 3;
  opt.claimedEnd = wrong;
  EXPECT_TRUE(test::throwsWith([&] { (void)test::validateSegmentsOn(st, host, opt); }, "the claimed end is"));
}

TEST(ParallelValidation, BrokenChainsAndBadProofsNameTheSegment) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, 500);
  vm::HostContext host;
  host.oracle = &oracle;
  segment::ValidateOptions opt;
  opt.every = 1000;
  opt.threads = 2;
  opt.keepProofs = true;
  segment::ValidateReport rep = test::validateSegmentsOn(st, host, opt);
  ASSERT_GE(rep.proofs.size(), 4u);
  auto swapped = rep.proofs;
  std::swap(swapped[1], swapped[2]);
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegmentChain(swapped, 2); }, "chain broken between segments 0 and 1"));
  auto dropped = rep.proofs;
  dropped.erase(dropped.begin() + 2);
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegmentChain(dropped, 2); }, "chain broken between segments 1 and 2"));
  auto flipped = rep.proofs;
  flipped[3][flipped[3].size() / 2] ^= 0x20;
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegmentChain(flipped, 4); }, "segment 3 does not verify"));
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegmentChain(rep.proofs, 2, rep.checkpoints[1]); }, "chain does not start at"));
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegmentChain({}, 2); }, "no segment proofs"));
}

TEST(ParallelValidation, CancelFlagInterrupts) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, 500);
  vm::HostContext host;
  host.oracle = &oracle;
  std::atomic<bool> cancel{true};
  segment::ValidateOptions opt;
  opt.every = 1000;
  opt.threads = 2;
  opt.cancel = &cancel;
  segment::ValidateReport rep = test::validateSegmentsOn(st, host, opt);
  EXPECT_TRUE(rep.interrupted);
  EXPECT_TRUE(rep.segments.empty());
}

TEST(ParallelValidation, MissingPreimageNamesTheStep) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, 100);
  oracle.table.clear();
  vm::HostContext host;
  host.oracle = &oracle;
  segment::ValidateOptions opt;
  opt.every = 100;
  opt.threads = 2;
  EXPECT_TRUE(test::throwsWith([&] { (void)test::validateSegmentsOn(st, host, opt); }, "fast engine failed at step"));
}

TEST(ParallelValidation, RevertingProgramIsAnError) {
  vm::VmState st;
  st.memory.store(0x1000, 4, test::rvasm::nop());
  st.memory.store(0x1004, 4, 0x0000007F);
  st.pc = 0x1000;
  vm::HostContext host;
  segment::ValidateOptions opt;
  opt.every = 1;
  EXPECT_TRUE(test::throwsWith([&] { (void)test::validateSegmentsOn(st, host, opt); }, "unknown opcode"));
}

}  // namespace
}  // namespace fpvm
