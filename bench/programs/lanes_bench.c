/* 64-bit lane kernels: Keccak-f[1600] permutations (xor, and-not, rotates of 64-bit lanes) and
 * SipHash-2-4 (add-rotate-xor rounds), both chained so nothing can be hoisted. RV64IM has no
 * rotate instruction: every rotate is two shifts and an or, as in real fault-proof programs that
 * hash with Keccak. */
#include "bench_util.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

static const uint64_t RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};
static const unsigned ROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static void keccakf(uint64_t a[25]) {
  for (int round = 0; round < 24; round++) {
    uint64_t c[5], d[5], b[25];
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ ROTL(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++) {
        const unsigned r = ROT[x + 5 * y];
        b[y + 5 * ((2 * x + 3 * y) % 5)] = r ? ROTL(a[x + 5 * y], r) : a[x + 5 * y];
      }
    for (int y = 0; y < 25; y += 5)
      for (int x = 0; x < 5; x++) a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
    a[0] ^= RC[round];
  }
}

#define SIPROUND                                                   \
  do {                                                             \
    v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);      \
    v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                         \
    v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                         \
    v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);      \
  } while (0)

static uint64_t siphash24(uint64_t k0, uint64_t k1, const uint64_t *m, int words) {
  uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
  uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
  for (int i = 0; i < words; i++) {
    v3 ^= m[i];
    SIPROUND;
    SIPROUND;
    v0 ^= m[i];
  }
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

int main(void) {
  uint64_t st[25];
  for (int i = 0; i < 25; i++) st[i] = bench_rand();
  for (int i = 0; i < 150000; i++) keccakf(st);
  uint64_t msg[64];
  for (int i = 0; i < 64; i++) msg[i] = bench_rand();
  uint64_t h = st[0];
  for (int i = 0; i < 250000; i++) {
    h = siphash24(h, st[i % 25], msg, 64);
    msg[i % 64] ^= h;
  }
  bench_report("lanes", st[0] ^ st[12] ^ st[24] ^ h);
  return 0;
}
