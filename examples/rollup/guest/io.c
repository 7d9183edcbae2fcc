#include "io.h"

#include "keccak.h"
#include "sys.h"

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

uint64_t get_be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void put_be64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

/* ---- buffered stdout ---- */

static char out_buf[512];
static size_t out_len;

static void write_all(int fd, const void *data, size_t n) {
  const uint8_t *p = (const uint8_t *)data;
  while (n > 0) {
    long w = sys_write(fd, p, n);
    if (w <= 0) sys_exit(EXIT_BAD_ORACLE);
    p += w;
    n -= (size_t)w;
  }
}

void out_flush(void) {
  if (out_len) write_all(FD_STDOUT, out_buf, out_len);
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
  sys_exit(code);
}

/* ---- hints (spec §5.4) ---- */

static char hint_text[128];

/* The hint body goes out in its own write, after the length prefix; between the two writes the
 * VM holds an incomplete hint in LastHint. Kept out of line so a run log names it. */
__attribute__((noinline)) void hint_send_body(const char *text, size_t n) { write_all(FD_HINT_WRITE, text, n); }

void hint_hash(const char *kind, const uint8_t hash[32]) {
  size_t n = 0;
  while (*kind) hint_text[n++] = *kind++;
  hint_text[n++] = ' ';
  hint_text[n++] = '0';
  hint_text[n++] = 'x';
  for (int i = 0; i < 32; ++i) {
    hint_text[n++] = hex_digits[hash[i] >> 4];
    hint_text[n++] = hex_digits[hash[i] & 15];
  }
  uint8_t prefix[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
  write_all(FD_HINT_WRITE, prefix, 4);
  hint_send_body(hint_text, n);
  uint8_t ack;
  if (sys_read(FD_HINT_READ, &ack, 1) != 1) panic(EXIT_BAD_ORACLE, "hint ack failed");
}

/* ---- preimage oracle (spec §5.2, §5.3) ---- */

static void read_exact(uint8_t *buf, size_t n) {
  while (n > 0) {
    long r = sys_read(FD_PREIMAGE_READ, buf, n);
    if (r <= 0) panic(EXIT_BAD_ORACLE, "preimage read failed");
    buf += r;
    n -= (size_t)r;
  }
}

size_t preimage_get(const uint8_t key[32], uint8_t *buf, size_t cap) {
  /* Key writes stop at 32-byte boundaries of the buffer: loop until all 32 bytes are in. */
  write_all(FD_PREIMAGE_WRITE, key, 32);
  uint8_t len_be[8];
  read_exact(len_be, 8);
  uint64_t len = get_be64(len_be);
  if (len > cap) panic(EXIT_BAD_DATA, "preimage larger than its buffer");
  read_exact(buf, (size_t)len);
  return (size_t)len;
}

size_t local_get(uint64_t index, uint8_t *buf, size_t cap) {
  uint8_t key[32];
  memset(key, 0, sizeof key);
  key[0] = 1;
  put_be64(key + 24, index);
  return preimage_get(key, buf, cap);
}

size_t keccak_preimage_get(const char *kind, const uint8_t hash[32], uint8_t *buf, size_t cap) {
  uint8_t key[32];
  memcpy(key, hash, 32);
  key[0] = 2;
  hint_hash(kind, hash);
  size_t n = preimage_get(key, buf, cap);
  /* The host checks the value against its key already; a fault-proof program trusts nothing. */
  uint8_t check[32];
  keccak256(buf, n, check);
  if (memcmp(check, hash, 32) != 0) panic(EXIT_BAD_ORACLE, "preimage does not match its hash");
  return n;
}
