#pragma once
/// The fast engine's decoded form of one RV64 instruction (8 bytes, one per instruction slot of a
/// code page), shared by its threaded interpreter and its native-code tier.
#include <cstdint>

namespace fpvm::vm {

/// Decoded operations. opUndecoded slots are decoded on first execution; opSlow slots run on the
/// reference interpreter (ECALL, atomics, and every encoding that may revert).
enum Op : uint8_t {
  opUndecoded = 0, opSlow, opNop, opCsr,
  opLui, opAuipc, opJal, opJalr,
  opBeq, opBne, opBlt, opBge, opBltu, opBgeu,
  opLb, opLh, opLw, opLd, opLbu, opLhu, opLwu,
  opSb, opSh, opSw, opSd,
  opAddi, opSlti, opSltiu, opXori, opOri, opAndi, opSlli, opSrli, opSrai,
  opAddiw, opSlliw, opSrliw, opSraiw,
  opAdd, opSub, opSll, opSlt, opSltu, opXor, opSrl, opSra, opOr, opAnd,
  opMul, opMulh, opMulhsu, opMulhu, opDiv, opDivu, opRem, opRemu,
  opAddw, opSubw, opSllw, opSrlw, opSraw, opMulw, opDivw, opDivuw, opRemw, opRemuw,
  opNative,   ///< head of a native-code block (imm = code offset); see native_block.hpp
  opPageEnd,  ///< sentinel after the last slot of a page
};

/// One decoded instruction. rd 0 is mapped to the sink register 32 so writes need no check.
struct Slot {
  uint8_t op = opUndecoded;
  uint8_t rd = 32, rs1 = 0, rs2 = 0;
  int32_t imm = 0;
};
static_assert(sizeof(Slot) == 8);

/// Register index decoded slots use for rd = x0: writes land there and are never read.
constexpr unsigned kSinkRegister = 32;

/// Decodes the instruction word `in` at `pc`.
Slot decode(uint32_t in, uint64_t pc);

}  // namespace fpvm::vm
