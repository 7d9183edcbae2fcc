/* Touches 1 GiB: allocates it, writes one word in every 4 KiB page and a pattern in every 64th
 * byte of a stride, then sums it back. Used to check the fast engine's peak RSS (issue 5:
 * at most 1 GiB + 64 MiB). */
#include <stdint.h>
#include <stdlib.h>
#include "bench_util.h"

#define SIZE (1024UL * 1024 * 1024)

int main(void) {
  uint8_t *buf = malloc(SIZE);
  if (!buf) return 2;
  for (size_t i = 0; i < SIZE; i += 4096) *(uint64_t *)(buf + i) = i * 2654435761u;
  uint64_t sum = 0;
  for (size_t i = 0; i < SIZE; i += 4096) sum += *(uint64_t *)(buf + i);
  bench_report("mem1g", sum);
  return 0;
}
