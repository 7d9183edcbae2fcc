#include "common/keccak256.hpp"

#include <bit>

namespace fpvm {
namespace {

constexpr size_t kRate = 136;  // bytes absorbed per permutation for a 256-bit digest

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// The permutation written out with the theta/rho/pi/chi/iota steps over 25 lanes; rotation
// offsets follow the pi-step ordering so each lane moves once per round.
inline void keccakF1600(uint64_t* a) {
  for (int round = 0; round < 24; ++round) {
    uint64_t c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
    uint64_t c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
    uint64_t c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
    uint64_t c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
    uint64_t c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
    uint64_t d0 = c4 ^ std::rotl(c1, 1);
    uint64_t d1 = c0 ^ std::rotl(c2, 1);
    uint64_t d2 = c1 ^ std::rotl(c3, 1);
    uint64_t d3 = c2 ^ std::rotl(c4, 1);
    uint64_t d4 = c3 ^ std::rotl(c0, 1);

    // theta + rho + pi into b[x + 5y] = rotl(a[x', y'] ^ d, r)
    uint64_t b00 = a[0] ^ d0;
    uint64_t b10 = std::rotl(a[1] ^ d1, 1);
    uint64_t b20 = std::rotl(a[2] ^ d2, 62);
    uint64_t b05 = std::rotl(a[3] ^ d3, 28);
    uint64_t b15 = std::rotl(a[4] ^ d4, 27);
    uint64_t b16 = std::rotl(a[5] ^ d0, 36);
    uint64_t b01 = std::rotl(a[6] ^ d1, 44);
    uint64_t b11 = std::rotl(a[7] ^ d2, 6);
    uint64_t b21 = std::rotl(a[8] ^ d3, 55);
    uint64_t b06 = std::rotl(a[9] ^ d4, 20);
    uint64_t b07 = std::rotl(a[10] ^ d0, 3);
    uint64_t b17 = std::rotl(a[11] ^ d1, 10);
    uint64_t b02 = std::rotl(a[12] ^ d2, 43);
    uint64_t b12 = std::rotl(a[13] ^ d3, 25);
    uint64_t b22 = std::rotl(a[14] ^ d4, 39);
    uint64_t b23 = std::rotl(a[15] ^ d0, 41);
    uint64_t b08 = std::rotl(a[16] ^ d1, 45);
    uint64_t b18 = std::rotl(a[17] ^ d2, 15);
    uint64_t b03 = std::rotl(a[18] ^ d3, 21);
    uint64_t b13 = std::rotl(a[19] ^ d4, 8);
    uint64_t b14 = std::rotl(a[20] ^ d0, 18);
    uint64_t b24 = std::rotl(a[21] ^ d1, 2);
    uint64_t b09 = std::rotl(a[22] ^ d2, 61);
    uint64_t b19 = std::rotl(a[23] ^ d3, 56);
    uint64_t b04 = std::rotl(a[24] ^ d4, 14);

    // chi + iota; row y holds b0y..b4y in x order as named b{x}{y} below.
    a[0] = b00 ^ (~b01 & b02) ^ kRoundConstants[round];
    a[1] = b01 ^ (~b02 & b03);
    a[2] = b02 ^ (~b03 & b04);
    a[3] = b03 ^ (~b04 & b00);
    a[4] = b04 ^ (~b00 & b01);
    a[5] = b05 ^ (~b06 & b07);
    a[6] = b06 ^ (~b07 & b08);
    a[7] = b07 ^ (~b08 & b09);
    a[8] = b08 ^ (~b09 & b05);
    a[9] = b09 ^ (~b05 & b06);
    a[10] = b10 ^ (~b11 & b12);
    a[11] = b11 ^ (~b12 & b13);
    a[12] = b12 ^ (~b13 & b14);
    a[13] = b13 ^ (~b14 & b10);
    a[14] = b14 ^ (~b10 & b11);
    a[15] = b15 ^ (~b16 & b17);
    a[16] = b16 ^ (~b17 & b18);
    a[17] = b17 ^ (~b18 & b19);
    a[18] = b18 ^ (~b19 & b15);
    a[19] = b19 ^ (~b15 & b16);
    a[20] = b20 ^ (~b21 & b22);
    a[21] = b21 ^ (~b22 & b23);
    a[22] = b22 ^ (~b23 & b24);
    a[23] = b23 ^ (~b24 & b20);
    a[24] = b24 ^ (~b20 & b21);
  }
}

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
  s[8] = 0x01;                   // padding start right after the 64 input bytes
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
