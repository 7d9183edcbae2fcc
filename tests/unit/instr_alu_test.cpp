// Integer ALU and M extension (spec §4.5, §4.6), including the Asterisc decoding quirks: SLLI's
// unchecked imm[11:6], SRLI/SRAI decoding on the sign-extended immediate, OP funct7 leniency.
#include "single_step.hpp"

namespace fpvm::test {
namespace {
using namespace rvasm;

class AluTest : public SingleStep {
 protected:
  /// Runs `instr` with rs1 = a1 = `a`, rs2 = a2 = `b`; expects success and returns a0.
  uint64_t run(uint32_t instr, uint64_t a, uint64_t b = 0) {
    set(a0, 0x5555);
    set(a1, a);
    set(a2, b);
    Rc rc = exec(instr);
    EXPECT_EQ(rc, kOk) << std::hex << "instr 0x" << instr;
    expectNext();
    expectOnlyChanged({a0});
    return x(a0);
  }
  Rc revert(uint32_t instr) {
    set(a1, 0x1234);
    set(a2, 5);
    return exec(instr);
  }
};

// ---- OP-IMM ----

TEST_P(AluTest, Addi) {
  EXPECT_EQ(run(addi(a0, a1, 5), 10), 15u);
  EXPECT_EQ(run(addi(a0, a1, -1), 0), kAllOnes);
  EXPECT_EQ(run(addi(a0, a1, 1), kAllOnes), 0u);  // wraps
  EXPECT_EQ(run(addi(a0, a1, -2048), 0), uint64_t(-2048));
  EXPECT_EQ(run(addi(a0, a1, 2047), 1), 2048u);
}

TEST_P(AluTest, SltiAndSltiuCompareWithSignExtendedImmediate) {
  EXPECT_EQ(run(slti(a0, a1, -4), uint64_t(-5)), 1u);
  EXPECT_EQ(run(slti(a0, a1, -4), uint64_t(-4)), 0u);
  EXPECT_EQ(run(slti(a0, a1, 0), kMinI64), 1u);
  EXPECT_EQ(run(slti(a0, a1, 5), 100), 0u);
  EXPECT_EQ(run(sltiu(a0, a1, -1), 5), 1u);  // imm -1 = 2^64-1 unsigned
  EXPECT_EQ(run(sltiu(a0, a1, -1), kAllOnes), 0u);
  EXPECT_EQ(run(sltiu(a0, a1, 1), 0), 1u);  // seqz
  EXPECT_EQ(run(sltiu(a0, a1, 1), 7), 0u);
  EXPECT_EQ(run(sltiu(a0, a1, 5), kMinI64), 0u);
}

TEST_P(AluTest, LogicalImmediates) {
  EXPECT_EQ(run(xori(a0, a1, -1), 0x0F0F), ~uint64_t(0x0F0F));
  EXPECT_EQ(run(xori(a0, a1, 0x7FF), 0xFF), 0x700u);
  EXPECT_EQ(run(ori(a0, a1, -2048), 1), 0xFFFFFFFFFFFFF801ULL);
  EXPECT_EQ(run(andi(a0, a1, -16), 0x123456789ABCDEFFULL), 0x123456789ABCDEF0ULL);
  EXPECT_EQ(run(andi(a0, a1, 0xFF), 0x1234), 0x34u);
}

TEST_P(AluTest, Slli) {
  EXPECT_EQ(run(slli(a0, a1, 0), 0xABC), 0xABCu);
  EXPECT_EQ(run(slli(a0, a1, 4), 0xABC), 0xABC0u);
  EXPECT_EQ(run(slli(a0, a1, 63), 3), kMinI64);
  EXPECT_EQ(run(slli(a0, a1, 32), 0xFFFFFFFF), 0xFFFFFFFF00000000ULL);
}

TEST_P(AluTest, SlliIgnoresImmBits11To6) {
  // [quirk] imm[11:6] is not checked: shamt = imm & 63.
  for (uint32_t hi : {0x040u, 0x400u, 0x7C0u, 0x800u, 0xFC0u}) {
    EXPECT_EQ(run(encI(kOpImm, a0, 1, a1, int32_t(hi | 5)), 1), 32u) << std::hex << hi;
  }
}

TEST_P(AluTest, SrliAndSrai) {
  EXPECT_EQ(run(srli(a0, a1, 4), 0xF000000000000000ULL), 0x0F00000000000000ULL);
  EXPECT_EQ(run(srli(a0, a1, 63), kAllOnes), 1u);
  EXPECT_EQ(run(srli(a0, a1, 0), 0x8000), 0x8000u);
  EXPECT_EQ(run(srai(a0, a1, 4), 0xF000000000000000ULL), 0xFF00000000000000ULL);
  EXPECT_EQ(run(srai(a0, a1, 63), kMinI64), kAllOnes);
  EXPECT_EQ(run(srai(a0, a1, 63), 0x7FFFFFFFFFFFFFFFULL), 0u);
  EXPECT_EQ(run(srai(a0, a1, 1), 0x10), 0x8u);
  EXPECT_EQ(run(srai(a0, a1, 32), 0x8000000000000000ULL), 0xFFFFFFFF80000000ULL);  // shamt bit 5 fine on RV64
}

TEST_P(AluTest, ShiftRightImmediateDecodingReverts) {
  // t = sx(imm) >> 6 must be 0 (SRLI) or 0x10 (SRAI).
  for (uint32_t imm : {0x040u, 0x080u, 0x200u, 0x440u, 0x600u, 0x800u, 0xC00u, 0xFFFu}) {
    EXPECT_EQ(revert(encI(kOpImm, a0, 5, a1, int32_t(imm))), kIllegal) << std::hex << imm;
  }
  EXPECT_EQ(revert(encI(kOpImm, a0, 5, a1, 0x43F)), kOk);  // SRAI 63
  EXPECT_EQ(revert(encI(kOpImm, a0, 5, a1, 0x03F)), kOk);  // SRLI 63
}

// ---- OP-IMM-32 ----

TEST_P(AluTest, Addiw) {
  EXPECT_EQ(run(addiw(a0, a1, 1), 0x7FFFFFFF), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(addiw(a0, a1, 1), 0x1234567800000001ULL), 2u);  // upper bits ignored
  EXPECT_EQ(run(addiw(a0, a1, -1), 0), kAllOnes);
  EXPECT_EQ(run(addiw(a0, a1, 0), 0xFFFFFFFF), kAllOnes);  // sext.w
}

TEST_P(AluTest, Slliw) {
  EXPECT_EQ(run(slliw(a0, a1, 1), 0x40000000), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(slliw(a0, a1, 1), 0x180000001ULL), 2u);
  EXPECT_EQ(run(slliw(a0, a1, 31), 1), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(slliw(a0, a1, 0), 0x80000000), 0xFFFFFFFF80000000ULL);
  // imm[11:6] not checked, only bit 5.
  EXPECT_EQ(run(encI(kOpImm32, a0, 1, a1, 0xFC3), 1), 8u);
  EXPECT_EQ(revert(encI(kOpImm32, a0, 1, a1, 0x020)), kIllegal);
  EXPECT_EQ(revert(encI(kOpImm32, a0, 1, a1, 0x03F)), kIllegal);
}

TEST_P(AluTest, SrliwAndSraiw) {
  EXPECT_EQ(run(srliw(a0, a1, 4), 0x80000000), 0x08000000u);
  EXPECT_EQ(run(srliw(a0, a1, 4), 0x100000010ULL), 1u);                       // upper bits ignored
  EXPECT_EQ(run(srliw(a0, a1, 0), 0x80000000), 0xFFFFFFFF80000000ULL);        // shift 0 sign-extends
  EXPECT_EQ(run(srliw(a0, a1, 31), 0xFFFFFFFFFFFFFFFFULL), 1u);
  EXPECT_EQ(run(sraiw(a0, a1, 4), 0x80000000), 0xFFFFFFFFF8000000ULL);
  EXPECT_EQ(run(sraiw(a0, a1, 31), 0x80000000), kAllOnes);
  EXPECT_EQ(run(sraiw(a0, a1, 31), 0x7FFFFFFF), 0u);
  EXPECT_EQ(run(sraiw(a0, a1, 0), 0x12345678FFFFFFF0ULL), 0xFFFFFFFFFFFFFFF0ULL);
  EXPECT_EQ(run(sraiw(a0, a1, 1), 0xFFFFFFFF00000010ULL), 8u);
}

TEST_P(AluTest, OpImm32Reverts) {
  EXPECT_EQ(revert(encI(kOpImm32, a0, 5, a1, 0x020)), kIllegal);  // bit 5 set (SRLIW 32)
  EXPECT_EQ(revert(encI(kOpImm32, a0, 5, a1, 0x420)), kIllegal);  // bit 5 set (SRAIW 32)
  EXPECT_EQ(revert(encI(kOpImm32, a0, 5, a1, 0x040)), kIllegal);  // t = 2
  EXPECT_EQ(revert(encI(kOpImm32, a0, 5, a1, 0x200)), kIllegal);  // t = 0x10
  EXPECT_EQ(revert(encI(kOpImm32, a0, 5, a1, 0x800)), kIllegal);  // sign-extended
  for (uint32_t f3 : {2u, 3u, 4u, 6u, 7u}) EXPECT_EQ(revert(opImm32(f3, a0, a1, 1)), kIllegal) << "funct3 " << f3;
}

// ---- OP ----

TEST_P(AluTest, AddSub) {
  EXPECT_EQ(run(add(a0, a1, a2), 5, 7), 12u);
  EXPECT_EQ(run(add(a0, a1, a2), kAllOnes, 2), 1u);
  EXPECT_EQ(run(sub(a0, a1, a2), 5, 7), uint64_t(-2));
  EXPECT_EQ(run(sub(a0, a1, a2), 0, kMinI64), kMinI64);
}

TEST_P(AluTest, ShiftsUseLowSixBitsOfRs2) {
  EXPECT_EQ(run(sll(a0, a1, a2), 1, 65), 2u);
  EXPECT_EQ(run(sll(a0, a1, a2), 1, 63), kMinI64);
  EXPECT_EQ(run(srl(a0, a1, a2), kMinI64, 64 + 63), 1u);
  EXPECT_EQ(run(srl(a0, a1, a2), kAllOnes, 0), kAllOnes);
  EXPECT_EQ(run(sra(a0, a1, a2), kMinI64, 63), kAllOnes);
  EXPECT_EQ(run(sra(a0, a1, a2), kMinI64, 0xFFFFFFC4), 0xF800000000000000ULL);  // 0xC4 & 63 = 4
}

TEST_P(AluTest, CompareAndLogic) {
  EXPECT_EQ(run(slt(a0, a1, a2), kAllOnes, 0), 1u);
  EXPECT_EQ(run(slt(a0, a1, a2), 0, kAllOnes), 0u);
  EXPECT_EQ(run(sltu(a0, a1, a2), 0, kAllOnes), 1u);
  EXPECT_EQ(run(sltu(a0, a1, a2), kAllOnes, 0), 0u);
  EXPECT_EQ(run(sltu(a0, a1, a2), 3, 3), 0u);
  EXPECT_EQ(run(xor_(a0, a1, a2), 0xFF00, 0x0FF0), 0xF0F0u);
  EXPECT_EQ(run(or_(a0, a1, a2), 0xFF00, 0x0FF0), 0xFFF0u);
  EXPECT_EQ(run(and_(a0, a1, a2), 0xFF00, 0x0FF0), 0x0F00u);
}

TEST_P(AluTest, OpAcceptsAnyFunct7OtherThanOneForLenientFunct3) {
  // [quirk] SLL/SLT/SLTU/XOR/OR/AND execute for any funct7 != 1 (e.g. Zbb ANDN runs as AND).
  const uint64_t a = 0xF0F0F0F0F0F0F0F0ULL, b = 0x0FF00FF00FF00F03ULL;
  struct Expect {
    uint32_t f3;
    uint64_t result;
  };
  const Expect expects[] = {{1, a << 3}, {2, 1}, {3, 0}, {4, a ^ b}, {6, a | b}, {7, a & b}};
  for (const auto& e : expects) {
    for (uint32_t f7 : {0x00u, 0x02u, 0x10u, 0x20u, 0x30u, 0x40u, 0x7Fu}) {
      EXPECT_EQ(run(op(e.f3, f7, a0, a1, a2), a, b), e.result) << "funct3 " << e.f3 << " funct7 0x" << std::hex << f7;
    }
  }
}

TEST_P(AluTest, OpAddSubSrlSraRejectOtherFunct7) {
  for (uint32_t f7 : {0x02u, 0x10u, 0x21u, 0x40u, 0x60u, 0x7Fu}) {
    EXPECT_EQ(revert(op(0, f7, a0, a1, a2)), kIllegal) << "add/sub funct7 0x" << std::hex << f7;
    EXPECT_EQ(revert(op(5, f7, a0, a1, a2)), kIllegal) << "srl/sra funct7 0x" << std::hex << f7;
  }
}

// ---- OP-32 ----

TEST_P(AluTest, AddwSubw) {
  EXPECT_EQ(run(addw(a0, a1, a2), 0x7FFFFFFF, 1), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(addw(a0, a1, a2), 0xFFFFFFFF00000001ULL, 0x1234567800000001ULL), 2u);
  EXPECT_EQ(run(subw(a0, a1, a2), 0, 1), kAllOnes);
  EXPECT_EQ(run(subw(a0, a1, a2), 0x80000000, 1), 0x7FFFFFFFu);
}

TEST_P(AluTest, Op32Shifts) {
  EXPECT_EQ(run(sllw(a0, a1, a2), 1, 31), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(sllw(a0, a1, a2), 1, 33), 2u);  // rs2 & 31
  EXPECT_EQ(run(srlw(a0, a1, a2), 0xFFFFFFFF80000000ULL, 4), 0x08000000u);
  EXPECT_EQ(run(srlw(a0, a1, a2), 0x80000000, 32), 0xFFFFFFFF80000000ULL);  // shift 0 sign-extends
  EXPECT_EQ(run(sraw(a0, a1, a2), 0x80000000, 4), 0xFFFFFFFFF8000000ULL);
  EXPECT_EQ(run(sraw(a0, a1, a2), 0x80000000, 63), kAllOnes);  // 63 & 31 = 31
  EXPECT_EQ(run(sraw(a0, a1, a2), 0x1234567840000000ULL, 30), 1u);
}

TEST_P(AluTest, SllwAcceptsAnyFunct7) {
  for (uint32_t f7 : {0x00u, 0x20u, 0x40u, 0x7Fu}) EXPECT_EQ(run(op32(1, f7, a0, a1, a2), 3, 2), 12u) << f7;
}

TEST_P(AluTest, Op32Reverts) {
  for (uint32_t f7 : {0x02u, 0x21u, 0x7Fu}) {
    EXPECT_EQ(revert(op32(0, f7, a0, a1, a2)), kIllegal) << f7;
    EXPECT_EQ(revert(op32(5, f7, a0, a1, a2)), kIllegal) << f7;
  }
  for (uint32_t f3 : {2u, 3u, 4u, 6u, 7u})
    for (uint32_t f7 : {0x00u, 0x20u}) EXPECT_EQ(revert(op32(f3, f7, a0, a1, a2)), kIllegal) << f3 << "/" << f7;
}

// ---- M extension ----

TEST_P(AluTest, MulAndHighProducts) {
  EXPECT_EQ(run(mul(a0, a1, a2), 7, 6), 42u);
  EXPECT_EQ(run(mul(a0, a1, a2), kAllOnes, kAllOnes), 1u);
  EXPECT_EQ(run(mul(a0, a1, a2), 0x100000000ULL, 0x100000000ULL), 0u);
  // MULH: signed × signed.
  EXPECT_EQ(run(mulh(a0, a1, a2), kAllOnes, kAllOnes), 0u);
  EXPECT_EQ(run(mulh(a0, a1, a2), kAllOnes, 1), kAllOnes);
  EXPECT_EQ(run(mulh(a0, a1, a2), kMinI64, kMinI64), 0x4000000000000000ULL);
  EXPECT_EQ(run(mulh(a0, a1, a2), kMinI64, 2), kAllOnes);
  EXPECT_EQ(run(mulh(a0, a1, a2), 0x7FFFFFFFFFFFFFFFULL, 0x7FFFFFFFFFFFFFFFULL), 0x3FFFFFFFFFFFFFFFULL);
  // MULHSU: signed rs1 × unsigned rs2.
  EXPECT_EQ(run(mulhsu(a0, a1, a2), kAllOnes, kAllOnes), kAllOnes);  // -(2^64-1)
  EXPECT_EQ(run(mulhsu(a0, a1, a2), 2, kAllOnes), 1u);
  EXPECT_EQ(run(mulhsu(a0, a1, a2), kMinI64, kAllOnes), 0x8000000000000000ULL);
  EXPECT_EQ(run(mulhsu(a0, a1, a2), kAllOnes, 1), kAllOnes);
  EXPECT_EQ(run(mulhsu(a0, a1, a2), kAllOnes, 0), 0u);
  // MULHU: unsigned × unsigned.
  EXPECT_EQ(run(mulhu(a0, a1, a2), kAllOnes, kAllOnes), 0xFFFFFFFFFFFFFFFEULL);
  EXPECT_EQ(run(mulhu(a0, a1, a2), kAllOnes, 2), 1u);
  EXPECT_EQ(run(mulhu(a0, a1, a2), kMinI64, 2), 1u);
}

TEST_P(AluTest, DivisionEdgeCases) {
  EXPECT_EQ(run(div(a0, a1, a2), 42, 0), kAllOnes);
  EXPECT_EQ(run(div(a0, a1, a2), kMinI64, kAllOnes), kMinI64);
  EXPECT_EQ(run(div(a0, a1, a2), uint64_t(-7), 2), uint64_t(-3));  // truncates toward zero
  EXPECT_EQ(run(div(a0, a1, a2), 7, uint64_t(-2)), uint64_t(-3));
  EXPECT_EQ(run(divu(a0, a1, a2), 42, 0), kAllOnes);
  EXPECT_EQ(run(divu(a0, a1, a2), kAllOnes, 2), 0x7FFFFFFFFFFFFFFFULL);
  EXPECT_EQ(run(rem(a0, a1, a2), 42, 0), 42u);
  EXPECT_EQ(run(rem(a0, a1, a2), kMinI64, kAllOnes), 0u);
  EXPECT_EQ(run(rem(a0, a1, a2), uint64_t(-7), 2), uint64_t(-1));  // sign of the dividend
  EXPECT_EQ(run(rem(a0, a1, a2), 7, uint64_t(-2)), 1u);
  EXPECT_EQ(run(remu(a0, a1, a2), 42, 0), 42u);
  EXPECT_EQ(run(remu(a0, a1, a2), kAllOnes, 10), 5u);
}

TEST_P(AluTest, WordMultiplyDivide) {
  EXPECT_EQ(run(mulw(a0, a1, a2), 0x10000, 0x8000), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(mulw(a0, a1, a2), 0xFFFFFFFF00000003ULL, 0x1234567800000005ULL), 15u);
  EXPECT_EQ(run(mulw(a0, a1, a2), kAllOnes, kAllOnes), 1u);
  // Divisor "0" is rs2 & 0xFFFFFFFF == 0.
  EXPECT_EQ(run(divw(a0, a1, a2), 42, 0x100000000ULL), kAllOnes);
  EXPECT_EQ(run(divw(a0, a1, a2), 0x80000000, 0xFFFFFFFF), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(divw(a0, a1, a2), 0xFFFFFFF9, 2), uint64_t(-3));  // -7 / 2
  EXPECT_EQ(run(divuw(a0, a1, a2), 42, 0xFFFFFFFF00000000ULL), kAllOnes);
  EXPECT_EQ(run(divuw(a0, a1, a2), 0xFFFFFFFF, 1), kAllOnes);  // sx of 0xFFFFFFFF
  EXPECT_EQ(run(divuw(a0, a1, a2), 0xFFFFFFFE, 2), 0x7FFFFFFFu);
  EXPECT_EQ(run(remw(a0, a1, a2), 0x180000000ULL, 0), 0xFFFFFFFF80000000ULL);  // sx(rs1, 32)
  EXPECT_EQ(run(remw(a0, a1, a2), 0x80000000, 0xFFFFFFFF), 0u);
  EXPECT_EQ(run(remw(a0, a1, a2), 0xFFFFFFF9, 2), kAllOnes);  // -7 rem 2 = -1
  EXPECT_EQ(run(remuw(a0, a1, a2), 0x180000000ULL, 0x100000000ULL), 0xFFFFFFFF80000000ULL);
  EXPECT_EQ(run(remuw(a0, a1, a2), 0xFFFFFFFF, 10), 5u);
}

TEST_P(AluTest, MExtensionOp32Funct3OneToThreeRevert) {
  for (uint32_t f3 : {1u, 2u, 3u}) EXPECT_EQ(revert(op32(f3, 1, a0, a1, a2)), kIllegal) << f3;
}

TEST_P(AluTest, RdMayEqualSources) {
  set(a1, 6);
  ASSERT_EQ(exec(mul(a1, a1, a1)), kOk);
  EXPECT_EQ(x(a1), 36u);
  set(a1, 5);
  ASSERT_EQ(exec(sub(a1, zero, a1)), kOk);
  EXPECT_EQ(x(a1), uint64_t(-5));
}

FPVM_ALL_ENGINE_VARIANTS(AluTest);

}  // namespace
}  // namespace fpvm::test
