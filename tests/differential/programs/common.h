/* common.h — helpers shared by the differential-test programs.
 *
 * The programs are portable C11 (plus GCC's __int128 / __asm__ where noted)
 * and only use stdio.h, stdlib.h, string.h and stdint.h, so the same source
 * builds as a RISC-V guest (picolibc + sdk/c/rt) and natively.
 * Everything they print must be deterministic and identical on both: no
 * pointers, no dependence on the signedness of plain char, no undefined
 * behaviour (signed overflow, out-of-range shifts, division traps).
 *
 * Convention: each program checks its results against known constants.
 * On success it prints "OK" last and exits with its documented code; on any
 * failed check it reports "FAIL ..." on stderr and exits with 1.
 */
#ifndef DIFF_COMMON_H
#define DIFF_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: a small, well-mixed, deterministic PRNG. */
static uint64_t rng_state = 0x243F6A8885A308D3ull;

static inline void rng_seed(uint64_t seed) { rng_state = seed; }

static inline uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform-ish value in [0, n) (n > 0; the tiny modulo bias is irrelevant). */
static inline uint64_t rng_below(uint64_t n) { return rng_next() % n; }

/* FNV-1a 64 over bytes, chainable. */
#define FNV64_INIT 0xCBF29CE484222325ull
static inline uint64_t fnv1a64(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = (const unsigned char *)data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001B3ull;
  }
  return h;
}

static inline uint64_t fnv1a64_u64(uint64_t h, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    h ^= (unsigned char)(v >> (8 * i));
    h *= 0x100000001B3ull;
  }
  return h;
}

static int check_failures;

static inline void check_u64(const char *what, uint64_t got, uint64_t want) {
  if (got != want) {
    fprintf(stderr, "FAIL %s: got 0x%016llx (%llu) want 0x%016llx (%llu)\n",
            what, (unsigned long long)got, (unsigned long long)got,
            (unsigned long long)want, (unsigned long long)want);
    check_failures++;
  }
}

static inline void check_str(const char *what, const char *got,
                             const char *want) {
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "FAIL %s:\n  got  %s\n  want %s\n", what, got, want);
    check_failures++;
  }
}

static inline void check_true(const char *what, int cond) {
  if (!cond) {
    fprintf(stderr, "FAIL %s\n", what);
    check_failures++;
  }
}

/* Ends the program: prints the verdict and returns the exit status to use
 * (ok_status when every check passed, 1 otherwise). */
static inline int finish(int ok_status) {
  if (check_failures != 0) {
    printf("FAILED (%d checks)\n", check_failures);
    return 1;
  }
  printf("OK\n");
  return ok_status;
}

/* Hex-encodes n bytes into out (2n+1 chars). */
static inline void to_hex(char *out, const unsigned char *in, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

static inline void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (p == NULL) {
    fprintf(stderr, "FAIL out of memory (%llu bytes)\n", (unsigned long long)n);
    exit(1);
  }
  return p;
}

#endif /* DIFF_COMMON_H */
