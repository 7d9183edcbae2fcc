/* long_mix.c — the long-running program (about 200 M RISC-V instructions)
 * used to measure the VM's step rate; not part of the default differential
 * run (CTest label "long"). A mix of memory-bound and ALU-bound kernels:
 * sieve of Eratosthenes over 4 MiB, quicksort of 200 000 values, an
 * open-addressing hash table, an integer matrix product, and a Keccak-f
 * permutation chain. Exit status 0. */
#include "common.h"

/* ------------------------------------------------------------ sieve */

static uint64_t sieve(uint32_t limit, uint64_t *sum) {
  unsigned char *composite = calloc(limit, 1);
  if (!composite) exit(1);
  uint64_t count = 0;
  *sum = 0;
  for (uint32_t i = 2; i < limit; i++) {
    if (composite[i]) continue;
    count++;
    *sum += i;
    for (uint64_t j = (uint64_t)i * i; j < limit; j += i) composite[j] = 1;
  }
  free(composite);
  return count;
}

/* --------------------------------------------------------- quicksort */

static void qsort64(uint64_t *a, long n) {
  while (n > 12) {
    uint64_t p = a[n / 2];
    long i = 0, j = n - 1;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        uint64_t t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (j + 1 < n - i) {
      qsort64(a, j + 1);
      a += i;
      n -= i;
    } else {
      qsort64(a + i, n - i);
      n = j + 1;
    }
  }
  for (long i = 1; i < n; i++) {
    uint64_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/* -------------------------------------------------------- hash table */

static uint64_t table_test(uint32_t n) {
  uint32_t cap = 1;
  while (cap < n * 2) cap <<= 1;
  uint64_t *keys = calloc(cap, sizeof(uint64_t));
  uint64_t *vals = calloc(cap, sizeof(uint64_t));
  if (!keys || !vals) exit(1);
  uint64_t probes = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t k = (rng_next() % (n * 3ull)) | 1; /* 0 marks empty */
    uint32_t s = (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 40) & (cap - 1);
    while (keys[s] && keys[s] != k) {
      s = (s + 1) & (cap - 1);
      probes++;
    }
    keys[s] = k;
    vals[s] += i;
  }
  uint64_t found = 0, acc = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t k = (rng_next() % (n * 3ull)) | 1;
    uint32_t s = (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 40) & (cap - 1);
    while (keys[s] && keys[s] != k) {
      s = (s + 1) & (cap - 1);
      probes++;
    }
    if (keys[s]) {
      found++;
      acc += vals[s];
    }
  }
  free(keys);
  free(vals);
  printf("hash table: %u inserts, %llu hits, %llu extra probes, acc %llu\n", n,
         (unsigned long long)found, (unsigned long long)probes, (unsigned long long)acc);
  return acc ^ (found << 32) ^ probes;
}

/* ------------------------------------------------------------ matrix */

#define MN 96

static uint64_t matrix_test(void) {
  /* Heap, not .bss: the fpvm materialises every page of a loaded segment. */
  int64_t(*a)[MN] = xmalloc(sizeof(int64_t[MN][MN]));
  int64_t(*b)[MN] = xmalloc(sizeof(int64_t[MN][MN]));
  int64_t(*c)[MN] = xmalloc(sizeof(int64_t[MN][MN]));
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      a[i][j] = (int64_t)(rng_next() % 2001) - 1000;
      b[i][j] = (int64_t)(rng_next() % 2001) - 1000;
      c[i][j] = 0;
    }
  for (int i = 0; i < MN; i++)
    for (int k = 0; k < MN; k++)
      for (int j = 0; j < MN; j++) c[i][j] += a[i][k] * b[k][j];
  uint64_t h = FNV64_INIT;
  for (int i = 0; i < MN; i++) h = fnv1a64(h, c[i], sizeof c[i]);
  printf("matrix %dx%d: c[0][0] %lld, fnv %016llx\n", MN, MN, (long long)c[0][0],
         (unsigned long long)h);
  free(a);
  free(b);
  free(c);
  return h;
}

/* ------------------------------------------------------------ keccak */

static const uint64_t RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull,
    0x8000000080008000ull, 0x000000000000808Bull, 0x0000000080000001ull,
    0x8000000080008081ull, 0x8000000000008009ull, 0x000000000000008Aull,
    0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull,
    0x8000000000008003ull, 0x8000000000008002ull, 0x8000000000000080ull,
    0x000000000000800Aull, 0x800000008000000Aull, 0x8000000080008081ull,
    0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};
static const int ROT[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                            25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
static const unsigned char PI_DST[25] = {0,  10, 20, 5,  15, 16, 1,  11, 21,
                                         6,  7,  17, 2,  12, 22, 23, 8,  18,
                                         3,  13, 14, 24, 9,  19, 4};

static inline uint64_t rotl64(uint64_t v, int n) { return (v << n) | (v >> ((64 - n) & 63)); }

static void keccak_f(uint64_t a[25]) {
  uint64_t b[25], c[5], d[5];
  for (int round = 0; round < 24; round++) {
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
    for (int i = 0; i < 25; i++) b[PI_DST[i]] = rotl64(a[i], ROT[i]);
    for (int y = 0; y < 25; y += 5)
      for (int x = 0; x < 5; x++) a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
    a[0] ^= RC[round];
  }
}

/* ------------------------------------------------------------- main */

int main(void) {
  uint64_t total = FNV64_INIT;
  rng_seed(0x4c4f4e474d4958ull);

  uint64_t psum;
  uint64_t pc = sieve(4000000, &psum);
  printf("sieve: pi(4000000) = %llu, sum %llu\n", (unsigned long long)pc,
         (unsigned long long)psum);
  check_u64("pi(4e6)", pc, 283146);
  total = fnv1a64_u64(fnv1a64_u64(total, pc), psum);

  enum { NSORT = 200000 };
  uint64_t *v = xmalloc(NSORT * sizeof(uint64_t));
  for (int i = 0; i < NSORT; i++) v[i] = rng_next() >> (i % 40);
  qsort64(v, NSORT);
  int sorted = 1;
  for (int i = 1; i < NSORT; i++) sorted &= v[i - 1] <= v[i];
  uint64_t sh = fnv1a64(FNV64_INIT, v, NSORT * sizeof(uint64_t));
  printf("sort: %d values, median %016llx, fnv %016llx\n", NSORT,
         (unsigned long long)v[NSORT / 2], (unsigned long long)sh);
  check_true("sorted", sorted);
  total = fnv1a64_u64(total, sh);
  free(v);

  total = fnv1a64_u64(total, table_test(200000));
  total = fnv1a64_u64(total, matrix_test());

  uint64_t st[25];
  memset(st, 0, sizeof st);
  for (int i = 0; i < 3000; i++) {
    st[i % 17] ^= (uint64_t)i;
    keccak_f(st);
  }
  printf("keccak-f chain(3000): %016llx %016llx\n", (unsigned long long)st[0],
         (unsigned long long)st[24]);
  total = fnv1a64_u64(fnv1a64_u64(total, st[0]), st[24]);

  printf("combined %016llx\n", (unsigned long long)total);
  check_u64("combined", total, 0x75aa1fd60963f1faull);
  return finish(0);
}
