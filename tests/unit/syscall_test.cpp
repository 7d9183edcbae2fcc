// System calls (spec §5.1) with exact a0/a1 values, pre-image key writes (§5.2), pre-image reads
// (§5.3) and hint buffering (§5.4), all through a single ECALL step.
#include <random>

#include "single_step.hpp"

namespace fpvm::test {
namespace {
using namespace rvasm;

class SyscallTest : public SingleStep {
 protected:
  /// Executes an ECALL with a7 = `number` and a0..a5 = `args`.
  Rc sys(uint64_t number, std::initializer_list<uint64_t> args = {}) {
    set(a7, number);
    uint32_t r = a0;
    for (uint64_t v : args) set(r++, v);
    return exec(ecall());
  }
  /// Expects a successful ECALL that wrote exactly a0/a1 and advanced PC.
  void expectResult(uint64_t ra0, uint64_t ra1) {
    EXPECT_EQ(x(a0), ra0);
    EXPECT_EQ(x(a1), ra1);
    expectNext();
    expectOnlyChanged({a0, a1});
  }
};

constexpr uint64_t kM1 = ~uint64_t(0);
using U = std::initializer_list<uint64_t>;
constexpr uint64_t kEBADF = 0x4d, kEINVAL = 0x16, kEACCES = 0xd;

// ---- exit ----

TEST_P(SyscallTest, ExitAndExitGroup) {
  for (uint64_t number : U{93u, 94u}) {
    const std::pair<uint64_t, uint8_t> cases[] = {{0, 0}, {1, 1}, {0x1FF, 0xFF}, {0x100, 0}, {kM1, 0xFF}, {42, 42}};
    for (auto [arg, code] : cases) {
      st = vm::VmState{};
      st.step = 5;
      set(a1, 0x1111);
      ASSERT_EQ(sys(number, {arg}), kOk);
      EXPECT_TRUE(st.exited);
      EXPECT_EQ(st.exitCode, code);
      EXPECT_EQ(st.step, 6u);
      expectNext();  // PC advanced past the ECALL
      expectOnlyChanged({});  // no register writes, not even a0/a1
    }
  }
  // Further steps change nothing.
  vm::Witness w = st.witness();
  ASSERT_EQ(stepOnce(), kOk);
  EXPECT_EQ(st.witness(), w);
}

TEST_P(SyscallTest, ExitStatusFromExitCode) {
  ASSERT_EQ(sys(94, {0}), kOk);
  EXPECT_EQ(st.status(), vm::VmStatus::Valid);
  st = vm::VmState{};
  ASSERT_EQ(sys(94, {1}), kOk);
  EXPECT_EQ(st.status(), vm::VmStatus::Invalid);
  st = vm::VmState{};
  ASSERT_EQ(sys(94, {2}), kOk);
  EXPECT_EQ(st.status(), vm::VmStatus::Panic);
}

// ---- brk, mmap ----

TEST_P(SyscallTest, BrkIgnoresArgument) {
  for (uint64_t arg : U{0ull, 0x1000ull, kM1}) {
    ASSERT_EQ(sys(214, {arg}), kOk);
    expectResult(0x40000000, 0);
  }
}

TEST_P(SyscallTest, MmapRejectsNonAnonymousOrFd) {
  st.heap = 0x7F0000000000ULL;
  // a0 addr, a1 len, a2 prot, a3 flags, a4 fd
  ASSERT_EQ(sys(222, {0, 4096, 3, 0x02, kM1}), kOk);  // MAP_PRIVATE only
  expectResult(kM1, kEBADF);
  ASSERT_EQ(sys(222, {0, 4096, 3, 0x22, 3}), kOk);  // fd given
  expectResult(kM1, kEBADF);
  ASSERT_EQ(sys(222, {0, 4096, 3, 0x22, 0xFFFFFFFF}), kOk);  // 32-bit -1 is not -1
  expectResult(kM1, kEBADF);
  ASSERT_EQ(sys(222, {0x5000, 4096, 3, 0x00, kM1}), kOk);  // hint path checks flags too
  expectResult(kM1, kEBADF);
  EXPECT_EQ(st.heap, 0x7F0000000000ULL);
}

TEST_P(SyscallTest, MmapAnonymousBumpsHeapWithRounding) {
  struct Case {
    uint64_t len, advance;
  };
  for (auto c : {Case{1, 4096}, Case{4096, 4096}, Case{4097, 8192}, Case{0, 0}, Case{0x10000, 0x10000},
                 Case{0xFFF, 0x1000}}) {
    st.heap = 0x7F0000000000ULL;
    size_t pages = st.memory.pageCount();
    ASSERT_EQ(sys(222, {0, c.len, 0, 0x22, kM1, 0x1234}), kOk);  // prot and offset ignored
    expectResult(0x7F0000000000ULL, 0);
    EXPECT_EQ(st.heap, 0x7F0000000000ULL + c.advance) << c.len;
    EXPECT_EQ(st.memory.pageCount(), pages);  // memory untouched
  }
}

TEST_P(SyscallTest, MmapHeapAddWraps) {
  st.heap = 0xFFFFFFFFFFFFF000ULL;
  ASSERT_EQ(sys(222, {0, 0x2000, 0, 0x20, kM1}), kOk);
  expectResult(0xFFFFFFFFFFFFF000ULL, 0);
  EXPECT_EQ(st.heap, 0x1000u);
  // Rounding itself wraps: len = 2^64 - 4095 rounds up to 2^64 = 0.
  st.heap = 0x5000;
  ASSERT_EQ(sys(222, {0, 0xFFFFFFFFFFFFF001ULL, 0, 0x20, kM1}), kOk);
  expectResult(0x5000, 0);
  EXPECT_EQ(st.heap, 0x5000u);
}

TEST_P(SyscallTest, MmapWithHintReturnsHint) {
  st.heap = 0x7F0000000000ULL;
  ASSERT_EQ(sys(222, {0xC000000000ULL, 0x4000000, 0, 0x22, kM1}), kOk);
  expectResult(0xC000000000ULL, 0);
  EXPECT_EQ(st.heap, 0x7F0000000000ULL);
  ASSERT_EQ(sys(222, {0x123, 1, 0, 0x20, kM1}), kOk);  // not even page-aligned
  expectResult(0x123, 0);
}

// ---- read / write ----

TEST_P(SyscallTest, ReadFromStdinAndHintFd) {
  st.memory.store(kData, 8, 0x1122);
  ASSERT_EQ(sys(63, {0, kData, 100}), kOk);
  expectResult(0, 0);
  ASSERT_EQ(sys(63, {3, kData, 100}), kOk);
  expectResult(100, 0);
  EXPECT_EQ(st.memory.load(kData, 8), 0x1122u);  // no memory write
  ASSERT_EQ(sys(63, {3, kData, kM1}), kOk);
  expectResult(kM1, 0);
}

TEST_P(SyscallTest, ReadFromOtherFdsFails) {
  for (uint64_t fd : U{1ull, 2ull, 4ull, 6ull, 7ull, 100ull, kM1, 0x100000003ull}) {
    ASSERT_EQ(sys(63, {fd, kData, 8}), kOk);
    expectResult(kM1, kEBADF);
  }
}

TEST_P(SyscallTest, WriteToStdoutAndStderrReachesGuestOutput) {
  const char* text = "hello, world\n";
  st.memory.writeBytes(kData, reinterpret_cast<const uint8_t*>(text), 13);
  ASSERT_EQ(sys(64, {1, kData, 13}), kOk);
  expectResult(13, 0);
  ASSERT_EQ(sys(64, {2, kData + 7, 5}), kOk);
  expectResult(5, 0);
  ASSERT_EQ(output.writes.size(), 2u);
  EXPECT_EQ(output.writes[0].first, 1u);
  EXPECT_EQ(std::string(output.writes[0].second.begin(), output.writes[0].second.end()), "hello, world\n");
  EXPECT_EQ(output.writes[1].first, 2u);
  EXPECT_EQ(std::string(output.writes[1].second.begin(), output.writes[1].second.end()), "world");
  ASSERT_EQ(sys(64, {1, kData, 0}), kOk);  // empty write
  expectResult(0, 0);
  EXPECT_EQ(output.writes.size(), 2u);
}

TEST_P(SyscallTest, WriteOutputIsTruncatedToHostLimitButReportsFullCount) {
  host.limits.maxOutputBytesPerWrite = 4;
  st.memory.writeBytes(kData, reinterpret_cast<const uint8_t*>("abcdefgh"), 8);
  ASSERT_EQ(sys(64, {1, kData, 8}), kOk);
  expectResult(8, 0);
  ASSERT_EQ(output.writes.size(), 1u);
  EXPECT_EQ(output.writes[0].second, (Bytes{'a', 'b', 'c', 'd'}));
}

TEST_P(SyscallTest, WriteWithoutOutputSinkStillSucceeds) {
  host.output = nullptr;
  ASSERT_EQ(sys(64, {2, kData, 1000}), kOk);
  expectResult(1000, 0);
}

TEST_P(SyscallTest, WriteToOtherFdsFails) {
  for (uint64_t fd : U{0ull, 3ull, 5ull, 7ull, kM1, 0x100000001ull}) {
    ASSERT_EQ(sys(64, {fd, kData, 8}), kOk);
    expectResult(kM1, kEBADF);
  }
  EXPECT_TRUE(output.writes.empty());
}

// ---- fcntl, openat, clock_gettime, clone, getrlimit ----

TEST_P(SyscallTest, FcntlMatrix) {
  for (uint64_t fd = 0; fd <= 8; ++fd) {
    ASSERT_EQ(sys(25, {fd, 1}), kOk);  // F_GETFD
    if (fd <= 6)
      expectResult(0, 0);
    else
      expectResult(kM1, kEBADF);
    ASSERT_EQ(sys(25, {fd, 3}), kOk);  // F_GETFL
    if (fd == 0 || fd == 3 || fd == 5)
      expectResult(0, 0);
    else if (fd == 1 || fd == 2 || fd == 4 || fd == 6)
      expectResult(1, 0);
    else
      expectResult(kM1, kEBADF);
    for (uint64_t cmd : U{0ull, 2ull, 4ull, 1024ull, kM1, 0x100000001ull}) {
      ASSERT_EQ(sys(25, {fd, cmd}), kOk);
      expectResult(kM1, kEINVAL);
    }
  }
  ASSERT_EQ(sys(25, {kM1, 1}), kOk);
  expectResult(kM1, kEBADF);
  ASSERT_EQ(sys(25, {0x100000000ull, 3}), kOk);  // full 64-bit compare
  expectResult(kM1, kEBADF);
}

TEST_P(SyscallTest, OpenatFails) {
  ASSERT_EQ(sys(56, {kM1 - 99, kData, 0, 0}), kOk);
  expectResult(kM1, kEACCES);
}

TEST_P(SyscallTest, ClockGettimeWritesFrozenTime) {
  st.memory.store(kData + 16, 8, 0xEEEEEEEEEEEEEEEEULL);
  ASSERT_EQ(sys(113, {1, kData}), kOk);
  expectResult(0, 0);
  EXPECT_EQ(st.memory.load(kData, 8), 1337u);
  EXPECT_EQ(st.memory.load(kData + 8, 8), 42u);
  EXPECT_EQ(st.memory.load(kData + 16, 8), 0xEEEEEEEEEEEEEEEEULL);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
}

TEST_P(SyscallTest, ClockGettimeCrossingALeaf) {
  for (uint64_t off : U{17u, 20u, 24u, 31u}) {
    const uint64_t addr = kData + 64 + off;
    ASSERT_EQ(sys(113, {0, addr}), kOk);
    expectResult(0, 0);
    EXPECT_EQ(st.memory.load(addr, 8), 1337u) << off;
    EXPECT_EQ(st.memory.load(addr + 8, 8), 42u) << off;
    EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1, 2})) << off;
    EXPECT_EQ(leaves()[1], kData + 64);
    EXPECT_EQ(leaves()[2], kData + 96);
  }
  ASSERT_EQ(sys(113, {0, kData + 64 + 16}), kOk);  // (a1 & 31) == 16 ends on the boundary
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(st.memory.merkleRoot(), st.memory.computeRootFromScratch());
}

