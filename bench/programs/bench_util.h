/* Shared helpers for the benchmark programs: a deterministic PRNG and a checksum printer.
 * Portable C11: the same source is built for fpvm/qemu (riscv64) and natively (x86-64). */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H
#include <stdint.h>
#include <stdio.h>

static uint64_t bench_rng_state = 0x9E3779B97F4A7C15ull;

/* xorshift64*: fast, deterministic across platforms. */
static inline uint64_t bench_rand(void) {
  uint64_t x = bench_rng_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  bench_rng_state = x;
  return x * 0x2545F4914F6CDD1Dull;
}

static inline void bench_report(const char *name, uint64_t checksum) {
  printf("%s checksum %016llx\n", name, (unsigned long long)checksum);
}
#endif
