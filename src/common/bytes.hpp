#pragma once
/// Byte containers and big-/little-endian helpers shared by every layer.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace fpvm {

/// Owned, growable byte string.
using Bytes = std::vector<uint8_t>;
/// Read-only view of bytes.
using ByteView = std::span<const uint8_t>;

/// A 32-byte value: Keccak digest, Merkle node, memory leaf or preimage key.
struct Hash32 {
  std::array<uint8_t, 32> b{};
  friend bool operator==(const Hash32&, const Hash32&) = default;
  uint8_t& operator[](size_t i) { return b[i]; }
  const uint8_t& operator[](size_t i) const { return b[i]; }
  const uint8_t* data() const { return b.data(); }
  uint8_t* data() { return b.data(); }
  static constexpr size_t size() { return 32; }
};

/// Stores `v` big-endian into 8 bytes at `out` (one store and a byte swap on little-endian hosts:
/// the MT64 machine's memory path).
inline void putBE64(uint8_t* out, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(out, &v, 8);
}
/// Reads 8 big-endian bytes at `in`.
inline uint64_t getBE64(const uint8_t* in) {
  uint64_t v;
  std::memcpy(&v, in, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}
/// Stores `v` big-endian into 4 bytes at `out`.
inline void putBE32(uint8_t* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}
/// Reads 4 big-endian bytes at `in`.
inline uint32_t getBE32(const uint8_t* in) {
  return (uint32_t(in[0]) << 24) | (uint32_t(in[1]) << 16) | (uint32_t(in[2]) << 8) | in[3];
}
/// Reads `n` (<= 8) little-endian bytes at `in`.
inline uint64_t getLE(const uint8_t* in, unsigned n) {
  if constexpr (std::endian::native == std::endian::little) {
    // Fixed-size copies compile to single loads on the hot paths.
    switch (n) {
      case 1: return in[0];
      case 2: {
        uint16_t v;
        std::memcpy(&v, in, 2);
        return v;
      }
      case 4: {
        uint32_t v;
        std::memcpy(&v, in, 4);
        return v;
      }
      case 8: {
        uint64_t v;
        std::memcpy(&v, in, 8);
        return v;
      }
      default: break;
    }
  }
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t(in[i]) << (8 * i);
  return v;
}
/// Stores the low `n` (<= 8) bytes of `v` little-endian at `out`.
inline void putLE(uint8_t* out, uint64_t v, unsigned n) {
  if constexpr (std::endian::native == std::endian::little) {
    switch (n) {
      case 1: out[0] = static_cast<uint8_t>(v); return;
      case 2: {
        uint16_t w = static_cast<uint16_t>(v);
        std::memcpy(out, &w, 2);
        return;
      }
      case 4: {
        uint32_t w = static_cast<uint32_t>(v);
        std::memcpy(out, &w, 4);
        return;
      }
      case 8: std::memcpy(out, &v, 8); return;
      default: break;
    }
  }
  for (unsigned i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace fpvm
