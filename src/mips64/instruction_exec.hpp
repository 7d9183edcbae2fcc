#pragma once
/// The MIPS64 instructions of the MT64 machine other than SYSCALL (docs/spec/cannon-mt64.md
/// §5.1-5.9), shared by the reference interpreter and the fast
/// engine. Each function updates the thread in place: registers, HI/LO and pc/nextPC. An invalid
/// instruction, a branch or jump in a delay slot and a division by zero throw
/// detail::RevertSignal before anything is changed; a memory instruction's data read happens first
/// and its write last, through the `Port`:
///
///   uint64_t Port::load(uint64_t alignedAddr);              // the big-endian doubleword
///   void Port::store(uint64_t alignedAddr, uint64_t value);  // incl. the LL reservation rule of §3.4
#include <bit>
#include <cstdint>

#include "mips64/arch.hpp"
#include "mips64/revert_signal.hpp"
#include "mips64/state.hpp"
#include "mips64/subword.hpp"
#include "mips64/thread.hpp"

namespace fpvm::mips64::exec {

__extension__ typedef __int128 i128;  // GCC/Clang 128-bit integers for DMULT/DMULTU
__extension__ typedef unsigned __int128 u128;

/// Writes `value` to `reg` (r0 stays 0) and moves to the next instruction.
inline void writeRegister(Thread& t, unsigned reg, uint64_t value) {
  if (reg != 0) t.registers[reg] = value;
  t.pc = t.nextPC;
  t.nextPC += 4;
}

/// J/JAL/JR/JALR: `target` after the delay slot; links pc + 8 into `linkReg` unless it is 0.
inline void jump(Thread& t, uint64_t target, unsigned linkReg) {
  if (t.nextPC != t.pc + 4) detail::raise(Revert::JumpInDelaySlot);
  const uint64_t pc = t.pc;
  t.pc = t.nextPC;
  t.nextPC = target;
  if (linkReg != 0) t.registers[linkReg] = pc + 8;
}

/// The HI/LO group and the variable doubleword shifts of SPECIAL (funct 0x10-0x1F).
inline void executeHiLo(Thread& t, uint32_t fun, uint64_t vs, uint64_t vt, unsigned rd) {
  // rd receives the value for MFHI/MFLO/DSxxV and 0 for every other funct (spec §5.5).
  uint64_t val = 0;
  switch (fun) {
    case 0x10: val = t.hi; break;                                // MFHI
    case 0x11: t.hi = vs; break;                                 // MTHI
    case 0x12: val = t.lo; break;                                // MFLO
    case 0x13: t.lo = vs; break;                                 // MTLO
    case 0x14: val = vt << (vs & 63); break;                     // DSLLV
    case 0x16: val = vt >> (vs & 63); break;                     // DSRLV
    case 0x17: val = uint64_t(int64_t(vt) >> (vs & 63)); break;  // DSRAV
    case 0x18: {                                                 // MULT
      const uint64_t p = uint64_t(int64_t(int32_t(uint32_t(vs))) * int64_t(int32_t(uint32_t(vt))));
      t.hi = signExtend(p >> 32, 32);
      t.lo = signExtend(p, 32);
      break;
    }
    case 0x19: {  // MULTU
      const uint64_t p = lo32(vs) * lo32(vt);
      t.hi = signExtend(p >> 32, 32);
      t.lo = signExtend(p, 32);
      break;
    }
    case 0x1A: {  // DIV
      const int32_t a = int32_t(uint32_t(vs)), b = int32_t(uint32_t(vt));
      if (b == 0) detail::raise(Revert::DivisionByZero);
      if (a == INT32_MIN && b == -1) {  // wraps in both implementations
        t.lo = signExtend(0x8000'0000u, 32);
        t.hi = 0;
      } else {
        t.lo = signExtend(uint32_t(a / b), 32);
        t.hi = signExtend(uint32_t(a % b), 32);
      }
      break;
    }
    case 0x1B: {  // DIVU: results are sign-extended
      const uint32_t a = uint32_t(vs), b = uint32_t(vt);
      if (b == 0) detail::raise(Revert::DivisionByZero);
      t.lo = signExtend(a / b, 32);
      t.hi = signExtend(a % b, 32);
      break;
    }
    case 0x1C: {  // DMULT
      const i128 p = i128(int64_t(vs)) * i128(int64_t(vt));
      t.hi = uint64_t(static_cast<u128>(p) >> 64);
      t.lo = uint64_t(p);
      break;
    }
    case 0x1D: {  // DMULTU
      const u128 p = static_cast<u128>(vs) * vt;
      t.hi = uint64_t(p >> 64);
      t.lo = uint64_t(p);
      break;
    }
    case 0x1E: {  // DDIV
      if (vt == 0) detail::raise(Revert::DivisionByZero);
      const int64_t a = int64_t(vs), b = int64_t(vt);
      if (a == INT64_MIN && b == -1) {
        t.lo = uint64_t(INT64_MIN);
        t.hi = 0;
      } else {
        t.lo = uint64_t(a / b);
        t.hi = uint64_t(a % b);
      }
      break;
    }
    case 0x1F:  // DDIVU
      if (vt == 0) detail::raise(Revert::DivisionByZero);
      t.lo = vs / vt;
      t.hi = vs % vt;
      break;
    default: break;
  }
  writeRegister(t, rd, val);
}

/// SPECIAL (opcode 0) except SYSCALL.
inline void executeSpecial(Thread& t, uint32_t insn) {
  const unsigned rs = (insn >> 21) & 31, rt = (insn >> 16) & 31, rd = (insn >> 11) & 31, sa = (insn >> 6) & 31;
  const uint32_t fun = insn & 0x3F;
  const uint64_t vs = t.registers[rs], vt = t.registers[rt];
  const unsigned vsa = vs & 31;  // variable 32-bit shift amount
  switch (fun) {
    case 0x00: writeRegister(t, rd, signExtend(lo32(vt << sa), 32)); return;         // SLL
    case 0x02: writeRegister(t, rd, signExtend(lo32(vt) >> sa, 32)); return;         // SRL (and ROTR)
    case 0x03: writeRegister(t, rd, signExtend(lo32(vt) >> sa, 32 - sa)); return;    // SRA
    case 0x04: writeRegister(t, rd, signExtend(lo32(vt << vsa), 32)); return;        // SLLV
    case 0x06: writeRegister(t, rd, signExtend(lo32(vt) >> vsa, 32)); return;        // SRLV (and ROTRV)
    case 0x07: writeRegister(t, rd, signExtend(lo32(vt) >> vsa, 32 - vsa)); return;  // SRAV
    case 0x08: jump(t, vs, 0); return;                                               // JR
    case 0x09: jump(t, vs, rd); return;                                              // JALR
    case 0x0A: writeRegister(t, vt == 0 ? rd : 0, vs); return;                       // MOVZ
    case 0x0B: writeRegister(t, vt != 0 ? rd : 0, vs); return;                       // MOVN
    case 0x0F: writeRegister(t, rd, vs); return;                                     // SYNC: formally rd = rs
    case 0x10:
    case 0x11:
    case 0x12:
    case 0x13:
    case 0x14:
    case 0x16:
    case 0x17:
    case 0x18:
    case 0x19:
    case 0x1A:
    case 0x1B:
    case 0x1C:
    case 0x1D:
    case 0x1E:
    case 0x1F: executeHiLo(t, fun, vs, vt, rd); return;
    case 0x20:                                                                    // ADD (no trap)
    case 0x21: writeRegister(t, rd, signExtend(vs + vt, 32)); return;             // ADDU
    case 0x22:                                                                    // SUB (no trap)
    case 0x23: writeRegister(t, rd, signExtend(vs - vt, 32)); return;             // SUBU
    case 0x24: writeRegister(t, rd, vs & vt); return;                             // AND
    case 0x25: writeRegister(t, rd, vs | vt); return;                             // OR
    case 0x26: writeRegister(t, rd, vs ^ vt); return;                             // XOR
    case 0x27: writeRegister(t, rd, ~(vs | vt)); return;                          // NOR
    case 0x2A: writeRegister(t, rd, int64_t(vs) < int64_t(vt) ? 1 : 0); return;   // SLT
    case 0x2B: writeRegister(t, rd, vs < vt ? 1 : 0); return;                     // SLTU
    case 0x2C:                                                                    // DADD (no trap)
    case 0x2D: writeRegister(t, rd, vs + vt); return;                             // DADDU
    case 0x2E:                                                                    // DSUB (no trap)
    case 0x2F: writeRegister(t, rd, vs - vt); return;                             // DSUBU
    case 0x38: writeRegister(t, rd, vt << sa); return;                            // DSLL
    case 0x3A: writeRegister(t, rd, vt >> sa); return;                            // DSRL
    case 0x3B: writeRegister(t, rd, uint64_t(int64_t(vt) >> sa)); return;         // DSRA
    case 0x3C: writeRegister(t, rd, vt << (sa + 32)); return;                     // DSLL32
    case 0x3E: writeRegister(t, rd, vt >> (sa + 32)); return;                     // DSRL32
    case 0x3F: writeRegister(t, rd, uint64_t(int64_t(vt) >> (sa + 32))); return;  // DSRA32
    default: detail::raise(Revert::InvalidInstruction);                           // MOVCI, BREAK, traps, …
  }
}

/// SPECIAL2 (opcode 0x1C): MUL, CLZ, CLO, DCLZ, DCLO.
inline void executeSpecial2(Thread& t, uint32_t insn) {
  const unsigned rs = (insn >> 21) & 31, rt = (insn >> 16) & 31, rd = (insn >> 11) & 31;
  const uint64_t vs = t.registers[rs], vt = t.registers[rt];
  switch (insn & 0x3F) {
    case 0x02: writeRegister(t, rd, signExtend(lo32(vs) * lo32(vt), 32)); return;       // MUL
    case 0x20: writeRegister(t, rd, uint64_t(std::countl_zero(uint32_t(vs)))); return;  // CLZ
    case 0x21: writeRegister(t, rd, uint64_t(std::countl_one(uint32_t(vs)))); return;   // CLO
    case 0x24: writeRegister(t, rd, uint64_t(std::countl_zero(vs))); return;            // DCLZ
    case 0x25: writeRegister(t, rd, uint64_t(std::countl_one(vs))); return;             // DCLO
    default: detail::raise(Revert::InvalidInstruction);                                 // MADD, MSUB, …
  }
}

/// Conditional branches (BEQ, BNE, BLEZ, BGTZ, REGIMM).
inline void executeBranch(Thread& t, uint32_t insn) {
  if (t.nextPC != t.pc + 4) detail::raise(Revert::BranchInDelaySlot);
  const uint32_t opcode = insn >> 26;
  const unsigned rs = (insn >> 21) & 31, rt = (insn >> 16) & 31;
  const int64_t vs = int64_t(t.registers[rs]);
  bool taken = false;
  switch (opcode) {
    case 0x04: taken = t.registers[rs] == t.registers[rt]; break;  // BEQ
    case 0x05: taken = t.registers[rs] != t.registers[rt]; break;  // BNE
    case 0x06: taken = vs <= 0; break;                             // BLEZ
    case 0x07: taken = vs > 0; break;                              // BGTZ
    default:                                                       // REGIMM: the rt field selects
      switch (rt) {
        case 0x00: taken = vs < 0; break;   // BLTZ
        case 0x01: taken = vs >= 0; break;  // BGEZ
        case 0x10:                          // BLTZAL: links whether or not taken
          taken = vs < 0;
          t.registers[kRegRA] = t.pc + 8;
          break;
        case 0x11:  // BGEZAL (BAL)
          taken = vs >= 0;
          t.registers[kRegRA] = t.pc + 8;
          break;
        default: break;  // any other rt: a branch that is never taken
      }
  }
  const uint64_t pc = t.pc;
  t.pc = t.nextPC;
  t.nextPC = taken ? pc + 4 + (signExtend(insn & 0xFFFF, 16) << 2) : t.nextPC + 4;
}

/// Loads and stores (§5.6).
template <class Port>
void executeMemory(Port& port, Thread& t, uint32_t insn) {
  const uint32_t opcode = insn >> 26;
  const unsigned rs = (insn >> 21) & 31, rt = (insn >> 16) & 31;
  const uint64_t ea = t.registers[rs] + signExtend(insn & 0xFFFF, 16);
  const uint64_t addr = ea & kAddressMask;
  const uint64_t m = port.load(addr);
  const uint64_t vt = t.registers[rt];
  const unsigned b3 = 8 * static_cast<unsigned>(ea & 3), b7 = 8 * static_cast<unsigned>(ea & 7);
  auto load = [&](uint64_t value) { writeRegister(t, rt, value); };
  auto store = [&](uint64_t value) {
    port.store(addr, value);
    t.pc = t.nextPC;
    t.nextPC += 4;
  };
  switch (opcode) {
    case 0x20: load(signExtend(selectField(ea, m, 1), 8)); return;      // LB
    case 0x21: load(signExtend(selectField(ea, m, 2), 16)); return;     // LH
    case 0x23: load(signExtend(selectField(ea, m, 4), 32)); return;     // LW
    case 0x24: load(selectField(ea, m, 1)); return;                     // LBU
    case 0x25: load(selectField(ea, m, 2)); return;                     // LHU
    case 0x27: load((m >> (32 - 8 * (ea & 4))) & 0xFFFF'FFFF); return;  // LWU
    case 0x37: load(m); return;                                         // LD
    case 0x22: {                                                        // LWL
      const uint64_t w = selectField(ea, m, 4);
      const uint64_t v = lo32(w << b3), mask = lo32(uint64_t(0xFFFF'FFFF) << b3);
      load(signExtend(lo32((vt & ~mask) | v), 32));
      return;
    }
    case 0x26: {  // LWR: keeps the upper half of rt unless ea & 3 == 3
      const uint64_t w = selectField(ea, m, 4);
      const unsigned s = 24 - b3;
      const uint64_t r = (lo32(vt) & ~(uint64_t(0xFFFF'FFFF) >> s) & 0xFFFF'FFFF) | (w >> s);
      load((ea & 3) == 3 ? signExtend(r, 32) : (vt & 0xFFFF'FFFF'0000'0000) | r);
      return;
    }
    case 0x1A:  // LDL
      load((m << b7) | (vt & ~(~uint64_t(0) << b7)));
      return;
    case 0x1B: {  // LDR: a shift by 64 yields 0
      const unsigned s = 56 - b7;
      load((m >> s) | (s == 0 ? 0 : vt & (~uint64_t(0) << (64 - s))));
      return;
    }
    case 0x28: store(updateField(ea, m, 1, vt)); return;  // SB
    case 0x29: store(updateField(ea, m, 2, vt)); return;  // SH
    case 0x2B: store(updateField(ea, m, 4, vt)); return;  // SW
    case 0x3F: store(vt); return;                         // SD
    case 0x2A: {                                          // SWL
      const unsigned k = 32 - 8 * static_cast<unsigned>(ea & 4);
      const uint64_t v = (lo32(vt) >> b3) << k, mask = (uint64_t(0xFFFF'FFFF) >> b3) << k;
      store((m & ~mask) | v);
      return;
    }
    case 0x2E: {  // SWR
      const uint64_t w = selectField(ea, m, 4);
      const unsigned s = 24 - b3;
      const uint64_t mask = lo32(uint64_t(0xFFFF'FFFF) << s);
      store(updateField(ea, m, 4, (w & ~mask) | lo32(vt << s)));
      return;
    }
    case 0x2C:  // SDL
      store((vt >> b7) | (m & ~(~uint64_t(0) >> b7)));
      return;
    case 0x2D: {  // SDR
      const unsigned s = 56 - b7;
      store((vt << s) | (m & ~(~uint64_t(0) << s)));
      return;
    }
    default: detail::raise(Revert::InvalidInstruction);  // CACHE, LWC1, PREF, LDC1, SWC1, SDC1, … (after the read)
  }
}

/// Executes `insn` (not SYSCALL, LL, SC, LLD or SCD: see executeRmw) on `t`.
template <class Port>
void execute(Port& port, Thread& t, uint32_t insn) {
  const uint32_t opcode = insn >> 26;
  const unsigned rs = (insn >> 21) & 31, rt = (insn >> 16) & 31;
  const uint64_t imm = insn & 0xFFFF, simm = signExtend(imm, 16);
  const uint64_t vs = t.registers[rs];
  switch (opcode) {
    case 0x00: executeSpecial(t, insn); return;
    case 0x01:
    case 0x04:
    case 0x05:
    case 0x06:
    case 0x07: executeBranch(t, insn); return;
    case 0x02:  // J
    case 0x03:  // JAL: the target keeps the upper bits of the delay slot's address
      jump(t, (t.nextPC & 0xFFFF'FFFF'F000'0000) | (uint64_t(insn & 0x03FF'FFFF) << 2), opcode == 0x03 ? kRegRA : 0);
      return;
    case 0x08:                                                                     // ADDI (no overflow trap)
    case 0x09: writeRegister(t, rt, signExtend(vs + simm, 32)); return;            // ADDIU
    case 0x0A: writeRegister(t, rt, int64_t(vs) < int64_t(simm) ? 1 : 0); return;  // SLTI
    case 0x0B: writeRegister(t, rt, vs < simm ? 1 : 0); return;                    // SLTIU
    case 0x0C: writeRegister(t, rt, vs & imm); return;                             // ANDI
    case 0x0D: writeRegister(t, rt, vs | imm); return;                             // ORI
    case 0x0E: writeRegister(t, rt, vs ^ imm); return;                             // XORI
    case 0x0F: writeRegister(t, rt, signExtend(imm << 16, 32)); return;            // LUI
    case 0x18:                                                                     // DADDI (no trap)
    case 0x19: writeRegister(t, rt, vs + simm); return;                            // DADDIU
    case 0x1C: executeSpecial2(t, insn); return;
    case 0x1A:  // LDL
    case 0x1B:  // LDR
      executeMemory(port, t, insn);
      return;
    default:
      if (opcode >= 0x20) {
        executeMemory(port, t, insn);
        return;
      }
      detail::raise(Revert::InvalidInstruction);  // COP0..3, COP1X, branch-likely, 0x1D..0x1F (SPECIAL3)
  }
}

/// LL, SC, LLD, SCD (§5.8) on `t`, with the reservation in `s`.
template <class Port>
void executeRmw(Port& port, State& s, Thread& t, uint32_t insn) {
  const uint32_t opcode = insn >> 26;
  const unsigned rs = (insn >> 21) & 31, rt = (insn >> 16) & 31;
  const uint64_t addr = t.registers[rs] + signExtend(insn & 0xFFFF, 16);  // full address, not masked
  const bool wide = opcode == 0x34 || opcode == 0x3C;                     // LLD / SCD
  const unsigned n = wide ? 8 : 4;
  const uint8_t status = wide ? kLLStatusActive64 : kLLStatusActive32;
  uint64_t result = 0;
  if (opcode == 0x30 || opcode == 0x34) {  // LL / LLD
    result = signExtend(selectField(addr, port.load(addr & kAddressMask), n), 8 * n);
    s.llReservationStatus = status;
    s.llAddress = addr;
    s.llOwnerThread = t.threadId;
  } else if (s.llReservationStatus == status && s.llOwnerThread == t.threadId && s.llAddress == addr) {
    // SC / SCD with the reservation intact: clear it and store.
    s.llReservationStatus = kLLStatusNone;
    s.llAddress = 0;
    s.llOwnerThread = 0;
    const uint64_t m = port.load(addr & kAddressMask);
    port.store(addr & kAddressMask, updateField(addr, m, n, t.registers[rt]));
    result = 1;
  }
  exec::writeRegister(t, rt, result);
}

}  // namespace fpvm::mips64::exec
