/* matmul.c — integer linear algebra: 48x48 matrix product checked with
 * Freivalds' test and the transpose identity, exact determinants (Bareiss,
 * 128-bit intermediates) with det(AB) = det(A)det(B), and Fibonacci by 2x2
 * matrix power mod 1e9+7 checked against fast doubling.
 * Exit status 3 (on purpose: tests a non-zero exit code). */
#include "common.h"

#define N 48

__extension__ typedef __int128 i128;


static void matmul(int64_t out[N][N], int32_t x[N][N], int32_t y[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) out[i][j] = 0;
  /* i-k-j order: streams through rows of y. */
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      int64_t a = x[i][k];
      for (int j = 0; j < N; j++) out[i][j] += a * y[k][j];
    }
}

static void matvec32(int64_t out[N], int32_t m[N][N], const int64_t v[N]) {
  for (int i = 0; i < N; i++) {
    int64_t s = 0;
    for (int j = 0; j < N; j++) s += m[i][j] * v[j];
    out[i] = s;
  }
}

/* Exact determinant of an n x n integer matrix (fraction-free Gaussian
 * elimination). */
static int64_t det_bareiss(int n, const int64_t *m_in) {
  int64_t m[8][8];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) m[i][j] = m_in[i * n + j];
  int64_t prev = 1;
  int sign = 1;
  for (int k = 0; k < n - 1; k++) {
    if (m[k][k] == 0) {
      int p = k + 1;
      while (p < n && m[p][k] == 0) p++;
      if (p == n) return 0;
      for (int j = 0; j < n; j++) {
        int64_t t = m[k][j];
        m[k][j] = m[p][j];
        m[p][j] = t;
      }
      sign = -sign;
    }
    for (int i = k + 1; i < n; i++)
      for (int j = k + 1; j < n; j++) {
        i128 num = (i128)m[i][j] * m[k][k] - (i128)m[i][k] * m[k][j];
        m[i][j] = (int64_t)(num / prev);
      }
    prev = m[k][k];
  }
  return sign * m[n - 1][n - 1];
}

#define MOD 1000000007ull

static void mat2_mul(uint64_t r[4], const uint64_t x[4], const uint64_t y[4]) {
  uint64_t t[4];
  t[0] = (x[0] * y[0] + x[1] * y[2]) % MOD;
  t[1] = (x[0] * y[1] + x[1] * y[3]) % MOD;
  t[2] = (x[2] * y[0] + x[3] * y[2]) % MOD;
  t[3] = (x[2] * y[1] + x[3] * y[3]) % MOD;
  memcpy(r, t, sizeof t);
}

static uint64_t fib_matrix(uint64_t n) {
  uint64_t r[4] = {1, 0, 0, 1}, b[4] = {1, 1, 1, 0};
  for (; n; n >>= 1) {
    if (n & 1) mat2_mul(r, r, b);
    mat2_mul(b, b, b);
  }
  return r[1];
}

/* Fast doubling: F(2k) = F(k)(2F(k+1) - F(k)), F(2k+1) = F(k)^2 + F(k+1)^2. */
static void fib_doubling(uint64_t n, uint64_t *f, uint64_t *f1) {
  if (n == 0) {
    *f = 0;
    *f1 = 1;
    return;
  }
  uint64_t a, b;
  fib_doubling(n / 2, &a, &b);
  uint64_t c = a * ((2 * b + MOD - a) % MOD) % MOD;
  uint64_t d = (a * a + b * b) % MOD;
  if (n & 1) {
    *f = d;
    *f1 = (c + d) % MOD;
  } else {
    *f = c;
    *f1 = d;
  }
}

