#pragma once
/// A tiny RISC-V (RV64IMA + the stubs of spec §4) assembler for tests: format encoders for the
/// R/I/S/B/U/J layouts, named helpers for every instruction the VM knows, and a few raw words.
/// Every helper is constexpr and takes register numbers 0..31 and immediates as plain integers;
/// out-of-range immediates are truncated to the field (tests that want odd encodings use the
/// format encoders directly).
#include <cstdint>
#include <vector>

namespace fpvm::test::rvasm {

// ---- register names (ABI) ----
inline constexpr uint32_t zero = 0, ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9, a0 = 10,
                          a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17, s2 = 18, s3 = 19, s4 = 20,
                          s5 = 21, s6 = 22, s7 = 23, s8 = 24, s9 = 25, s10 = 26, s11 = 27, t3 = 28, t4 = 29, t5 = 30,
                          t6 = 31;

// ---- opcodes ----
inline constexpr uint32_t kOpLoad = 0x03, kOpLoadFp = 0x07, kOpMiscMem = 0x0F, kOpImm = 0x13, kOpAuipc = 0x17,
                          kOpImm32 = 0x1B, kOpStore = 0x23, kOpStoreFp = 0x27, kOpAmo = 0x2F, kOpOp = 0x33,
                          kOpLui = 0x37, kOpOp32 = 0x3B, kOpMadd = 0x43, kOpMsub = 0x47, kOpNmsub = 0x4B,
                          kOpNmadd = 0x4F, kOpFp = 0x53, kOpBranch = 0x63, kOpJalr = 0x67, kOpJal = 0x6F,
                          kOpSystem = 0x73;

// ---- format encoders ----
/// R-type: funct7 | rs2 | rs1 | funct3 | rd | opcode.
constexpr uint32_t encR(uint32_t opcode, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7) {
  return (f7 & 0x7F) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (rd & 31) << 7 | (opcode & 0x7F);
}
/// I-type: imm[11:0] | rs1 | funct3 | rd | opcode.
constexpr uint32_t encI(uint32_t opcode, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return (uint32_t(imm) & 0xFFF) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (rd & 31) << 7 | (opcode & 0x7F);
}
/// S-type: imm[11:5] | rs2 | rs1 | funct3 | imm[4:0] | opcode.
constexpr uint32_t encS(uint32_t opcode, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t u = uint32_t(imm) & 0xFFF;
  return (u >> 5) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (u & 31) << 7 | (opcode & 0x7F);
}
/// B-type: imm[12|10:5] | rs2 | rs1 | funct3 | imm[4:1|11] | opcode (imm is a byte offset, bit 0 dropped).
constexpr uint32_t encB(uint32_t opcode, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t u = uint32_t(imm) & 0x1FFF;
  return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3F) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 |
         ((u >> 1) & 0xF) << 8 | ((u >> 11) & 1) << 7 | (opcode & 0x7F);
}
/// U-type: imm[31:12] | rd | opcode; `imm20` is the 20-bit upper immediate.
constexpr uint32_t encU(uint32_t opcode, uint32_t rd, uint32_t imm20) {
  return (imm20 & 0xFFFFF) << 12 | (rd & 31) << 7 | (opcode & 0x7F);
}
/// J-type: imm[20|10:1|11|19:12] | rd | opcode (imm is a byte offset, bit 0 dropped).
constexpr uint32_t encJ(uint32_t opcode, uint32_t rd, int32_t imm) {
  const uint32_t u = uint32_t(imm) & 0x1FFFFF;
  return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3FF) << 21 | ((u >> 11) & 1) << 20 | ((u >> 12) & 0xFF) << 12 |
         (rd & 31) << 7 | (opcode & 0x7F);
}

// ---- RV64I ----
constexpr uint32_t lui(uint32_t rd, uint32_t imm20) { return encU(kOpLui, rd, imm20); }
constexpr uint32_t auipc(uint32_t rd, uint32_t imm20) { return encU(kOpAuipc, rd, imm20); }
constexpr uint32_t jal(uint32_t rd, int32_t off) { return encJ(kOpJal, rd, off); }
constexpr uint32_t jalr(uint32_t rd, uint32_t rs1, int32_t imm) { return encI(kOpJalr, rd, 0, rs1, imm); }

constexpr uint32_t branch(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t off) { return encB(kOpBranch, f3, rs1, rs2, off); }
constexpr uint32_t beq(uint32_t rs1, uint32_t rs2, int32_t off) { return branch(0, rs1, rs2, off); }
constexpr uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t off) { return branch(1, rs1, rs2, off); }
constexpr uint32_t blt(uint32_t rs1, uint32_t rs2, int32_t off) { return branch(4, rs1, rs2, off); }
constexpr uint32_t bge(uint32_t rs1, uint32_t rs2, int32_t off) { return branch(5, rs1, rs2, off); }
constexpr uint32_t bltu(uint32_t rs1, uint32_t rs2, int32_t off) { return branch(6, rs1, rs2, off); }
constexpr uint32_t bgeu(uint32_t rs1, uint32_t rs2, int32_t off) { return branch(7, rs1, rs2, off); }

