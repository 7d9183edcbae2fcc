// State, thread records, thread stacks and memory commitments: the vectors of
// docs/spec/cannon-mt64.md §1.6 and §2.1, and the encodings' invariants.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "mips64/memory.hpp"
#include "mips64/state.hpp"
#include "mips64/thread_stack.hpp"

namespace fpvm::mips64 {
namespace {

Hash32 h(const char* hex) { return hash32FromHex(hex); }

TEST(Mips64State, ZeroHashesMatchSpec) {
  EXPECT_EQ(zeroHash(0), Hash32{});
  EXPECT_EQ(zeroHash(1), h("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"));
  EXPECT_EQ(toHex(zeroHash(7)).substr(0, 10), "0xffd70157");
  EXPECT_EQ(toHex(zeroHash(7)).substr(59), "ab56f83");
  EXPECT_EQ(zeroHash(59), h("14af5385bcbb1e4738bbae8106046e6e2fca42875aa5c000c582587742bcc748"));
}

TEST(Mips64State, EmptyThreadRootIsHashOfTwoZeroWords) {
  EXPECT_EQ(emptyThreadRoot(), h("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"));
  EXPECT_EQ(emptyThreadRoot(), zeroHash(1));
}

TEST(Mips64State, EmptyThreadRecordAndHash) {
  Thread t;  // CreateEmptyThread: id 0, pc 0, nextPC 4
  const ThreadRecord r = encodeThread(t);
  ASSERT_EQ(r.size(), 298u);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i], i == 25 ? 4 : 0) << "byte " << i;
  EXPECT_EQ(threadHash(t), h("142eef1e422e67c394d8fab4a0ce5c04ee405cb059176f719d9c2efb8e28d3a0"));
  ThreadStack s;
  s.push(t);
  EXPECT_EQ(s.root(), h("505ea3064aed44444fa938e2d1385d799ec3b37386d433a611439aed796ea153"));
  EXPECT_EQ(s.innerRoot(), emptyThreadRoot());
}

TEST(Mips64State, ThreadRecordFieldOrderLoBeforeHi) {
  Thread t;
  t.threadId = 0x0102030405060708;
  t.exitCode = 0x99;
  t.exited = true;
  t.pc = 0x1111;
  t.nextPC = 0x2222;
  t.lo = 0x3333;
  t.hi = 0x4444;
  for (unsigned i = 0; i < 32; ++i) t.registers[i] = 0xA000 + i;
  const ThreadRecord r = encodeThread(t);
  EXPECT_EQ(getBE64(r.data()), 0x0102030405060708u);
  EXPECT_EQ(r[8], 0x99);
  EXPECT_EQ(r[9], 1);
  EXPECT_EQ(getBE64(r.data() + 10), 0x1111u);
  EXPECT_EQ(getBE64(r.data() + 18), 0x2222u);
  EXPECT_EQ(getBE64(r.data() + 26), 0x3333u);  // lo
  EXPECT_EQ(getBE64(r.data() + 34), 0x4444u);  // hi
  for (unsigned i = 0; i < 32; ++i) EXPECT_EQ(getBE64(r.data() + 42 + 8 * i), 0xA000u + i);
  EXPECT_EQ(decodeThread(ByteView(r.data(), r.size())), t);
  EXPECT_EQ(threadHash(t), keccak256(ByteView(r.data(), r.size())));
}

TEST(Mips64State, DecodeThreadReadsExitedAsNonZero) {
  ThreadRecord r = encodeThread(Thread{});
  r[9] = 7;
  EXPECT_TRUE(decodeThread(ByteView(r.data(), r.size())).exited);
  EXPECT_THROW((void)decodeThread(ByteView(r.data(), 297)), Error);
}

TEST(Mips64State, StackOnionBottomFirst) {
  Thread a, b, c;
  a.threadId = 1;
  b.threadId = 2;
  c.threadId = 3;
  ThreadStack s;
  s.push(a);
  s.push(b);
  s.push(c);
  const Hash32 r1 = keccak256Pair(emptyThreadRoot(), threadHash(a));
  const Hash32 r2 = keccak256Pair(r1, threadHash(b));
  const Hash32 r3 = keccak256Pair(r2, threadHash(c));
  EXPECT_EQ(s.root(), r3);
  EXPECT_EQ(s.innerRoot(), r2);
  // Changing the top in place changes only the outer layer.
  s.top().pc = 0x40;
  EXPECT_EQ(s.root(), keccak256Pair(r2, threadHash(s.top())));
  s.pop();
  EXPECT_EQ(s.root(), r2);
  EXPECT_EQ(s.innerRoot(), r1);
  s.pop();
  s.pop();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.root(), emptyThreadRoot());
  EXPECT_EQ(s.innerRoot(), emptyThreadRoot());
}

