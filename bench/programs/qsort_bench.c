/* Sorting: repeatedly fills an array with pseudo-random keys and sorts it with the C library's
 * qsort (indirect calls, comparisons, memory traffic). */
#include <stdlib.h>
#include "bench_util.h"

#define N 200000
#define ROUNDS 12

static uint32_t keys[N];

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

int main(void) {
  uint64_t sum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < N; i++) keys[i] = (uint32_t)bench_rand();
    qsort(keys, N, sizeof keys[0], cmp_u32);
    for (int i = 1; i < N; i++)
      if (keys[i - 1] > keys[i]) return 2;
    sum = sum * 1000003u + keys[N / 2] + keys[N / 7];
  }
  bench_report("qsort", sum);
  return 0;
}
