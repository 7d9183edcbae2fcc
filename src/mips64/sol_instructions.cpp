#include "mips64/sol_instructions.hpp"

#include "mips64/sol_memory.hpp"

namespace fpvm::mips64::sol::ins {

namespace {

__extension__ typedef __int128 int128;  // Solidity's int128/uint128 for DMULT/DMULTU
__extension__ typedef unsigned __int128 uint128;

constexpr uint64_t ADDRESS_MASK = 0xFFFFFFFFFFFFFFF8;  // MIPS64Arch.sol
constexpr uint64_t EXT_MASK = 0x7;
constexpr uint64_t WORD_SIZE = 64;
constexpr uint64_t WORD_SIZE_BYTES = 8;

// Solidity shifts: a shift by the type's width or more gives 0 (C++ would be undefined).
uint64_t shl64(uint64_t x, uint64_t n) { return n >= 64 ? 0 : x << n; }
uint64_t shr64(uint64_t x, uint64_t n) { return n >= 64 ? 0 : x >> n; }
uint32_t shl32(uint32_t x, uint64_t n) { return n >= 32 ? 0 : x << n; }
uint32_t shr32(uint32_t x, uint64_t n) { return n >= 32 ? 0 : x >> n; }
uint64_t sar64(uint64_t x, uint64_t n) { return uint64_t(int64_t(x) >> (n >= 64 ? 63 : n)); }

/// calculateSubWordMaskAndOffset's results.
struct SubWord {
  uint64_t dataMask, bitOffset, bitLength;
};

SubWord calculateSubWordMaskAndOffset(uint64_t vaddr, uint64_t byteLength) {
  const uint64_t bitLength = byteLength << 3;
  const uint64_t dataMask = shr64(~uint64_t(0), WORD_SIZE - bitLength);
  // Figure out sub-word index based on the low-order bits in vaddr
  const uint64_t byteIndexMask = vaddr & EXT_MASK & ~(byteLength - 1);
  const uint64_t maxByteShift = WORD_SIZE_BYTES - byteLength;
  const uint64_t byteIndex = vaddr & byteIndexMask;
  const uint64_t bitOffset = (maxByteShift - byteIndex) << 3;
  return {dataMask, bitOffset, bitLength};
}

}  // namespace

InstructionDetails getInstructionDetails(const Calldata& cd, uint64_t pc, const Hash32& memRoot, uint64_t insnProofOffset) {
  if ((pc & 0x3) != 0) revertWith(Revert::InvalidPC);
  const uint64_t word = memory::readMem(cd, memRoot, pc & ADDRESS_MASK, insnProofOffset);
  InstructionDetails d;
  d.insn = uint32_t(selectSubWord(pc, word, 4, false));
  d.opcode = d.insn >> 26;  // First 6-bits
  d.fun = d.insn & 0x3f;    // Last 6-bits
  return d;
}

CoreStepResult execMipsCoreStepLogic(const Calldata& cd, CoreStepLogicParams& args) {
  CoreStepResult r{args.memRoot, false, 0};

  // j-type j/jal
  if (args.opcode == 2 || args.opcode == 3) {
    // Take top 4 bits of the next PC (its 256 MB region), and concatenate with the 26-bit offset
    const uint64_t target = (args.cpu.nextPC & signExtend(0xF0000000, 32)) | uint64_t((args.insn & 0x03FFFFFF) << 2);
    handleJump(args, args.opcode == 2 ? 0 : REG_RA, target);
    return r;
  }

  // register fetch
  uint64_t rs = 0;  // source register 1 value
  uint64_t rt = 0;  // source register 2 / temp value
  const uint64_t rtReg = uint64_t((args.insn >> 16) & 0x1F);

  // R-type or I-type (stores rt)
  rs = args.registers[(args.insn >> 21) & 0x1F];
  uint64_t rdReg = rtReg;

  // 64-bit opcodes lwu, ldl, ldr
  if (args.opcode == 0x27 || args.opcode == 0x1A || args.opcode == 0x1B) {
    rt = args.registers[rtReg];
    rdReg = rtReg;
  } else if (args.opcode == 0 || args.opcode == 0x1c) {
    // R-type (stores rd)
    rt = args.registers[rtReg];
    rdReg = uint64_t((args.insn >> 11) & 0x1F);
  } else if (args.opcode < 0x20) {
    // rt is SignExtImm; don't sign extend for andi, ori, xori
    if (args.opcode == 0xC || args.opcode == 0xD || args.opcode == 0xe) {
      rt = uint64_t(args.insn & 0xFFFF);  // ZeroExtImm
    } else {
      rt = signExtendImmediate(args.insn);  // SignExtImm
    }
  } else if (args.opcode >= 0x28 || args.opcode == 0x22 || args.opcode == 0x26) {
    // store rt value with store
    rt = args.registers[rtReg];
    // store actual rt with lwl and lwr
    rdReg = rtReg;
  }

  if ((args.opcode >= 4 && args.opcode < 8) || args.opcode == 1) {
    handleBranch(args.cpu, args.registers, args.opcode, args.insn, rtReg, rs);
    return r;
  }

  uint64_t storeAddr = U64_MASK;
  // memory fetch (all I-type); we do the load for stores also
  uint64_t mem = 0;
  if (args.opcode >= 0x20 || args.opcode == OP_LOAD_DOUBLE_LEFT || args.opcode == OP_LOAD_DOUBLE_RIGHT) {
    // M[R[rs]+SignExtImm]
    rs += signExtendImmediate(args.insn);
    const uint64_t addr = rs & ADDRESS_MASK;
    mem = memory::readMem(cd, args.memRoot, addr, args.memProofOffset);
    if (args.opcode >= 0x28) {
      // store for 32-bit; for 64-bit: ld (0x37) is the only non-store opcode >= 0x28
      if (args.opcode != 0x37) {
        storeAddr = addr;
        rdReg = 0;  // store opcodes don't write back to a register
      }
    }
  }

  // ALU
  const uint64_t val = executeMipsInstruction(args.insn, args.opcode, args.fun, rs, rt, mem) & U64_MASK;

  const uint64_t funSel = 0x20;
  if (args.opcode == 0 && args.fun >= 8 && args.fun < funSel) {
    if (args.fun == 8 || args.fun == 9) {
      // jr/jalr
      handleJump(args, args.fun == 8 ? 0 : rdReg, rs);
      return r;
    }
    if (args.fun == 0xa) {
      // movz
      handleRd(args.cpu, args.registers, rdReg, rs, rt == 0);
      return r;
    }
    if (args.fun == 0xb) {
      // movn
      handleRd(args.cpu, args.registers, rdReg, rs, rt != 0);
      return r;
    }
    // lo and hi registers can write back
    if (args.fun >= 0x10 && args.fun < funSel) {
      handleHiLo(args.cpu, args.registers, args.fun, rs, rt, rdReg);
      return r;
    }
  }

  // write memory
  if (storeAddr != U64_MASK) {
    r.newMemRoot = memory::writeMem(cd, storeAddr, args.memProofOffset, val);
    r.memUpdated = true;
    r.effMemAddr = storeAddr;
  }

  // write back the value to destination register
  handleRd(args.cpu, args.registers, rdReg, val, true);
  return r;
}

uint64_t signExtendImmediate(uint32_t insn) { return signExtend(insn & 0xFFFF, 16); }

uint64_t executeMipsInstruction(uint32_t insn, uint32_t opcode, uint32_t fun, uint64_t rs, uint64_t rt, uint64_t mem) {
  if (opcode == 0 || (opcode >= 8 && opcode < 0xF) || opcode == 0x18 || opcode == 0x19) {
    // transform ArithLogI to SPECIAL
    switch (opcode) {
      case 0x8: fun = 0x20; break;   // addi
      case 0x9: fun = 0x21; break;   // addiu
      case 0xA: fun = 0x2A; break;   // stli
      case 0xB: fun = 0x2B; break;   // sltiu
      case 0xC: fun = 0x24; break;   // andi
      case 0xD: fun = 0x25; break;   // ori
      case 0xE: fun = 0x26; break;   // xori
      case 0x18: fun = 0x2C; break;  // daddi
      case 0x19: fun = 0x2D; break;  // daddiu
      default: break;
    }

    if (fun == 0x00) {  // sll
      const uint32_t shiftAmt = (insn >> 6) & 0x1F;
      return signExtend(shl64(rt, shiftAmt) & U32_MASK, 32);
    } else if (fun == 0x02) {  // srl
      return signExtend(shr64(rt & U32_MASK, (insn >> 6) & 0x1F), 32);
    } else if (fun == 0x03) {  // sra
      const uint32_t shamt = (insn >> 6) & 0x1F;
      return signExtend(shr64(rt & U32_MASK, shamt), 32 - shamt);
    } else if (fun == 0x04) {  // sllv
      const uint64_t shiftAmt = rs & 0x1F;
      return signExtend(shl64(rt, shiftAmt) & U32_MASK, 32);
    } else if (fun == 0x6) {  // srlv
      return signExtend(shr64(rt & U32_MASK, rs & 0x1F), 32);
    } else if (fun == 0x07) {  // srav: the shift amount comes from the rs register
      const uint64_t shamt = rs & 0x1F;
      return signExtend(shr64(rt & U32_MASK, shamt), 32 - shamt);
    }
    // functs in range [0x8, 0x1b] are handled specially by other functions
    else if (fun == 0x08) {  // jr
      return rs;
    } else if (fun == 0x09) {  // jalr
      return rs;
    } else if (fun == 0x0a) {  // movz
      return rs;
    } else if (fun == 0x0b) {  // movn
      return rs;
    } else if (fun == 0x0c) {  // syscall
      return rs;
    }
    // 0x0d - break not supported
    else if (fun == 0x0f) {  // sync
      return rs;
    } else if (fun == 0x10) {  // mfhi
      return rs;
    } else if (fun == 0x11) {  // mthi
      return rs;
    } else if (fun == 0x12) {  // mflo
      return rs;
    } else if (fun == 0x13) {  // mtlo
      return rs;
    } else if (fun == 0x14) {  // dsllv
      return rt;
    } else if (fun == 0x16) {  // dsrlv
      return rt;
    } else if (fun == 0x17) {  // dsrav
      return rt;
    } else if (fun == 0x18) {  // mult
      return rs;
    } else if (fun == 0x19) {  // multu
      return rs;
    } else if (fun == 0x1a) {  // div
      return rs;
    } else if (fun == 0x1b) {  // divu
      return rs;
    } else if (fun == 0x1c) {  // dmult
      return rs;
    } else if (fun == 0x1d) {  // dmultu
      return rs;
    } else if (fun == 0x1e) {  // ddiv
      return rs;
    } else if (fun == 0x1f) {  // ddivu
      return rs;
    }
    // The rest includes transformed R-type arith imm instructions
    else if (fun == 0x20) {  // add
      return signExtend(uint64_t(uint32_t(uint32_t(rs) + uint32_t(rt))), 32);
    } else if (fun == 0x21) {  // addu
      return signExtend(uint64_t(uint32_t(uint32_t(rs) + uint32_t(rt))), 32);
    } else if (fun == 0x22) {  // sub
      return signExtend(uint64_t(uint32_t(uint32_t(rs) - uint32_t(rt))), 32);
    } else if (fun == 0x23) {  // subu
      return signExtend(uint64_t(uint32_t(uint32_t(rs) - uint32_t(rt))), 32);
    } else if (fun == 0x24) {  // and
      return (rs & rt);
    } else if (fun == 0x25) {  // or
      return (rs | rt);
    } else if (fun == 0x26) {  // xor
      return (rs ^ rt);
    } else if (fun == 0x27) {  // nor
      return ~(rs | rt);
    } else if (fun == 0x2a) {  // slti
      return int64_t(rs) < int64_t(rt) ? 1 : 0;
    } else if (fun == 0x2b) {  // sltiu
      return rs < rt ? 1 : 0;
    } else if (fun == 0x2c) {  // dadd
      return (rs + rt);
    } else if (fun == 0x2d) {  // daddu
      return (rs + rt);
    } else if (fun == 0x2e) {  // dsub
      return (rs - rt);
    } else if (fun == 0x2f) {  // dsubu
      return (rs - rt);
    } else if (fun == 0x38) {  // dsll
      return shl64(rt, (insn >> 6) & 0x1f);
    } else if (fun == 0x3A) {  // dsrl
      return shr64(rt, (insn >> 6) & 0x1f);
    } else if (fun == 0x3B) {  // dsra
      return sar64(rt, (insn >> 6) & 0x1f);
    } else if (fun == 0x3c) {  // dsll32
      return shl64(rt, ((insn >> 6) & 0x1f) + 32);
    } else if (fun == 0x3e) {  // dsrl32
      return shr64(rt, ((insn >> 6) & 0x1f) + 32);
    } else if (fun == 0x3f) {  // dsra32
      return sar64(rt, ((insn >> 6) & 0x1f) + 32);
    } else {
      revertWith(Revert::InvalidInstruction);
    }
  } else {
    // SPECIAL2
    if (opcode == 0x1C) {
      if (fun == 0x2) {  // mul
        return signExtend(uint32_t(uint32_t(rs) * uint32_t(rt)), 32);
      } else if (fun == 0x20 || fun == 0x21) {  // clz, clo
        if (fun == 0x20) rs = ~rs;
        uint32_t i = 0;
        while ((rs & 0x80000000) != 0) {
          i++;
          rs <<= 1;
        }
        return i;
      } else if (fun == 0x24 || fun == 0x25) {  // dclz, dclo
        if (fun == 0x24) rs = ~rs;
        uint32_t i = 0;
        while ((rs & 0x8000000000000000) != 0) {
          i++;
          rs <<= 1;
        }
        return i;
      }
    } else if (opcode == 0x0F) {  // lui
      return signExtend(shl64(rt, 16), 32);
    } else if (opcode == 0x20) {  // lb
      return selectSubWord(rs, mem, 1, true);
    } else if (opcode == 0x21) {  // lh
      return selectSubWord(rs, mem, 2, true);
    } else if (opcode == 0x22) {  // lwl
      const uint32_t w = uint32_t(selectSubWord(rs, mem, 4, false));
      const uint32_t val = shl32(w, uint32_t((rs & 3) * 8));
      const uint64_t mask = uint64_t(shl32(U32_MASK, uint32_t((rs & 3) * 8)));
      return signExtend(((rt & ~mask) | uint64_t(val)) & U32_MASK, 32);
    } else if (opcode == 0x23) {  // lw
      return selectSubWord(rs, mem, 4, true);
    } else if (opcode == 0x24) {  // lbu
      return selectSubWord(rs, mem, 1, false);
    } else if (opcode == 0x25) {  // lhu
      return selectSubWord(rs, mem, 2, false);
    } else if (opcode == 0x26) {  // lwr
      const uint32_t w = uint32_t(selectSubWord(rs, mem, 4, false));
      const uint32_t val = shr32(w, 24 - (rs & 3) * 8);
      const uint32_t mask = shr32(U32_MASK, 24 - (rs & 3) * 8);
      const uint64_t lwrResult = (uint32_t(rt) & ~mask) | val;
      if ((rs & 3) == 3) {
        return signExtend(uint64_t(lwrResult), 32);  // loaded bit 31
      } else {
        // NOTE: cannon64 implementation specific: We leave the upper word untouched
        const uint64_t rtMask = 0xFF'FF'FF'FF'00'00'00'00;
        return ((rt & rtMask) | uint64_t(lwrResult));
      }
    } else if (opcode == 0x28) {  // sb
      return updateSubWord(rs, mem, 1, rt);
    } else if (opcode == 0x29) {  // sh
      return updateSubWord(rs, mem, 2, rt);
    } else if (opcode == 0x2a) {  // swl
      const uint64_t sr = (rs & 3) << 3;
      const uint64_t val = shl64(shr64(rt & U32_MASK, sr), 32 - ((rs & 0x4) << 3));
      const uint64_t mask = shl64(shr64(uint64_t(U32_MASK), sr), 32 - ((rs & 0x4) << 3));
      return (mem & ~mask) | val;
    } else if (opcode == 0x2b) {  // sw
      return updateSubWord(rs, mem, 4, rt);
    } else if (opcode == 0x2e) {  // swr
      const uint32_t w = uint32_t(selectSubWord(rs, mem, 4, false));
      const uint64_t val = shl64(rt, 24 - (rs & 3) * 8);
      const uint64_t mask = shl32(U32_MASK, uint32_t(24 - (rs & 3) * 8));
      const uint64_t swrResult = (uint64_t(w) & ~mask) | uint32_t(val);
      return updateSubWord(rs, mem, 4, swrResult);
    }
    // MIPS64
    else if (opcode == 0x1a) {  // ldl
      const uint64_t sl = (rs & 0x7) << 3;
      const uint64_t val = shl64(mem, sl);
      const uint64_t mask = shl64(U64_MASK, sl);
      return (val | (rt & ~mask));
    } else if (opcode == 0x1b) {  // ldr
      const uint64_t sr = 56 - ((rs & 0x7) << 3);
      const uint64_t val = shr64(mem, sr);
      const uint64_t mask = shl64(U64_MASK, 64 - sr);
      return (val | (rt & mask));
    } else if (opcode == 0x27) {  // lwu
      return (shr64(mem, 32 - ((rs & 0x4) << 3)) & U32_MASK);
    } else if (opcode == 0x2c) {  // sdl
      const uint64_t sr = (rs & 0x7) << 3;
      const uint64_t val = shr64(rt, sr);
      const uint64_t mask = shr64(U64_MASK, sr);
      return (val | (mem & ~mask));
    } else if (opcode == 0x2d) {  // sdr
      const uint64_t sl = 56 - ((rs & 0x7) << 3);
      const uint64_t val = shl64(rt, sl);
      const uint64_t mask = shl64(U64_MASK, sl);
      return (val | (mem & ~mask));
    } else if (opcode == 0x37) {  // ld
      return mem;
    } else if (opcode == 0x3F) {  // sd
      return rt;
    } else {
      revertWith(Revert::InvalidInstruction);
    }
  }
  revertWith(Revert::InvalidInstruction);
}

uint64_t signExtend(uint64_t dat, uint64_t idx) {
  const bool isSigned = (shr64(dat, idx - 1) & 1) != 0;
  // signed = ((1 << (WORD_SIZE - idx)) - 1) << idx and mask = (1 << idx) - 1, as 256-bit values
  const uint64_t low = idx >= 64 ? ~uint64_t(0) : (uint64_t(1) << idx) - 1;
  const uint64_t high = idx >= 64 ? 0 : ~low;
  return (dat & low) | (isSigned ? high : 0);
}

void handleBranch(CpuScalars& cpu, Registers& registers, uint32_t opcode, uint32_t insn, uint64_t rtReg, uint64_t rs) {
  bool shouldBranch = false;

  if (cpu.nextPC != cpu.pc + 4) revertWith(Revert::BranchInDelaySlot);

  if (opcode == 4 || opcode == 5) {  // beq/bne
    const uint64_t rt = registers[rtReg];
    shouldBranch = (rs == rt && opcode == 4) || (rs != rt && opcode == 5);
  } else if (opcode == 6) {  // blez
    shouldBranch = int64_t(rs) <= 0;
  } else if (opcode == 7) {  // bgtz
    shouldBranch = int64_t(rs) > 0;
  } else if (opcode == 1) {  // regimm
    const uint32_t rtv = ((insn >> 16) & 0x1F);
    if (rtv == 0) shouldBranch = int64_t(rs) < 0;  // bltz
    if (rtv == 0x10) {                             // bltzal
      shouldBranch = int64_t(rs) < 0;
      registers[REG_RA] = cpu.pc + 8;  // always set regardless of branch taken
    }
    if (rtv == 1) shouldBranch = int64_t(rs) >= 0;  // bgez
    if (rtv == 0x11) {                              // bgezal (i.e. bal mnemonic)
      shouldBranch = int64_t(rs) >= 0;
      registers[REG_RA] = cpu.pc + 8;  // always set regardless of branch taken
    }
  }

  // Update the state's previous PC
  const uint64_t prevPC = cpu.pc;
  // Execute the delay slot first
  cpu.pc = cpu.nextPC;
  // If we should branch, update the PC to the branch target; otherwise, proceed to the next instruction
  if (shouldBranch) {
    cpu.nextPC = prevPC + 4 + shl64(signExtend(insn & 0xFFFF, 16), 2);
  } else {
    cpu.nextPC = cpu.nextPC + 4;
  }
}

void handleHiLo(CpuScalars& cpu, Registers& registers, uint32_t fun, uint64_t rs, uint64_t rt, uint64_t storeReg) {
  uint64_t val = 0;
  if (fun == 0x10) {  // mfhi
    val = cpu.hi;
  } else if (fun == 0x11) {  // mthi
    cpu.hi = rs;
  } else if (fun == 0x12) {  // mflo
    val = cpu.lo;
  } else if (fun == 0x13) {  // mtlo
    cpu.lo = rs;
  } else if (fun == 0x18) {  // mult
    const uint64_t acc = uint64_t(int64_t(int32_t(uint32_t(rs))) * int64_t(int32_t(uint32_t(rt))));
    cpu.hi = signExtend(uint64_t(acc >> 32), 32);
    cpu.lo = signExtend(uint64_t(uint32_t(acc)), 32);
  } else if (fun == 0x19) {  // multu
    const uint64_t acc = uint64_t(uint32_t(rs)) * uint64_t(uint32_t(rt));
    cpu.hi = signExtend(uint64_t(acc >> 32), 32);
    cpu.lo = signExtend(uint64_t(uint32_t(acc)), 32);
  } else if (fun == 0x1a) {  // div
    if (uint32_t(rt) == 0) revertWith(Revert::DivisionByZero);
    const int32_t a = int32_t(uint32_t(rs)), b = int32_t(uint32_t(rt));
    // In unchecked arithmetic type(int32).min / -1 wraps to type(int32).min (and % gives 0).
    const bool overflow = a == INT32_MIN && b == -1;
    cpu.hi = signExtend(uint32_t(overflow ? 0 : a % b), 32);
    cpu.lo = signExtend(uint32_t(overflow ? a : a / b), 32);
  } else if (fun == 0x1b) {  // divu
    if (uint32_t(rt) == 0) revertWith(Revert::DivisionByZero);
    cpu.hi = signExtend(uint64_t(uint32_t(rs) % uint32_t(rt)), 32);
    cpu.lo = signExtend(uint64_t(uint32_t(rs) / uint32_t(rt)), 32);
  } else if (fun == 0x14) {  // dsllv
    val = shl64(rt, rs & 0x3F);
  } else if (fun == 0x16) {  // dsrlv
    val = shr64(rt, rs & 0x3F);
  } else if (fun == 0x17) {  // dsrav
    val = sar64(rt, rs & 0x3F);
  } else if (fun == 0x1c) {  // dmult
    const int128 res = int128(int64_t(rs)) * int128(int64_t(rt));
    cpu.hi = uint64_t(int64_t(res >> 64));
    cpu.lo = uint64_t(uint128(res) & U64_MASK);
  } else if (fun == 0x1d) {  // dmultu
    const uint128 res = uint128(rs) * uint128(rt);
    cpu.hi = uint64_t(res >> 64);
    cpu.lo = uint64_t(res);
  } else if (fun == 0x1e) {  // ddiv
    if (rt == 0) revertWith(Revert::DivisionByZero);
    const int64_t a = int64_t(rs), b = int64_t(rt);
    const bool overflow = a == INT64_MIN && b == -1;
    cpu.hi = uint64_t(overflow ? 0 : a % b);
    cpu.lo = uint64_t(overflow ? a : a / b);
  } else if (fun == 0x1f) {  // ddivu
    if (rt == 0) revertWith(Revert::DivisionByZero);
    cpu.hi = rs % rt;
    cpu.lo = rs / rt;
  }

  // Store the result in the destination register, if applicable
  if (storeReg != 0) registers[storeReg] = val;

  // Update the PC
  cpu.pc = cpu.nextPC;
  cpu.nextPC = cpu.nextPC + 4;
}

void handleJump(CoreStepLogicParams& cpuAndRegisters, uint64_t linkReg, uint64_t dest) {
  if (cpuAndRegisters.cpu.nextPC != cpuAndRegisters.cpu.pc + 4) revertWith(Revert::JumpInDelaySlot);
  // Update the next PC to the jump destination.
  const uint64_t prevPC = cpuAndRegisters.cpu.pc;
  cpuAndRegisters.cpu.pc = cpuAndRegisters.cpu.nextPC;
  cpuAndRegisters.cpu.nextPC = dest;
  // Update the link-register to the instruction after the delay slot instruction.
  if (linkReg != 0) cpuAndRegisters.registers[linkReg] = prevPC + 8;
}

void handleRd(CpuScalars& cpu, Registers& registers, uint64_t storeReg, uint64_t val, bool conditional) {
  // The destination register must be valid.
  require(storeReg < 32, Revert::InvalidRegister);
  // Never write to reg 0, and it can be conditional (movz, movn).
  if (storeReg != 0 && conditional) registers[storeReg] = val;
  // Update the PC.
  cpu.pc = cpu.nextPC;
  cpu.nextPC = cpu.nextPC + 4;
}

uint64_t selectSubWord(uint64_t vaddr, uint64_t memWord, uint64_t byteLength, bool signExtendResult) {
  const SubWord s = calculateSubWordMaskAndOffset(vaddr, byteLength);
  uint64_t retval = shr64(memWord, s.bitOffset) & s.dataMask;
  if (signExtendResult) retval = signExtend(retval, s.bitLength);
  return retval;
}

uint64_t updateSubWord(uint64_t vaddr, uint64_t memWord, uint64_t byteLength, uint64_t value) {
  const SubWord s = calculateSubWordMaskAndOffset(vaddr, byteLength);
  const uint64_t subWordValue = s.dataMask & value;
  const uint64_t memUpdateMask = shl64(s.dataMask, s.bitOffset);
  return shl64(subWordValue, s.bitOffset) | ((~memUpdateMask) & memWord);
}

}  // namespace fpvm::mips64::sol::ins