TEST(Mips64State, EmptyStateWitnessAndHash) {
  State s = State::createEmpty();
  const Witness w = s.witness();
  ASSERT_EQ(w.size(), 188u);
  Bytes expected = fromHex("14af5385bcbb1e4738bbae8106046e6e2fca42875aa5c000c582587742bcc748");
  expected.resize(116, 0);  // key, offsets, heap, ll fields, exit fields, step counters, traverseRight
  const Bytes left = fromHex("505ea3064aed44444fa938e2d1385d799ec3b37386d433a611439aed796ea153");
  const Bytes right = fromHex("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5");
  expected.insert(expected.end(), left.begin(), left.end());
  expected.insert(expected.end(), right.begin(), right.end());
  const Bytes next = fromHex("0000000000000001");
  expected.insert(expected.end(), next.begin(), next.end());
  EXPECT_EQ(Bytes(w.begin(), w.end()), expected);
  EXPECT_EQ(toHex(keccak256(ByteView(w.data(), w.size()))).substr(0, 10), "0xca5b096e");
  EXPECT_EQ(s.hash(), h("035b096e17d7b97f6bbaa13d179958e729b70813e931dc90dbf4193372f3dc71"));
  EXPECT_EQ(s.status(), VmStatus::Unfinished);
}

TEST(Mips64State, StatusByteFollowsExitFields) {
  EXPECT_EQ(statusOf(false, 5), VmStatus::Unfinished);
  EXPECT_EQ(statusOf(true, 0), VmStatus::Valid);
  EXPECT_EQ(statusOf(true, 1), VmStatus::Invalid);
  EXPECT_EQ(statusOf(true, 2), VmStatus::Panic);
  EXPECT_EQ(statusOf(true, 255), VmStatus::Panic);
  State s = State::createEmpty();
  s.exited = true;
  s.exitCode = 1;
  const Witness w = s.witness();
  Hash32 raw = keccak256(ByteView(w.data(), w.size()));
  raw[0] = 1;
  EXPECT_EQ(s.hash(), raw);
}

TEST(Mips64State, WitnessFieldOffsets) {
  State s = State::createInitial(0x1234, 0x1000'0000'0000);
  s.preimageKey[0] = 0xAB;
  s.preimageKey[31] = 0xCD;
  s.preimageOffset = 0x0102030405060708;
  s.llReservationStatus = 2;
  s.llAddress = 0x1111222233334444;
  s.llOwnerThread = 0x55;
  s.exitCode = 0x66;
  s.step = 0x77;
  s.stepsSinceLastContextSwitch = 0x88;
  s.traverseRight = true;
  s.nextThreadId = 0x99;
  const Witness w = s.witness();
  EXPECT_EQ(w[32], 0xAB);
  EXPECT_EQ(w[63], 0xCD);
  EXPECT_EQ(getBE64(w.data() + 64), 0x0102030405060708u);
  EXPECT_EQ(getBE64(w.data() + 72), 0x1000'0000'0000u);
  EXPECT_EQ(w[80], 2);
  EXPECT_EQ(getBE64(w.data() + 81), 0x1111222233334444u);
  EXPECT_EQ(getBE64(w.data() + 89), 0x55u);
  EXPECT_EQ(w[97], 0x66);
  EXPECT_EQ(w[98], 0);
  EXPECT_EQ(getBE64(w.data() + 99), 0x77u);
  EXPECT_EQ(getBE64(w.data() + 107), 0x88u);
  EXPECT_EQ(w[115], 1);
  Thread t;
  t.pc = 0x1234;
  t.nextPC = 0x1238;
  Hash32 left;
  std::copy(w.begin() + 116, w.begin() + 148, left.b.begin());
  EXPECT_EQ(left, keccak256Pair(emptyThreadRoot(), threadHash(t)));
  Hash32 right;
  std::copy(w.begin() + 148, w.begin() + 180, right.b.begin());
  EXPECT_EQ(right, emptyThreadRoot());
  EXPECT_EQ(getBE64(w.data() + 180), 0x99u);
}

// --- memory (spec §2) -----------------------------------------------------------------------------

