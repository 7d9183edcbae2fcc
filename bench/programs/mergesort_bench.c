/* Merge sort: bottom-up merges of 64-bit keys between two 2 MiB arrays (sequential streams over
 * more pages than a small TLB covers, data-dependent branches), repeated over fresh keys. */
#include "bench_util.h"

#define N (1 << 18)
#define ROUNDS 10

static uint64_t a[N], tmp[N];

static void merge_sort(uint64_t *src, uint64_t *dst, int n) {
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n;
      int hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    uint64_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != a)
    for (int i = 0; i < n; i++) a[i] = src[i];
}

int main(void) {
  uint64_t sum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < N; i++) a[i] = bench_rand();
    merge_sort(a, tmp, N);
    for (int i = 1; i < N; i++)
      if (a[i - 1] > a[i]) return 2;
    sum = sum * 1000003u + a[N / 3] + a[N / 5];
  }
  bench_report("mergesort", sum);
  return 0;
}
