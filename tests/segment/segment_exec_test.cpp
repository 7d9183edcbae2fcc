// Segment proofs of the mix program: prove [A,B) with the recording prover, encode, decode,
// re-execute statelessly, and compare with the proving engine's hash at B; then every kind of
// tampering is rejected with a message that names it.
#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "segment/segment_prover.hpp"
#include "segment/segment_verifier.hpp"
#include "segment_test_util.hpp"
#include "vm/fast_engine.hpp"

namespace fpvm {
namespace {

using segment::SegmentProof;

struct Built {
  SegmentProof proof;
  vm::VmState atA;    // state at A (copy)
  Hash32 hashAtB;     // proving engine's hash at B
  segment::ProveStats stats;
};

/// Proves [from, to) of the mix program.
Built build(uint64_t from, uint64_t to, unsigned loops = 200) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle, loops);
  vm::HostContext host;
  host.oracle = &oracle;
  test::runPlain(st, host, from);
  Built b;
  b.atA = st;
  vm::VmState ref = st;
  vm::HostContext refHost;
  refHost.oracle = &oracle;
  b.hashAtB = test::provingEngineHashAt(ref, refHost, to);
  b.proof = test::proveSegmentOn(st, host, to, &b.stats);
  EXPECT_EQ(st.stateHash(), b.hashAtB);
  return b;
}

uint64_t mixLength() {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle);
  vm::HostContext host;
  host.oracle = &oracle;
  test::runPlain(st, host, ~uint64_t(0));
  return st.step;
}

TEST(SegmentExec, EverySplitVerifiesAndMatchesTheProvingEngine) {
  const uint64_t n = mixLength();
  ASSERT_GT(n, 1600u);
  const std::vector<std::pair<uint64_t, uint64_t>> ranges = {
      {0, 1}, {0, 10}, {5, 6}, {0, 500}, {100, 1000}, {1590, n}, {n - 40, n}, {0, n}, {n - 5, n + 100}, {n, n + 10}};
  for (auto [a, b] : ranges) {
    SCOPED_TRACE("segment [" + std::to_string(a) + ", " + std::to_string(b) + ")");
    Built x = build(a, b);
    Bytes enc = segment::encodeSegmentProof(x.proof);
    SegmentProof dec = segment::decodeSegmentProof(enc, "test");
    EXPECT_EQ(segment::encodeSegmentProof(dec), enc);
    segment::SegmentVerifyResult r = segment::verifySegment(dec);
    EXPECT_EQ(r.postHash, x.hashAtB);
    EXPECT_EQ(r.preHash, x.atA.stateHash());
    EXPECT_EQ(r.fromStep, std::min(a, n));
    EXPECT_EQ(r.endStep, std::min(b, n));
    EXPECT_EQ(r.memoryAccesses, x.stats.memoryProofs);
    EXPECT_EQ(r.exited, b >= n);
  }
}

TEST(SegmentExec, AllSegmentsOfLengthKChainToTheEnd) {
  const uint64_t n = mixLength();
  for (uint64_t k : {1ull, 3ull, 64ull, 777ull}) {
    SCOPED_TRACE(k);
    test::TableOracle oracle;
    vm::VmState st = test::makeMixProgram(oracle);
    vm::HostContext host;
    host.oracle = &oracle;
    Hash32 prev = st.stateHash();
    uint64_t count = 0;
    while (!st.exited) {
      SegmentProof p = test::proveSegmentOn(st, host, st.step + k);
      segment::SegmentVerifyResult r = segment::verifySegment(segment::decodeSegmentProof(segment::encodeSegmentProof(p), "t"));
      ASSERT_EQ(r.preHash, prev);
      ASSERT_EQ(r.postHash, st.stateHash());
      prev = r.postHash;
      ++count;
    }
    EXPECT_EQ(count, (n + k - 1) / k);
  }
}

TEST(SegmentExec, ProofHoldsPreSegmentValuesAndThePreimagesRead) {
  const uint64_t n = mixLength();
  Built x = build(0, n);
  // Every leaf value in the proof is the value at A, even for leaves the segment writes.
  for (const auto& l : x.proof.leaves) EXPECT_EQ(l.value, x.atA.memory.readLeaf(l.addr)) << std::hex << l.addr;
  EXPECT_EQ(x.proof.preimages.size(), 2u);
  // The loop segment reads no preimage and touches few leaves.
  Built loop = build(10, 600);
  EXPECT_TRUE(loop.proof.preimages.empty());
  EXPECT_LT(loop.proof.leaves.size(), 120u);
  // Size: far below the one-step proofs of the same steps.
  Bytes enc = segment::encodeSegmentProof(loop.proof);
  EXPECT_LT(enc.size() * 50, loop.stats.singleStepBytes());
}

