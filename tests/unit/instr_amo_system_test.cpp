// A extension (spec §4.7), SYSTEM / FENCE / FP stubs and unknown opcodes (§4.8, §4.1).
#include "single_step.hpp"

namespace fpvm::test {
namespace {
using namespace rvasm;

using AmoTest = SingleStep;
using SystemTest = SingleStep;

constexpr uint32_t kW = 2, kD = 3;

TEST_P(AmoTest, LrWSignExtendsAndReserves) {
  st.memory.store(kData, 8, 0x1234567880000001ULL);
  set(a1, kData);
  set(a2, 0xDEAD);  // rs2 ignored
  ASSERT_EQ(exec(amo(kLr, kW, a0, a1, a2)), kOk);
  EXPECT_EQ(x(a0), 0xFFFFFFFF80000001ULL);
  EXPECT_EQ(st.loadReservation, kData);
  expectNext();
  expectOnlyChanged({a0});
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(st.memory.load(kData, 8), 0x1234567880000001ULL);
}

TEST_P(AmoTest, LrD) {
  st.memory.store(kData + 8, 8, 0x8000000000000042ULL);
  set(a1, kData + 8);
  ASSERT_EQ(exec(lr_d(a0, a1)), kOk);
  EXPECT_EQ(x(a0), 0x8000000000000042ULL);
  EXPECT_EQ(st.loadReservation, kData + 8);
}

TEST_P(AmoTest, ScSucceedsOnReservationStoresAndClears) {
  st.memory.store(kData, 8, 0xEEEEEEEEEEEEEEEEULL);
  st.loadReservation = kData;
  set(a1, kData);
  set(a2, 0x1122334455667788ULL);
  ASSERT_EQ(exec(sc_w(a0, a2, a1)), kOk);
  EXPECT_EQ(x(a0), 0u);
  EXPECT_EQ(st.memory.load(kData, 8), 0xEEEEEEEE55667788ULL);  // only 4 bytes
  EXPECT_EQ(st.loadReservation, 0u);
  EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1}));
  st.loadReservation = kData;
  ASSERT_EQ(exec(sc_d(a0, a2, a1)), kOk);
  EXPECT_EQ(x(a0), 0u);
  EXPECT_EQ(st.memory.load(kData, 8), 0x1122334455667788ULL);
}

TEST_P(AmoTest, ScFailsWithoutReservationLeavesMemoryAndClears) {
  st.memory.store(kData, 8, 0xEEEE);
  st.loadReservation = kData + 8;
  set(a1, kData);
  set(a2, 0x77);
  ASSERT_EQ(exec(sc_d(a0, a2, a1)), kOk);
  EXPECT_EQ(x(a0), 1u);
  EXPECT_EQ(st.memory.load(kData, 8), 0xEEEEu);
  EXPECT_EQ(st.loadReservation, 0u);
  EXPECT_EQ(slots(), std::vector<unsigned>{0});  // a failed SC uses no data proof
  // The reservation is gone: a second SC to the formerly reserved address fails too.
  set(a1, kData + 8);
  ASSERT_EQ(exec(sc_d(a0, a2, a1)), kOk);
  EXPECT_EQ(x(a0), 1u);
  EXPECT_EQ(st.memory.load(kData + 8, 8), 0u);
}

TEST_P(AmoTest, ScReservationComparesFullAddressNotSize) {
  st.loadReservation = kData;
  set(a1, kData);
  set(a2, 5);
  ASSERT_EQ(exec(lr_w(a0, a1)), kOk);  // LR.W reserves kData
  ASSERT_EQ(exec(sc_d(a3, a2, a1)), kOk);  // SC.D at the same address succeeds
  EXPECT_EQ(x(a3), 0u);
  EXPECT_EQ(st.memory.load(kData, 8), 5u);
}

TEST_P(AmoTest, ScToAddressZeroWithoutLrSucceeds) {
  // [quirk] the initial reservation 0 matches address 0.
  ASSERT_EQ(st.loadReservation, 0u);
  set(a1, 0);
  set(a2, 0xABCDEF);
  ASSERT_EQ(exec(sc_w(a0, a2, a1)), kOk);
  EXPECT_EQ(x(a0), 0u);
  EXPECT_EQ(st.memory.load(0, 4), 0xABCDEFu);
}