TEST_P(SyscallTest, ClockGettimeWrapsAtTopOfAddressSpace) {
  ASSERT_EQ(sys(113, {0, ~uint64_t(0) - 7}), kOk);
  EXPECT_EQ(st.memory.load(~uint64_t(0) - 7, 8), 1337u);
  EXPECT_EQ(st.memory.load(0, 8), 42u);
}

TEST_P(SyscallTest, CloneReturnsParent) {
  ASSERT_EQ(sys(220, {0x11, 0x22, 0x33}), kOk);
  expectResult(1, 0);
}

TEST_P(SyscallTest, GetrlimitNofile) {
  ASSERT_EQ(sys(163, {7, kData + 8}), kOk);
  expectResult(0, 0);
  EXPECT_EQ(st.memory.load(kData + 8, 8), 1024u);
  EXPECT_EQ(st.memory.load(kData + 16, 8), 1024u);
  ASSERT_EQ(sys(163, {7, kData + 30}), kOk);  // crossing a leaf
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1, 2}));
  EXPECT_EQ(st.memory.load(kData + 30, 8), 1024u);
  EXPECT_EQ(st.memory.load(kData + 38, 8), 1024u);
}

TEST_P(SyscallTest, GetrlimitOtherResourceReverts) {
  for (uint64_t res : U{0ull, 3ull, 6ull, 8ull, 0x100000007ull, kM1}) {
    EXPECT_EQ(sys(163, {res, kData}), kUnknownRlimit) << res;
    EXPECT_EQ(st.memory.load(kData, 8), 0u);
  }
}

