/* fpvm/syscall.h — raw Linux system calls for guest programs that run under
 * qemu-user and inside the fpvm, on both of its machines:
 *
 *   RISC-V 64 (Asterisc ABI, spec §5): number in a7, arguments in a0..a5,
 *   result in a0.
 *   MIPS64 (Cannon MT64, n64 ABI, docs/spec/cannon-mt64.md §6.1): number in
 *   v0, arguments in a0..a5 ($4..$9), result or errno in v0, error flag in a3.
 *   The wrappers return -errno on an error, as on RISC-V Linux.
 *
 * The FPVM_SYS_* numbers are the machine's own (asm-generic on RISC-V, n64 on
 * MIPS64); code that uses only the wrappers below is portable between both.
 *
 * Why a1 is always an in/out operand: the fpvm writes an error code into a1
 * on (almost) every syscall (spec §5.1), where Linux leaves a1 untouched.
 * If a wrapper did not tell the compiler that a1 changes, code that keeps a
 * value in a1 across the ecall would work under qemu and break in the VM.
 * So every wrapper below binds a1 to a register variable with "+r", even the
 * ones that take fewer than two arguments.
 *
 * Errors: Linux returns -errno (values in [-4095, -1]); the fpvm returns -1
 * (all ones) with the code in a1. fpvm_sys_failed() accepts both.
 */
#ifndef FPVM_SYSCALL_H
#define FPVM_SYSCALL_H

#if defined(__mips__) && defined(__mips64)
/* Linux n64 system call numbers. */
#define FPVM_SYS_READ 5000
#define FPVM_SYS_WRITE 5001
#define FPVM_SYS_MMAP 5009
#define FPVM_SYS_MUNMAP 5011
#define FPVM_SYS_BRK 5012
#define FPVM_SYS_EXIT 5058
#define FPVM_SYS_EXIT_GROUP 5205
#elif defined(__riscv) && __riscv_xlen == 64
/* Linux riscv64 (asm-generic) system call numbers. */
#define FPVM_SYS_READ 63
#define FPVM_SYS_WRITE 64
#define FPVM_SYS_EXIT 93
#define FPVM_SYS_EXIT_GROUP 94
#define FPVM_SYS_BRK 214
#define FPVM_SYS_MUNMAP 215
#define FPVM_SYS_MMAP 222
#else
#error "fpvm/syscall.h is for riscv64 and mips64 guests"
#endif

/* mmap constants (Linux generic values; the fpvm only looks at MAP_ANONYMOUS
 * in flags and at fd == -1). */
#define FPVM_PROT_READ 0x1
#define FPVM_PROT_WRITE 0x2
#define FPVM_MAP_PRIVATE 0x02
#if defined(__mips__)
#define FPVM_MAP_ANONYMOUS 0x800
#else
#define FPVM_MAP_ANONYMOUS 0x20
#endif

#if defined(__mips__)
/* One n64 syscall with up to six arguments; the others pass zeros. $1, $3, $10..$15, $24, $25, hi
 * and lo may be changed by the kernel (and by Cannon). */
static inline long fpvm_syscall6(long n, long x0, long x1, long x2, long x3, long x4, long x5) {
  register long v0 __asm__("$2") = n;
  register long a0 __asm__("$4") = x0;
  register long a1 __asm__("$5") = x1;
  register long a2 __asm__("$6") = x2;
  register long a3 __asm__("$7") = x3;
  register long a4 __asm__("$8") = x4;
  register long a5 __asm__("$9") = x5;
  __asm__ volatile("syscall"
                   : "+r"(v0), "+r"(a3), "+r"(a4), "+r"(a5)
                   : "r"(a0), "r"(a1), "r"(a2)
                   : "memory", "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo");
  return a3 ? -v0 : v0;
}
static inline long fpvm_syscall0(long n) { return fpvm_syscall6(n, 0, 0, 0, 0, 0, 0); }
static inline long fpvm_syscall1(long n, long x0) { return fpvm_syscall6(n, x0, 0, 0, 0, 0, 0); }
static inline long fpvm_syscall2(long n, long x0, long x1) { return fpvm_syscall6(n, x0, x1, 0, 0, 0, 0); }
static inline long fpvm_syscall3(long n, long x0, long x1, long x2) { return fpvm_syscall6(n, x0, x1, x2, 0, 0, 0); }
static inline long fpvm_syscall4(long n, long x0, long x1, long x2, long x3) {
  return fpvm_syscall6(n, x0, x1, x2, x3, 0, 0);
}
static inline long fpvm_syscall5(long n, long x0, long x1, long x2, long x3, long x4) {
  return fpvm_syscall6(n, x0, x1, x2, x3, x4, 0);
}
#else
static inline long fpvm_syscall0(long n) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0");
  register long a1 __asm__("a1") = 0;
  __asm__ volatile("ecall" : "=r"(a0), "+r"(a1) : "r"(a7) : "memory");
  return a0;
}

static inline long fpvm_syscall1(long n, long x0) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = 0;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7) : "memory");
  return a0;
}

static inline long fpvm_syscall2(long n, long x0, long x1) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7) : "memory");
  return a0;
}

static inline long fpvm_syscall3(long n, long x0, long x1, long x2) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7), "r"(a2) : "memory");
  return a0;
}

static inline long fpvm_syscall4(long n, long x0, long x1, long x2, long x3) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = x3;
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1)
                   : "r"(a7), "r"(a2), "r"(a3)
                   : "memory");
  return a0;
}

static inline long fpvm_syscall5(long n, long x0, long x1, long x2, long x3,
                                 long x4) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = x3;
  register long a4 __asm__("a4") = x4;
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1)
                   : "r"(a7), "r"(a2), "r"(a3), "r"(a4)
                   : "memory");
  return a0;
}

static inline long fpvm_syscall6(long n, long x0, long x1, long x2, long x3,
                                 long x4, long x5) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = x3;
  register long a4 __asm__("a4") = x4;
  register long a5 __asm__("a5") = x5;
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1)
                   : "r"(a7), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
                   : "memory");
  return a0;
}

#endif

/* True when a raw syscall result is an error under Linux (-errno) or the
 * fpvm (-1). */
static inline int fpvm_sys_failed(long r) {
  return (unsigned long)r >= (unsigned long)-4095L;
}

static inline long fpvm_sys_write(int fd, const void *buf, unsigned long n) {
  return fpvm_syscall3(FPVM_SYS_WRITE, fd, (long)buf, (long)n);
}

static inline long fpvm_sys_read(int fd, void *buf, unsigned long n) {
  return fpvm_syscall3(FPVM_SYS_READ, fd, (long)buf, (long)n);
}

static inline void *fpvm_sys_mmap_anon(unsigned long len) {
  long r = fpvm_syscall6(FPVM_SYS_MMAP, 0, (long)len,
                         FPVM_PROT_READ | FPVM_PROT_WRITE,
                         FPVM_MAP_PRIVATE | FPVM_MAP_ANONYMOUS, -1, 0);
  return fpvm_sys_failed(r) ? (void *)0 : (void *)r;
}

static inline __attribute__((noreturn)) void fpvm_sys_exit_group(int code) {
  for (;;) {
    fpvm_syscall1(FPVM_SYS_EXIT_GROUP, code);
    /* exit_group does not return; if it somehow did, fall back to exit. */
    fpvm_syscall1(FPVM_SYS_EXIT, code);
  }
}

#endif /* FPVM_SYSCALL_H */
