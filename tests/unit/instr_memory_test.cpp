// Loads and stores (spec §4.4) with their proof slots (§3.3): sign/zero extension, no alignment
// requirement, leaf/page crossing, wrap-around at 2^64, and the funct3 reverts.
#include "single_step.hpp"

namespace fpvm::test {
namespace {
using namespace rvasm;

using MemoryTest = SingleStep;

struct LoadCase {
  const char* name;
  uint32_t f3;
  uint64_t expected;
};

TEST_P(MemoryTest, LoadsSignAndZeroExtend) {
  st.memory.store(kData, 8, 0x8182838485868788ULL);  // byte 0 = 0x88 … byte 7 = 0x81
  const LoadCase cases[] = {
      {"lb", 0, 0xFFFFFFFFFFFFFF88ULL}, {"lh", 1, 0xFFFFFFFFFFFF8788ULL}, {"lw", 2, 0xFFFFFFFF85868788ULL},
      {"ld", 3, 0x8182838485868788ULL}, {"lbu", 4, 0x88},                 {"lhu", 5, 0x8788},
      {"lwu", 6, 0x85868788},
  };
  for (const auto& c : cases) {
    set(a1, kData);
    ASSERT_EQ(exec(load(c.f3, a0, a1, 0)), kOk) << c.name;
    EXPECT_EQ(x(a0), c.expected) << c.name;
    expectNext();
    expectOnlyChanged({a0});
    EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1})) << c.name;
    EXPECT_EQ(leaves()[1], kData);
  }
  st.memory.store(kData + 16, 8, 0x7172737475767778ULL);  // positive values: no extension
  set(a1, kData + 16);
  ASSERT_EQ(exec(lb(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0x78u);
  ASSERT_EQ(exec(lh(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0x7778u);
  ASSERT_EQ(exec(lw(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0x75767778u);
}

TEST_P(MemoryTest, LoadFunct3SevenReverts) {
  set(a1, kData);
  EXPECT_EQ(exec(load(7, a0, a1, 0)), kIllegal);
}

TEST_P(MemoryTest, LoadUsesSignExtendedImmediateAndWrapsAddress) {
  st.memory.store(kData - 8, 8, 0x1122334455667788ULL);
  set(a1, kData);
  ASSERT_EQ(exec(ld(a0, a1, -8)), kOk);
  EXPECT_EQ(x(a0), 0x1122334455667788ULL);
  st.memory.store(2047, 2, 0xBEEF);
  set(a1, 0);
  ASSERT_EQ(exec(lhu(a0, a1, 2047)), kOk);
  EXPECT_EQ(x(a0), 0xBEEFu);
  st.memory.store(uint64_t(1) - 2048, 1, 0x5A);  // 1 + (-2048) wraps below 0
  set(a1, 1);
  ASSERT_EQ(exec(lbu(a0, a1, -2048)), kOk);  // 1 - 2048 = 2^64 - 2047
  EXPECT_EQ(x(a0), 0x5Au);
}

TEST_P(MemoryTest, MisalignedLoadsAreAllowed) {
  st.memory.store(kData, 8, 0x0706050403020100ULL);
  st.memory.store(kData + 8, 8, 0x0F0E0D0C0B0A0908ULL);
  for (uint64_t off = 0; off < 8; ++off) {
    set(a1, kData + off);
    ASSERT_EQ(exec(ld(a0, a1, 0)), kOk);
    uint64_t expected = 0;
    for (unsigned i = 0; i < 8; ++i) expected |= uint64_t(off + i) << (8 * i);
    EXPECT_EQ(x(a0), expected) << "offset " << off;
    ASSERT_EQ(exec(lw(a0, a1, 0)), kOk);
    EXPECT_EQ(x(a0), expected & 0xFFFFFFFF);  // bytes < 0x80: positive
  }
}

TEST_P(MemoryTest, LoadCrossingALeafUsesTwoProofSlots) {
  st.memory.store(kData + 28, 8, 0xA1A2A3A4A5A6A7A8ULL);
  set(a1, kData + 28);
  ASSERT_EQ(exec(ld(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0xA1A2A3A4A5A6A7A8ULL);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1, 2}));
  EXPECT_EQ(leaves(), (std::vector<uint64_t>{kPc, kData, kData + 32}));
  // Ending exactly at the leaf boundary does not cross.
  set(a1, kData + 24);
  ASSERT_EQ(exec(ld(a0, a1, 0)), kOk);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
  set(a1, kData + 31);
  ASSERT_EQ(exec(lh(a0, a1, 0)), kOk);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1, 2}));
  EXPECT_EQ(x(a0), 0xFFFFFFFFFFFFA4A5ULL);  // bytes 31 and 32: 0xA5, 0xA4 (sign-extended)
}

TEST_P(MemoryTest, LoadCrossingAPage) {
  st.memory.store(kData + 4096 - 3, 8, 0x0123456789ABCDEFULL);
  set(a1, kData + 4096 - 3);
  ASSERT_EQ(exec(ld(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0x0123456789ABCDEFULL);
  EXPECT_EQ(leaves(), (std::vector<uint64_t>{kPc, kData + 4096 - 32, kData + 4096}));
}

TEST_P(MemoryTest, LoadWrapsAtTopOfAddressSpace) {
  st.memory.store(~uint64_t(0) - 3, 8, 0x1122334455667788ULL);  // 4 bytes at the top, 4 at 0
  set(a1, ~uint64_t(0) - 3);
  ASSERT_EQ(exec(ld(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0x1122334455667788ULL);
  EXPECT_EQ(leaves(), (std::vector<uint64_t>{kPc, ~uint64_t(31), 0}));
  set(a1, ~uint64_t(0) - 1);  // 2^64 - 2, size 4 continues at 0
  ASSERT_EQ(exec(lwu(a0, a1, 0)), kOk);
  EXPECT_EQ(x(a0), 0x33445566u);
}

TEST_P(MemoryTest, LoadRdEqualsRs1) {
  st.memory.store(kData, 8, 0xDEAD);
  set(a0, kData);
  ASSERT_EQ(exec(ld(a0, a0, 0)), kOk);
  EXPECT_EQ(x(a0), 0xDEADu);
}

TEST_P(MemoryTest, LoadOfUnwrittenMemoryIsZeroAndAllocatesNothing) {
  set(a0, 0x123456789000ULL);
  set(a1, 5);
  size_t pages = st.memory.pageCount();
  ASSERT_EQ(exec(ld(a1, a0, 0)), kOk);
  EXPECT_EQ(x(a1), 0u);
  EXPECT_EQ(st.memory.pageCount(), pages);
}

struct StoreCase {
  const char* name;
  uint32_t f3;
  unsigned size;
};

TEST_P(MemoryTest, StoresWriteLowBytesLittleEndian) {
  const StoreCase cases[] = {{"sb", 0, 1}, {"sh", 1, 2}, {"sw", 2, 4}, {"sd", 3, 8}};
  for (const auto& c : cases) {
    for (uint64_t i = 0; i < 32; i += 8) st.memory.store(kData + i, 8, 0xEEEEEEEEEEEEEEEEULL);
    set(a0, kData + 8);
    set(a1, 0x0102030405060708ULL);
    ASSERT_EQ(exec(store(c.f3, a1, a0, 0)), kOk) << c.name;
    expectNext();
    expectOnlyChanged({});
    for (unsigned i = 0; i < 16; ++i) {
      uint64_t expected = i < c.size ? uint64_t(8 - i) : 0xEE;
      EXPECT_EQ(st.memory.load(kData + 8 + i, 1), expected) << c.name << " byte " << i;
    }
    EXPECT_EQ(st.memory.load(kData, 8), 0xEEEEEEEEEEEEEEEEULL);  // bytes before untouched
    EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
  }
}

TEST_P(MemoryTest, StoreFunct3FourAndAboveReverts) {
  set(a0, kData);
  set(a1, kAllOnes);
  for (uint32_t f3 = 4; f3 < 8; ++f3) {
    EXPECT_EQ(exec(store(f3, a1, a0, 0)), kStoreTooLarge) << "funct3 " << f3;
    EXPECT_EQ(st.memory.load(kData, 8), 0u);
  }
}

TEST_P(MemoryTest, StoreNegativeImmediate) {
  set(a0, kData);
  set(a1, 0xAB);
  ASSERT_EQ(exec(sb(a1, a0, -1)), kOk);
  EXPECT_EQ(st.memory.load(kData - 1, 1), 0xABu);
  ASSERT_EQ(exec(sd(a1, a0, -2048)), kOk);
  EXPECT_EQ(st.memory.load(kData - 2048, 8), 0xABu);
  ASSERT_EQ(exec(sh(a1, a0, 2047)), kOk);
  EXPECT_EQ(st.memory.load(kData + 2047, 2), 0xABu);
}

TEST_P(MemoryTest, StoreCrossingALeafAndAPage) {
  set(a0, kData + 29);
  set(a1, 0x1122334455667788ULL);
  ASSERT_EQ(exec(sd(a1, a0, 0)), kOk);
  EXPECT_EQ(st.memory.load(kData + 29, 8), 0x1122334455667788ULL);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1, 2}));
  EXPECT_EQ(leaves(), (std::vector<uint64_t>{kPc, kData, kData + 32}));
  set(a0, kData + 4096 - 2);
  ASSERT_EQ(exec(sw(a1, a0, 0)), kOk);
  EXPECT_EQ(st.memory.load(kData + 4096 - 2, 4), 0x55667788u);
  EXPECT_EQ(st.memory.load(kData + 4096, 2), 0x5566u);
  EXPECT_EQ(leaves(), (std::vector<uint64_t>{kPc, kData + 4096 - 32, kData + 4096}));
  EXPECT_EQ(st.memory.merkleRoot(), st.memory.computeRootFromScratch());
}

TEST_P(MemoryTest, StoreWrapsAtTopOfAddressSpace) {
  set(a0, ~uint64_t(0) - 1);  // 2^64 - 2
  set(a1, 0xDDCCBBAA);
  ASSERT_EQ(exec(sw(a1, a0, 0)), kOk);
  EXPECT_EQ(st.memory.load(~uint64_t(0) - 1, 1), 0xAAu);
  EXPECT_EQ(st.memory.load(~uint64_t(0), 1), 0xBBu);
  EXPECT_EQ(st.memory.load(0, 2), 0xDDCCu);
  EXPECT_EQ(leaves(), (std::vector<uint64_t>{kPc, ~uint64_t(31), 0}));
  EXPECT_EQ(st.memory.merkleRoot(), st.memory.computeRootFromScratch());
}

TEST_P(MemoryTest, StoreThenLoadRoundTripAtEveryLeafOffset) {
  for (uint64_t off = 0; off < 40; ++off) {
    set(a0, kData + 64 + off);
    set(a1, 0x8877665544332211ULL + off);
    ASSERT_EQ(exec(sd(a1, a0, 0)), kOk);
    ASSERT_EQ(exec(ld(a2, a0, 0)), kOk);
    EXPECT_EQ(x(a2), 0x8877665544332211ULL + off);
    EXPECT_EQ(slots().size(), ((kData + 64 + off) & 31) > 24 ? 3u : 2u) << off;
  }
}

TEST_P(MemoryTest, StoreToTheInstructionItselfIsVisibleNextStep) {
  // Self-modifying code: overwrite the next instruction, then execute it.
  program({sw(a1, a0, 4), addi(a2, zero, 1)});
  set(a0, kPc);
  set(a1, addi(a2, zero, 99));
  ASSERT_EQ(stepOnce(), kOk);
  ASSERT_EQ(stepOnce(), kOk);
  EXPECT_EQ(x(a2), 99u);
}

FPVM_ALL_ENGINE_VARIANTS(MemoryTest);

}  // namespace
}  // namespace fpvm::test
