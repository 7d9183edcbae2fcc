// The instruction table (src/vm/instruction_table.def) against the fast engine's decode(): every
// row decodes to its Op, words outside the table decode to opSlow, and decode() agrees with the
// table-driven decoder on every opcode/funct3/funct7 combination and on random words.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "vm/decoded_slot.hpp"
#include "vm/instruction_table.hpp"
#include "vm/native_block.hpp"
#include "vm/rv_fields.hpp"

namespace fpvm::vm {
namespace {

constexpr uint64_t kPc = 0x10000;

/// What decode() must return for `word` at `pc`: the table's Op, except that JAL and branches
/// with a misaligned target run on the reference interpreter.
Op expectedOp(uint32_t word, uint64_t pc) {
  if (rv::opcode(word) == rv::kJal && ((pc + rv::immJ(word)) & 3)) return opSlow;
  if (rv::opcode(word) == rv::kBranch && ((pc + rv::immB(word)) & 3)) return opSlow;
  return table::decodeByTable(word);
}

std::string hex(uint32_t w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", w);
  return buf;
}

TEST(InstructionTable, EveryRowDecodesToItsOp) {
  for (const table::Row& r : table::kRows) {
    const uint32_t w = table::sampleWord(r);
    EXPECT_EQ((w & r.mask), r.match) << r.mnemonic;
    EXPECT_EQ(int(decode(w, kPc).op), int(r.op)) << r.mnemonic << " " << hex(w);
    // With registers and immediates set outside the mask bits too (now a JAL or branch target
    // may be misaligned).
    const uint32_t noisy = w | (~r.mask & 0x0FF8F80u);  // rd, rs1, low rs2 bits
    EXPECT_EQ(int(decode(noisy, kPc).op), int(expectedOp(noisy, kPc))) << r.mnemonic << " " << hex(noisy);
  }
}

TEST(InstructionTable, EveryInstructionOpHasARow) {
  std::set<unsigned> ops;
  for (const table::Row& r : table::kRows) ops.insert(r.op);
  for (unsigned op = 0; op < kOpCount; ++op) {
    const bool internal = op == opUndecoded || op == opNative || op == opPageEnd;
    EXPECT_EQ(ops.count(op) == 1, !internal) << "op " << op;
  }
}

TEST(InstructionTable, EncodingsOutsideTheTableDecodeToSlow) {
  const uint32_t outside[] = {
      0x00000000u,  // all zero (illegal)
      0xFFFFFFFFu,  // all ones
      0x00000001u,  // compressed quadrant 1
      0x0000007Bu,  // reserved opcode
      0x0000000Bu,  // custom-0
      0x00007003u,  // load funct3 7
      0x00004023u,  // store funct3 4 (sq)
      0x00007023u,  // store funct3 7
      0x04000033u,  // OP funct7 2
      0x60000033u,  // OP funct3 0 funct7 0x30
      0x60005033u,  // OP funct3 5 funct7 0x30
      0x0000203Bu,  // OP-32 funct3 2
      0x0200203Bu,  // OP-32 M funct3 2
      0x0200103Bu,  // OP-32 M funct3 1
      0x0000201Bu,  // OP-IMM-32 funct3 2
      0x0200101Bu,  // slliw with imm[5]
      0x0200501Bu,  // srliw with imm[5]
      0x8000501Bu,  // OP-IMM-32 funct3 5, other funct7
      0x80005013u,  // OP-IMM funct3 5, other funct6
      0x00000073u,  // ecall
      0x100027AFu,  // lr.w
      0x0000302Fu,  // amoadd.d
  };
  for (uint32_t w : outside) {
    EXPECT_EQ(table::decodeByTable(w), opSlow) << hex(w);
    EXPECT_EQ(int(decode(w, kPc).op), int(opSlow)) << hex(w);
  }
}

TEST(InstructionTable, MisalignedJumpTargetsDecodeToSlow) {
  EXPECT_EQ(decode(0x0020006Fu, kPc).op, opSlow);  // jal x0, 2
  EXPECT_EQ(decode(0x00000163u, kPc).op, opSlow);  // beq x0, x0, 2
  EXPECT_EQ(decode(0x0040006Fu, kPc).op, opJal);   // jal x0, 4
  EXPECT_EQ(decode(0x00000263u, kPc).op, opBeq);   // beq x0, x0, 4
}

TEST(InstructionTable, DecodeAgreesWithTableOnEveryOpcodeFunct3Funct7) {
  for (uint32_t f7 = 0; f7 < 128; ++f7)
    for (uint32_t f3 = 0; f3 < 8; ++f3)
      for (uint32_t opcode = 0; opcode < 128; ++opcode)
        for (uint32_t mid : {0u, 0x000A5A80u, 0x000FFF80u}) {  // rd/rs1/rs2 patterns
          const uint32_t w = (f7 << 25) | mid | (f3 << 12) | opcode;
          ASSERT_EQ(int(decode(w, kPc).op), int(expectedOp(w, kPc))) << hex(w);
        }
}

TEST(InstructionTable, DecodeAgreesWithTableOnRandomWords) {
  std::mt19937 rng(14);
  for (int i = 0; i < 2'000'000; ++i) {
    uint32_t w = rng();
    if (i & 1) w = (w & ~0x7Fu) | (table::kRows[rng() % std::size(table::kRows)].match & 0x7F);  // known opcodes
    const uint64_t pc = kPc + 4 * (rng() & 0xFF);
    ASSERT_EQ(int(decode(w, pc).op), int(expectedOp(w, pc))) << hex(w);
  }
}

TEST(InstructionTable, NativeRolesMatchTheNativeTier) {
  for (unsigned op = 0; op < kOpCount; ++op) {
    EXPECT_EQ(nativeOp(static_cast<uint8_t>(op)), table::kNative[op] == table::Native::Body) << op;
    EXPECT_EQ(nativeTerminatorOp(static_cast<uint8_t>(op)), table::kNative[op] == table::Native::End) << op;
  }
  // Branches, JAL and JALR end blocks; the slow ops never enter one; the whole M extension
  // (division and mulhsu included) compiles.
  EXPECT_TRUE(nativeTerminatorOp(opBeq) && nativeTerminatorOp(opBgeu) && nativeTerminatorOp(opJal));
  EXPECT_TRUE(nativeTerminatorOp(opJalr) && !nativeOp(opJalr));
  EXPECT_FALSE(nativeOp(opSlow) || nativeOp(opNative) || nativeOp(opPageEnd));
  EXPECT_TRUE(nativeOp(opDiv) && nativeOp(opDivu) && nativeOp(opRem) && nativeOp(opRemu) && nativeOp(opMulhsu));
  EXPECT_TRUE(nativeOp(opDivw) && nativeOp(opDivuw) && nativeOp(opRemw) && nativeOp(opRemuw));
}

// decode() runs once per code slot (decoded slots are cached per page), so its speed hardly
// matters; this records its cost next to the table decoder's (no assertion on time).
TEST(InstructionTable, DecodeCostIsRecorded) {
  std::mt19937 rng(7);
  std::vector<uint32_t> words(1 << 16);
  for (uint32_t& w : words) w = (rng() & ~0x7Fu) | (table::kRows[rng() % std::size(table::kRows)].match & 0x7F);
  unsigned sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint32_t w : words) sink += decode(w, kPc).op;
  const auto t1 = std::chrono::steady_clock::now();
  for (uint32_t w : words) sink += table::decodeByTable(w);
  const auto t2 = std::chrono::steady_clock::now();
  const auto ns = [&](auto a, auto b) {
    return std::chrono::duration<double, std::nano>(b - a).count() / double(words.size());
  };
  std::printf("decode: %.1f ns/word, table scan: %.1f ns/word (sink %u)\n", ns(t0, t1), ns(t1, t2), sink);
  EXPECT_GT(sink, 0u);
}

}  // namespace
}  // namespace fpvm::vm