TEST_P(SyscallTest, UnsupportedSyscallsRevert) {
  for (uint64_t n : U{261u, 422u, 101u}) {
    EXPECT_EQ(sys(n, {0, kData}), kUnsupportedSyscall) << n;
    EXPECT_EQ(lastSyscall, n);
  }
}

TEST_P(SyscallTest, UnknownSyscallsReturnZero) {
  for (uint64_t n : U{98ull, 123ull, 124ull, 135ull, 132ull, 178ull, 134ull, 233ull, 20ull, 21ull, 59ull, 78ull, 79ull,
                     160ull, 215ull, 278ull, 57ull, 29ull, 172ull, 131ull, 0ull, 1000ull, kM1, 93ull + (1ull << 32)}) {
    ASSERT_EQ(sys(n, {0x1234, 0x5678, 3}), kOk) << n;
    expectResult(0, 0);
    EXPECT_FALSE(st.exited);
  }
}

// ---- pre-image key write (§5.2) ----

/// 256-bit key model: shift in the n bytes `in` at the end.
Hash32 shiftKey(const Hash32& key, const uint8_t* in, unsigned n) {
  Hash32 out;
  for (unsigned i = 0; i < 32; ++i) out[i] = i + n < 32 ? key[i + n] : in[i + n - 32];
  return out;
}