TEST(SegmentExec, StatsCountTheOneStepProofsOfTheSameSteps) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle), ref = st;
  vm::HostContext host, refHost;
  host.oracle = refHost.oracle = &oracle;
  segment::ProveStats stats;
  test::proveSegmentOn(st, host, 100000, &stats);
  uint64_t bytes = 0, steps = 0, oracleBytes = 0;
  while (!ref.exited) {
    vm::StepProof p;
    ASSERT_EQ(vm::proveStep(ref, refHost, p), vm::kOk);
    bytes += p.stateData.size() + p.proofData.size();
    if (p.oracleKey) oracleBytes += 32 + p.oracleValue.size();
    ++steps;
  }
  EXPECT_EQ(stats.steps, steps);
  EXPECT_EQ(stats.singleStepBytes(), bytes);
  EXPECT_EQ(stats.oracleBytes, oracleBytes);
}

class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    n_ = mixLength();
    x_ = build(n_ - 60, n_);  // the preimage reads and the exit
    ASSERT_EQ(x_.proof.preimages.size(), 2u);
    ASSERT_NO_THROW((void)segment::verifySegment(x_.proof));
  }
  uint64_t n_ = 0;
  Built x_;
};

TEST_F(Tamper, LeafValue) {
  for (size_t i = 0; i < x_.proof.leaves.size(); ++i) {
    SegmentProof p = x_.proof;
    p.leaves[i].value[i % 32] ^= 0x01;
    EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, "multiproof does not match the pre-state")) << i;
  }
}

TEST_F(Tamper, MultiproofNode) {
  for (size_t j = 0; j < x_.proof.siblings.size(); ++j) {
    SegmentProof p = x_.proof;
    p.siblings[j][31 - j % 32] ^= 0x40;
    EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, "multiproof does not match the pre-state")) << j;
  }
  SegmentProof p = x_.proof;
  p.siblings.pop_back();
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, "multiproof too short"));
}

TEST_F(Tamper, WitnessAndClaims) {
  {
    // A field the segment overwrites before reading it (the key: a 32-byte key write) is caught
    // by the claimed pre hash alone.
    SegmentProof p = x_.proof;
    p.preWitness[vm::kOffPreimageKey] ^= 1;
    EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, "pre-state hash mismatch"));
  }
  for (size_t off : {size_t(vm::kOffPc + 7), size_t(vm::kOffRegisters + 8 * 5 + 7), size_t(vm::kOffHeap + 7),
                     size_t(vm::kOffStep + 7)}) {
    SegmentProof p = x_.proof;
    p.preWitness[off] ^= 1;
    EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, "pre-state hash mismatch")) << off;
    // Even with the claimed pre hash fixed up, the re-executed post differs from the claim.
    p.preHash = vm::VmState::hashWitness(p.preWitness);
    EXPECT_THROW((void)segment::verifySegment(p), Error) << off;
  }
  SegmentProof root = x_.proof;
  root.preWitness[3] ^= 1;
  root.preHash = vm::VmState::hashWitness(root.preWitness);
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(root); }, "multiproof does not match the pre-state"));
  SegmentProof bad = x_.proof;
  bad.preWitness[vm::kOffExited] = 2;
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(bad); }, "exited flag is 2"));
  SegmentProof post = x_.proof;
  post.postHash[5] ^= 1;
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(post); }, "post-state mismatch"));
}

TEST_F(Tamper, PreimageBytes) {
  for (size_t k = 0; k < 2; ++k) {
    SegmentProof p = x_.proof;
    const bool keccak = p.preimages[k].key[0] == 2;
    p.preimages[k].data[0] ^= 1;
    EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, keccak ? "does not match its keccak256" : "post-state mismatch"))
        << "key type " << int(p.preimages[k].key[0]);
  }
  SegmentProof missing = x_.proof;
  missing.preimages.erase(missing.preimages.begin());
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(missing); }, "not in segment proof"));
  SegmentProof extra = x_.proof;
  segment::Preimage unused;
  unused.key[0] = 1;
  unused.key[31] = 9;
  unused.data = {1, 2, 3};
  extra.preimages.insert(extra.preimages.begin() + 1, unused);  // local 0x01…03 < 0x01…09 < keccak 0x02…
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(extra); }, "never reads"));
}

TEST_F(Tamper, LeafMissingOrUnused) {
  // Executing past the proven end touches leaves the proof lacks.
  Built early = build(100, 110);
  SegmentProof longer = early.proof;
  longer.toStep = 400;
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(longer); }, "not in segment proof"));
  // An extra, correctly proven leaf the execution never touches is rejected as well.
  SegmentProof p = early.proof;
  std::vector<uint64_t> addrs = p.leafAddrs();
  addrs.push_back(0x7000000);
  std::vector<segment::Leaf> leaves = p.leaves;
  leaves.push_back(segment::Leaf{0x7000000, Hash32{}});
  p.leaves = leaves;
  p.siblings = segment::buildMultiproof(early.atA.memory, addrs);
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p); }, "never touches"));
}

