// MT64 segment proofs (src/segment/mips64_segment_*): prove and statelessly verify segments of the
// C guests at many windows — including ones with thread switches, clone, futex, pre-image reads
// and the exit — chained and whole, then tamper with every section of a proof.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <string>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "encoder.hpp"
#include "guest_path.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/fast_engine.hpp"
#include "preimage/keys.hpp"
#include "segment/mips64_segment_merge.hpp"
#include "segment/segment_proof.hpp"
#include "segment_test_util.hpp"

namespace fpvm::mips64::test {
namespace {

using segment::Mips64ProveStats;
using segment::Mips64SegmentProof;

/// The guest `name` loaded, with the pre-image the preimage guest asks for.
std::unique_ptr<SegmentMachine> guest(const char* name) {
  auto m = std::make_unique<SegmentMachine>(loadElf(readFile(guestPath(name))));
  Hash32 key;
  key[0] = 1;
  key[31] = 2;
  const std::string data = "hello preimage";
  m->oracle.preimages[key.b] = Bytes(data.begin(), data.end());
  return m;
}

/// True when `f` throws Error whose message contains `part`; prints the message otherwise.
bool throwsWith(const std::function<void()>& f, const std::string& part) {
  try {
    f();
  } catch (const Error& e) {
    if (std::string(e.what()).find(part) != std::string::npos) return true;
    ADD_FAILURE() << "message \"" << e.what() << "\" lacks \"" << part << "\"";
    return false;
  }
  ADD_FAILURE() << "no error (expected one with \"" << part << "\")";
  return false;
}

class Mips64SegmentGuest : public ::testing::TestWithParam<const char*> {};

// Segments of growing lengths from load to exit: each verifies, ends where the machine is, and
// starts where the previous one ended; one segment over the whole run ends in the same state.
TEST_P(Mips64SegmentGuest, ChainedSegmentsToExit) {
  REQUIRE_GUESTS();
  auto m = guest(GetParam());
  auto whole = m->copy();
  // The same run on the fast engine: its hash at each segment end is the one the proof claims.
  auto fast = m->copy();
  FastEngine engine(fast->state, fast->interp);
  Mips64ProveStats total;
  Hash32 prevPost = m->state.hash();
  const uint64_t lengths[] = {1, 1, 2, 3, 5, 10, 100, 1000, 4000, 20000};
  size_t i = 0, segments = 0;
  while (!m->state.exited) {
    const uint64_t len = lengths[std::min(i++, std::size(lengths) - 1)];
    Mips64ProveStats s;
    const Bytes bytes = proveChecked(*m, m->state.step + len, &s);
    const Mips64SegmentProof p = segment::decodeMips64SegmentProof(bytes, "segment");
    ASSERT_EQ(toHex(p.preHash), toHex(prevPost)) << "segment " << segments << " does not start where the last ended";
    ASSERT_NE(engine.run(p.toStep).stop, RunStop::Reverted);
    ASSERT_EQ(fast->state.step, p.toStep);
    ASSERT_EQ(toHex(p.postHash), toHex(fast->state.hash())) << "segment " << segments << " ends elsewhere than the fast engine";
    prevPost = p.postHash;
    total.steps += s.steps;
    total.threadSwitches += s.threadSwitches;
    total.syscalls += s.syscalls;
    ++segments;
    ASSERT_LT(segments, 1000u);
    if (HasFailure()) return;
  }
  Mips64ProveStats all;
  const Bytes one = proveChecked(*whole, ~uint64_t(0), &all);
  EXPECT_EQ(toHex(segment::decodeMips64SegmentProof(one, "whole").postHash), toHex(prevPost));
  EXPECT_EQ(all.steps, total.steps);
  std::printf("%s: %llu steps in %zu segments; whole run: %zu bytes vs %llu bytes of one-step calldata, %llu thread switches\n",
              GetParam(), static_cast<unsigned long long>(all.steps), segments, one.size(),
              static_cast<unsigned long long>(all.singleStepBytes()), static_cast<unsigned long long>(all.threadSwitches));
  if (std::string(GetParam()) == "threads") {
    EXPECT_GT(total.threadSwitches, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Guests, Mips64SegmentGuest, ::testing::Values("hello", "threads", "preimage"));

/// Proves short windows around each step in `at` (from a copy run to the window's start).
void proveWindowsAround(const SegmentMachine& base, const std::vector<uint64_t>& at, const char* what) {
  ASSERT_FALSE(at.empty()) << "the run has no " << what;
  // The first, a middle and the last event, each inside a window that starts before it.
  for (uint64_t e : {at.front(), at[at.size() / 2], at.back()}) {
    for (uint64_t before : {uint64_t(0), uint64_t(3)}) {
      auto m = base.copy();
      m->runTo(e >= before ? e - before : 0);
      if (::testing::Test::HasFailure()) return;
      proveChecked(*m, e + 5);
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << what << " at step " << e << ", window from " << e - before;
        return;
      }
    }
  }
}

TEST(Mips64Segment, WindowsWithSchedulerEventsAndSyscalls) {
  REQUIRE_GUESTS();
  auto threads = guest("threads");
  const RunEvents t = scanEvents(*threads, 1'000'000);
  proveWindowsAround(*threads, t.switches, "thread switch");
  proveWindowsAround(*threads, t.clones, "clone");
  proveWindowsAround(*threads, t.futexes, "futex");
  proveWindowsAround(*threads, t.yields, "sched_yield");
  proveWindowsAround(*threads, {t.exitStep - 1}, "exit");
  auto pre = guest("preimage");
  const RunEvents p = scanEvents(*pre, 1'000'000);
  proveWindowsAround(*pre, p.preimages, "pre-image read");
}

// A segment whose pre-state has exited proves zero steps; one that asks past the exit ends there.
TEST(Mips64Segment, ExitedStatesAndEmptySegments) {
  REQUIRE_GUESTS();
  auto m = guest("hello");
  proveChecked(*m, 0);  // empty segment at step 0
  m->runTo(~uint64_t(0));
  ASSERT_TRUE(m->state.exited);
  const Bytes b = proveChecked(*m, m->state.step + 100);
  const Mips64SegmentProof p = segment::decodeMips64SegmentProof(b, "exited");
  EXPECT_EQ(p.toStep, p.fromStep());
  EXPECT_TRUE(p.leaves.empty());
}

/// A proof of a window of the threads guest with a thread switch, and one of the preimage guest's
/// pre-image read: the tamper tests' inputs.
struct TamperInput {
  std::unique_ptr<SegmentMachine> pre;  ///< the state at the segment's start
  Bytes bytes;
  Hash32 post;
};

TamperInput tamperInput(const char* name, bool preimageRead, bool toExit = false) {
  auto base = guest(name);
  const RunEvents ev = scanEvents(*base, 1'000'000);
  const uint64_t e = preimageRead ? ev.preimages.front() : ev.switches.front();
  TamperInput in;
  in.pre = base->copy();
  in.pre->runTo(e - 4);
  auto m = in.pre->copy();
  in.bytes = proveChecked(*m, toExit ? ~uint64_t(0) : e + 6);
  in.post = m->state.hash();
  return in;
}

/// Flips each byte of the encoding in turn: decoding or verifying must fail, or the verifier
/// must give the same post-state (a byte of a local pre-image the segment does not read is not
/// constrained and changes nothing), never another post-state.
void flipEveryByte(const TamperInput& in) {
  size_t decodeErrors = 0, verifyErrors = 0, samePost = 0;
  for (size_t i = 0; i < in.bytes.size(); ++i) {
    Bytes b = in.bytes;
    b[i] ^= 0x01;
    Mips64SegmentProof p;
    try {
      p = segment::decodeMips64SegmentProof(b, "tampered");
    } catch (const Error&) {
      ++decodeErrors;
      continue;
    }
    try {
      const segment::Mips64SegmentVerifyResult r = segment::verifyMips64Segment(p);
      EXPECT_EQ(toHex(r.postHash), toHex(in.post)) << "byte " << i << " flipped: accepted with another post-state";
      ++samePost;
    } catch (const Error&) {
      ++verifyErrors;
    }
  }
  std::printf("%zu bytes flipped: %zu rejected by the decoder, %zu by the verifier, %zu accepted with the same post-state\n",
              in.bytes.size(), decodeErrors, verifyErrors, samePost);
}

TEST(Mips64Segment, EveryFlippedByteIsRejected) {
  REQUIRE_GUESTS();
  flipEveryByte(tamperInput("threads", false));
  flipEveryByte(tamperInput("preimage", true));
}

TEST(Mips64Segment, TamperedSectionsNameTheProblem) {
  REQUIRE_GUESTS();
  const TamperInput in = tamperInput("preimage", true);
  const Mips64SegmentProof good = segment::decodeMips64SegmentProof(in.bytes, "good");
  ASSERT_FALSE(good.leaves.empty());
  ASSERT_EQ(good.preimages.size(), 1u);
  auto verify = [](const Mips64SegmentProof& p) { (void)segment::verifyMips64Segment(p); };
  {
    Mips64SegmentProof p = good;
    p.postHash[5] ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "post-state mismatch"));
  }
  {
    Mips64SegmentProof p = good;
    p.preHash[5] ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "pre-state hash mismatch"));
  }
  {
    Mips64SegmentProof p = good;
    p.preWitness[witness_offset::kHeap + 7] ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "pre-state hash mismatch"));
  }
  {
    Mips64SegmentProof p = good;
    p.leftThreads.back().registers[4] ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "thread stacks do not match the pre-state"));
  }
  {
    Mips64SegmentProof p = good;
    p.leftThreads.push_back(p.leftThreads.back());
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "thread stacks do not match the pre-state"));
  }
  {
    Mips64SegmentProof p = good;
    p.leaves[0].value[3] ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "multiproof does not match the pre-state"));
  }
  {
    Mips64SegmentProof p = good;
    p.siblings[p.siblings.size() / 2][0] ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "multiproof does not match the pre-state"));
  }
  {
    Mips64SegmentProof p = good;
    p.toStep += 1;
    EXPECT_THROW(verify(p), Error);
  }
  {
    // A local key's data cannot be checked against the key: a changed byte the guest reads
    // changes the post-state (here the guest reads all of it before its exit).
    const TamperInput all = tamperInput("preimage", true, true);
    Mips64SegmentProof p = segment::decodeMips64SegmentProof(all.bytes, "to exit");
    ASSERT_EQ(p.preimages.size(), 1u);
    p.preimages[0].data.back() ^= 1;
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "post-state mismatch"));
  }
  {
    // Keccak256 data must hash to its key (checked before re-execution).
    Mips64SegmentProof p = good;
    segment::Preimage k;
    k.key[0] = 2;
    k.data = {1, 2, 3};
    p.preimages.push_back(k);
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "does not match its keccak256 hash"));
  }
  {
    Mips64SegmentProof p = good;
    p.preimages.clear();
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "not in segment proof"));
  }
  {
    Mips64SegmentProof p = good;
    segment::SegmentVerifyOptions o;
    o.maxSteps = p.toStep - p.fromStep() - 1;
    EXPECT_TRUE(throwsWith([&] { (void)segment::verifyMips64Segment(p, o); }, "exceeds the limit"));
  }
  {
    // A witness the machine cannot produce: traverseRight = 2 (with a matching pre hash).
    Mips64SegmentProof p = good;
    p.preWitness[witness_offset::kTraverseRight] = p.preWitness[witness_offset::kTraverseRight] ? 2 : 0;
    if (p.preWitness[witness_offset::kTraverseRight] == 0) p.preWitness[witness_offset::kExited] = 2;
    p.preHash = State::hashWitness(p.preWitness);
    EXPECT_TRUE(throwsWith([&] { verify(p); }, "malformed pre-state witness"));
  }
}

