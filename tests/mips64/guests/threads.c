// Two threads made with clone increment a shared counter with LL/SC atomics, yield now and then
// and wake the main thread through a futex; the main thread waits on the futex until both are
// done, prints the counter and exits 0 if it is right.
#include "rt.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define ITERATIONS 60

static volatile int counter;
static volatile int done;
static char stacks[2][8192] __attribute__((aligned(16)));

static void worker(long id) {
  for (int i = 0; i < ITERATIONS; i++) {
    __atomic_fetch_add(&counter, (int)id, __ATOMIC_SEQ_CST);
    if (i % 16 == 0) sys4(SYS_SCHED_YIELD, 0, 0, 0, 0);
  }
  __atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
  sys4(SYS_FUTEX, (long)&done, FUTEX_WAKE_PRIVATE, 1, 0);
}

int main(void) {
  spawn(worker, 1, stacks[0] + sizeof stacks[0]);
  spawn(worker, 2, stacks[1] + sizeof stacks[1]);
  for (;;) {
    int d = __atomic_load_n(&done, __ATOMIC_SEQ_CST);
    if (d == 2) break;
    sys4(SYS_FUTEX, (long)&done, FUTEX_WAIT_PRIVATE, d, 0);
  }
  print("counter ");
  print_hex((u64)counter);
  return counter == 3 * ITERATIONS ? 0 : 1;
}
