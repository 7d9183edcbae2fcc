/* gdb_demo.c — the RISC-V guest the gdbstub tests debug: main calls accumulate() five times (so a
 * breakpoint there is hit five times, for reverse-continue), prints the total and exits with 0. */
#include <stdint.h>
#include <stdio.h>

volatile uint64_t total;

__attribute__((noinline)) uint64_t accumulate(uint64_t i) {
  total += i * i + 1;
  return total;
}

int main(void) {
  uint64_t last = 0;
  for (uint64_t i = 1; i <= 5; ++i) last = accumulate(i);
  printf("total %lu\n", (unsigned long)last);
  return last == 60 ? 0 : 1;
}