constexpr uint32_t load(uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) { return encI(kOpLoad, rd, f3, rs1, imm); }
constexpr uint32_t lb(uint32_t rd, uint32_t rs1, int32_t imm) { return load(0, rd, rs1, imm); }
constexpr uint32_t lh(uint32_t rd, uint32_t rs1, int32_t imm) { return load(1, rd, rs1, imm); }
constexpr uint32_t lw(uint32_t rd, uint32_t rs1, int32_t imm) { return load(2, rd, rs1, imm); }
constexpr uint32_t ld(uint32_t rd, uint32_t rs1, int32_t imm) { return load(3, rd, rs1, imm); }
constexpr uint32_t lbu(uint32_t rd, uint32_t rs1, int32_t imm) { return load(4, rd, rs1, imm); }
constexpr uint32_t lhu(uint32_t rd, uint32_t rs1, int32_t imm) { return load(5, rd, rs1, imm); }
constexpr uint32_t lwu(uint32_t rd, uint32_t rs1, int32_t imm) { return load(6, rd, rs1, imm); }

constexpr uint32_t store(uint32_t f3, uint32_t rs2, uint32_t rs1, int32_t imm) { return encS(kOpStore, f3, rs1, rs2, imm); }
constexpr uint32_t sb(uint32_t rs2, uint32_t rs1, int32_t imm) { return store(0, rs2, rs1, imm); }
constexpr uint32_t sh(uint32_t rs2, uint32_t rs1, int32_t imm) { return store(1, rs2, rs1, imm); }
constexpr uint32_t sw(uint32_t rs2, uint32_t rs1, int32_t imm) { return store(2, rs2, rs1, imm); }
constexpr uint32_t sd(uint32_t rs2, uint32_t rs1, int32_t imm) { return store(3, rs2, rs1, imm); }

constexpr uint32_t opImm(uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) { return encI(kOpImm, rd, f3, rs1, imm); }
constexpr uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm(0, rd, rs1, imm); }
constexpr uint32_t slti(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm(2, rd, rs1, imm); }
constexpr uint32_t sltiu(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm(3, rd, rs1, imm); }
constexpr uint32_t xori(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm(4, rd, rs1, imm); }
constexpr uint32_t ori(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm(6, rd, rs1, imm); }
constexpr uint32_t andi(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm(7, rd, rs1, imm); }
constexpr uint32_t slli(uint32_t rd, uint32_t rs1, uint32_t sh) { return opImm(1, rd, rs1, int32_t(sh & 63)); }
constexpr uint32_t srli(uint32_t rd, uint32_t rs1, uint32_t sh) { return opImm(5, rd, rs1, int32_t(sh & 63)); }
constexpr uint32_t srai(uint32_t rd, uint32_t rs1, uint32_t sh) { return opImm(5, rd, rs1, int32_t(0x400 | (sh & 63))); }
constexpr uint32_t nop() { return addi(0, 0, 0); }

constexpr uint32_t opImm32(uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) { return encI(kOpImm32, rd, f3, rs1, imm); }
constexpr uint32_t addiw(uint32_t rd, uint32_t rs1, int32_t imm) { return opImm32(0, rd, rs1, imm); }
constexpr uint32_t slliw(uint32_t rd, uint32_t rs1, uint32_t sh) { return opImm32(1, rd, rs1, int32_t(sh & 31)); }
constexpr uint32_t srliw(uint32_t rd, uint32_t rs1, uint32_t sh) { return opImm32(5, rd, rs1, int32_t(sh & 31)); }
constexpr uint32_t sraiw(uint32_t rd, uint32_t rs1, uint32_t sh) { return opImm32(5, rd, rs1, int32_t(0x400 | (sh & 31))); }

constexpr uint32_t op(uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1, uint32_t rs2) { return encR(kOpOp, rd, f3, rs1, rs2, f7); }
constexpr uint32_t add(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(0, 0, rd, rs1, rs2); }
constexpr uint32_t sub(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(0, 0x20, rd, rs1, rs2); }
constexpr uint32_t sll(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(1, 0, rd, rs1, rs2); }
constexpr uint32_t slt(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(2, 0, rd, rs1, rs2); }
constexpr uint32_t sltu(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(3, 0, rd, rs1, rs2); }
constexpr uint32_t xor_(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(4, 0, rd, rs1, rs2); }
constexpr uint32_t srl(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(5, 0, rd, rs1, rs2); }
constexpr uint32_t sra(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(5, 0x20, rd, rs1, rs2); }
constexpr uint32_t or_(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(6, 0, rd, rs1, rs2); }
constexpr uint32_t and_(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(7, 0, rd, rs1, rs2); }

