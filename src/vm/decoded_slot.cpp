#include "vm/decoded_slot.hpp"

#include "vm/rv_fields.hpp"

namespace fpvm::vm {

// A switch for speed; it must agree with instruction_table.def (table::decodeByTable), which
// tests/unit/instruction_table_test.cpp checks over every row and millions of random words.
Slot decode(uint32_t in, uint64_t pc) {
  using namespace rv;
  Slot s;
  const uint32_t f3 = funct3(in), f7 = funct7(in);
  s.rd = rd(in) == 0 ? kSinkRegister : static_cast<uint8_t>(rd(in));
  s.rs1 = static_cast<uint8_t>(rs1(in));
  s.rs2 = static_cast<uint8_t>(rs2(in));
  auto op = [&](Op o, uint64_t imm = 0) {
    s.op = o;
    s.imm = static_cast<int32_t>(imm);
    return s;
  };
  switch (opcode(in)) {
    case kLui: return op(opLui, immU(in));
    case kAuipc: return op(opAuipc, immU(in));
    case kJal: return ((pc + immJ(in)) & 3) ? op(opSlow) : op(opJal, immJ(in));
    case kJalr: return op(opJalr, immI(in));
    case kBranch: {
      if (((pc + immB(in)) & 3) != 0) return op(opSlow);
      static constexpr Op kBranchOps[8] = {opBeq, opBne, opNop, opNop, opBlt, opBge, opBltu, opBgeu};
      return op(kBranchOps[f3], immB(in));
    }
    case kLoad: {
      static constexpr Op kLoads[8] = {opLb, opLh, opLw, opLd, opLbu, opLhu, opLwu, opSlow};
      return op(kLoads[f3], immI(in));
    }
    case kStore: {
      static constexpr Op kStores[8] = {opSb, opSh, opSw, opSd, opSlow, opSlow, opSlow, opSlow};
      return op(kStores[f3], immS(in));
    }
    case kOpImm: {
      const uint64_t imm = immI(in);
      switch (f3) {
        case 0: return op(opAddi, imm);
        case 1: return op(opSlli, imm & 63);
        case 2: return op(opSlti, imm);
        case 3: return op(opSltiu, imm);
        case 4: return op(opXori, imm);
        case 5:
          if ((imm >> 6) == 0) return op(opSrli, imm & 63);
          if ((imm >> 6) == 0x10) return op(opSrai, imm & 63);
          return op(opSlow);
        case 6: return op(opOri, imm);
        default: return op(opAndi, imm);
      }
    }
    case kOpImm32: {
      const uint64_t imm = immI(in);
      if (f3 == 0) return op(opAddiw, imm);
      if (f3 == 1) return (imm & 0x20) ? op(opSlow) : op(opSlliw, imm & 31);
      if (f3 == 5 && !(imm & 0x20)) {
        if ((imm >> 5) == 0) return op(opSrliw, imm & 31);
        if ((imm >> 5) == 0x20) return op(opSraiw, imm & 31);
      }
      return op(opSlow);
    }
    case kOp: {
      if (f7 == 1) {
        static constexpr Op kM[8] = {opMul, opMulh, opMulhsu, opMulhu, opDiv, opDivu, opRem, opRemu};
        return op(kM[f3]);
      }
      switch (f3) {
        case 0: return f7 == 0 ? op(opAdd) : f7 == 0x20 ? op(opSub) : op(opSlow);
        case 1: return op(opSll);
        case 2: return op(opSlt);
        case 3: return op(opSltu);
        case 4: return op(opXor);
        case 5: return f7 == 0 ? op(opSrl) : f7 == 0x20 ? op(opSra) : op(opSlow);
        case 6: return op(opOr);
        default: return op(opAnd);
      }
    }
    case kOp32: {
      if (f7 == 1) {
        static constexpr Op kM32[8] = {opMulw, opSlow, opSlow, opSlow, opDivw, opDivuw, opRemw, opRemuw};
        return op(kM32[f3]);
      }
      switch (f3) {
        case 0: return f7 == 0 ? op(opAddw) : f7 == 0x20 ? op(opSubw) : op(opSlow);
        case 1: return op(opSllw);
        case 5: return f7 == 0 ? op(opSrlw) : f7 == 0x20 ? op(opSraw) : op(opSlow);
        default: return op(opSlow);
      }
    }
    case kSystem:
      if (f3 != 0) return op(opCsr);
      return (in >> 20) == 0 ? op(opSlow) : op(opNop);
    case kMiscMem:
    case kLoadFp:
    case kStoreFp:
    case kOpFp: return op(opNop);
    default: return op(opSlow);  // atomics, unknown opcodes (the reference interpreter reverts)
  }
}

}  // namespace fpvm::vm
