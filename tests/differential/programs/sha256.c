/* sha256.c — SHA-256 (FIPS 180-4): standard test vectors, streaming vs
 * one-shot over generated data, and a hash chain. Exit status 0. */
#include "common.h"

typedef struct {
  uint32_t h[8];
  uint64_t len; /* bytes hashed so far */
  unsigned char buf[64];
  size_t fill;
} sha256_ctx;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t rotr(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = hh + S1 + ch + K[i] + w[i];
    uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = S0 + maj;
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

static void sha256_init(sha256_ctx *c) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                 0xa54ff53a, 0x510e527f, 0x9b05688c,
                                 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, iv, sizeof iv);
  c->len = 0;
  c->fill = 0;
}

static void sha256_update(sha256_ctx *c, const void *data, size_t n) {
  const unsigned char *p = data;
  c->len += n;
  if (c->fill > 0) {
    size_t take = 64 - c->fill;
    if (take > n) take = n;
    memcpy(c->buf + c->fill, p, take);
    c->fill += take;
    p += take;
    n -= take;
    if (c->fill < 64) return;
    sha256_block(c->h, c->buf);
    c->fill = 0;
  }
  for (; n >= 64; n -= 64, p += 64) sha256_block(c->h, p);
  memcpy(c->buf, p, n);
  c->fill = n;
}

static void sha256_final(sha256_ctx *c, unsigned char out[32]) {
  uint64_t bits = c->len * 8;
  unsigned char pad[72];
  size_t padlen = (c->fill < 56) ? 56 - c->fill : 120 - c->fill;
  memset(pad, 0, sizeof pad);
  pad[0] = 0x80;
  for (int i = 0; i < 8; i++) pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
  sha256_update(c, pad, padlen + 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (unsigned char)(c->h[i] >> 24);
    out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
    out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
    out[4 * i + 3] = (unsigned char)c->h[i];
  }
}

static void sha256(const void *data, size_t n, unsigned char out[32]) {
  sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, data, n);
  sha256_final(&c, out);
}

static void vector(const char *name, const char *msg, const char *want) {
  unsigned char d[32];
  char hex[65];
  sha256(msg, strlen(msg), d);
  to_hex(hex, d, 32);
  printf("sha256(%s) = %s\n", name, hex);
  check_str(name, hex, want);
}

#define DATA_LEN (8 * 1024 + 17)

int main(void) {
  vector("\"\"", "",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  vector("\"abc\"", "abc",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  vector("448-bit", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  vector("896-bit",
         "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

  /* Generated data: one-shot and streamed in ragged pieces must agree. */
  unsigned char *data = xmalloc(DATA_LEN);
  rng_seed(0x5348413235360000ull);
  for (size_t i = 0; i < DATA_LEN; i++) data[i] = (unsigned char)(rng_next() >> 56);

  unsigned char d1[32], d2[32];
  char hex[65];
  sha256(data, DATA_LEN, d1);
  sha256_ctx c;
  sha256_init(&c);
  static const size_t pieces[] = {1, 7, 63, 64, 65, 127, 128, 129, 1000, 3};
  size_t off = 0;
  for (int k = 0; off < DATA_LEN; k++) {
    size_t n = pieces[k % 10];
    if (n > DATA_LEN - off) n = DATA_LEN - off;
    sha256_update(&c, data + off, n);
    off += n;
  }
  sha256_final(&c, d2);
  to_hex(hex, d1, 32);
  printf("sha256(data[%d]) = %s\n", DATA_LEN, hex);
  check_true("streamed == one-shot", memcmp(d1, d2, 32) == 0);
  check_str("generated data digest", hex,
            "4cbe9685e884153e696676f993775e86437a55ad9f37310131083fbd652d3658");

  /* Every prefix length 0..130 of the data, folded into one digest. */
  sha256_ctx all;
  sha256_init(&all);
  for (size_t n = 0; n <= 130; n++) {
    sha256(data, n, d1);
    sha256_update(&all, d1, 32);
  }
  sha256_final(&all, d1);
  to_hex(hex, d1, 32);
  printf("prefix digests     = %s\n", hex);
  check_str("prefix digests", hex,
            "52ea6f71e2b9b2f8ff5f88b3c5a1d9282dff1fa3c24815629336c5bbfb978dcc");

  /* Hash chain. */
  memset(d1, 0, 32);
  for (int i = 0; i < 300; i++) sha256(d1, 32, d1);
  to_hex(hex, d1, 32);
  printf("chain(300)         = %s\n", hex);
  check_str("hash chain", hex,
            "7f3d43ae9cb555192e60c2f12eb7bbd3550ad4c613463a25f5a58d9d39bbaeb6");

  free(data);
  return finish(0);
}