/// A machine that reads pre-image `key` (already set, offset 0) 8 bytes at a time into 0x2000:
/// read(5, 0x2000, 8) in a loop of 7 instructions. 40 bytes of data take 6 reads (42 steps).
std::unique_ptr<SegmentMachine> preimageReader(const Hash32& key, const Bytes& data) {
  auto m = std::make_unique<SegmentMachine>(State::createInitial(0x1000, kHeapStart));
  const uint32_t code[] = {daddiu(kRegV0, 0, int32_t(sys::kRead)), daddiu(kRegA0, 0, 5), daddiu(kRegA1, 0, 0x2000),
                           daddiu(kRegA2, 0, 8), syscall(), beq(0, 0, -6), nop()};
  uint64_t addr = 0x1000;
  for (uint32_t w : code) {
    uint8_t b[4];
    putBE32(b, w);
    m->state.memory.writeBytes(addr, b, 4);
    addr += 4;
  }
  m->state.preimageKey = key;
  m->oracle.preimages[key.b] = data;
  return m;
}

// Keccak256 and sha256 keys are checked against their data before re-execution; blob and
// precompile data is trusted like local data, and a changed byte the guest reads changes the
// post-state. Reading past the end reverts: the prover refuses, the verifier reports it.
TEST(Mips64Segment, PreimageKeyTypes) {
  Bytes data(40);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(3 * i + 1);
  Hash32 blob, precompile;
  blob[0] = 5;
  blob[9] = 0x42;
  precompile[0] = 6;
  precompile[31] = 7;
  const std::pair<Hash32, const char*> keys[] = {{preimage::keccak256Key(data), "does not match its keccak256 hash"},
                                                 {preimage::sha256Key(data), "does not match its sha256 hash"},
                                                 {blob, "post-state mismatch"},
                                                 {precompile, "post-state mismatch"}};
  for (const auto& [key, tamperError] : keys) {
    SCOPED_TRACE(toHex(key));
    auto m = preimageReader(key, data);
    const Mips64SegmentProof p = segment::decodeMips64SegmentProof(proveChecked(*m, 42), "reader");
    ASSERT_EQ(p.preimages.size(), 1u);
    EXPECT_EQ(p.preimages[0].data, data);
    EXPECT_EQ(m->state.preimageOffset, 48u);
    Mips64SegmentProof bad = p;
    bad.preimages[0].data[39] ^= 1;
    EXPECT_TRUE(throwsWith([&] { (void)segment::verifyMips64Segment(bad); }, tamperError));
    // The next read starts at the end of the pre-image: an invalid step.
    EXPECT_THROW((void)segment::proveMips64Segment(m->interp, 49), segment::Mips64SegmentRevert);
    Mips64SegmentProof past = p;
    past.toStep = 49;
    EXPECT_TRUE(throwsWith([&] { (void)segment::verifyMips64Segment(past); }, "reverts"));
  }
}