TEST_P(AmoTest, ReservationSurvivesOrdinaryStoresAndAmos) {
  program({lr_d(a0, a1), sd(a2, a1, 0), amoadd_d(a3, a2, a1), sc_d(a4, a2, a1)});
  set(a1, kData);
  set(a2, 3);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(stepOnce(), kOk) << "instruction " << i;
  EXPECT_EQ(x(a3), 3u);  // AMO saw the stored 3
  EXPECT_EQ(x(a4), 0u);  // SC still succeeded
  EXPECT_EQ(st.memory.load(kData, 8), 3u);
  EXPECT_EQ(st.loadReservation, 0u);
}

struct AmoCase {
  const char* name;
  uint32_t funct5;
  uint32_t f3;
  uint64_t memBefore;  // the full 8 bytes at the address
  uint64_t rs2;
  uint64_t expectedRd;
  uint64_t memAfter;
};

TEST_P(AmoTest, EveryAmoOperation) {
  const uint64_t hiW = 0xAAAAAAAA00000000ULL;  // the upper word must survive .W operations
  const AmoCase cases[] = {
      // .W: rd = sign-extended old word; only the low 4 bytes are written.
      {"amoadd.w", kAmoAdd, kW, hiW | 0x7FFFFFFF, 1, 0x7FFFFFFF, hiW | 0x80000000},
      {"amoadd.w neg", kAmoAdd, kW, hiW | 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF80000000ULL, hiW | 0x7FFFFFFF},
      {"amoswap.w", kAmoSwap, kW, hiW | 0x12345678, 0xFFFFFFFF87654321ULL, 0x12345678, hiW | 0x87654321},
      {"amoxor.w", kAmoXor, kW, hiW | 0xFF00FF00, 0x0FF00FF0, 0xFFFFFFFFFF00FF00ULL, hiW | 0xF0F0F0F0},
      {"amoor.w", kAmoOr, kW, hiW | 0x0000FF00, 0x00FF0000, 0xFF00, hiW | 0x00FFFF00},
      {"amoand.w", kAmoAnd, kW, hiW | 0xFFFF0000, 0x12345678, 0xFFFFFFFFFFFF0000ULL, hiW | 0x12340000},
      {"amomin.w", kAmoMin, kW, hiW | 0x80000000, 1, 0xFFFFFFFF80000000ULL, hiW | 0x80000000},
      {"amomin.w pos", kAmoMin, kW, hiW | 5, 0x1234567800000003ULL, 5, hiW | 3},  // rs2 upper half ignored
      {"amomax.w", kAmoMax, kW, hiW | 0x80000000, 1, 0xFFFFFFFF80000000ULL, hiW | 1},
      {"amomax.w rs2 neg", kAmoMax, kW, hiW | 0, 0x00000000FFFFFFFFULL, 0, hiW | 0},  // rs2 = -1 as a word
      {"amominu.w", kAmoMinu, kW, hiW | 0x80000000, 1, 0xFFFFFFFF80000000ULL, hiW | 1},
      {"amomaxu.w", kAmoMaxu, kW, hiW | 0x80000000, 1, 0xFFFFFFFF80000000ULL, hiW | 0x80000000},
      {"amomaxu.w both high", kAmoMaxu, kW, hiW | 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF80000000ULL, hiW | 0xFFFFFFFF},
      // .D
      {"amoadd.d", kAmoAdd, kD, kAllOnes, 2, kAllOnes, 1},
      {"amoswap.d", kAmoSwap, kD, 0x1111, 0x2222, 0x1111, 0x2222},
      {"amoxor.d", kAmoXor, kD, 0xF0F0, 0xFFFF, 0xF0F0, 0x0F0F},
      {"amoor.d", kAmoOr, kD, kMinI64, 1, kMinI64, kMinI64 | 1},
      {"amoand.d", kAmoAnd, kD, kAllOnes, 0x8000000000000001ULL, kAllOnes, 0x8000000000000001ULL},
      {"amomin.d", kAmoMin, kD, kMinI64, 0, kMinI64, kMinI64},
      {"amomax.d", kAmoMax, kD, kMinI64, 0, kMinI64, 0},
      {"amominu.d", kAmoMinu, kD, kMinI64, 0, kMinI64, 0},
      {"amomaxu.d", kAmoMaxu, kD, kMinI64, 0, kMinI64, kMinI64},
  };
  for (const auto& c : cases) {
    st.memory.store(kData, 8, c.memBefore);
    st.loadReservation = 0x4242;
    set(a1, kData);
    set(a2, c.rs2);
    ASSERT_EQ(exec(amo(c.funct5, c.f3, a0, a1, a2)), kOk) << c.name;
    EXPECT_EQ(x(a0), c.expectedRd) << c.name;
    EXPECT_EQ(st.memory.load(kData, 8), c.memAfter) << c.name;
    EXPECT_EQ(st.loadReservation, 0x4242u) << c.name;  // AMOs do not touch the reservation
    EXPECT_EQ(slots(), (std::vector<unsigned>{0, 1})) << c.name;  // the store reuses slot 1
    expectNext();
    expectOnlyChanged({a0});
  }
}

