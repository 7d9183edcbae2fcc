/* nqueens.c — backtracking: n-queens counts for n = 1..10 (bitmask),
 * the first 8-queens solution drawn as a board, a sudoku solver, and all
 * permutations of 8 elements (Heap's algorithm).
 * Exit status 92 (the number of 8-queens solutions), taken by calling
 * exit() from a nested function with output still buffered. */
#include "common.h"

static uint64_t nodes;

static int queens(int n, uint32_t cols, uint32_t d1, uint32_t d2) {
  nodes++;
  uint32_t all = (1u << n) - 1;
  if (cols == all) return 1;
  int count = 0;
  uint32_t free_ = all & ~(cols | d1 | d2);
  while (free_) {
    uint32_t bit = free_ & (0u - free_);
    free_ ^= bit;
    count += queens(n, cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1);
  }
  return count;
}

/* First solution in lexicographic order, plain array version. */
static int place(int n, int row, int *pos) {
  if (row == n) return 1;
  for (int c = 0; c < n; c++) {
    int ok = 1;
    for (int r = 0; r < row && ok; r++)
      if (pos[r] == c || pos[r] - c == r - row || pos[r] - c == row - r) ok = 0;
    if (ok) {
      pos[row] = c;
      if (place(n, row + 1, pos)) return 1;
    }
  }
  return 0;
}

/* ----------------------------------------------------------- sudoku */

static int grid[81];
static uint64_t sudoku_steps;

static int can_put(int idx, int v) {
  int r = idx / 9, c = idx % 9;
  for (int i = 0; i < 9; i++)
    if (grid[r * 9 + i] == v || grid[i * 9 + c] == v) return 0;
  int br = r / 3 * 3, bc = c / 3 * 3;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      if (grid[(br + i) * 9 + bc + j] == v) return 0;
  return 1;
}

static int solve(int idx) {
  while (idx < 81 && grid[idx]) idx++;
  if (idx == 81) return 1;
  for (int v = 1; v <= 9; v++) {
    sudoku_steps++;
    if (can_put(idx, v)) {
      grid[idx] = v;
      if (solve(idx + 1)) return 1;
      grid[idx] = 0;
    }
  }
  return 0;
}

static int valid_solution(void) {
  for (int i = 0; i < 9; i++) {
    int row = 0, col = 0, box = 0;
    for (int j = 0; j < 9; j++) {
      row |= 1 << grid[i * 9 + j];
      col |= 1 << grid[j * 9 + i];
      box |= 1 << grid[(i / 3 * 3 + j / 3) * 9 + i % 3 * 3 + j % 3];
    }
    if (row != 0x3FE || col != 0x3FE || box != 0x3FE) return 0;
  }
  return 1;
}

/* --------------------------------------------------------- permutations */

static uint64_t perm_count, perm_hash;

static void heap_permute(int *a, int n, int k) {
  if (k == 1) {
    perm_count++;
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (uint64_t)a[i];
    perm_hash += v * v; /* order-independent */
    return;
  }
  for (int i = 0; i < k - 1; i++) {
    heap_permute(a, n, k - 1);
    int j = (k % 2 == 0) ? i : 0;
    int t = a[j];
    a[j] = a[k - 1];
    a[k - 1] = t;
  }
  heap_permute(a, n, k - 1);
}

static void finish_and_exit(int code) {
  /* Still-buffered output must survive exit(). */
  printf("exiting with %d from a nested call\n", code);
  exit(finish(code));
}

int main(void) {
  static const int known[11] = {0, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724};
  int eight = 0;
  for (int n = 1; n <= 10; n++) {
    nodes = 0;
    int s = queens(n, 0, 0, 0);
    printf("queens(%2d) = %4d solutions, %6llu nodes\n", n, s, (unsigned long long)nodes);
    check_u64("queens count", (uint64_t)s, (uint64_t)known[n]);
    if (n == 8) eight = s;
  }

  int pos[8];
  place(8, 0, pos);
  printf("first 8-queens solution:\n");
  for (int r = 0; r < 8; r++) {
    char line[17];
    for (int c = 0; c < 8; c++) {
      line[2 * c] = pos[r] == c ? 'Q' : '.';
      line[2 * c + 1] = ' ';
    }
    line[15] = '\0';
    printf("  %s\n", line);
  }
  check_u64("first solution row 1", (uint64_t)pos[1], 4);

  static const char *puzzle =
      "53..7...."
      "6..195..."
      ".98....6."
      "8...6...3"
      "4..8.3..1"
      "7...2...6"
      ".6....28."
      "...419..5"
      "....8..79";
  for (int i = 0; i < 81; i++) grid[i] = puzzle[i] == '.' ? 0 : puzzle[i] - '0';
  int solved = solve(0);
  printf("sudoku: %s after %llu tries\n", solved ? "solved" : "no solution",
         (unsigned long long)sudoku_steps);
  for (int r = 0; r < 9; r++) {
    printf("  ");
    for (int c = 0; c < 9; c++) printf("%d%s", grid[r * 9 + c], c == 8 ? "\n" : (c % 3 == 2 ? " | " : " "));
  }
  check_true("sudoku valid", solved && valid_solution());
  check_u64("sudoku first row", (uint64_t)(grid[0] * 100000000 + grid[1] * 10000000 +
                                           grid[2] * 1000000 + grid[3] * 100000 +
                                           grid[4] * 10000 + grid[5] * 1000 + grid[6] * 100 +
                                           grid[7] * 10 + grid[8]),
            534678912);

  int a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  heap_permute(a, 8, 8);
  printf("permutations of 8: %llu, sum of squares %llu\n", (unsigned long long)perm_count,
         (unsigned long long)perm_hash);
  check_u64("8!", perm_count, 40320);
  check_u64("permutation hash", perm_hash, 10822563919439667264ull);

  finish_and_exit(eight);
  return 2; /* not reached */
}