/// The proof `p` with its leaves replaced by `addrs` (values and multiproof from the pre-state).
Mips64SegmentProof withLeaves(const Mips64SegmentProof& p, SegmentMachine& pre, const std::vector<uint64_t>& addrs) {
  Mips64SegmentProof q = p;
  q.leaves.clear();
  for (uint64_t a : addrs) q.leaves.push_back(segment::Leaf{a, pre.state.memory.leaf(a)});
  q.siblings = segment::buildMultiproof(addrs, [&pre](uint64_t addr, std::span<Hash32, 59> out) {
    const MemoryProof mp = pre.state.memory.proof(addr);
    for (unsigned h = 0; h < 59; ++h) std::memcpy(out[h].data(), mp.data() + 32 * (h + 1), 32);
  });
  return q;
}

TEST(Mips64Segment, MissingAndUnusedLeavesAndPreimages) {
  REQUIRE_GUESTS();
  TamperInput in = tamperInput("preimage", true);
  const Mips64SegmentProof good = segment::decodeMips64SegmentProof(in.bytes, "good");
  std::vector<uint64_t> addrs;
  for (const segment::Leaf& l : good.leaves) addrs.push_back(l.addr);
  // Each leaf left out (with a consistent multiproof) is named by the verifier.
  for (size_t i = 0; i < addrs.size(); ++i) {
    std::vector<uint64_t> fewer = addrs;
    fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
    if (fewer.empty()) continue;
    const Mips64SegmentProof p = withLeaves(good, *in.pre, fewer);
    EXPECT_TRUE(throwsWith([&] { (void)segment::verifyMips64Segment(p); }, "leaf " + hex64(addrs[i]) + " not in segment proof"));
  }
  // A leaf the execution never touches.
  std::vector<uint64_t> more = addrs;
  const uint64_t extra = 0x7000'0000'0000'0000;
  more.push_back(extra);
  std::sort(more.begin(), more.end());
  const Mips64SegmentProof p = withLeaves(good, *in.pre, more);
  EXPECT_TRUE(throwsWith([&] { (void)segment::verifyMips64Segment(p); }, "never touches (first: " + hex64(extra) + ")"));
  // A preimage the execution never reads.
  Mips64SegmentProof q = good;
  segment::Preimage unused;
  unused.key[0] = 1;
  unused.key[31] = 9;
  unused.data = {1};
  q.preimages.push_back(unused);
  EXPECT_TRUE(throwsWith([&] { (void)segment::verifyMips64Segment(q); }, "never reads"));
}

