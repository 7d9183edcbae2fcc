#pragma once
/// Keccak-256 as used by Ethereum (original padding 0x01, not SHA3-256).
#include "common/bytes.hpp"

namespace fpvm {

/// Keccak-256 digest of `data`.
Hash32 keccak256(ByteView data);
/// Keccak-256 of the 64-byte concatenation `left ‖ right` (a Merkle inner node); the hot path of
/// all Merkle work, specialised to a single permutation.
Hash32 keccak256Pair(const Hash32& left, const Hash32& right);
/// Keccak-256 of exactly 64 bytes at `in`, written to `out` (32 bytes). `out` may alias `in`.
void keccak256Of64(const uint8_t* in, uint8_t* out);

/// Incremental Keccak-256 for inputs that arrive in pieces.
class Keccak256 {
 public:
  /// Absorbs more input.
  void update(ByteView data);
  /// Pads, permutes and returns the digest; the object must not be used afterwards.
  Hash32 finish();

 private:
  uint64_t state_[25] = {};
  uint8_t buffer_[136] = {};
  size_t buffered_ = 0;
};

}  // namespace fpvm
