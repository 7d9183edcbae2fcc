/* crc.c — checksums: CRC-32 (bitwise, table, slicing-by-4), CRC-32C,
 * CRC-16/CCITT-FALSE, CRC-64/XZ, Adler-32, Fletcher-16, FNV-1a; catalogue
 * check values on "123456789" and agreement on generated data.
 * Exit status 0. */
#include "common.h"

static uint32_t crc32_bitwise(uint32_t poly, const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (poly & (0u - (c & 1)));
  }
  return ~c;
}

static uint32_t T[4][256];

static void crc32_tables(uint32_t poly) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    T[0][i] = c;
  }
  for (int t = 1; t < 4; t++)
    for (int i = 0; i < 256; i++) T[t][i] = (T[t - 1][i] >> 8) ^ T[0][T[t - 1][i] & 0xFF];
}

static uint32_t crc32_table(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) c = (c >> 8) ^ T[0][(c ^ p[i]) & 0xFF];
  return ~c;
}

static uint32_t crc32_slice4(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (; n >= 4; n -= 4, p += 4) {
    c ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    c = T[3][c & 0xFF] ^ T[2][(c >> 8) & 0xFF] ^ T[1][(c >> 16) & 0xFF] ^ T[0][c >> 24];
  }
  for (; n; n--, p++) c = (c >> 8) ^ T[0][(c ^ *p) & 0xFF];
  return ~c;
}

static uint16_t crc16_ccitt(const unsigned char *p, size_t n) {
  uint16_t c = 0xFFFF;
  for (size_t i = 0; i < n; i++) {
    c ^= (uint16_t)(p[i] << 8);
    for (int k = 0; k < 8; k++)
      c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
  }
  return c;
}

static uint64_t crc64_xz(const unsigned char *p, size_t n) {
  uint64_t c = ~0ull;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xC96C5795D7870F42ull & (0 - (c & 1)));
  }
  return ~c;
}

static uint32_t adler32(const unsigned char *p, size_t n) {
  uint32_t a = 1, b = 0;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

static uint16_t fletcher16(const unsigned char *p, size_t n) {
  uint16_t s1 = 0, s2 = 0;
  for (size_t i = 0; i < n; i++) {
    s1 = (uint16_t)((s1 + p[i]) % 255);
    s2 = (uint16_t)((s2 + s1) % 255);
  }
  return (uint16_t)(s2 << 8 | s1);
}

#define DATA_LEN (24 * 1024 + 3)
#define BITWISE_LEN 4096

int main(void) {
  const unsigned char *check = (const unsigned char *)"123456789";
  crc32_tables(0xEDB88320u);

  uint32_t c1 = crc32_bitwise(0xEDB88320u, check, 9);
  uint32_t c2 = crc32_table(check, 9);
  uint32_t c3 = crc32_slice4(check, 9);
  uint32_t c4 = crc32_bitwise(0x82F63B78u, check, 9);
  uint16_t c5 = crc16_ccitt(check, 9);
  uint64_t c6 = crc64_xz(check, 9);
  uint32_t a1 = adler32((const unsigned char *)"Wikipedia", 9);
  uint16_t f1 = fletcher16((const unsigned char *)"abcde", 5);
  uint64_t v1 = fnv1a64(FNV64_INIT, "a", 1);
  printf("crc32(\"123456789\")  = %08lx / %08lx / %08lx\n", (unsigned long)c1,
         (unsigned long)c2, (unsigned long)c3);
  printf("crc32c             = %08lx\n", (unsigned long)c4);
  printf("crc16/ccitt-false  = %04x\n", (unsigned)c5);
  printf("crc64/xz           = %016llx\n", (unsigned long long)c6);
  printf("adler32(Wikipedia) = %08lx\n", (unsigned long)a1);
  printf("fletcher16(abcde)  = %04x\n", (unsigned)f1);
  printf("fnv1a64(a)         = %016llx\n", (unsigned long long)v1);
  check_u64("crc32 bitwise", c1, 0xCBF43926u);
  check_u64("crc32 table", c2, 0xCBF43926u);
  check_u64("crc32 slice4", c3, 0xCBF43926u);
  check_u64("crc32c", c4, 0xE3069283u);
  check_u64("crc16", c5, 0x29B1);
  check_u64("crc64", c6, 0x995DC9BBDF1939FAull);
  check_u64("adler32", a1, 0x11E60398u);
  check_u64("fletcher16", f1, 0xC8F0);
  check_u64("fnv1a64", v1, 0xAF63DC4C8601EC8Cull);

  unsigned char *data = xmalloc(DATA_LEN);
  rng_seed(0x435243333200ull);
  for (size_t i = 0; i < DATA_LEN; i += 8) {
    uint64_t r = rng_next();
    for (size_t k = 0; k < 8 && i + k < DATA_LEN; k++) data[i + k] = (unsigned char)(r >> (8 * k));
  }
  uint32_t d_table = crc32_table(data, DATA_LEN);
  uint32_t d_slice = crc32_slice4(data, DATA_LEN);
  uint32_t d_bit = crc32_bitwise(0xEDB88320u, data, BITWISE_LEN);
  uint32_t d_bit_t = crc32_table(data, BITWISE_LEN);
  uint32_t d_adler = adler32(data, DATA_LEN);
  uint16_t d_fl = fletcher16(data, DATA_LEN);
  uint64_t d_fnv = fnv1a64(FNV64_INIT, data, DATA_LEN);
  uint64_t d_c64 = crc64_xz(data, BITWISE_LEN);
  printf("data[%d]: crc32 %08lx adler32 %08lx fletcher16 %04x fnv %016llx\n",
         DATA_LEN, (unsigned long)d_table, (unsigned long)d_adler, (unsigned)d_fl,
         (unsigned long long)d_fnv);
  printf("data[%d]: crc32 %08lx crc64 %016llx\n", BITWISE_LEN, (unsigned long)d_bit,
         (unsigned long long)d_c64);
  check_u64("slice4 == table", d_slice, d_table);
  check_u64("bitwise == table", d_bit, d_bit_t);
  check_u64("data crc32", d_table, 0x22D61FAFu);
  check_u64("data adler32", d_adler, 0x43E70398u);

  /* CRC of every prefix: crc32 is linear, so incremental checks help. */
  uint32_t fold = 0;
  for (size_t n = 0; n < 300; n++) fold = fold * 31 + crc32_slice4(data, n);
  printf("prefix fold %08lx\n", (unsigned long)fold);
  check_u64("prefix fold", fold, 0xBC01F062u);

  free(data);
  return finish(0);
}
