/* System calls of the fpvm guest ABI (spec §5). The VM writes an error code into a1 on every
 * syscall, so a1 is an in/out operand of every ecall wrapper. */
#ifndef ROLLUP_SYS_H
#define ROLLUP_SYS_H

#include <stddef.h>
#include <stdint.h>

#define SYS_READ 63
#define SYS_WRITE 64
#define SYS_EXIT_GROUP 94

#define FD_STDOUT 1
#define FD_HINT_READ 3
#define FD_HINT_WRITE 4
#define FD_PREIMAGE_READ 5
#define FD_PREIMAGE_WRITE 6

static inline long sys_call3(long nr, long arg0, long arg1, long arg2) {
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a7 __asm__("a7") = nr;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a7) : "memory");
  return a0;
}

static inline long sys_read(int fd, void *buf, size_t n) { return sys_call3(SYS_READ, fd, (long)buf, (long)n); }
static inline long sys_write(int fd, const void *buf, size_t n) { return sys_call3(SYS_WRITE, fd, (long)buf, (long)n); }

__attribute__((noreturn)) static inline void sys_exit(int code) {
  sys_call3(SYS_EXIT_GROUP, code, 0, 0);
  for (;;) {
  }
}

#endif