TEST_P(SyscallTest, PreimageKeyWriteAtEveryAlignmentAndCount) {
  std::mt19937_64 rng(30);
  const uint64_t base = kData + 0x100;
  st.memory.store(kPc, 4, ecall());  // so the root check below sees only the syscall's effect
  for (unsigned align = 0; align < 32; ++align) {
    for (uint64_t count = 0; count <= 40; ++count) {
      Hash32 leaf;
      for (auto& b : leaf.b) b = static_cast<uint8_t>(rng());
      st.memory.writeBytes(base, leaf.data(), 32);
      st.memory.store(base + 32, 8, 0x9999999999999999ULL);  // the next leaf is never read
      Hash32 key;
      for (auto& b : key.b) b = static_cast<uint8_t>(rng());
      st.preimageKey = key;
      st.preimageOffset = 77;
      const Hash32 rootBefore = st.memory.merkleRoot();
      ASSERT_EQ(sys(64, {6, base + align, count}), kOk);
      const unsigned n = static_cast<unsigned>(std::min<uint64_t>(count, 32 - align));
      expectResult(n, 0);
      EXPECT_EQ(st.preimageKey, shiftKey(key, leaf.data() + align, n)) << "align " << align << " count " << count;
      EXPECT_EQ(st.preimageOffset, 0u);
      EXPECT_EQ(st.memory.merkleRoot(), rootBefore);  // memory unchanged
      EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
      EXPECT_EQ(leaves()[1], base);
    }
  }
}

