#pragma once
/// Bit helpers of the MIPS64 semantics (docs/spec/cannon-mt64.md §0 notation, §5.6): sign
/// extension and the selection/update of a naturally aligned field inside a big-endian doubleword.
#include <cstdint>

namespace fpvm::mips64 {

/// Sign-extends the low `bits` (1..64) bits of `v` to 64 bits.
constexpr uint64_t signExtend(uint64_t v, unsigned bits) {
  if (bits >= 64) return v;
  const uint64_t mask = (uint64_t(1) << bits) - 1;
  const uint64_t sign = uint64_t(1) << (bits - 1);
  return ((v & mask) ^ sign) - sign;
}

/// Low 32 bits.
constexpr uint64_t lo32(uint64_t v) { return v & 0xFFFF'FFFFu; }

/// Mask of the low `n` bytes (n = 1, 2, 4, 8).
constexpr uint64_t byteMask(unsigned n) { return n >= 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * n)) - 1; }

/// Right shift that moves the `n`-byte field containing `ea` (aligned down to n) to bit 0.
constexpr unsigned fieldShift(uint64_t ea, unsigned n) {
  const unsigned index = static_cast<unsigned>(ea & 7 & ~uint64_t(n - 1));
  return 8 * (8 - n - index);
}

/// sel(ea, M, n): the naturally aligned `n`-byte field of doubleword `m` that contains `ea`.
constexpr uint64_t selectField(uint64_t ea, uint64_t m, unsigned n) { return (m >> fieldShift(ea, n)) & byteMask(n); }

/// upd(ea, M, n, v): `m` with that field replaced by the low `n` bytes of `v`.
constexpr uint64_t updateField(uint64_t ea, uint64_t m, unsigned n, uint64_t v) {
  const unsigned shift = fieldShift(ea, n);
  const uint64_t mask = byteMask(n) << shift;
  return (m & ~mask) | ((v & byteMask(n)) << shift);
}

}  // namespace fpvm::mips64