int main(void) {
  /* Matrices live on the heap, not in .bss: the fpvm materialises every
   * page of a loaded segment. */
  int32_t(*A)[N] = xmalloc(sizeof(int32_t[N][N]));
  int32_t(*B)[N] = xmalloc(sizeof(int32_t[N][N]));
  int32_t(*At)[N] = xmalloc(sizeof(int32_t[N][N]));
  int32_t(*Bt)[N] = xmalloc(sizeof(int32_t[N][N]));
  int64_t(*C)[N] = xmalloc(sizeof(int64_t[N][N]));
  int64_t(*T1)[N] = xmalloc(sizeof(int64_t[N][N]));
  int64_t(*T2)[N] = xmalloc(sizeof(int64_t[N][N]));
  rng_seed(0x4d41544d554cull);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (int32_t)rng_below(201) - 100;
      B[i][j] = (int32_t)rng_below(201) - 100;
    }
  matmul(C, A, B);
  int64_t trace = 0, mn = C[0][0], mx = C[0][0];
  uint64_t h = FNV64_INIT;
  for (int i = 0; i < N; i++) {
    trace += C[i][i];
    for (int j = 0; j < N; j++) {
      if (C[i][j] < mn) mn = C[i][j];
      if (C[i][j] > mx) mx = C[i][j];
      h = fnv1a64_u64(h, (uint64_t)C[i][j]);
    }
  }
  printf("C = A*B (%dx%d): trace %lld, min %lld, max %lld, fnv %016llx\n", N, N,
         (long long)trace, (long long)mn, (long long)mx, (unsigned long long)h);
  printf("C[0][0..5] =");
  for (int j = 0; j < 6; j++) printf(" %lld", (long long)C[0][j]);
  printf("\n");
  check_u64("C fnv", h, 0x32ca9ec2049c2dc8ull);

  /* Freivalds: C v == A (B v) for random v. */
  for (int round = 0; round < 3; round++) {
    int64_t v[N], bv[N], abv[N], cv[N];
    for (int i = 0; i < N; i++) v[i] = (int64_t)rng_below(1000) - 500;
    matvec32(bv, B, v);
    for (int i = 0; i < N; i++) {
      int64_t s = 0, t = 0;
      for (int j = 0; j < N; j++) {
        s += A[i][j] * bv[j];
        t += C[i][j] * v[j];
      }
      abv[i] = s;
      cv[i] = t;
    }
    check_true("Freivalds", memcmp(abv, cv, sizeof cv) == 0);
  }

  /* (AB)^T == B^T A^T. */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      At[i][j] = A[j][i];
      Bt[i][j] = B[j][i];
    }
  matmul(T1, Bt, At);
  int transpose_ok = 1;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) transpose_ok &= T1[i][j] == C[j][i];
  check_true("(AB)^T == B^T A^T", transpose_ok);

  /* A^2 trace via T2 = A*A. */
  matmul(T2, A, A);
  int64_t tr2 = 0;
  for (int i = 0; i < N; i++) tr2 += T2[i][i];
  printf("trace(A^2) = %lld\n", (long long)tr2);

  /* Determinants: det(XY) = det(X) det(Y) for 6x6 matrices. */
  for (int round = 0; round < 4; round++) {
    int64_t x[36], y[36], xy[36];
    for (int i = 0; i < 36; i++) {
      x[i] = (int64_t)rng_below(19) - 9;
      y[i] = (int64_t)rng_below(19) - 9;
    }
    for (int i = 0; i < 6; i++)
      for (int j = 0; j < 6; j++) {
        int64_t s = 0;
        for (int k = 0; k < 6; k++) s += x[i * 6 + k] * y[k * 6 + j];
        xy[i * 6 + j] = s;
      }
    int64_t dx = det_bareiss(6, x), dy = det_bareiss(6, y), dxy = det_bareiss(6, xy);
    printf("det: %lld * %lld = %lld\n", (long long)dx, (long long)dy, (long long)dxy);
    check_true("det(XY) == det(X) det(Y)", (i128)dx * dy == dxy);
  }
  static const int64_t known[9] = {2, -3, 1, 2, 0, -1, 1, 4, 5};
  check_u64("det known 3x3", (uint64_t)det_bareiss(3, known), 49);

  /* Fibonacci mod 1e9+7. */
  static const uint64_t ns[] = {10, 90, 1000, 1000000007ull, 1000000000000000000ull};
  for (int i = 0; i < 5; i++) {
    uint64_t f, f1;
    fib_doubling(ns[i], &f, &f1);
    uint64_t m = fib_matrix(ns[i]);
    printf("F(%llu) mod 1e9+7 = %llu\n", (unsigned long long)ns[i], (unsigned long long)m);
    check_u64("fib matrix == doubling", m, f);
  }
  check_u64("F(10)", fib_matrix(10), 55);
  check_u64("F(90) mod p", fib_matrix(90), 2880067194370816120ull % MOD);
  check_u64("F(10^18) mod p", fib_matrix(1000000000000000000ull), 209783453);

  free(A);
  free(B);
  free(At);
  free(Bt);
  free(C);
  free(T1);
  free(T2);
  return finish(3);
}
