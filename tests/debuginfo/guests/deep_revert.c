// Calls three functions deep and then makes a syscall the machine refuses (RISC-V: nanosleep,
// which reverts; MIPS64: a number Cannon does not implement), so the run fails there: `fpvm run` / `fpvm cannon run` must print a backtrace naming every function on the way.
// Built for RISC-V with the SDK runtime and for MIPS64 with the MT64 test runtime, with frame
// pointers (RISC-V unwinds by them) and without inlining (each function keeps its frame).

__attribute__((noinline)) static long unsupported(long a) {
#if defined(__riscv)
  register long a0 __asm__("a0") = a;
  register long a7 __asm__("a7") = 101;  // nanosleep
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
#else
  register long v0 __asm__("$2") = 5999;  // n64 syscalls are 5000..5450
  register long a0 __asm__("$4") = a;
  __asm__ volatile("syscall" : "+r"(v0) : "r"(a0) : "memory", "$3", "$7");
  return v0;
#endif
}

__attribute__((noinline)) long level3(long x) {
  volatile long local[4] = {x, x + 1, x + 2, x + 3};
  return unsupported(local[0] + local[3]) * 2 + local[1];  // not a tail call: level3 keeps its frame
}

__attribute__((noinline)) long level2(long x) { return level3(x * 3) + 1; }

__attribute__((noinline)) long level1(long x) { return level2(x + 5) + 2; }

int main(void) { return (int)level1(7); }
