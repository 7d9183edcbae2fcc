/* sort.c — quicksort, mergesort, heapsort and libc qsort on pseudo-random
 * 64-bit arrays; all four must agree and be sorted. Exit status 0. */
#include "common.h"

#define N 4000

static void insertion_sort(int64_t *a, long n) {
  for (long i = 1; i < n; i++) {
    int64_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static inline void swap64(int64_t *x, int64_t *y) {
  int64_t t = *x;
  *x = *y;
  *y = t;
}

/* Median-of-three quicksort with Hoare partitioning; recurses into the
 * smaller half so the stack stays O(log n). */
static void quicksort(int64_t *a, long n) {
  while (n > 16) {
    long mid = n / 2;
    if (a[mid] < a[0]) swap64(&a[mid], &a[0]);
    if (a[n - 1] < a[0]) swap64(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid]) swap64(&a[n - 1], &a[mid]);
    int64_t pivot = a[mid];
    long i = -1, j = n;
    for (;;) {
      do i++; while (a[i] < pivot);
      do j--; while (a[j] > pivot);
      if (i >= j) break;
      swap64(&a[i], &a[j]);
    }
    long left = j + 1;
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

static void merge_rec(int64_t *a, int64_t *tmp, long n) {
  if (n < 2) return;
  long h = n / 2;
  merge_rec(a, tmp, h);
  merge_rec(a + h, tmp, n - h);
  long i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = (a[j] < a[i]) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

static void sift_down(int64_t *a, long root, long n) {
  for (;;) {
    long child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && a[child + 1] > a[child]) child++;
    if (a[root] >= a[child]) return;
    swap64(&a[root], &a[child]);
    root = child;
  }
}

static void heapsort64(int64_t *a, long n) {
  for (long i = n / 2 - 1; i >= 0; i--) sift_down(a, i, n);
  for (long end = n - 1; end > 0; end--) {
    swap64(&a[0], &a[end]);
    sift_down(a, 0, end);
  }
}

static int cmp64(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

static uint64_t checksum(const int64_t *a, long n) {
  uint64_t h = FNV64_INIT;
  for (long i = 0; i < n; i++) h = fnv1a64_u64(h, (uint64_t)a[i]);
  return h;
}

static int is_sorted(const int64_t *a, long n) {
  for (long i = 1; i < n; i++)
    if (a[i - 1] > a[i]) return 0;
  return 1;
}

int main(void) {
  int64_t *orig = xmalloc(N * sizeof(int64_t));
  int64_t *a = xmalloc(N * sizeof(int64_t));
  int64_t *tmp = xmalloc(N * sizeof(int64_t));

  rng_seed(12345);
  for (long i = 0; i < N; i++) {
    /* Mix of wide signed values and a cluster of small duplicates. */
    uint64_t r = rng_next();
    orig[i] = (i % 5 == 0) ? (int64_t)(r % 100) - 50 : (int64_t)r;
  }
  uint64_t in_sum = checksum(orig, N);

  memcpy(a, orig, sizeof(int64_t) * N);
  quicksort(a, N);
  uint64_t h_quick = checksum(a, N);
  check_true("quicksort sorted", is_sorted(a, N));

  memcpy(a, orig, sizeof(int64_t) * N);
  merge_rec(a, tmp, N);
  uint64_t h_merge = checksum(a, N);
  check_true("mergesort sorted", is_sorted(a, N));

  memcpy(a, orig, sizeof(int64_t) * N);
  heapsort64(a, N);
  uint64_t h_heap = checksum(a, N);
  check_true("heapsort sorted", is_sorted(a, N));

  memcpy(a, orig, sizeof(int64_t) * N);
  qsort(a, N, sizeof(int64_t), cmp64);
  uint64_t h_qsort = checksum(a, N);
  check_true("qsort sorted", is_sorted(a, N));

  long distinct = 1;
  for (long i = 1; i < N; i++) distinct += (a[i] != a[i - 1]);

  printf("n=%d distinct=%ld\n", N, distinct);
  printf("min=%lld median=%lld max=%lld\n", (long long)a[0],
         (long long)a[N / 2], (long long)a[N - 1]);
  printf("input  fnv=%016llx\n", (unsigned long long)in_sum);
  printf("quick  fnv=%016llx\n", (unsigned long long)h_quick);
  printf("merge  fnv=%016llx\n", (unsigned long long)h_merge);
  printf("heap   fnv=%016llx\n", (unsigned long long)h_heap);
  printf("qsort  fnv=%016llx\n", (unsigned long long)h_qsort);

  check_u64("merge == quick", h_merge, h_quick);
  check_u64("heap == quick", h_heap, h_quick);
  check_u64("qsort == quick", h_qsort, h_quick);
  check_u64("sorted checksum", h_quick, 0x84e5fb36089d4f4full);
  check_u64("distinct", (uint64_t)distinct, 3300);

  free(tmp);
  free(a);
  free(orig);
  return finish(0);
}
