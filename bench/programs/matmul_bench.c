/* Integer matrix multiplication (multiply-accumulate, strided loads). */
#include "bench_util.h"

#define N 160
static uint32_t a[N][N], b[N][N], c[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (uint32_t)bench_rand() & 0xFFFF;
      b[i][j] = (uint32_t)bench_rand() & 0xFFFF;
    }
  uint64_t sum = 0;
  for (int r = 0; r < 160; r++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        uint32_t acc = 0;
        for (int k = 0; k < N; k++) acc += a[i][k] * b[k][j];
        c[i][j] = acc;
      }
    for (int i = 0; i < N; i++) sum = sum * 7 + c[i][(i * 13 + r) % N];
    a[r][r] ^= (uint32_t)sum;
  }
  bench_report("matmul", sum);
  return 0;
}