TEST_P(SyscallTest, PreimageKeyAlignedWriteReplacesKeyAndHugeCountIsClamped) {
  Hash32 k;
  for (unsigned i = 0; i < 32; ++i) k[i] = static_cast<uint8_t>(i + 1);
  st.memory.writeBytes(kData, k.data(), 32);
  st.preimageKey[0] = 0xFF;
  ASSERT_EQ(sys(64, {6, kData, kM1}), kOk);
  expectResult(32, 0);
  EXPECT_EQ(st.preimageKey, k);
}

TEST_P(SyscallTest, PreimageKeyWrittenInPiecesLikeAGuestLoop) {
  Hash32 k;
  for (unsigned i = 0; i < 32; ++i) k[i] = static_cast<uint8_t>(0xA0 + i);
  st.memory.writeBytes(kData + 20, k.data(), 32);  // straddles a leaf boundary
  uint64_t done = 0;
  int calls = 0;
  while (done < 32) {
    ASSERT_EQ(sys(64, {6, kData + 20 + done, 32 - done}), kOk);
    done += x(a0);
    ++calls;
  }
  EXPECT_EQ(calls, 2);  // 12 bytes, then 20
  EXPECT_EQ(st.preimageKey, k);
}

// ---- pre-image read (§5.3) ----

class PreimageReadTest : public SyscallTest {
 protected:
  Hash32 key;
  Bytes data;
  Bytes prefixed;
  void setPreimage(size_t len, uint8_t seed) {
    key = Hash32{};
    key[0] = 2;
    key[31] = seed;
    data.resize(len);
    for (size_t i = 0; i < len; ++i) data[i] = static_cast<uint8_t>(seed * 31 + i * 7 + 1);
    oracle.table[key.b] = data;
    prefixed.assign(8, 0);
    putBE64(prefixed.data(), len);
    prefixed.insert(prefixed.end(), data.begin(), data.end());
    st.preimageKey = key;
  }
};

TEST_P(PreimageReadTest, RandomAlignmentsCountsAndOffsets) {
  std::mt19937_64 rng(31);
  for (size_t len : {0u, 1u, 7u, 8u, 24u, 31u, 32u, 33u, 100u, 1000u}) {
    setPreimage(len, static_cast<uint8_t>(len));
    for (int iter = 0; iter < 200; ++iter) {
      const uint64_t off = rng() % prefixed.size();
      const unsigned align = static_cast<unsigned>(rng() % 32);
      const uint64_t count = rng() % 3 == 0 ? rng() : rng() % 45;
      const uint64_t buf = kData + 64 * (rng() % 8) + align;
      // Fill the leaf and its neighbour with a marker to see exactly what was written.
      for (uint64_t a = (buf & ~uint64_t(31)) - 32; a < (buf & ~uint64_t(31)) + 64; a += 8)
        st.memory.store(a, 8, 0xCCCCCCCCCCCCCCCCULL);
      st.preimageOffset = off;
      ASSERT_EQ(sys(63, {5, buf, count}), kOk);
      const uint64_t avail = std::min<uint64_t>(32, prefixed.size() - off);
      const uint64_t n = std::min<uint64_t>({count, uint64_t(32 - align), avail});
      expectResult(n, 0);
      EXPECT_EQ(st.preimageOffset, off + n);
      for (int64_t i = -32; i < 64 - int64_t(align); ++i) {
        const uint64_t v = st.memory.load(buf + uint64_t(i), 1);
        const uint64_t expected = (i >= 0 && uint64_t(i) < n) ? prefixed[off + uint64_t(i)] : 0xCC;
        ASSERT_EQ(v, expected) << "len " << len << " off " << off << " align " << align << " count " << count << " i " << i;
      }
      EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
      EXPECT_EQ(leaves()[1], buf & ~uint64_t(31));
      ASSERT_TRUE(preimageRead.has_value());
      EXPECT_EQ(*preimageRead, off);
    }
  }
  EXPECT_EQ(oracle.lookups, 10);  // one fetch per key
}