TEST(Mips64Segment, RevertsAndHostFailuresInTheProver) {
  REQUIRE_GUESTS();
  auto m = guest("preimage");
  m->oracle.preimages.clear();  // the pre-image read fails on the host
  EXPECT_TRUE(throwsWith([&] { (void)segment::proveMips64Segment(m->interp, ~uint64_t(0)); }, "failed at proof-gen step"));
  auto h = guest("hello");
  h->runTo(10);
  EXPECT_TRUE(throwsWith([&] { (void)segment::proveMips64Segment(h->interp, 5); }, "before the state's step"));
  // An invalid pc reverts.
  h->state.currentThread().pc = 0x1002;
  h->state.currentThread().nextPC = 0x1006;
  EXPECT_THROW((void)segment::proveMips64Segment(h->interp, 20), segment::Mips64SegmentRevert);
}

TEST(Mips64Segment, FormatVersionsAndMalformedFiles) {
  REQUIRE_GUESTS();
  auto m = guest("threads");
  const Bytes bytes = proveChecked(*m, 1500);
  EXPECT_EQ(segment::segmentProofVersion(bytes), 2);
  EXPECT_TRUE(throwsWith([&] { (void)segment::decodeSegmentProof(bytes, "v2"); }, "MT64 segment proof"));
  Bytes v1 = bytes;
  v1[4] = 1;
  EXPECT_TRUE(throwsWith([&] { (void)segment::decodeMips64SegmentProof(v1, "v1"); }, "not an MT64 segment proof"));
  Bytes flags = bytes;
  flags[5] = 1;
  EXPECT_TRUE(throwsWith([&] { (void)segment::decodeMips64SegmentProof(flags, "flags"); }, "unknown flags"));
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_TRUE(throwsWith([&] { (void)segment::decodeMips64SegmentProof(trailing, "t"); }, "trailing bytes"));
  for (size_t n : {size_t(3), size_t(100), size_t(300), bytes.size() - 1})
    EXPECT_TRUE(throwsWith([&] { (void)segment::decodeMips64SegmentProof(ByteView(bytes.data(), n), "cut"); }, "truncated"));
  // A thread record with exited byte 2 has another encoding than the thread it decodes to.
  Bytes exited = bytes;
  exited[segment::kMips64SegmentHeaderSize + 2 + 9] = 2;
  EXPECT_TRUE(throwsWith([&] { (void)segment::decodeMips64SegmentProof(exited, "x"); }, "exited byte 2"));
}

