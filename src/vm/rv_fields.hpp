#pragma once
/// RISC-V instruction fields and immediates (spec §4.2) as constexpr functions.
#include <cstdint>

namespace fpvm::vm::rv {

/// Sign-extends the low `bits` bits of `v` to 64 bits.
constexpr uint64_t sx(uint64_t v, unsigned bits) {
  // Shift the sign bit to bit 63, then arithmetic-shift back (bits in 1..64).
  const unsigned up = 64 - bits;
  return static_cast<uint64_t>(static_cast<int64_t>(v << up) >> up);
}
/// Zero-extends the low 32 bits.
constexpr uint64_t zx32(uint64_t v) { return v & 0xFFFFFFFFu; }

constexpr uint32_t opcode(uint32_t i) { return i & 0x7F; }
constexpr uint32_t rd(uint32_t i) { return (i >> 7) & 31; }
constexpr uint32_t funct3(uint32_t i) { return (i >> 12) & 7; }
constexpr uint32_t rs1(uint32_t i) { return (i >> 15) & 31; }
constexpr uint32_t rs2(uint32_t i) { return (i >> 20) & 31; }
constexpr uint32_t funct7(uint32_t i) { return i >> 25; }

constexpr uint64_t immI(uint32_t i) { return sx(i >> 20, 12); }
constexpr uint64_t immS(uint32_t i) { return sx(((i >> 25) << 5) | ((i >> 7) & 31), 12); }
constexpr uint64_t immB(uint32_t i) {
  uint64_t v = (uint64_t(i >> 31) << 12) | (uint64_t((i >> 25) & 0x3F) << 5) | (uint64_t((i >> 8) & 0xF) << 1) |
               (uint64_t((i >> 7) & 1) << 11);
  return sx(v, 13);
}
constexpr uint64_t immU(uint32_t i) { return sx(i & 0xFFFFF000u, 32); }
constexpr uint64_t immJ(uint32_t i) {
  uint64_t v = (uint64_t(i >> 31) << 20) | (uint64_t((i >> 21) & 0x3FF) << 1) | (uint64_t((i >> 20) & 1) << 11) |
               (uint64_t((i >> 12) & 0xFF) << 12);
  return sx(v, 21);
}

static_assert(sx(0xFFF, 12) == ~uint64_t(0));
static_assert(sx(0x7FF, 12) == 0x7FF);
static_assert(immB(0x80000063u) == sx(0x1000, 13));    // imm[12] set
static_assert(immJ(0x800000EFu) == sx(0x100000, 21));  // imm[20] set

/// Opcodes (spec §4).
enum Opcode : uint32_t {
  kLoad = 0x03,
  kLoadFp = 0x07,
  kMiscMem = 0x0F,
  kOpImm = 0x13,
  kAuipc = 0x17,
  kOpImm32 = 0x1B,
  kStore = 0x23,
  kStoreFp = 0x27,
  kAmo = 0x2F,
  kOp = 0x33,
  kLui = 0x37,
  kOp32 = 0x3B,
  kOpFp = 0x53,
  kBranch = 0x63,
  kJalr = 0x67,
  kJal = 0x6F,
  kSystem = 0x73,
};

}  // namespace fpvm::vm::rv