TEST_P(PreimageReadTest, SequentialReadsReturnLengthPrefixThenData) {
  setPreimage(77, 9);
  st.preimageOffset = 0;
  Bytes got;
  uint64_t buf = kData + 3;
  while (got.size() < prefixed.size()) {
    ASSERT_EQ(sys(63, {5, buf, 1000}), kOk);
    ASSERT_GT(x(a0), 0u);
    for (uint64_t i = 0; i < x(a0); ++i) got.push_back(static_cast<uint8_t>(st.memory.load(buf + i, 1)));
    buf += x(a0);
  }
  EXPECT_EQ(got, prefixed);
  EXPECT_EQ(getBE64(got.data()), 77u);
  EXPECT_EQ(st.preimageOffset, 85u);
  // Reading past the end is a host error, not EOF.
  try {
    (void)sys(63, {5, buf, 8});
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out-of-bounds"), std::string::npos) << e.what();
  }
}

TEST_P(PreimageReadTest, CountZeroChangesNothing) {
  setPreimage(10, 1);
  st.preimageOffset = 3;
  st.memory.store(kData, 8, 0xCCCC);
  ASSERT_EQ(sys(63, {5, kData, 0}), kOk);
  expectResult(0, 0);
  EXPECT_EQ(st.preimageOffset, 3u);
  EXPECT_EQ(st.memory.load(kData, 8), 0xCCCCu);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));  // still consumes proof 1
}

TEST_P(PreimageReadTest, OffsetAtOrPastEndIsAnError) {
  setPreimage(4, 2);
  for (uint64_t off : U{12ull, 13ull, 1000ull, kM1}) {
    st.preimageOffset = off;
    EXPECT_THROW((void)sys(63, {5, kData, 8}), Error) << off;
  }
}

TEST_P(PreimageReadTest, UnknownKeyAndMissingOracleAreErrors) {
  st.preimageKey[5] = 0x42;
  EXPECT_THROW((void)sys(63, {5, kData, 8}), Error);
  host.oracle = nullptr;
  host.preimage.valid = false;
  EXPECT_THROW((void)sys(63, {5, kData, 8}), Error);
  vm::NoPreimageOracle none;
  host.oracle = &none;
  EXPECT_THROW((void)sys(63, {5, kData, 8}), Error);
}

TEST_P(PreimageReadTest, KeyWriteThenReadFetchesNewKey) {
  setPreimage(5, 3);
  Hash32 other = key;
  other[31] = 0x77;
  oracle.table[other.b] = Bytes{9, 8, 7};
  st.memory.writeBytes(kData, other.data(), 32);
  ASSERT_EQ(sys(64, {6, kData, 32}), kOk);
  EXPECT_EQ(st.preimageKey, other);
  ASSERT_EQ(sys(63, {5, kData + 64, 32}), kOk);
  EXPECT_EQ(x(a0), 11u);
  EXPECT_EQ(st.memory.load(kData + 64 + 8, 4), 0x070809u);
}

// ---- hints (§5.4) ----

class HintTest : public SyscallTest {
 protected:
  uint64_t buf = kData;
  /// Puts `bytes` in memory and writes them to fd 4.
  void writeHintBytes(const Bytes& bytes) {
    st.memory.writeBytes(buf, bytes.data(), bytes.size());
    ASSERT_EQ(sys(64, {4, buf, bytes.size()}), kOk);
    expectResult(bytes.size(), 0);
    buf += bytes.size() + 5;
  }
  static Bytes framed(const std::string& s) {
    Bytes b(4 + s.size());
    putBE32(b.data(), static_cast<uint32_t>(s.size()));
    std::memcpy(b.data() + 4, s.data(), s.size());
    return b;
  }
  std::vector<std::string> hintStrings() const {
    std::vector<std::string> out;
    for (const auto& h : oracle.hints) out.emplace_back(h.begin(), h.end());
    return out;
  }
};

