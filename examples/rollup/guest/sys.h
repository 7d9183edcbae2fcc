/* System calls of the guest, for both machines:
 * - RISC-V (Asterisc ABI, spec §5): number in a7, arguments in a0..a2; the VM writes an error
 *   code into a1 on every syscall, so a1 is an in/out operand of every ecall wrapper.
 * - MIPS64 (Cannon MT64, n64 ABI, docs/spec/cannon-mt64.md §6.1): number in v0, arguments in
 *   a0..a2; v0 = result or errno, a3 = error flag. The wrapper returns -errno on an error. */
#ifndef ROLLUP_SYS_H
#define ROLLUP_SYS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__mips__)
#define SYS_READ 5000
#define SYS_WRITE 5001
#define SYS_EXIT_GROUP 5205
#else
#define SYS_READ 63
#define SYS_WRITE 64
#define SYS_EXIT_GROUP 94
#endif

#define FD_STDOUT 1
#define FD_HINT_READ 3
#define FD_HINT_WRITE 4
#define FD_PREIMAGE_READ 5
#define FD_PREIMAGE_WRITE 6

#if defined(__mips__)
static inline long sys_call3(long nr, long arg0, long arg1, long arg2) {
  register long v0 __asm__("$2") = nr;
  register long a0 __asm__("$4") = arg0;
  register long a1 __asm__("$5") = arg1;
  register long a2 __asm__("$6") = arg2;
  register long a3 __asm__("$7") = 0;
  __asm__ volatile("syscall"
                   : "+r"(v0), "+r"(a3)
                   : "r"(a0), "r"(a1), "r"(a2)
                   : "memory", "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo");
  return a3 ? -v0 : v0;
}
#else
static inline long sys_call3(long nr, long arg0, long arg1, long arg2) {
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a7 __asm__("a7") = nr;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a7) : "memory");
  return a0;
}
#endif

static inline long sys_read(int fd, void *buf, size_t n) { return sys_call3(SYS_READ, fd, (long)buf, (long)n); }
static inline long sys_write(int fd, const void *buf, size_t n) { return sys_call3(SYS_WRITE, fd, (long)buf, (long)n); }

__attribute__((noreturn)) static inline void sys_exit(int code) {
  sys_call3(SYS_EXIT_GROUP, code, 0, 0);
  for (;;) {
  }
}

#endif
