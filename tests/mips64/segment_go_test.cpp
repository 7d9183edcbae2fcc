// MT64 segment proofs over Go programs (tests/go/programs/{tiny,goroutines} for linux/mips64): the Go
// runtime's clones, futexes and thread switches inside segments, chained segments to the exit, and
// the proof size and verification time of a long segment (skipped without the Go toolchain).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/fast_engine.hpp"
#include "segment_test_util.hpp"

namespace fpvm::mips64::test {
namespace {

#ifdef FPVM_MIPS64_GO_GUEST_DIR
std::string goGuest(const std::string& name) { return std::string(FPVM_MIPS64_GO_GUEST_DIR) + "/mips64-" + name; }
#define REQUIRE_GO_GUESTS() (void)0
#else
std::string goGuest(const std::string&) { return {}; }
#define REQUIRE_GO_GUESTS() GTEST_SKIP() << "SKIPPED: Go toolchain not found, no MIPS64 Go guest programs"
#endif

class Mips64SegmentGoProgram : public ::testing::TestWithParam<const char*> {};

TEST_P(Mips64SegmentGoProgram, WindowsAndChainToExit) {
  REQUIRE_GO_GUESTS();
  SegmentMachine base(loadElf(readFile(goGuest(GetParam()))));
  const RunEvents ev = scanEvents(base, 50'000'000);
  ASSERT_FALSE(ev.clones.empty());
  ASSERT_FALSE(ev.futexes.empty());
  ASSERT_FALSE(ev.switches.empty());
  // Windows around the first clone, a futex, a thread switch and the exit.
  for (uint64_t e : {ev.clones.front(), ev.futexes[ev.futexes.size() / 2], ev.switches.back(), ev.exitStep - 2}) {
    auto m = base.copy();
    m->runTo(e - 2);
    proveChecked(*m, e + 50);
    if (HasFailure()) FAIL() << "window at step " << e;
  }
  // Ten chained segments from load to exit, each checked (post = the machine's, pre = last post).
  auto m = base.copy();
  auto fast = base.copy();  // the fast engine's hash at each segment end must be the proof's
  FastEngine engine(fast->state, fast->interp);
  const uint64_t len = ev.exitStep / 10 + 1;
  Hash32 prev = m->state.hash();
  while (!m->state.exited) {
    segment::Mips64ProveStats s;
    const auto t0 = std::chrono::steady_clock::now();
    const Bytes b = proveChecked(*m, m->state.step + len, &s);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const segment::Mips64SegmentProof p = segment::decodeMips64SegmentProof(b, "go");
    ASSERT_EQ(toHex(p.preHash), toHex(prev));
    ASSERT_NE(engine.run(p.toStep).stop, RunStop::Reverted);
    ASSERT_EQ(toHex(p.postHash), toHex(fast->state.hash()));
    prev = p.postHash;
    std::printf("[%llu, %llu): %zu bytes (%zu threads, %zu leaves, %zu siblings), one-step calldata %llu bytes, "
                "%llu thread switches; prove+verify %.2f s\n",
                static_cast<unsigned long long>(p.fromStep()), static_cast<unsigned long long>(p.toStep), b.size(),
                p.leftThreads.size() + p.rightThreads.size(), p.leaves.size(), p.siblings.size(),
                static_cast<unsigned long long>(s.singleStepBytes()), static_cast<unsigned long long>(s.threadSwitches),
                secs);
  }
}

INSTANTIATE_TEST_SUITE_P(Programs, Mips64SegmentGoProgram, ::testing::Values("tiny", "goroutines"));

// A one-million-step segment: its size against the calldata of a million one-step proofs, and the
// stateless verifier's time.
TEST(Mips64SegmentGo, MillionStepSegment) {
  REQUIRE_GO_GUESTS();
  SegmentMachine m(loadElf(readFile(goGuest("goroutines"))));
  const uint64_t to = 1'000'000;
  segment::Mips64ProveStats s;
  auto t0 = std::chrono::steady_clock::now();
  const segment::Mips64SegmentProof p = segment::proveMips64Segment(m.interp, to, &s);
  const double prove = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Bytes b = segment::encodeMips64SegmentProof(p);
  t0 = std::chrono::steady_clock::now();
  const segment::Mips64SegmentVerifyResult r = segment::verifyMips64Segment(segment::decodeMips64SegmentProof(b, "1M"));
  const double verify = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(toHex(r.postHash), toHex(m.state.hash()));
  // The cancel flag is polled every 64 Ki steps.
  std::atomic<bool> cancel{true};
  segment::SegmentVerifyOptions o;
  o.cancel = &cancel;
  try {
    (void)segment::verifyMips64Segment(p, o);
    ADD_FAILURE() << "not interrupted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted"), std::string::npos) << e.what();
  }
  std::printf("%llu steps: proof %zu bytes (%zu leaves, %zu siblings, %zu threads) vs %llu bytes of one-step calldata "
              "(%.0fx); %llu memory accesses; prove %.2f s, verify %.2f s\n",
              static_cast<unsigned long long>(s.steps), b.size(), p.leaves.size(), p.siblings.size(),
              p.leftThreads.size() + p.rightThreads.size(), static_cast<unsigned long long>(s.singleStepBytes()),
              static_cast<double>(s.singleStepBytes()) / static_cast<double>(b.size()),
              static_cast<unsigned long long>(r.memoryAccesses), prove, verify);
}

}  // namespace
}  // namespace fpvm::mips64::test
