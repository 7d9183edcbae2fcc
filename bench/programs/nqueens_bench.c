/* Backtracking: counts the N-queens solutions with bitmasks (recursion, branches). */
#include "bench_util.h"

static uint64_t solve(uint32_t cols, uint32_t d1, uint32_t d2, uint32_t all) {
  if (cols == all) return 1;
  uint64_t count = 0;
  uint32_t free = all & ~(cols | d1 | d2);
  while (free) {
    uint32_t bit = free & (0u - free);
    free ^= bit;
    count += solve(cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1, all);
  }
  return count;
}

int main(void) {
  uint64_t n12 = solve(0, 0, 0, (1u << 12) - 1);
  if (n12 != 14200) return 2;
  uint64_t n13 = solve(0, 0, 0, (1u << 13) - 1);
  if (n13 != 73712) return 2;
  uint64_t n14 = solve(0, 0, 0, (1u << 14) - 1);
  if (n14 != 365596) return 2;
  bench_report("nqueens", (n12 * 100000 + n13) * 1000000 + n14);
  return 0;
}