TEST_P(HintTest, CompleteHintIsDelivered) {
  writeHintBytes(framed("l1-block 0xabc"));
  EXPECT_EQ(hintStrings(), std::vector<std::string>{"l1-block 0xabc"});
  EXPECT_TRUE(st.lastHint.empty());
}

TEST_P(HintTest, HintSplitAcrossWrites) {
  Bytes f = framed("hello hint");
  writeHintBytes(Bytes(f.begin(), f.begin() + 2));  // half the length prefix
  EXPECT_TRUE(oracle.hints.empty());
  EXPECT_EQ(st.lastHint, Bytes(f.begin(), f.begin() + 2));
  writeHintBytes(Bytes(f.begin() + 2, f.begin() + 7));
  EXPECT_TRUE(oracle.hints.empty());
  EXPECT_EQ(st.lastHint.size(), 7u);
  writeHintBytes(Bytes(f.begin() + 7, f.end()));
  EXPECT_EQ(hintStrings(), std::vector<std::string>{"hello hint"});
  EXPECT_TRUE(st.lastHint.empty());
}

TEST_P(HintTest, MultipleHintsInOneWriteAndIncompleteTailKept) {
  Bytes all = framed("one");
  Bytes two = framed("");  // an empty hint is still a hint
  Bytes three = framed("three");
  Bytes tail = framed("four");
  all.insert(all.end(), two.begin(), two.end());
  all.insert(all.end(), three.begin(), three.end());
  all.insert(all.end(), tail.begin(), tail.end() - 1);
  writeHintBytes(all);
  EXPECT_EQ(hintStrings(), (std::vector<std::string>{"one", "", "three"}));
  EXPECT_EQ(st.lastHint, Bytes(tail.begin(), tail.end() - 1));
  writeHintBytes(Bytes{'r'});
  EXPECT_EQ(hintStrings(), (std::vector<std::string>{"one", "", "three", "four"}));
  EXPECT_TRUE(st.lastHint.empty());
}

TEST_P(HintTest, PersistedLastHintIsContinued) {
  Bytes f = framed("resumed");
  st.lastHint.assign(f.begin(), f.begin() + 6);  // as loaded from a state file
  writeHintBytes(Bytes(f.begin() + 6, f.end()));
  EXPECT_EQ(hintStrings(), std::vector<std::string>{"resumed"});
}

TEST_P(HintTest, HintsAreNotInTheWitness) {
  vm::Witness before = st.witness();
  st.lastHint = {1, 2, 3};
  EXPECT_EQ(st.witness(), before);
}

TEST_P(HintTest, ZeroCountWriteAndHintReadAreNoOps) {
  ASSERT_EQ(sys(64, {4, kData, 0}), kOk);
  expectResult(0, 0);
  EXPECT_TRUE(st.lastHint.empty());
  ASSERT_EQ(sys(63, {3, kData, 1}), kOk);  // the 1-byte ack read
  expectResult(1, 0);
}

TEST_P(HintTest, OversizeHintIsAHostError) {
  host.limits.maxHintBytes = 16;
  EXPECT_THROW((void)sys(64, {4, kData, 17}), Error);
  st.lastHint.assign(10, 0xFF);
  EXPECT_THROW((void)sys(64, {4, kData, 7}), Error);
}

TEST_P(HintTest, NoOracleDropsHints) {
  host.oracle = nullptr;
  writeHintBytes(framed("dropped"));
  EXPECT_TRUE(st.lastHint.empty());
}

FPVM_ALL_ENGINE_VARIANTS(SyscallTest);
FPVM_ALL_ENGINE_VARIANTS(PreimageReadTest);
FPVM_ALL_ENGINE_VARIANTS(HintTest);

}  // namespace
}  // namespace fpvm::test
