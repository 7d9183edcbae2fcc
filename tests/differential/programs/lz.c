/* lz.c — LZSS compression (4 KiB window, hash chains) and run-length
 * coding of generated text, binary and run-heavy inputs; every stream must
 * decompress to its input. Exit status 0. */
#include "common.h"

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 18
#define HASH_BITS 12
#define MAX_CHAIN 24

/* Output: a flag byte before every group of 8 items; flag bit 1 = literal
 * (1 byte), 0 = match (2 bytes: offset-1 in 12 bits, length-3 in 4 bits). */
static size_t lzss_compress(const unsigned char *in, size_t n, unsigned char *out,
                            uint64_t *probes) {
  int32_t *head = xmalloc(sizeof(int32_t) << HASH_BITS);
  int32_t *prev = xmalloc(sizeof(int32_t) * (n ? n : 1));
  for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
  size_t o = 0, flag_pos = 0;
  int bit = 8;
  size_t i = 0;
  while (i < n) {
    if (bit == 8) {
      flag_pos = o++;
      out[flag_pos] = 0;
      bit = 0;
    }
    size_t best_len = 0, best_off = 0;
    if (i + MIN_MATCH <= n) {
      uint32_t h = ((uint32_t)in[i] << 8 ^ (uint32_t)in[i + 1] << 4 ^ in[i + 2]) &
                   ((1u << HASH_BITS) - 1);
      int chain = 0;
      for (int32_t c = head[h]; c >= 0 && i - (size_t)c <= WINDOW && chain < MAX_CHAIN;
           c = prev[c], chain++) {
        ++*probes;
        size_t len = 0;
        while (len < MAX_MATCH && i + len < n && in[c + len] == in[i + len]) len++;
        if (len > best_len) {
          best_len = len;
          best_off = i - (size_t)c;
          if (len == MAX_MATCH) break;
        }
      }
    }
    size_t step;
    if (best_len >= MIN_MATCH) {
      uint32_t code = (uint32_t)(best_off - 1) << 4 | (uint32_t)(best_len - MIN_MATCH);
      out[o++] = (unsigned char)(code >> 8);
      out[o++] = (unsigned char)code;
      step = best_len;
    } else {
      out[flag_pos] |= (unsigned char)(1u << bit);
      out[o++] = in[i];
      step = 1;
    }
    bit++;
    /* Insert every position we pass into the hash chains. */
    for (size_t k = 0; k < step; k++, i++)
      if (i + MIN_MATCH <= n) {
        uint32_t h = ((uint32_t)in[i] << 8 ^ (uint32_t)in[i + 1] << 4 ^ in[i + 2]) &
                     ((1u << HASH_BITS) - 1);
        prev[i] = head[h];
        head[h] = (int32_t)i;
      }
  }
  free(head);
  free(prev);
  return o;
}

static size_t lzss_decompress(const unsigned char *in, size_t n, unsigned char *out,
                              size_t cap) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned flags = in[i++];
    for (int bit = 0; bit < 8 && i < n; bit++) {
      if (flags & (1u << bit)) {
        if (o >= cap) return (size_t)-1;
        out[o++] = in[i++];
      } else {
        if (i + 1 >= n) return (size_t)-1;
        uint32_t code = (uint32_t)in[i] << 8 | in[i + 1];
        i += 2;
        size_t off = (code >> 4) + 1, len = (code & 15) + MIN_MATCH;
        if (off > o || o + len > cap) return (size_t)-1;
        for (size_t k = 0; k < len; k++, o++) out[o] = out[o - off]; /* may overlap */
      }
    }
  }
  return o;
}

/* Run-length: (count, byte) pairs, count 1..255. */
static size_t rle_encode(const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    size_t run = 1;
    while (i + run < n && run < 255 && in[i + run] == in[i]) run++;
    out[o++] = (unsigned char)run;
    out[o++] = in[i];
    i += run;
  }
  return o;
}

static size_t rle_decode(const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    memset(out + o, in[i + 1], in[i]);
    o += in[i];
  }
  return o;
}

static const char *const words[] = {"fault", "proof", "virtual", "machine", "step",
                                    "memory", "merkle", "witness", "state", "hash",
                                    "preimage", "oracle", "register", "branch", "the",
                                    "of", "a", "and", "riscv", "instruction"};

static void make_input(int kind, unsigned char *buf, size_t n) {
  size_t i = 0;
  switch (kind) {
    case 0: /* text */
      while (i < n) {
        const char *w = words[rng_below(20)];
        for (; *w && i < n; w++) buf[i++] = (unsigned char)*w;
        if (i < n) buf[i++] = rng_below(12) == 0 ? '\n' : ' ';
      }
      break;
    case 1: /* random bytes: incompressible */
      for (; i < n; i++) buf[i] = (unsigned char)(rng_next() >> 40);
      break;
    default: /* runs and a repeating structure */
      while (i < n) {
        unsigned char b = (unsigned char)rng_below(4);
        size_t run = 1 + rng_below(40);
        for (size_t k = 0; k < run && i < n; k++) buf[i++] = b;
        if (i + 8 <= n && rng_below(3) == 0) {
          memcpy(buf + i, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
          i += 8;
        }
      }
  }
}

int main(void) {
  static const char *const names[3] = {"text", "random", "runs"};
  static const size_t sizes[3] = {14000, 4000, 10000};
  uint64_t total = FNV64_INIT;
  rng_seed(0x4c5a5353ull);
  for (int kind = 0; kind < 3; kind++) {
    size_t n = sizes[kind];
    unsigned char *in = xmalloc(n);
    unsigned char *comp = xmalloc(n + n / 8 + 16);
    unsigned char *back = xmalloc(n);
    unsigned char *rle = xmalloc(2 * n + 2);
    make_input(kind, in, n);
    uint64_t probes = 0;
    size_t cn = lzss_compress(in, n, comp, &probes);
    size_t dn = lzss_decompress(comp, cn, back, n);
    int ok = dn == n && memcmp(in, back, n) == 0;
    memset(back, 0, n);
    size_t rn = rle_encode(in, n, rle);
    size_t rdn = rle_decode(rle, rn, back);
    int rok = rdn == n && memcmp(in, back, n) == 0;
    uint64_t ch = fnv1a64(FNV64_INIT, comp, cn);
    printf("%-6s %6u bytes -> lzss %6u (%3u%%), %llu probes, %s; rle %6u, %s; fnv %016llx\n",
           names[kind], (unsigned)n, (unsigned)cn, (unsigned)(cn * 100 / n),
           (unsigned long long)probes, ok ? "ok" : "BAD", (unsigned)rn, rok ? "ok" : "BAD",
           (unsigned long long)ch);
    check_true("lzss round trip", ok);
    check_true("rle round trip", rok);
    total = fnv1a64_u64(fnv1a64_u64(total, ch), rn);
    free(in);
    free(comp);
    free(back);
    free(rle);
  }
  printf("combined %016llx\n", (unsigned long long)total);
  check_u64("combined", total, 0xfcac417341ca720bull);
  return finish(0);
}
