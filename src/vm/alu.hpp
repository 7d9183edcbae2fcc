#pragma once
/// Integer semantics shared by every engine: M-extension edge cases and 32-bit forms (spec §4.5-4.7).
#include <cstdint>

#include "vm/rv_fields.hpp"

namespace fpvm::vm::alu {

__extension__ typedef __int128 i128;  // GCC/Clang 128-bit integers for MULH*
__extension__ typedef unsigned __int128 u128;

using rv::sx;
using rv::zx32;

constexpr uint64_t kAllOnes = ~uint64_t(0);
constexpr uint64_t kMinI64 = uint64_t(1) << 63;

inline uint64_t mulh(uint64_t a, uint64_t b) {
  return static_cast<uint64_t>((static_cast<i128>(static_cast<int64_t>(a)) * static_cast<int64_t>(b)) >> 64);
}
inline uint64_t mulhsu(uint64_t a, uint64_t b) {
  // signed × unsigned: (a as signed) * b, high 64 bits of the 128-bit product.
  u128 p = static_cast<u128>(a) * b;
  uint64_t hi = static_cast<uint64_t>(p >> 64);
  if (static_cast<int64_t>(a) < 0) hi -= b;
  return hi;
}
inline uint64_t mulhu(uint64_t a, uint64_t b) { return static_cast<uint64_t>((static_cast<u128>(a) * b) >> 64); }
constexpr uint64_t div(uint64_t a, uint64_t b) {
  if (b == 0) return kAllOnes;
  if (a == kMinI64 && b == kAllOnes) return kMinI64;
  return static_cast<uint64_t>(static_cast<int64_t>(a) / static_cast<int64_t>(b));
}
constexpr uint64_t divu(uint64_t a, uint64_t b) { return b == 0 ? kAllOnes : a / b; }
constexpr uint64_t rem(uint64_t a, uint64_t b) {
  if (b == 0) return a;
  if (a == kMinI64 && b == kAllOnes) return 0;
  return static_cast<uint64_t>(static_cast<int64_t>(a) % static_cast<int64_t>(b));
}
constexpr uint64_t remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }

constexpr uint64_t mulw(uint64_t a, uint64_t b) { return sx(zx32(a) * zx32(b), 32); }
constexpr uint64_t divw(uint64_t a, uint64_t b) {
  if (zx32(b) == 0) return kAllOnes;
  int32_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
  if (x == INT32_MIN && y == -1) return sx(uint32_t(INT32_MIN), 32);
  return sx(static_cast<uint32_t>(x / y), 32);
}
constexpr uint64_t divuw(uint64_t a, uint64_t b) {
  if (zx32(b) == 0) return kAllOnes;
  return sx(zx32(a) / zx32(b), 32);
}
constexpr uint64_t remw(uint64_t a, uint64_t b) {
  if (zx32(b) == 0) return sx(a, 32);
  int32_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
  if (x == INT32_MIN && y == -1) return 0;
  return sx(static_cast<uint32_t>(x % y), 32);
}
constexpr uint64_t remuw(uint64_t a, uint64_t b) {
  if (zx32(b) == 0) return sx(a, 32);
  return sx(zx32(a) % zx32(b), 32);
}
/// SRLW/SRLIW: logical shift of the zero-extended low word, result sign-extended from bit 31.
constexpr uint64_t srlw(uint64_t a, unsigned sh) { return sx(zx32(a) >> sh, 32); }
/// SRAW/SRAIW: `sx(zx32(a) >> sh, 32 - sh)`, i.e. an arithmetic shift of the low word.
constexpr uint64_t sraw(uint64_t a, unsigned sh) { return sx(zx32(a) >> sh, 32 - sh); }
constexpr uint64_t sllw(uint64_t a, unsigned sh) { return sx(a << sh, 32); }
constexpr uint64_t sra(uint64_t a, unsigned sh) { return static_cast<uint64_t>(static_cast<int64_t>(a) >> sh); }

static_assert(divw(0x80000000u, 0xFFFFFFFFu) == 0xFFFFFFFF80000000ull);
static_assert(div(kMinI64, kAllOnes) == kMinI64 && rem(kMinI64, kAllOnes) == 0);
static_assert(sraw(0x80000000u, 4) == 0xFFFFFFFFF8000000ull);

}  // namespace fpvm::vm::alu