TEST(Mips64Memory, EmptyRootAndPageAllocationDoNotChangeRoot) {
  Memory m;
  EXPECT_EQ(m.root(), zeroHash(59));
  m.allocatePage(5);
  m.allocatePage(0xF'FFFF'FFFF'FFFF);
  EXPECT_EQ(m.pageCount(), 2u);
  EXPECT_EQ(m.root(), zeroHash(59));
  EXPECT_EQ(m.loadWord(5 * 4096), 0u);
}

TEST(Mips64Memory, DoublewordsAreBigEndianLeafBytes) {
  Memory m;
  m.storeWord(0x1008, 0x0102030405060708);
  uint8_t bytes[8];
  m.readBytes(0x1008, bytes, 8);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(bytes[i], i + 1);
  const Hash32 leaf = m.leaf(0x1010);
  EXPECT_EQ(leaf[8], 1);
  EXPECT_EQ(leaf[15], 8);
  // The leaf read as a BE 256-bit number: value = (leaf >> 8·(24 − (A & 31))) & ~0.
  EXPECT_EQ(getBE64(leaf.data() + 8), 0x0102030405060708u);
  // Storing a value equal to the old one still allocates the page.
  Memory z;
  z.storeWord(0x7000, 0);
  EXPECT_TRUE(z.hasPage(7));
  EXPECT_EQ(z.root(), zeroHash(59));
  EXPECT_THROW((void)m.loadWord(0x1004), Error);
}

/// Folds a proof the way the contract does (spec §2.2).
Hash32 fold(const MemoryProof& p, uint64_t addr) {
  Hash32 node;
  std::copy(p.begin(), p.begin() + 32, node.b.begin());
  const uint64_t path = addr >> 5;
  for (unsigned i = 0; i < 59; ++i) {
    Hash32 sib;
    std::copy(p.begin() + 32 * (i + 1), p.begin() + 32 * (i + 2), sib.b.begin());
    node = ((path >> i) & 1) ? keccak256Pair(sib, node) : keccak256Pair(node, sib);
  }
  return node;
}

TEST(Mips64Memory, SingleLeafRootByHand) {
  Memory m;
  m.storeWord(0, 0xFF00000000000000);  // leaf 0 = FF ‖ 31 zero bytes
  Hash32 leaf;
  leaf[0] = 0xFF;
  Hash32 node = leaf;
  for (unsigned i = 0; i < 59; ++i) node = keccak256Pair(node, zeroHash(i));
  EXPECT_EQ(m.root(), node);
  EXPECT_EQ(m.rootFromScratch(), node);
}

TEST(Mips64Memory, IncrementalRootsAndProofsAgreeWithScratch) {
  Memory m;
  const uint64_t addrs[] = {0, 8, 0x20, 0xFF8, 0x1000, 0x7FFF'FFFF'F000, 0x7FFF'FFFF'EFF8, 0xFFFF'FFFF'FFFF'FFF8,
                            0x1000'0000'0000, 0x0000'00c0'0000'0040};
  uint64_t v = 1;
  for (uint64_t a : addrs) {
    m.storeWord(a, v);
    v = v * 0x9E3779B97F4A7C15 + 7;
    const Hash32 root = m.root();
    EXPECT_EQ(root, m.rootFromScratch());
    for (uint64_t b : addrs) {
      const MemoryProof p = m.proof(b);
      EXPECT_EQ(fold(p, b), root) << std::hex << b;
      EXPECT_EQ(getBE64(p.data() + (b & 31)), m.loadWord(b));
    }
  }
  // A copy is independent.
  Memory copy = m;
  copy.storeWord(0x40, 42);
  EXPECT_NE(copy.root(), m.root());
  EXPECT_EQ(copy.root(), copy.rootFromScratch());
  EXPECT_EQ(m.root(), m.rootFromScratch());
}

TEST(Mips64Memory, WriteBytesWrapsAndSpansPages) {
  Memory m;
  Bytes data(5000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
  m.writeBytes(0xFFFF'FFFF'FFFF'F800, data.data(), data.size());
  Bytes back(data.size());
  m.readBytes(0xFFFF'FFFF'FFFF'F800, back.data(), back.size());
  EXPECT_EQ(back, data);
  EXPECT_TRUE(m.hasPage(0xF'FFFF'FFFF'FFFF));
  EXPECT_TRUE(m.hasPage(0));
  EXPECT_EQ(m.pageIndices().front(), 0u);
  EXPECT_EQ(m.root(), m.rootFromScratch());
}

}  // namespace
}  // namespace fpvm::mips64