TEST_P(AmoTest, AqRlBitsAreIgnored) {
  st.memory.store(kData, 8, 10);
  set(a1, kData);
  set(a2, 5);
  ASSERT_EQ(exec(amo(kAmoAdd, kD, a0, a1, a2, true, true)), kOk);
  EXPECT_EQ(x(a0), 10u);
  EXPECT_EQ(st.memory.load(kData, 8), 15u);
  ASSERT_EQ(exec(amo(kLr, kD, a0, a1, 0, true, false)), kOk);
  EXPECT_EQ(st.loadReservation, kData);
}

TEST_P(AmoTest, AmoRdEqualsRs2) {
  st.memory.store(kData, 8, 100);
  set(a1, kData);
  set(a2, 1);
  ASSERT_EQ(exec(amoswap_d(a2, a2, a1)), kOk);
  EXPECT_EQ(x(a2), 100u);
  EXPECT_EQ(st.memory.load(kData, 8), 1u);
}

TEST_P(AmoTest, BadSizeReverts) {
  set(a1, kData);
  for (uint32_t f3 : {0u, 1u, 4u, 5u, 6u, 7u}) {
    EXPECT_EQ(exec(amo(kAmoAdd, f3, a0, a1, a2)), kBadAmoSize) << f3;
    EXPECT_EQ(exec(amo(kLr, f3, a0, a1, a2)), kBadAmoSize) << f3;
    EXPECT_EQ(exec(amo(kSc, f3, a0, a1, a2)), kBadAmoSize) << f3;
  }
  set(a1, kData + 1);  // size is checked before alignment
  EXPECT_EQ(exec(amo(kAmoAdd, 1, a0, a1, a2)), kBadAmoSize);
}

TEST_P(AmoTest, MisalignedAddressReverts) {
  for (uint64_t off : {1u, 2u, 3u}) {
    set(a1, kData + off);
    EXPECT_EQ(exec(amo(kAmoAdd, kW, a0, a1, a2)), kMisaligned) << off;
    EXPECT_EQ(exec(lr_w(a0, a1)), kMisaligned) << off;
    EXPECT_EQ(exec(sc_w(a0, a2, a1)), kMisaligned) << off;
  }
  set(a1, kData + 4);
  EXPECT_EQ(exec(amo(kAmoSwap, kD, a0, a1, a2)), kMisaligned);
  EXPECT_EQ(exec(lr_d(a0, a1)), kMisaligned);
  EXPECT_EQ(exec(amo(kAmoSwap, kW, a0, a1, a2)), kOk);  // 4-aligned is fine for .W
}

TEST_P(AmoTest, UnknownAtomicOpReverts) {
  st.memory.store(kData, 8, 77);
  set(a1, kData);
  set(a2, 1);
  for (uint32_t funct5 : {0x05u, 0x06u, 0x07u, 0x09u, 0x0Du, 0x11u, 0x15u, 0x19u, 0x1Du, 0x1Fu}) {
    EXPECT_EQ(exec(amo(funct5, kW, a0, a1, a2)), kUnknownAtomic) << funct5;
    EXPECT_EQ(exec(amo(funct5, kD, a0, a1, a2)), kUnknownAtomic) << funct5;
    EXPECT_EQ(st.memory.load(kData, 8), 77u);
  }
}

// ---- SYSTEM ----

