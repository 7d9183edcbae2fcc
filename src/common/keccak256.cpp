#include "common/keccak256.hpp"

#include <bit>
#include <cstring>

#include "common/keccak_lanes.hpp"
#include "common/keccak_rounds.hpp"

namespace fpvm {
namespace {

using keccak_detail::kRate;  // bytes absorbed per permutation for a 256-bit digest

/// One 64-bit lane per element: the plain permutation.
struct ScalarOps {
  using V = uint64_t;
  static V xor2(V a, V b) { return a ^ b; }
  static V xor5(V a, V b, V c, V d, V e) { return a ^ b ^ c ^ d ^ e; }
  template <int n>
  static V rotl(V a) {
    return std::rotl(a, n);
  }
  static V chi(V a, V b, V c) { return a ^ (~b & c); }
  static V xorConst(V a, uint64_t k) { return a ^ k; }
};

inline void keccakF1600(uint64_t* a) { keccak_detail::keccakRounds<ScalarOps>(a); }

inline uint64_t loadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
inline void storeLE64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

void absorbBlock(uint64_t* state, const uint8_t* block) {
  for (size_t i = 0; i < kRate / 8; ++i) state[i] ^= loadLE64(block + 8 * i);
  keccakF1600(state);
}

}  // namespace

void Keccak256::update(ByteView data) {
  if (data.empty()) return;  // an empty view may carry a null pointer, which memcpy must not get
  size_t pos = 0;
  if (buffered_) {
    size_t take = std::min(kRate - buffered_, data.size());
    std::memcpy(buffer_ + buffered_, data.data(), take);
    buffered_ += take;
    pos = take;
    if (buffered_ < kRate) return;
    absorbBlock(state_, buffer_);
    buffered_ = 0;
  }
  for (; pos + kRate <= data.size(); pos += kRate) absorbBlock(state_, data.data() + pos);
  buffered_ = data.size() - pos;
  if (buffered_) std::memcpy(buffer_, data.data() + pos, buffered_);
}

Hash32 Keccak256::finish() {
  std::memset(buffer_ + buffered_, 0, kRate - buffered_);
  buffer_[buffered_] ^= 0x01;
  buffer_[kRate - 1] ^= 0x80;
  absorbBlock(state_, buffer_);
  Hash32 out;
  for (int i = 0; i < 4; ++i) storeLE64(out.data() + 8 * i, state_[i]);
  return out;
}

Hash32 keccak256(ByteView data) {
  Keccak256 k;
  k.update(data);
  return k.finish();
}

void keccak256Of64(const uint8_t* in, uint8_t* out) {
  uint64_t s[25] = {};
  for (int i = 0; i < 8; ++i) s[i] = loadLE64(in + 8 * i);
  s[8] = 0x01;                    // padding start right after the 64 input bytes
  s[16] = 0x8000000000000000ULL;  // final padding bit in byte 135
  keccakF1600(s);
  for (int i = 0; i < 4; ++i) storeLE64(out + 8 * i, s[i]);
}

Hash32 keccak256Pair(const Hash32& left, const Hash32& right) {
  uint8_t buf[64];
  std::memcpy(buf, left.data(), 32);
  std::memcpy(buf + 32, right.data(), 32);
  Hash32 out;
  keccak256Of64(buf, out.data());
  return out;
}

}  // namespace fpvm