constexpr uint32_t op32(uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1, uint32_t rs2) { return encR(kOpOp32, rd, f3, rs1, rs2, f7); }
constexpr uint32_t addw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(0, 0, rd, rs1, rs2); }
constexpr uint32_t subw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(0, 0x20, rd, rs1, rs2); }
constexpr uint32_t sllw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(1, 0, rd, rs1, rs2); }
constexpr uint32_t srlw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(5, 0, rd, rs1, rs2); }
constexpr uint32_t sraw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(5, 0x20, rd, rs1, rs2); }

// ---- M ----
constexpr uint32_t mul(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(0, 1, rd, rs1, rs2); }
constexpr uint32_t mulh(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(1, 1, rd, rs1, rs2); }
constexpr uint32_t mulhsu(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(2, 1, rd, rs1, rs2); }
constexpr uint32_t mulhu(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(3, 1, rd, rs1, rs2); }
constexpr uint32_t div(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(4, 1, rd, rs1, rs2); }
constexpr uint32_t divu(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(5, 1, rd, rs1, rs2); }
constexpr uint32_t rem(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(6, 1, rd, rs1, rs2); }
constexpr uint32_t remu(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op(7, 1, rd, rs1, rs2); }
constexpr uint32_t mulw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(0, 1, rd, rs1, rs2); }
constexpr uint32_t divw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(4, 1, rd, rs1, rs2); }
constexpr uint32_t divuw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(5, 1, rd, rs1, rs2); }
constexpr uint32_t remw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(6, 1, rd, rs1, rs2); }
constexpr uint32_t remuw(uint32_t rd, uint32_t rs1, uint32_t rs2) { return op32(7, 1, rd, rs1, rs2); }

// ---- A ----
/// funct5 values of the A extension (spec §4.7 `op = funct7 >> 2`).
inline constexpr uint32_t kAmoAdd = 0x00, kAmoSwap = 0x01, kLr = 0x02, kSc = 0x03, kAmoXor = 0x04, kAmoOr = 0x08,
                          kAmoAnd = 0x0C, kAmoMin = 0x10, kAmoMax = 0x14, kAmoMinu = 0x18, kAmoMaxu = 0x1C;
/// Generic AMO: funct3 2 = .W, 3 = .D; aq/rl bits as given.
constexpr uint32_t amo(uint32_t funct5, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2, bool aq = false, bool rl = false) {
  return encR(kOpAmo, rd, f3, rs1, rs2, (funct5 & 31) << 2 | (aq ? 2u : 0u) | (rl ? 1u : 0u));
}
constexpr uint32_t lr_w(uint32_t rd, uint32_t rs1) { return amo(kLr, 2, rd, rs1, 0); }
constexpr uint32_t lr_d(uint32_t rd, uint32_t rs1) { return amo(kLr, 3, rd, rs1, 0); }
constexpr uint32_t sc_w(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(kSc, 2, rd, rs1, rs2); }
constexpr uint32_t sc_d(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(kSc, 3, rd, rs1, rs2); }
constexpr uint32_t amoadd_w(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(kAmoAdd, 2, rd, rs1, rs2); }
constexpr uint32_t amoadd_d(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(kAmoAdd, 3, rd, rs1, rs2); }
constexpr uint32_t amoswap_w(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(kAmoSwap, 2, rd, rs1, rs2); }
constexpr uint32_t amoswap_d(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(kAmoSwap, 3, rd, rs1, rs2); }

