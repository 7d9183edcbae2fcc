/* mandel.c — Mandelbrot and Julia sets in 64-bit fixed point (Q4.28),
 * drawn as ASCII art, plus an iteration histogram over a finer grid.
 * (Relies on >> of negative values being arithmetic, as in GCC.)
 * Exit status 0. */
#include "common.h"

#define FRAC 28
#define ONE ((int64_t)1 << FRAC)
#define FX(num, den) ((int64_t)(num) * ONE / (den)) /* num/den as fixed point */

static inline int64_t fxmul(int64_t a, int64_t b) { return (a * b) >> FRAC; }

static int escape(int64_t cx, int64_t cy, int64_t zx, int64_t zy, int maxit) {
  const int64_t four = 4 * ONE;
  for (int i = 0; i < maxit; i++) {
    int64_t x2 = fxmul(zx, zx), y2 = fxmul(zy, zy);
    if (x2 + y2 > four) return i;
    int64_t xy = fxmul(zx, zy);
    zx = x2 - y2 + cx;
    zy = 2 * xy + cy;
  }
  return maxit;
}

static const char palette[] = " .:-=+*#%@";

static uint64_t draw(const char *title, int julia, int64_t jx, int64_t jy, int w, int h,
                     int64_t x0, int64_t x1, int64_t y0, int64_t y1, int maxit) {
  printf("%s (%dx%d, %d iterations):\n", title, w, h, maxit);
  uint64_t sum = 0;
  char line[128];
  for (int row = 0; row < h; row++) {
    int64_t y = y0 + (y1 - y0) * row / (h - 1);
    for (int col = 0; col < w; col++) {
      int64_t x = x0 + (x1 - x0) * col / (w - 1);
      int it = julia ? escape(jx, jy, x, y, maxit) : escape(x, y, 0, 0, maxit);
      sum += (uint64_t)it;
      line[col] = it == maxit ? '@' : palette[it * 9 / maxit];
    }
    line[w] = '\0';
    printf("|%s|\n", line);
  }
  printf("iteration sum %llu\n", (unsigned long long)sum);
  return sum;
}

int main(void) {
  uint64_t m = draw("Mandelbrot", 0, 0, 0, 72, 28, FX(-5, 2), FX(1, 1), FX(-5, 4),
                    FX(5, 4), 60);
  uint64_t j = draw("Julia c = -0.8 + 0.156i", 1, FX(-8, 10), FX(156, 1000), 64, 20,
                    FX(-8, 5), FX(8, 5), FX(-1, 1), FX(1, 1), 60);

  /* Finer grid: histogram of escape times. */
  enum { W = 96, H = 64, MAXIT = 96 };
  uint32_t hist[MAXIT + 1];
  memset(hist, 0, sizeof hist);
  uint64_t inside = 0;
  for (int row = 0; row < H; row++)
    for (int col = 0; col < W; col++) {
      int64_t x = FX(-2, 1) + FX(5, 2) * col / W;
      int64_t y = FX(-5, 4) + FX(5, 2) * row / H;
      int it = escape(x, y, 0, 0, MAXIT);
      hist[it]++;
      inside += it == MAXIT;
    }
  uint64_t hh = fnv1a64(FNV64_INIT, hist, sizeof hist);
  printf("fine grid %dx%d: %llu points inside, escape-time histogram:\n", W, H,
         (unsigned long long)inside);
  for (int i = 0; i < 12; i++) printf(" %u", (unsigned)hist[i]);
  printf(" ... fnv %016llx\n", (unsigned long long)hh);

  check_u64("mandelbrot sum", m, 27678);
  check_u64("julia sum", j, 18720);
  check_u64("histogram", hh, 0x253d58bb8b25734cull);
  return finish(0);
}
