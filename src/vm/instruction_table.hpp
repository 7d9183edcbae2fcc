#pragma once
/// instruction_table.def as constexpr data: every encoding row with its Op, a table-driven decoder
/// (the reference decode() is checked against in the unit tests) and each Op's native-tier role.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "vm/decoded_slot.hpp"

namespace fpvm::vm::table {

/// RISC-V instruction formats (spec §4.2).
enum class Format : uint8_t { R, I, S, B, U, J };

/// What an instruction does, for readers and tests.
enum class OpClass : uint8_t { Alu, MulDiv, Load, Store, Branch, Jump, System, Atomic, Fence };

/// Whether the native tier may compile an Op: never, inside a block, or as a block's last
/// instruction (a branch, jal or jalr).
enum class Native : uint8_t { No, Body, End };

/// One encoding row: words with (word & mask) == match are `op`.
struct Row {
  Op op;
  const char* mnemonic;
  Format format;
  uint32_t match, mask;
  OpClass opClass;
  bool primary;  ///< the row that defines `op` (FPVM_INSTR), not an FPVM_ALIAS
};

/// Every encoding row of instruction_table.def, in its order.
inline constexpr Row kRows[] = {
#define FPVM_INTERNAL(Name)
#define FPVM_INSTR(Name, mnemonic, format, match, mask, cls, native) \
  {op##Name, mnemonic, Format::format, match, mask, OpClass::cls, true},
#define FPVM_ALIAS(Name, mnemonic, format, match, mask, cls) \
  {op##Name, mnemonic, Format::format, match, mask, OpClass::cls, false},
#include "vm/instruction_table.def"
};

/// Native-tier role of each Op, indexed by Op (internal Ops are never compiled).
inline constexpr Native kNative[kOpCount] = {
#define FPVM_INTERNAL(Name) Native::No,
#define FPVM_INSTR(Name, mnemonic, format, match, mask, cls, native) Native::native,
#define FPVM_ALIAS(...)
#include "vm/instruction_table.def"
};

/// Format of each Op's primary row, indexed by Op (internal Ops read and write no register: U
/// stands in for them). Tells the native tier which of rs1, rs2 and rd an Op uses.
inline constexpr Format kFormat[kOpCount] = {
#define FPVM_INTERNAL(Name) Format::U,
#define FPVM_INSTR(Name, mnemonic, format, match, mask, cls, native) Format::format,
#define FPVM_ALIAS(...)
#include "vm/instruction_table.def"
};

/// True when rows `a` and `b` can match the same word.
constexpr bool overlap(const Row& a, const Row& b) { return ((a.match ^ b.match) & a.mask & b.mask) == 0; }

/// The Op of `word` by the table alone: the matching row with the most mask bits, else opSlow.
/// (No pc: decode() additionally sends JAL and branches with misaligned targets to opSlow.)
constexpr Op decodeByTable(uint32_t word) {
  Op op = opSlow;
  int best = -1;
  for (const Row& r : kRows) {
    const int bits = std::popcount(r.mask);
    if ((word & r.mask) == r.match && bits > best) {
      op = r.op;
      best = bits;
    }
  }
  return op;
}

/// The table is well formed: match bits lie inside the mask, every encoding row has a full opcode
/// in its mask, and rows that overlap have strictly nested masks (so "most mask bits" is a
/// unique choice).
constexpr bool wellFormed() {
  for (const Row& r : kRows) {
    if ((r.match & ~r.mask) != 0 || (r.mask & 0x7F) != 0x7F) return false;
    for (const Row& o : kRows) {
      if (&o == &r || !overlap(r, o)) continue;
      const bool nested = (r.mask & o.mask) == r.mask || (r.mask & o.mask) == o.mask;
      if (!nested || r.mask == o.mask) return false;
    }
  }
  return true;
}
static_assert(wellFormed(), "instruction_table.def: a match outside its mask or ambiguous overlapping rows");

/// Every instruction Op has exactly one primary row, and internal Ops none.
constexpr bool onePrimaryRowPerOp() {
  std::array<int, kOpCount> rows{};
  for (const Row& r : kRows)
    if (r.primary) ++rows[r.op];
  for (unsigned op = 0; op < kOpCount; ++op) {
    const bool internal = op == opUndecoded || op == opSlow || op == opNative || op == opPageEnd;
    if (rows[op] != (internal ? 0 : 1)) return false;
  }
  return true;
}
static_assert(onePrimaryRowPerOp());

/// A word of row `r`: its match bits, with the lowest free bit of any more specific row that
/// also matches flipped (e.g. the SYSTEM no-op row gives EBREAK, not ECALL).
constexpr uint32_t sampleWord(const Row& r) {
  uint32_t word = r.match;
  for (bool changed = true; changed;) {
    changed = false;
    for (const Row& o : kRows) {
      if (&o == &r || std::popcount(o.mask) <= std::popcount(r.mask) || (word & o.mask) != o.match) continue;
      const uint32_t free = o.mask & ~r.mask;
      word ^= free & (~free + 1);
      changed = true;
    }
  }
  return word;
}

/// Every row's sample word decodes (by the table) to the row's own Op.
constexpr bool everyRowDecodesToItself() {
  for (const Row& r : kRows)
    if (decodeByTable(sampleWord(r)) != r.op) return false;
  return true;
}
static_assert(everyRowDecodesToItself());

}  // namespace fpvm::vm::table