TEST_F(Tamper, EncodedBytesAndTruncation) {
  const Bytes enc = segment::encodeSegmentProof(x_.proof);
  // Every truncation is a clear error.
  for (size_t len = 0; len < enc.size(); ++len) {
    Bytes t(enc.begin(), enc.begin() + static_cast<ptrdiff_t>(len));
    EXPECT_THROW(segment::decodeSegmentProof(t, "cut"), Error) << len;
  }
  EXPECT_TRUE(test::throwsWith([&] { segment::decodeSegmentProof(Bytes(enc.begin(), enc.begin() + 100), "cut"); }, "truncated"));
  // Every single-byte change is rejected by the decoder or the verifier.
  size_t rejected = 0;
  for (size_t i = 0; i < enc.size(); ++i) {
    Bytes t = enc;
    t[i] ^= 0x10;
    try {
      (void)segment::verifySegment(segment::decodeSegmentProof(t, "flip"));
    } catch (const Error&) {
      ++rejected;
    }
  }
  // Only bytes the hash ignores may pass: none in this format.
  EXPECT_EQ(rejected, enc.size());
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_TRUE(test::throwsWith([&] { segment::decodeSegmentProof(trailing, "t"); }, "trailing"));
  Bytes version = enc;
  version[4] = 2;
  EXPECT_TRUE(test::throwsWith([&] { segment::decodeSegmentProof(version, "t"); }, "unsupported format version 2"));
  Bytes magic = enc;
  magic[0] = 'X';
  EXPECT_TRUE(test::throwsWith([&] { segment::decodeSegmentProof(magic, "t"); }, "bad magic"));
}

TEST(SegmentExec, StepLimitAndCancelForUntrustedProofs) {
  Built x = build(0, 1000);
  segment::SegmentVerifyOptions limit;
  limit.maxSteps = 999;
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(x.proof, limit); }, "exceeds the limit of 999 steps"));
  limit.maxSteps = 1000;
  EXPECT_NO_THROW((void)segment::verifySegment(x.proof, limit));
  // A one-leaf infinite loop claiming 2^40 steps stops at the cancel flag.
  vm::VmState loop;
  loop.memory.store(0x1000, 4, test::rvasm::jal(0, 0));
  loop.pc = 0x1000;
  vm::HostContext host;
  SegmentProof p = test::proveSegmentOn(loop, host, 10);
  p.toStep = uint64_t(1) << 40;
  std::atomic<bool> cancel{true};
  segment::SegmentVerifyOptions c;
  c.cancel = &cancel;
  EXPECT_TRUE(test::throwsWith([&] { (void)segment::verifySegment(p, c); }, "interrupted"));
}

TEST(SegmentExec, ProverRejectsEndBeforeStartAndReverts) {
  test::TableOracle oracle;
  vm::VmState st = test::makeMixProgram(oracle);
  vm::HostContext host;
  host.oracle = &oracle;
  test::runPlain(st, host, 50);
  EXPECT_TRUE(test::throwsWith([&] { test::proveSegmentOn(st, host, 10); }, "before the state's step"));
  vm::VmState bad;
  bad.memory.store(0x1000, 4, 0x0000007F);  // unknown opcode
  bad.pc = 0x1000;
  EXPECT_TRUE(test::throwsWith([&] { test::proveSegmentOn(bad, host, 5); }, "failed at proof-gen step 0"));
  vm::VmState noOracle = test::makeMixProgram(oracle);
  vm::HostContext none;
  EXPECT_TRUE(test::throwsWith([&] { test::proveSegmentOn(noOracle, none, 100000); }, "no preimage oracle"));
}

TEST(SegmentExec, FastEngineStateAtAGivesTheSameProof) {
  // prove-segment runs the fast engine to A; the proof must not depend on which engine got there.
  test::TableOracle oracle;
  vm::VmState a = test::makeMixProgram(oracle), b = a;
  vm::HostContext ha, hb;
  ha.oracle = hb.oracle = &oracle;
  test::runPlain(a, ha, 700);
  vm::FastEngine fast(b, hb);
  ASSERT_EQ(fast.run(700), vm::FastStop::StepLimit);
  EXPECT_EQ(segment::encodeSegmentProof(test::proveSegmentOn(a, ha, 1500)),
            segment::encodeSegmentProof(test::proveSegmentOn(b, hb, 1500)));
}

}  // namespace
}  // namespace fpvm
