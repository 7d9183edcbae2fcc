#pragma once
/// The EVM primitives the stateless verifier's mirror of MIPS64.sol is written in: 256-bit words
/// (for the contract's Yul), the call's calldata (calldataload, calldatasize) and reverts. Used
/// by the sol_*.cpp files only; nothing here is shared with the interpreter.
#include <array>
#include <cstdint>

#include "common/bytes.hpp"
#include "mips64/revert.hpp"

namespace fpvm::mips64::sol {

/// A revert inside the mirror; verifyStep turns it into a VerifyResult.
struct SolRevert {
  Revert reason;
};

/// `revert …` with the contract's reason.
[[noreturn]] inline void revertWith(Revert r) { throw SolRevert{r}; }

/// `require(condition, reason)`.
inline void require(bool condition, Revert r) {
  if (!condition) revertWith(r);
}

/// An EVM word (uint256 / bytes32), limbs least significant first.
struct U256 {
  std::array<uint64_t, 4> limb{};

  static U256 fromU64(uint64_t v) {
    U256 w;
    w.limb[0] = v;
    return w;
  }
  /// A bytes32 read as a big-endian number.
  static U256 fromBytes(const Hash32& h) {
    U256 w;
    for (int i = 0; i < 4; ++i) w.limb[3 - i] = getBE64(h.data() + 8 * i);
    return w;
  }
  Hash32 toBytes() const {
    Hash32 h;
    for (int i = 0; i < 4; ++i) putBE64(h.data() + 8 * i, limb[3 - i]);
    return h;
  }
  uint64_t low64() const { return limb[0]; }

  /// shl(bits, x): bits >= 256 gives 0.
  U256 shl(uint64_t bits) const {
    U256 r;
    if (bits >= 256) return r;
    const unsigned words = static_cast<unsigned>(bits / 64), rem = static_cast<unsigned>(bits % 64);
    for (unsigned i = 3 + 1; i-- > words;) {
      uint64_t v = limb[i - words] << rem;
      if (rem && i - words > 0) v |= limb[i - words - 1] >> (64 - rem);
      r.limb[i] = v;
    }
    return r;
  }
  /// shr(bits, x): bits >= 256 gives 0.
  U256 shr(uint64_t bits) const {
    U256 r;
    if (bits >= 256) return r;
    const unsigned words = static_cast<unsigned>(bits / 64), rem = static_cast<unsigned>(bits % 64);
    for (unsigned i = 0; i + words < 4; ++i) {
      uint64_t v = limb[i + words] >> rem;
      if (rem && i + words + 1 < 4) v |= limb[i + words + 1] << (64 - rem);
      r.limb[i] = v;
    }
    return r;
  }
  U256 operator&(const U256& o) const {
    U256 r;
    for (int i = 0; i < 4; ++i) r.limb[i] = limb[i] & o.limb[i];
    return r;
  }
  U256 operator|(const U256& o) const {
    U256 r;
    for (int i = 0; i < 4; ++i) r.limb[i] = limb[i] | o.limb[i];
    return r;
  }
  U256 operator~() const {
    U256 r;
    for (int i = 0; i < 4; ++i) r.limb[i] = ~limb[i];
    return r;
  }
  /// sub(x, 1) for x != 0 (the masks `sub(shl(n, 1), 1)` of the Yul code).
  U256 minusOne() const {
    U256 r = *this;
    for (int i = 0; i < 4; ++i) {
      if (r.limb[i]-- != 0) break;
    }
    return r;
  }
  friend bool operator==(const U256&, const U256&) = default;
};

/// The call's calldata.
class Calldata {
 public:
  explicit Calldata(ByteView data) : data_(data) {}
  /// calldatasize()
  uint64_t size() const { return data_.size(); }
  /// calldataload(offset): 32 bytes, zero beyond the end.
  Hash32 load(uint64_t offset) const {
    Hash32 out;
    for (uint64_t i = 0; i < 32; ++i)
      if (offset + i >= offset && offset + i < data_.size()) out[i] = data_[offset + i];
    return out;
  }
  /// shr(shl(3, sub(32, size)), calldataload(offset)) for size <= 8: a packed big-endian field.
  uint64_t field(uint64_t offset, unsigned size) const { return U256::fromBytes(load(offset)).shr(8 * (32 - size)).low64(); }

 private:
  ByteView data_;
};

}  // namespace fpvm::mips64::sol
