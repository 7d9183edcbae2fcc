#pragma once
/// The 24 rounds of Keccak-f[1600] written once over an abstract lane type, so the scalar
/// permutation and the 4-way/8-way SIMD ones (one lane of each input per vector element) share
/// one definition. Internal to src/common: each backend instantiates it with its own `Ops`
/// (declared in an anonymous namespace, so no instantiation is shared between translation units
/// compiled with different instruction-set flags).
#include <cstdint>

namespace fpvm::keccak_detail {

/// Round constants of the iota step (FIPS 202 §3.2.5).
inline constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

/// Keccak-f[1600] on 25 lanes `a[x + 5y]` of type `Ops::V`. `Ops` provides, as static functions:
/// `xor2(a, b)`, `xor5(a, b, c, d, e)`, `rotl<n>(a)` (0 < n < 64), `chi(a, b, c)` = a ^ (~b & c),
/// and `xorConst(a, k)` (k broadcast to every element).
template <class Ops>
inline void keccakRounds(typename Ops::V* state) {
  using V = typename Ops::V;
  // A local copy whose address never escapes lives in registers across the rounds (the SIMD
  // versions otherwise load and store all 25 vectors through `state` every round).
  V a[25];
  for (int i = 0; i < 25; ++i) a[i] = state[i];
  for (int round = 0; round < 24; ++round) {
    const V c0 = Ops::xor5(a[0], a[5], a[10], a[15], a[20]);
    const V c1 = Ops::xor5(a[1], a[6], a[11], a[16], a[21]);
    const V c2 = Ops::xor5(a[2], a[7], a[12], a[17], a[22]);
    const V c3 = Ops::xor5(a[3], a[8], a[13], a[18], a[23]);
    const V c4 = Ops::xor5(a[4], a[9], a[14], a[19], a[24]);
    const V d0 = Ops::xor2(c4, Ops::template rotl<1>(c1));
    const V d1 = Ops::xor2(c0, Ops::template rotl<1>(c2));
    const V d2 = Ops::xor2(c1, Ops::template rotl<1>(c3));
    const V d3 = Ops::xor2(c2, Ops::template rotl<1>(c4));
    const V d4 = Ops::xor2(c3, Ops::template rotl<1>(c0));

    // theta + rho + pi into b{x}{y}: each lane moves once per round.
    const V b00 = Ops::xor2(a[0], d0);
    const V b10 = Ops::template rotl<1>(Ops::xor2(a[1], d1));
    const V b20 = Ops::template rotl<62>(Ops::xor2(a[2], d2));
    const V b05 = Ops::template rotl<28>(Ops::xor2(a[3], d3));
    const V b15 = Ops::template rotl<27>(Ops::xor2(a[4], d4));
    const V b16 = Ops::template rotl<36>(Ops::xor2(a[5], d0));
    const V b01 = Ops::template rotl<44>(Ops::xor2(a[6], d1));
    const V b11 = Ops::template rotl<6>(Ops::xor2(a[7], d2));
    const V b21 = Ops::template rotl<55>(Ops::xor2(a[8], d3));
    const V b06 = Ops::template rotl<20>(Ops::xor2(a[9], d4));
    const V b07 = Ops::template rotl<3>(Ops::xor2(a[10], d0));
    const V b17 = Ops::template rotl<10>(Ops::xor2(a[11], d1));
    const V b02 = Ops::template rotl<43>(Ops::xor2(a[12], d2));
    const V b12 = Ops::template rotl<25>(Ops::xor2(a[13], d3));
    const V b22 = Ops::template rotl<39>(Ops::xor2(a[14], d4));
    const V b23 = Ops::template rotl<41>(Ops::xor2(a[15], d0));
    const V b08 = Ops::template rotl<45>(Ops::xor2(a[16], d1));
    const V b18 = Ops::template rotl<15>(Ops::xor2(a[17], d2));
    const V b03 = Ops::template rotl<21>(Ops::xor2(a[18], d3));
    const V b13 = Ops::template rotl<8>(Ops::xor2(a[19], d4));
    const V b14 = Ops::template rotl<18>(Ops::xor2(a[20], d0));
    const V b24 = Ops::template rotl<2>(Ops::xor2(a[21], d1));
    const V b09 = Ops::template rotl<61>(Ops::xor2(a[22], d2));
    const V b19 = Ops::template rotl<56>(Ops::xor2(a[23], d3));
    const V b04 = Ops::template rotl<14>(Ops::xor2(a[24], d4));

    // chi + iota; row y holds b0y..b4y.
    a[0] = Ops::xorConst(Ops::chi(b00, b01, b02), kRoundConstants[round]);
    a[1] = Ops::chi(b01, b02, b03);
    a[2] = Ops::chi(b02, b03, b04);
    a[3] = Ops::chi(b03, b04, b00);
    a[4] = Ops::chi(b04, b00, b01);
    a[5] = Ops::chi(b05, b06, b07);
    a[6] = Ops::chi(b06, b07, b08);
    a[7] = Ops::chi(b07, b08, b09);
    a[8] = Ops::chi(b08, b09, b05);
    a[9] = Ops::chi(b09, b05, b06);
    a[10] = Ops::chi(b10, b11, b12);
    a[11] = Ops::chi(b11, b12, b13);
    a[12] = Ops::chi(b12, b13, b14);
    a[13] = Ops::chi(b13, b14, b10);
    a[14] = Ops::chi(b14, b10, b11);
    a[15] = Ops::chi(b15, b16, b17);
    a[16] = Ops::chi(b16, b17, b18);
    a[17] = Ops::chi(b17, b18, b19);
    a[18] = Ops::chi(b18, b19, b15);
    a[19] = Ops::chi(b19, b15, b16);
    a[20] = Ops::chi(b20, b21, b22);
    a[21] = Ops::chi(b21, b22, b23);
    a[22] = Ops::chi(b22, b23, b24);
    a[23] = Ops::chi(b23, b24, b20);
    a[24] = Ops::chi(b24, b20, b21);
  }
  for (int i = 0; i < 25; ++i) state[i] = a[i];
}

}  // namespace fpvm::keccak_detail
