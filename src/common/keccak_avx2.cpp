// 4-way Keccak-256 with AVX2: element j of every ymm vector is a lane of input j. Compiled with
// -mavx2; called only after cpuHasAvx2(). Includes no header with inline functions of external
// linkage, so no AVX2 code can leak into callers on other CPUs.
#include <immintrin.h>

#include <cstring>

#include "common/keccak_lanes.hpp"
#include "common/keccak_rounds.hpp"

namespace fpvm::keccak_detail {
namespace {

struct Ops {
  using V = __m256i;
  static V xor2(V a, V b) { return _mm256_xor_si256(a, b); }
  static V xor5(V a, V b, V c, V d, V e) {
    return _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256(a, b), _mm256_xor_si256(c, d)), e);
  }
  template <int n>
  static V rotl(V a) {
    if constexpr (n == 8) {  // whole-byte rotations are one byte shuffle
      return _mm256_shuffle_epi8(a, _mm256_setr_epi8(7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14, 7, 0, 1, 2, 3, 4, 5, 6,
                                                     15, 8, 9, 10, 11, 12, 13, 14));
    } else if constexpr (n == 56) {
      return _mm256_shuffle_epi8(a, _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1, 2, 3, 4, 5, 6, 7, 0,
                                                     9, 10, 11, 12, 13, 14, 15, 8));
    } else {
      return _mm256_or_si256(_mm256_slli_epi64(a, n), _mm256_srli_epi64(a, 64 - n));
    }
  }
  static V chi(V a, V b, V c) { return _mm256_xor_si256(a, _mm256_andnot_si256(b, c)); }  // a ^ (~b & c)
  static V xorConst(V a, uint64_t k) { return _mm256_xor_si256(a, _mm256_set1_epi64x(static_cast<long long>(k))); }
};

inline long long load64(const uint8_t* p) {
  long long v;
  std::memcpy(&v, p, 8);
  return v;
}

/// Lane at byte offset `off` of each of the 4 inputs.
inline __m256i gatherLane(const uint8_t* const* in, size_t off) {
  return _mm256_set_epi64x(load64(in[3] + off), load64(in[2] + off), load64(in[1] + off), load64(in[0] + off));
}

/// Lanes 0..3 of every state: the digests.
inline void scatterDigests(const __m256i* s, uint8_t* const* out) {
  alignas(32) uint64_t t[4][4];
  for (int i = 0; i < 4; ++i) _mm256_store_si256(reinterpret_cast<__m256i*>(t[i]), s[i]);
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 4; ++i) std::memcpy(out[j] + 8 * i, &t[i][j], 8);
}

}  // namespace

void of64x4Avx2(const uint8_t* const* in, uint8_t* const* out) {
  __m256i s[25];
  for (int i = 0; i < 8; ++i) s[i] = gatherLane(in, 8 * i);
  for (int i = 8; i < 25; ++i) s[i] = _mm256_setzero_si256();
  s[8] = _mm256_set1_epi64x(0x01);                                            // padding right after 64 bytes
  s[16] = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ULL));  // last bit of the block
  keccakRounds<Ops>(s);
  scatterDigests(s, out);
}

void spongex4Avx2(const uint8_t* const* in, size_t blocks, uint8_t* const* out) {
  __m256i s[25];
  for (int i = 0; i < 25; ++i) s[i] = _mm256_setzero_si256();
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t i = 0; i < kRate / 8; ++i) s[i] = _mm256_xor_si256(s[i], gatherLane(in, b * kRate + 8 * i));
    keccakRounds<Ops>(s);
  }
  scatterDigests(s, out);
}

}  // namespace fpvm::keccak_detail