// ---- SYSTEM, FENCE, FP stubs ----
constexpr uint32_t ecall() { return 0x00000073; }
constexpr uint32_t ebreak() { return 0x00100073; }
constexpr uint32_t mret() { return 0x30200073; }
constexpr uint32_t sret() { return 0x10200073; }
constexpr uint32_t wfi() { return 0x10500073; }
constexpr uint32_t sfence_vma(uint32_t rs1, uint32_t rs2) { return encR(kOpSystem, 0, 0, rs1, rs2, 0x09); }
constexpr uint32_t csr(uint32_t f3, uint32_t rd, uint32_t rs1OrUimm, uint32_t csrNum) {
  return encI(kOpSystem, rd, f3, rs1OrUimm, int32_t(csrNum & 0xFFF));
}
constexpr uint32_t csrrw(uint32_t rd, uint32_t csrNum, uint32_t rs1) { return csr(1, rd, rs1, csrNum); }
constexpr uint32_t csrrs(uint32_t rd, uint32_t csrNum, uint32_t rs1) { return csr(2, rd, rs1, csrNum); }
constexpr uint32_t csrrc(uint32_t rd, uint32_t csrNum, uint32_t rs1) { return csr(3, rd, rs1, csrNum); }
constexpr uint32_t csrrwi(uint32_t rd, uint32_t csrNum, uint32_t uimm) { return csr(5, rd, uimm, csrNum); }
constexpr uint32_t csrrsi(uint32_t rd, uint32_t csrNum, uint32_t uimm) { return csr(6, rd, uimm, csrNum); }
constexpr uint32_t csrrci(uint32_t rd, uint32_t csrNum, uint32_t uimm) { return csr(7, rd, uimm, csrNum); }
inline constexpr uint32_t kCsrCycle = 0xC00, kCsrTime = 0xC01, kCsrMhartid = 0xF14, kCsrFcsr = 0x003;
constexpr uint32_t fence() { return 0x0FF0000F; }
constexpr uint32_t fence_i() { return 0x0000100F; }
constexpr uint32_t fence_tso() { return 0x8330000F; }
constexpr uint32_t fld(uint32_t frd, uint32_t rs1, int32_t imm) { return encI(kOpLoadFp, frd, 3, rs1, imm); }
constexpr uint32_t fsd(uint32_t frs2, uint32_t rs1, int32_t imm) { return encS(kOpStoreFp, 3, rs1, frs2, imm); }
constexpr uint32_t fadd_d(uint32_t frd, uint32_t frs1, uint32_t frs2) { return encR(kOpFp, frd, 7, frs1, frs2, 0x01); }
constexpr uint32_t fmadd_d(uint32_t frd, uint32_t frs1, uint32_t frs2, uint32_t frs3) {
  return (frs3 & 31) << 27 | 1u << 25 | (frs2 & 31) << 20 | (frs1 & 31) << 15 | 7u << 12 | (frd & 31) << 7 | kOpMadd;
}

// Cross-checks against encodings produced by a real assembler (GNU as / llvm-mc).
static_assert(addi(1, 0, 1) == 0x00100093);
static_assert(jalr(0, ra, 0) == 0x00008067);  // ret — the §7.1 patch bytes 67 80 00 00
static_assert(lui(a0, 0x12345) == 0x12345537);
static_assert(sd(ra, sp, 8) == 0x00113423);
static_assert(ld(a0, sp, 0) == 0x00013503);
static_assert(beq(a0, a1, -4) == 0xfeb50ee3);
static_assert(jal(ra, 2048) == 0x001000ef);
static_assert(srai(a0, a0, 63) == 0x43f55513);
static_assert(amoadd_w(a0, a1, a2) == 0x00b6252f);
static_assert(sc_d(a0, a1, a2) == 0x18b6352f);
static_assert(csrrs(a0, kCsrMhartid, zero) == 0xf1402573);
static_assert(blt(t0, t1, 4094) == 0x7e62cfe3);
static_assert(bgeu(s0, s1, -4096) == 0x80947063);
static_assert(jal(zero, -1048576) == 0x8000006f);
static_assert(amo(kLr, 2, a5, a4, 0, true, true) == 0x160727af);
static_assert(amo(kAmoMaxu, 3, t0, t2, t1) == 0xe063b2af);
static_assert(sraiw(a0, a1, 31) == 0x41f5d51b);
static_assert(subw(a0, a1, a2) == 0x40c5853b);
static_assert(csrrwi(a0, 0x7c0, 5) == 0x7c02d573);
static_assert(sw(a0, a1, -1) == 0xfea5afa3);
// ---- sequences ----
/// Appends a system call whose buffer lies at register `base` + `off` (5 instructions):
/// addi a7, zero, nr; addi a0, zero, fd; addi a1, base, off; addi a2, zero, n; ecall.
inline void appendSyscall(std::vector<uint32_t>& code, uint32_t nr, uint32_t fd, uint32_t base, int32_t off, int32_t n) {
  code.push_back(addi(a7, zero, int32_t(nr)));
  code.push_back(addi(a0, zero, int32_t(fd)));
  code.push_back(addi(a1, base, off));
  code.push_back(addi(a2, zero, n));
  code.push_back(ecall());
}

static_assert(fence() == 0x0ff0000f && fence_i() == 0x0000100f && fence_tso() == 0x8330000f);
static_assert(fmadd_d(1, 2, 3, 4) == 0x223170c3 && fadd_d(1, 2, 3) == 0x023170d3);
static_assert(sfence_vma(a0, a1) == 0x12b50073 && wfi() == 0x10500073);

}  // namespace fpvm::test::rvasm
