// Syscalls and output helpers for the MIPS64 guest programs (n64 ABI: number in v0, arguments in
// a0..a3, result in v0, error flag in a3).
#pragma once

typedef unsigned long u64;

static inline long sys4(long n, long a, long b, long c, long d) {
  register long v0 __asm__("$2") = n;
  register long a0 __asm__("$4") = a;
  register long a1 __asm__("$5") = b;
  register long a2 __asm__("$6") = c;
  register long a3 __asm__("$7") = d;
  __asm__ volatile("syscall"
                   : "+r"(v0), "+r"(a3)
                   : "r"(a0), "r"(a1), "r"(a2)
                   : "memory", "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo");
  return a3 ? -v0 : v0;
}

#define SYS_READ 5000
#define SYS_WRITE 5001
#define SYS_SCHED_YIELD 5023
#define SYS_FUTEX 5194
#define SYS_GETRANDOM 5313
#define SYS_CLOCK_GETTIME 5222

long spawn(void (*fn)(long), long arg, void* stackTop);

static inline long write_all(int fd, const void* buf, long n) { return sys4(SYS_WRITE, fd, (long)buf, n, 0); }

static inline long str_len(const char* s) {
  long n = 0;
  while (s[n]) n++;
  return n;
}

static inline void print(const char* s) { write_all(1, s, str_len(s)); }

static inline void print_hex(u64 v) {
  char buf[19];
  buf[0] = '0';
  buf[1] = 'x';
  for (int i = 0; i < 16; i++) buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
  buf[18] = '\n';
  write_all(1, buf, 19);
}
