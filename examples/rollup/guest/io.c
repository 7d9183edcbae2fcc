#include "io.h"

/* ---- freestanding libc pieces the compiler may call ---- */

void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = (uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = (uint8_t *)dst;
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* ---- buffered stdout ---- */

static char out_buf[512];
static size_t out_len;

static void write_all(int fd, const void *data, size_t n) {
  if (fpvm_write_all(fd, data, n) != 0) fpvm_exit(EXIT_BAD_ORACLE);
}

void out_flush(void) {
  if (out_len) write_all(FPVM_FD_STDOUT, out_buf, out_len);
  out_len = 0;
}

static void out_char(char c) {
  if (out_len == sizeof out_buf) out_flush();
  out_buf[out_len++] = c;
  if (c == '\n') out_flush();
}

void out_str(const char *s) {
  while (*s) out_char(*s++);
}

void out_u64(uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) out_char(tmp[--n]);
}

static const char hex_digits[] = "0123456789abcdef";

void out_hex(const uint8_t *p, size_t n) {
  out_str("0x");
  for (size_t i = 0; i < n; ++i) {
    out_char(hex_digits[p[i] >> 4]);
    out_char(hex_digits[p[i] & 15]);
  }
}

void panic(int code, const char *msg) {
  out_str("panic: ");
  out_str(msg);
  out_char('\n');
  out_flush();
  fpvm_exit(code);
}

/* ---- the oracle (sdk/c/include/fpvm/oracle.h) ---- */

static size_t checked(int64_t n) {
  if (n == FPVM_ORACLE_ETOOBIG) panic(EXIT_BAD_DATA, "preimage larger than its buffer");
  if (n < 0) panic(EXIT_BAD_ORACLE, fpvm_oracle_error_name(n));
  return (size_t)n;
}

size_t local_get(uint64_t index, uint8_t *buf, size_t cap) { return checked(fpvm_local_get(index, buf, cap)); }

size_t keccak_preimage_get(const char *kind, const uint8_t hash[32], uint8_t *buf, size_t cap) {
  return checked(fpvm_keccak256_get_hinted(kind, hash, buf, cap));
}
