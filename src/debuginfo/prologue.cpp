#include "debuginfo/prologue.hpp"

namespace fpvm::debuginfo {

namespace {

constexpr unsigned kMaxPrologueInstructions = 96;
constexpr unsigned kMaxMillicodeInstructions = 32;

/// What one instruction does to the frame.
enum class Flow : uint8_t { Next, End };

void adjustSp(PrologueEffects& e, int64_t imm) {
  if (imm < 0) e.spOffset += imm;  // epilogues of early returns give back; the frame stays
}
void saveRa(PrologueEffects& e, int64_t off) {
  if (!e.raSlot) e.raSlot = e.spOffset + off;
}
void saveFp(PrologueEffects& e, int64_t off) {
  if (!e.fpSlot) e.fpSlot = e.spOffset + off;
}

/// The byte offset of a RISC-V JAL (imm[20|10:1|11|19:12], sign-extended).
int64_t jalOffset(uint32_t w) {
  return (static_cast<int32_t>(w & 0x80000000) >> 11) | (w & 0xff000) | ((w >> 9) & 0x800) | ((w >> 20) & 0x7fe);
}

/// Applies one RISC-V instruction.
Flow riscvEffect(uint32_t w, PrologueEffects& e) {
  constexpr unsigned kSp = 2, kRa = 1, kS0 = 8;
  const unsigned opcode = w & 0x7f, rd = (w >> 7) & 31, funct3 = (w >> 12) & 7, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
  switch (opcode) {
    case 0x13:  // OP-IMM
      if (funct3 == 0) {
        const int64_t imm = static_cast<int32_t>(w) >> 20;
        if (rd == kSp && rs1 == kSp) adjustSp(e, imm);
        // A frame pointer is s0 = CFA, set after the caller's s0 was saved; any other s0 = sp + M
        // is s0 used as an ordinary register (a pointer into the frame).
        if (rd == kS0 && rs1 == kSp && !e.fpOffset && e.fpSlot && e.spOffset + imm == 0) e.fpOffset = 0;
      }
      return Flow::Next;
    case 0x23: {  // STORE
      const int64_t imm = (static_cast<int32_t>(w & 0xfe000000) >> 20) | ((w >> 7) & 31);
      if (funct3 == 3 && rs1 == kSp) {
        if (rs2 == kRa) saveRa(e, imm);
        if (rs2 == kS0) saveFp(e, imm);
      }
      return Flow::Next;
    }
    case 0x67: return Flow::End;                         // JALR: a return or an indirect jump
    case 0x6f: return rd == 0 ? Flow::End : Flow::Next;  // JAL x0 is a jump; JAL ra a call
    default: return Flow::Next;
  }
}

/// Applies one MIPS64 instruction.
Flow mipsEffect(uint32_t w, PrologueEffects& e) {
  constexpr unsigned kSp = 29, kFp = 30, kRa = 31;
  const unsigned opcode = w >> 26, rs = (w >> 21) & 31, rt = (w >> 16) & 31, rd = (w >> 11) & 31, funct = w & 63;
  const int64_t imm = static_cast<int16_t>(w & 0xffff);
  switch (opcode) {
    case 0x09:  // addiu
    case 0x19:  // daddiu
      if (rt == kSp && rs == kSp) adjustSp(e, imm);
      if (rt == kFp && rs == kSp && !e.fpOffset && e.fpSlot) e.fpOffset = e.spOffset + imm;
      return Flow::Next;
    case 0x3f:  // sd
      if (rs == kSp) {
        if (rt == kRa) saveRa(e, imm);
        if (rt == kFp) saveFp(e, imm);
      }
      return Flow::Next;
    case 0x00:                              // SPECIAL
      if (funct == 0x08) return Flow::End;  // jr (a return or an indirect jump)
      // move fp, sp: or / addu / daddu fp, sp, zero
      if ((funct == 0x25 || funct == 0x21 || funct == 0x2d) && rd == kFp && rs == kSp && rt == 0 && !e.fpOffset && e.fpSlot)
        e.fpOffset = e.spOffset;
      return Flow::Next;
    case 0x02: return Flow::End;  // j
    default: return Flow::Next;
  }
}

/// RISC-V `jal t0, __riscv_save_N`: the millicode allocates the frame and saves ra and s0..sN,
/// then returns with `jr t0`. Applies its stores and adjustments, including the part of the frame
/// it gives back by `li t1,K; slli t1,t1,S; add sp,sp,t1`.
void riscvMillicode(uint64_t target, PrologueEffects& e, const FetchInstruction& fetch) {
  constexpr uint32_t kSp = 2, kT1 = 6;
  bool t1Known = false;
  int64_t t1 = 0;
  for (unsigned i = 0; i < kMaxMillicodeInstructions; ++i, target += 4) {
    const uint32_t w = fetch(target);
    const uint32_t rd = (w >> 7) & 31, funct3 = (w >> 12) & 7, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
    if ((w & 0x7f) == 0x13 && rd == kT1) {  // li t1, K / slli t1, t1, S
      if (funct3 == 0 && rs1 == 0) t1 = static_cast<int32_t>(w) >> 20, t1Known = true;
      else if (funct3 == 1 && rs1 == kT1) t1 = static_cast<int64_t>(static_cast<uint64_t>(t1) << ((w >> 20) & 63));
      else t1Known = false;
      continue;
    }
    if ((w & 0xfe00707f) == 0x00000033 && rd == kSp && rs1 == kSp && rs2 == kT1) {  // add sp, sp, t1
      if (t1Known) e.spOffset += t1;
      continue;
    }
    if ((w & 0x7f) == 0x6f && ((w >> 7) & 31) == 0) {  // j: the save routines share a tail
      const int64_t off = jalOffset(w);
      target += static_cast<uint64_t>(off) - 4;
      continue;
    }
    if (riscvEffect(w, e) == Flow::End) return;
  }
}

}  // namespace

PrologueEffects analyzePrologue(core::Isa isa, uint64_t entry, uint64_t pc, const FetchInstruction& fetch) {
  PrologueEffects e;
  uint64_t at = entry;
  for (unsigned i = 0; i < kMaxPrologueInstructions && at < pc; ++i, at += 4) {
    const uint32_t w = fetch(at);
    if (isa == core::Isa::Riscv64) {
      constexpr unsigned kT0 = 5;
      if ((w & 0x7f) == 0x6f && ((w >> 7) & 31) == kT0) {
        const int64_t off = jalOffset(w);
        riscvMillicode(at + static_cast<uint64_t>(off), e, fetch);
        continue;
      }
      if (riscvEffect(w, e) == Flow::End) break;
    } else if (mipsEffect(w, e) == Flow::End) {
      break;
    }
  }
  return e;
}

namespace {

constexpr unsigned kMaxEpilogueInstructions = 24;

/// One RISC-V instruction of an epilogue: false when the path is not a plain epilogue.
bool riscvEpilogueStep(uint32_t w, EpilogueEffects& e) {
  constexpr unsigned kSp = 2, kRa = 1, kS0 = 8;
  const unsigned opcode = w & 0x7f, rd = (w >> 7) & 31, funct3 = (w >> 12) & 7, rs1 = (w >> 15) & 31;
  const int64_t imm = static_cast<int32_t>(w) >> 20;
  if (opcode == 0x03 && funct3 == 3 && rs1 == kSp) {  // ld rd, imm(sp)
    if (rd == kRa && !e.raSlot) e.raSlot = e.spAdjust + imm;
    if (rd == kS0 && !e.fpSlot) e.fpSlot = e.spAdjust + imm;
    return true;
  }
  if (opcode == 0x13 && funct3 == 0 && rd == kSp && rs1 == kSp) {
    e.spAdjust += imm;
    return true;
  }
  const bool writesRd = opcode != 0x23 && opcode != 0x63;  // stores and branches write no register
  return !(writesRd && (rd == kSp || rd == kRa)) && opcode != 0x63 && opcode != 0x6f && opcode != 0x67;
}

/// One MIPS64 instruction of an epilogue: false when the path is not a plain epilogue.
bool mipsEpilogueStep(uint32_t w, EpilogueEffects& e) {
  constexpr unsigned kSp = 29, kFp = 30, kRa = 31;
  const unsigned opcode = w >> 26, rs = (w >> 21) & 31, rt = (w >> 16) & 31, rd = (w >> 11) & 31;
  const int64_t imm = static_cast<int16_t>(w & 0xffff);
  if (opcode == 0x37 && rs == kSp) {  // ld rt, imm(sp)
    if (rt == kRa && !e.raSlot) e.raSlot = e.spAdjust + imm;
    if (rt == kFp && !e.fpSlot) e.fpSlot = e.spAdjust + imm;
    return true;
  }
  if ((opcode == 0x19 || opcode == 0x09) && rt == kSp && rs == kSp) {
    e.spAdjust += imm;
    return true;
  }
  if (opcode == 0) return (w & 0x3e) != 0x08 && rd != kSp && rd != kRa;      // SPECIAL: jr/jalr end it; others write rd
  if (opcode >= 0x01 && opcode <= 0x07) return false;                        // branches and jumps
  if (opcode >= 0x14 && opcode <= 0x17) return false;                        // branch-likely
  const bool writesRt = opcode < 0x28 || (opcode >= 0x30 && opcode < 0x38);  // ALU-immediate and loads
  return !(writesRt && (rt == kSp || rt == kRa));
}

}  // namespace

std::optional<EpilogueEffects> analyzeEpilogue(core::Isa isa, uint64_t pc, const FetchInstruction& fetch) {
  EpilogueEffects e;
  for (unsigned i = 0; i < kMaxEpilogueInstructions; ++i, pc += 4) {
    const uint32_t w = fetch(pc);
    if (isa == core::Isa::Riscv64) {
      if (w == 0x00008067) return e;  // ret
      if ((w & 0xfff) == 0x06f) {     // j: follow it (a tail jump into the restore millicode)
        const int64_t off = jalOffset(w);
        pc += static_cast<uint64_t>(off) - 4;
        continue;
      }
      if (!riscvEpilogueStep(w, e)) return std::nullopt;
    } else {
      if (w == 0x03e00008) {  // jr ra: its delay slot runs before the return
        if (!mipsEpilogueStep(fetch(pc + 4), e)) return std::nullopt;
        return e;
      }
      if (!mipsEpilogueStep(w, e)) return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace fpvm::debuginfo