TEST_P(SystemTest, EcallIgnoresRs1AndRdFields) {
  set(a7, 214);  // brk
  set(t0, 0x55);
  ASSERT_EQ(exec(encI(kOpSystem, t0, 0, t2, 0)), kOk);
  EXPECT_EQ(x(a0), 0x40000000u);
  EXPECT_EQ(x(a1), 0u);
  EXPECT_EQ(x(t0), 0x55u);
  EXPECT_EQ(lastSyscall, 214u);
  expectNext();
}

TEST_P(SystemTest, OtherFunct3ZeroFormsAreNoOps) {
  for (uint32_t w : {ebreak(), mret(), sret(), wfi(), sfence_vma(a0, a1), 0x7FF00073u, encI(kOpSystem, a0, 0, a1, 1)}) {
    set(a7, 214);
    set(a0, 0x1234);
    ASSERT_EQ(exec(w), kOk) << std::hex << w;
    expectNext();
    expectOnlyChanged({});
    EXPECT_EQ(lastSyscall, ~uint64_t(0)) << std::hex << w;
  }
}

TEST_P(SystemTest, CsrFormsWriteZeroToRd) {
  const uint32_t forms[] = {csrrw(a0, kCsrMhartid, a1), csrrs(a0, kCsrCycle, zero), csrrc(a0, kCsrTime, a1),
                            csrrwi(a0, kCsrFcsr, 5),     csrrsi(a0, 0x7C0, 31),      csrrci(a0, 0x300, 1),
                            csr(4, a0, a1, 0x123)};  // reserved funct3 4 too
  for (uint32_t w : forms) {
    set(a0, 0xFFFF);
    set(a1, 0x77);
    ASSERT_EQ(exec(w), kOk) << std::hex << w;
    EXPECT_EQ(x(a0), 0u) << std::hex << w;
    expectNext();
    expectOnlyChanged({a0});
  }
}

TEST_P(SystemTest, FenceAndFloatingPointAreNoOps) {
  set(a0, kData);
  st.memory.store(kData, 8, 0x1234);
  const uint32_t forms[] = {fence(), fence_i(), fence_tso(), fld(1, a0, 0), fsd(1, a0, 0), fadd_d(1, 2, 3),
                            encI(kOpLoadFp, a1, 2, a0, 8) /* flw into "x11" */};
  for (uint32_t w : forms) {
    ASSERT_EQ(exec(w), kOk) << std::hex << w;
    expectNext();
    expectOnlyChanged({});
    EXPECT_EQ(st.memory.load(kData, 8), 0x1234u);
    EXPECT_EQ(slots(), std::vector<unsigned>{0});
  }
}

TEST_P(SystemTest, FusedMultiplyAddAndUnknownOpcodesRevert) {
  EXPECT_EQ(exec(fmadd_d(1, 2, 3, 4)), kUnknownOpcode);
  for (uint32_t opc : {kOpMadd, kOpMsub, kOpNmsub, kOpNmadd}) EXPECT_EQ(exec(encR(opc, 1, 0, 2, 3, 0)), kUnknownOpcode) << opc;
  const std::set<uint32_t> known = {0x03, 0x07, 0x0F, 0x13, 0x17, 0x1B, 0x23, 0x27, 0x2F,
                                    0x33, 0x37, 0x3B, 0x53, 0x63, 0x67, 0x6F, 0x73};
  for (uint32_t opc = 0; opc < 128; ++opc) {
    if (known.count(opc)) continue;
    EXPECT_EQ(exec(opc), kUnknownOpcode) << "opcode 0x" << std::hex << opc;
  }
  EXPECT_EQ(exec(0x00000000), kUnknownOpcode);
  EXPECT_EQ(exec(0xFFFFFFFF), kUnknownOpcode);
}

TEST_P(SystemTest, CompressedHalfwordIsUnknownOpcode) {
  // c.li a0, 1 (0x4505) followed by c.nop (0x0001): the word's low bits are 01, not 11.
  EXPECT_EQ(exec(0x00014505), kUnknownOpcode);
  EXPECT_EQ(exec(0x00008082), kUnknownOpcode);  // c.jr ra / ret
  EXPECT_EQ(exec(0x00000001), kUnknownOpcode);  // c.nop
}

FPVM_ALL_ENGINE_VARIANTS(AmoTest);
FPVM_ALL_ENGINE_VARIANTS(SystemTest);

}  // namespace
}  // namespace fpvm::test
