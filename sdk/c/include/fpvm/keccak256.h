/* fpvm/keccak256.h — Keccak-256 (Ethereum flavour: padding byte 0x01), header-only, freestanding.
 *
 *   fpvm_keccak256(data, n, out)                      one shot
 *   fpvm_keccak_init / fpvm_keccak_update / fpvm_keccak_final   streaming
 *
 * Keccak-f[1600] and the sponge. Lanes are little-endian 64-bit words: bytes go in and out through
 * shifts, so the same code is right on RISC-V (little-endian) and MIPS64 (big-endian). */
#ifndef FPVM_KECCAK256_H
#define FPVM_KECCAK256_H

#include <stddef.h>
#include <stdint.h>

#define FPVM_KECCAK_RATE 136

/* A running Keccak-256 hash. */
typedef struct {
  uint64_t lanes[25];
  size_t pos; /* bytes absorbed into the current block */
} fpvm_keccak_ctx;

static const uint64_t fpvm_keccak_round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offset of lane x + 5y (rho). */
static const uint8_t fpvm_keccak_rho[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

/* r == 0 is folded away once the loops below are unrolled. */
static inline uint64_t fpvm_keccak_rotl(uint64_t x, unsigned r) { return r ? (x << r) | (x >> (64 - r)) : x; }

/* The loops are fully unrolled so that every index and rotation is a constant and the
 * temporaries live in registers: about 3x fewer instructions than the rolled form. */
static __attribute__((noinline, unused)) void fpvm_keccak_f1600(uint64_t a[25]) {
  uint64_t b[25], c[5], d[5];
  for (int round = 0; round < 24; ++round) {
    /* theta */
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ fpvm_keccak_rotl(c[(x + 1) % 5], 1);
    /* rho and pi: lane (x, y) moves to (y, 2x + 3y) */
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      int x = i % 5, y = i / 5;
      b[y + 5 * ((2 * x + 3 * y) % 5)] = fpvm_keccak_rotl(a[i] ^ d[x], fpvm_keccak_rho[i]);
    }
    /* chi */
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      int x = i % 5, row = i - x;
      a[i] = b[i] ^ (~b[row + (x + 1) % 5] & b[row + (x + 2) % 5]);
    }
    /* iota */
    a[0] ^= fpvm_keccak_round_constants[round];
  }
}

static inline void fpvm_keccak_init(fpvm_keccak_ctx *c) {
  for (int i = 0; i < 25; ++i) c->lanes[i] = 0;
  c->pos = 0;
}

/* Byte i of the state in Keccak's little-endian lane order, whatever the host's byte order. */
static inline void fpvm_keccak_xor_byte(fpvm_keccak_ctx *c, size_t i, uint8_t b) {
  c->lanes[i >> 3] ^= (uint64_t)b << (8 * (i & 7));
}
static inline uint8_t fpvm_keccak_state_byte(const fpvm_keccak_ctx *c, size_t i) { return (uint8_t)(c->lanes[i >> 3] >> (8 * (i & 7))); }

static inline void fpvm_keccak_update(fpvm_keccak_ctx *c, const void *data, size_t n) {
  const uint8_t *in = (const uint8_t *)data;
  while (n > 0) {
    /* Whole aligned lanes at a time when possible. */
    if ((c->pos & 7) == 0 && n >= 8) {
      uint64_t w = 0;
      for (int k = 7; k >= 0; --k) w = (w << 8) | in[k];
      c->lanes[c->pos >> 3] ^= w;
      c->pos += 8;
      in += 8;
      n -= 8;
    } else {
      fpvm_keccak_xor_byte(c, c->pos++, *in++);
      --n;
    }
    if (c->pos == FPVM_KECCAK_RATE) {
      fpvm_keccak_f1600(c->lanes);
      c->pos = 0;
    }
  }
}

static inline void fpvm_keccak_final(fpvm_keccak_ctx *c, uint8_t out[32]) {
  fpvm_keccak_xor_byte(c, c->pos, 0x01);
  fpvm_keccak_xor_byte(c, FPVM_KECCAK_RATE - 1, 0x80);
  fpvm_keccak_f1600(c->lanes);
  for (unsigned i = 0; i < 32; ++i) out[i] = fpvm_keccak_state_byte(c, i);
}

static inline void fpvm_keccak256(const void *data, size_t n, uint8_t out[32]) {
  fpvm_keccak_ctx c;
  fpvm_keccak_init(&c);
  fpvm_keccak_update(&c, data, n);
  fpvm_keccak_final(&c, out);
}

#endif /* FPVM_KECCAK256_H */
