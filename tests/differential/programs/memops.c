/* memops.c — libc memory/string functions (memcpy, memmove in both
 * directions, memset, memcmp, memchr, strlen, strcpy, strncmp) at every
 * combination of source/destination alignment and many lengths, checked
 * against byte-at-a-time reference loops, with guard bytes around every
 * destination. (On the guest these are the runtime's word-wise versions.)
 * Exit status 0. */
#include "common.h"

#define BUF 192
#define GUARD 0xA5

static unsigned char src_buf[BUF], dst_buf[BUF], ref_buf[BUF];

static void fill(unsigned char *p, size_t n, uint64_t seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    p[i] = (unsigned char)(seed >> 56);
  }
}

static int errors;

static void expect_same(const char *what, size_t len, int so, int doff) {
  if (memcmp(dst_buf, ref_buf, BUF) != 0) {
    if (errors < 10)
      fprintf(stderr, "FAIL %s len %u src+%d dst+%d\n", what, (unsigned)len, so, doff);
    errors++;
  }
}

int main(void) {
  uint64_t h = FNV64_INIT;
  int cases = 0;
  static const size_t lens[] = {0, 1, 3, 7, 8, 9, 16, 31, 33, 64, 127};
  const int nlens = (int)(sizeof lens / sizeof lens[0]);

  for (int li = 0; li < nlens; li++) {
    size_t len = lens[li];
    for (int so = 0; so < 8; so++)
      for (int doff = 0; doff < 8; doff++) {
        cases++;
        fill(src_buf, BUF, (uint64_t)(li * 64 + so * 8 + doff));
        /* memcpy */
        memset(dst_buf, GUARD, BUF);
        memset(ref_buf, GUARD, BUF);
        memcpy(dst_buf + 16 + doff, src_buf + 16 + so, len);
        for (size_t i = 0; i < len; i++) ref_buf[16 + doff + i] = src_buf[16 + so + i];
        expect_same("memcpy", len, so, doff);

        /* memmove, overlapping forwards and backwards within one buffer */
        memcpy(dst_buf, src_buf, BUF);
        memcpy(ref_buf, src_buf, BUF);
        memmove(dst_buf + 40 + doff, dst_buf + 40 + so + 3, len);
        {
          unsigned char tmp[BUF];
          for (size_t i = 0; i < len; i++) tmp[i] = ref_buf[40 + so + 3 + i];
          for (size_t i = 0; i < len; i++) ref_buf[40 + doff + i] = tmp[i];
        }
        expect_same("memmove down", len, so, doff);
        memmove(dst_buf + 40 + so + 5, dst_buf + 40 + doff, len);
        {
          unsigned char tmp[BUF];
          for (size_t i = 0; i < len; i++) tmp[i] = ref_buf[40 + doff + i];
          for (size_t i = 0; i < len; i++) ref_buf[40 + so + 5 + i] = tmp[i];
        }
        expect_same("memmove up", len, so, doff);
        h = fnv1a64(h, dst_buf, BUF);

        /* memset */
        memset(dst_buf, GUARD, BUF);
        memset(ref_buf, GUARD, BUF);
        int c = (int)(len * 7 + (size_t)so) - 100; /* negative values too */
        memset(dst_buf + 8 + doff, c, len);
        for (size_t i = 0; i < len; i++) ref_buf[8 + doff + i] = (unsigned char)c;
        expect_same("memset", len, so, doff);

        /* memcmp sign and memchr position */
        memcpy(dst_buf, src_buf, BUF);
        if (len > 0) {
          size_t at = (len * 5 + (size_t)doff) % len;
          dst_buf[16 + so + at] ^= 0x80;
          int r = memcmp(src_buf + 16 + so, dst_buf + 16 + so, len);
          int want = src_buf[16 + so + at] < dst_buf[16 + so + at] ? -1 : 1;
          if ((r < 0 ? -1 : 1) != want) {
            if (errors < 10) fprintf(stderr, "FAIL memcmp len %u\n", (unsigned)len);
            errors++;
          }
          const unsigned char *p = memchr(dst_buf + 16 + so, dst_buf[16 + so + at], len);
          size_t pos = p ? (size_t)(p - (dst_buf + 16 + so)) : len;
          size_t want_pos = 0;
          while (dst_buf[16 + so + want_pos] != dst_buf[16 + so + at]) want_pos++;
          if (pos != want_pos) {
            if (errors < 10) fprintf(stderr, "FAIL memchr len %u\n", (unsigned)len);
            errors++;
          }
          h = fnv1a64_u64(h, pos);
        }
        if (memcmp(src_buf + so, src_buf + so, len) != 0) errors++;
      }
  }

  /* Strings at every alignment. */
  for (int so = 0; so < 8; so++)
    for (size_t len = 0; len < 70; len += 3) {
      char s[128], d[128];
      for (size_t i = 0; i < len; i++) s[so + i] = (char)('a' + (i * 7 + (size_t)so) % 26);
      s[so + len] = '\0';
      if (strlen(s + so) != len) errors++;
      strcpy(d + 7 - so % 4, s + so);
      if (strcmp(d + 7 - so % 4, s + so) != 0) errors++;
      if (len > 2) {
        d[7 - so % 4 + len - 1] = 'A';
        if (strncmp(d + 7 - so % 4, s + so, len - 1) != 0) errors++;
        if (strncmp(d + 7 - so % 4, s + so, len) >= 0) errors++;
      }
      h = fnv1a64(h, d + 7 - so % 4, len);
    }

  /* A large copy and set through the word loops. */
  unsigned char *big = xmalloc(1 << 16), *big2 = xmalloc(1 << 16);
  fill(big, 1 << 16, 99);
  memcpy(big2 + 1, big + 1, (1 << 16) - 1);
  big2[0] = big[0];
  int big_ok = memcmp(big, big2, 1 << 16) == 0;
  memmove(big + 3, big, (1 << 16) - 3);
  big_ok &= memcmp(big + 3, big2, (1 << 16) - 3) == 0;
  memset(big2, 0, 1 << 16);
  for (size_t i = 0; i < (1 << 16); i += 4093) big_ok &= big2[i] == 0;
  check_true("64 KiB copy/move/set", big_ok);
  free(big);
  free(big2);

  printf("%d alignment cases, %d errors, fnv %016llx\n", cases, errors, (unsigned long long)h);
  check_u64("errors", (uint64_t)errors, 0);
  check_u64("fnv", h, 0xc0006aaaf023a4ddull);
  return finish(0);
}
