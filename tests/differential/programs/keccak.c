/* keccak.c — Keccak-f[1600] sponge: Ethereum keccak-256 (pad 0x01) and
 * FIPS-202 SHA3-256 (pad 0x06). Test vectors, generated data, a hash chain
 * and a tiny Merkle tree. Exit status 0. */
#include "common.h"

static const uint64_t RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull,
    0x8000000080008000ull, 0x000000000000808Bull, 0x0000000080000001ull,
    0x8000000080008081ull, 0x8000000000008009ull, 0x000000000000008Aull,
    0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull,
    0x8000000000008003ull, 0x8000000000008002ull, 0x8000000000000080ull,
    0x000000000000800Aull, 0x800000008000000Aull, 0x8000000080008081ull,
    0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

/* Rotation offsets r[x + 5y]. */
static const int ROT[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                            25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

/* rho + pi destination: lane i = x + 5y moves to y + 5((2x + 3y) mod 5). */
static const unsigned char PI_DST[25] = {0,  10, 20, 5,  15, 16, 1,  11, 21,
                                         6,  7,  17, 2,  12, 22, 23, 8,  18,
                                         3,  13, 14, 24, 9,  19, 4};

static inline uint64_t rotl64(uint64_t v, int n) {
  return (v << n) | (v >> ((64 - n) & 63)); /* n in [0, 63] */
}

static void keccak_f(uint64_t a[25]) {
  uint64_t b[25];
  for (int round = 0; round < 24; round++) {
    /* theta */
    uint64_t c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
    uint64_t c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
    uint64_t c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
    uint64_t c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
    uint64_t c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
    uint64_t d0 = c4 ^ rotl64(c1, 1), d1 = c0 ^ rotl64(c2, 1);
    uint64_t d2 = c1 ^ rotl64(c3, 1), d3 = c2 ^ rotl64(c4, 1);
    uint64_t d4 = c3 ^ rotl64(c0, 1);
    for (int y = 0; y < 25; y += 5) {
      a[y] ^= d0;
      a[y + 1] ^= d1;
      a[y + 2] ^= d2;
      a[y + 3] ^= d3;
      a[y + 4] ^= d4;
    }
    /* rho + pi */
    for (int i = 0; i < 25; i++) b[PI_DST[i]] = rotl64(a[i], ROT[i]);
    /* chi */
    for (int y = 0; y < 25; y += 5) {
      uint64_t b0 = b[y], b1 = b[y + 1], b2 = b[y + 2], b3 = b[y + 3],
               b4 = b[y + 4];
      a[y] = b0 ^ (~b1 & b2);
      a[y + 1] = b1 ^ (~b2 & b3);
      a[y + 2] = b2 ^ (~b3 & b4);
      a[y + 3] = b3 ^ (~b4 & b0);
      a[y + 4] = b4 ^ (~b0 & b1);
    }
    /* iota */
    a[0] ^= RC[round];
  }
}

#define RATE 136 /* bytes, for 256-bit output */

static void sponge256(const void *data, size_t n, unsigned char pad,
                      unsigned char out[32]) {
  uint64_t st[25];
  memset(st, 0, sizeof st);
  const unsigned char *p = data;
  unsigned char block[RATE];
  for (;;) {
    size_t take = n < RATE ? n : RATE;
    memset(block, 0, RATE);
    memcpy(block, p, take);
    int last = take < RATE;
    if (last) {
      block[take] ^= pad;
      block[RATE - 1] ^= 0x80;
    }
    for (int i = 0; i < RATE / 8; i++) {
      uint64_t lane = 0;
      for (int k = 7; k >= 0; k--) lane = (lane << 8) | block[8 * i + k];
      st[i] ^= lane;
    }
    keccak_f(st);
    if (last) break;
    p += take;
    n -= take;
  }
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 8; k++) out[8 * i + k] = (unsigned char)(st[i] >> (8 * k));
}

static void keccak256(const void *d, size_t n, unsigned char out[32]) {
  sponge256(d, n, 0x01, out);
}
static void sha3_256(const void *d, size_t n, unsigned char out[32]) {
  sponge256(d, n, 0x06, out);
}

static void vector(const char *name, int sha3, const char *msg,
                   const char *want) {
  unsigned char d[32];
  char hex[65];
  if (sha3)
    sha3_256(msg, strlen(msg), d);
  else
    keccak256(msg, strlen(msg), d);
  to_hex(hex, d, 32);
  printf("%s = %s\n", name, hex);
  check_str(name, hex, want);
}

#define DATA_LEN 3000

int main(void) {
  vector("keccak256(\"\")   ", 0, "",
         "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  vector("keccak256(\"abc\")", 0, "abc",
         "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  vector("sha3_256(\"\")    ", 1, "",
         "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  vector("sha3_256(\"abc\") ", 1, "abc",
         "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");

  unsigned char *data = xmalloc(DATA_LEN);
  rng_seed(0x4b454343414bull);
  for (size_t i = 0; i < DATA_LEN; i++) data[i] = (unsigned char)rng_next();

  unsigned char d[32];
  char hex[65];
  /* Lengths around the rate boundary exercise the padding corner cases
   * (pad byte and final 0x80 in the same byte at length RATE-1). */
  static const size_t lens[] = {0, 1, 135, 136, 137, 271, 272, 273, DATA_LEN};
  unsigned char fold[32 * 9];
  for (int i = 0; i < 9; i++) {
    sha3_256(data, lens[i], fold + 32 * i);
    to_hex(hex, fold + 32 * i, 32);
    printf("sha3_256(data[%4d]) = %s\n", (int)lens[i], hex);
  }
  sha3_256(fold, sizeof fold, d);
  to_hex(hex, d, 32);
  check_str("sha3 of generated data", hex,
            "0c29370c85d3311f3ae8b53cdec3d285e89c6a1cb5a5068b884cc9a8255077b7");

  keccak256(data, DATA_LEN, d);
  to_hex(hex, d, 32);
  printf("keccak256(data)     = %s\n", hex);
  check_str("keccak256 of generated data", hex,
            "34cb0c17d20681c5f84bedf398a22d54d7a947df3aeecab59a6a52b416770d7a");

  /* Hash chain. */
  memset(d, 0, 32);
  for (int i = 0; i < 150; i++) keccak256(d, 32, d);
  to_hex(hex, d, 32);
  printf("keccak chain(150)   = %s\n", hex);
  check_str("keccak chain", hex,
            "849af93d08892c79badb7c8352bd908bcd9f863b6b7aa6f6a404ad81372d4eba");

  /* Merkle root over 32 leaves of 32 bytes (keccak256(left || right)). */
  unsigned char nodes[32][32];
  for (int i = 0; i < 32; i++) keccak256(data + 32 * i, 32, nodes[i]);
  for (int width = 32; width > 1; width /= 2)
    for (int i = 0; i < width / 2; i++) keccak256(nodes[2 * i], 64, nodes[i]);
  to_hex(hex, nodes[0], 32);
  printf("merkle root(32)     = %s\n", hex);
  check_str("merkle root", hex,
            "f519ef9bc8b39b8ab8a34e7e147deb68fbc014a103688e8e1eb02872418215ac");

  free(data);
  return finish(0);
}
