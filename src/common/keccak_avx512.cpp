// 8-way Keccak-256 with AVX-512F: element j of every zmm vector is a lane of input j. Compiled
// with -mavx512f; called only after cpuHasAvx512(). Includes no header with inline functions of
// external linkage, so no AVX-512 code can leak into callers on other CPUs.
#include <immintrin.h>

#include <cstring>

#include "common/keccak_lanes.hpp"
#include "common/keccak_rounds.hpp"

namespace fpvm::keccak_detail {
namespace {

struct Ops {
  using V = __m512i;
  static V xor2(V a, V b) { return _mm512_xor_si512(a, b); }
  static V xor5(V a, V b, V c, V d, V e) {
    return _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a, b, c, 0x96), d, e, 0x96);  // 0x96: a ^ b ^ c
  }
  template <int n>
  static V rotl(V a) {
    // The zero-masked form with a full mask is plain vprolq; GCC 12 warns about the unmasked
    // intrinsic's undefined source operand (-Wuninitialized false positive).
    return _mm512_maskz_rol_epi64(static_cast<__mmask8>(0xFF), a, n);
  }
  static V chi(V a, V b, V c) { return _mm512_ternarylogic_epi64(a, b, c, 0xD2); }  // 0xD2: a ^ (~b & c)
  static V xorConst(V a, uint64_t k) { return _mm512_xor_si512(a, _mm512_set1_epi64(static_cast<long long>(k))); }
};

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

/// Lane at byte offset `off` of each of the 8 inputs.
inline __m512i gatherLane(const uint8_t* const* in, size_t off) {
  return _mm512_set_epi64(static_cast<long long>(load64(in[7] + off)), static_cast<long long>(load64(in[6] + off)),
                          static_cast<long long>(load64(in[5] + off)), static_cast<long long>(load64(in[4] + off)),
                          static_cast<long long>(load64(in[3] + off)), static_cast<long long>(load64(in[2] + off)),
                          static_cast<long long>(load64(in[1] + off)), static_cast<long long>(load64(in[0] + off)));
}

/// Lanes 0..3 of every state: the digests.
inline void scatterDigests(const __m512i* s, uint8_t* const* out) {
  alignas(64) uint64_t t[4][8];
  for (int i = 0; i < 4; ++i) _mm512_store_si512(t[i], s[i]);
  for (int j = 0; j < 8; ++j)
    for (int i = 0; i < 4; ++i) std::memcpy(out[j] + 8 * i, &t[i][j], 8);
}

}  // namespace

void of64x8Avx512(const uint8_t* const* in, uint8_t* const* out) {
  __m512i s[25];
  for (int i = 0; i < 8; ++i) s[i] = gatherLane(in, 8 * i);
  for (int i = 8; i < 25; ++i) s[i] = _mm512_setzero_si512();
  s[8] = _mm512_set1_epi64(0x01);                                            // padding right after 64 bytes
  s[16] = _mm512_set1_epi64(static_cast<long long>(0x8000000000000000ULL));  // last bit of the block
  keccakRounds<Ops>(s);
  scatterDigests(s, out);
}

void spongex8Avx512(const uint8_t* const* in, size_t blocks, uint8_t* const* out) {
  __m512i s[25];
  for (int i = 0; i < 25; ++i) s[i] = _mm512_setzero_si512();
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t i = 0; i < kRate / 8; ++i) s[i] = _mm512_xor_si512(s[i], gatherLane(in, b * kRate + 8 * i));
    keccakRounds<Ops>(s);
  }
  scatterDigests(s, out);
}

}  // namespace fpvm::keccak_detail