// Adjacent segments merged one by one give, byte for byte, the proof of the whole range.
TEST(Mips64Segment, MergedSegmentsEqualTheWholeProof) {
  REQUIRE_GUESTS();
  for (const char* name : {"threads", "preimage"}) {
    SCOPED_TRACE(name);
    auto m = guest(name);
    auto whole = m->copy();
    std::vector<Mips64SegmentProof> parts;
    for (uint64_t to : {uint64_t(1), uint64_t(100), uint64_t(333), uint64_t(1200), ~uint64_t(0)})
      parts.push_back(segment::decodeMips64SegmentProof(proveChecked(*m, to), "part"));
    Mips64SegmentProof acc = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) acc = segment::mergeMips64Segments(acc, parts[i]);
    EXPECT_EQ(segment::encodeMips64SegmentProof(acc), proveChecked(*whole, ~uint64_t(0)));
    EXPECT_TRUE(throwsWith([&] { (void)segment::mergeMips64Segments(parts[0], parts[2]); }, "segments do not chain"));
    Mips64SegmentProof bad = parts[1];
    bad.postHash[3] ^= 1;
    EXPECT_TRUE(throwsWith([&] { (void)segment::mergeMips64Segments(parts[0], bad); }, "second segment does not verify"));
  }
}

}  // namespace
}  // namespace fpvm::mips64::test
