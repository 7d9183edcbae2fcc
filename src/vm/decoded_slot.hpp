#pragma once
/// The fast engine's decoded form of one RV64 instruction (8 bytes, one per instruction slot of a
/// code page), shared by its threaded interpreter and its native-code tier.
#include <cstdint>

namespace fpvm::vm {

/// Decoded operations, one per row of instruction_table.def in its order. opUndecoded slots are
/// decoded on first execution; opSlow slots run on the reference interpreter (ECALL, atomics, and
/// every encoding that may revert); opNative heads a native-code block (imm = code offset, see
/// native_block.hpp); opPageEnd is the sentinel after the last slot of a page.
enum Op : uint8_t {
#define FPVM_INTERNAL(Name) op##Name,
#define FPVM_INSTR(Name, ...) op##Name,
#define FPVM_ALIAS(...)
#include "vm/instruction_table.def"
  kOpCount,  ///< number of Ops (not an Op)
};
static_assert(opUndecoded == 0, "a zeroed Slot must be undecoded");
static_assert(opPageEnd == kOpCount - 1, "the page-end sentinel is the table's last row");

/// One decoded instruction. rd 0 is mapped to the sink register 32 so writes need no check.
struct Slot {
  uint8_t op = opUndecoded;
  uint8_t rd = 32, rs1 = 0, rs2 = 0;
  int32_t imm = 0;
};
static_assert(sizeof(Slot) == 8);

/// Register index decoded slots use for rd = x0: writes land there and are never read.
constexpr unsigned kSinkRegister = 32;

/// Decodes the instruction word `in` at `pc` as instruction_table.def describes.
Slot decode(uint32_t in, uint64_t pc);

}  // namespace fpvm::vm
