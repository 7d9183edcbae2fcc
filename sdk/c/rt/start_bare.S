# Bare entry point of a freestanding RISC-V guest (no libc; sdk/README.md): the loader leaves a
# valid stack pointer in sp (spec §7.1); we keep it, set up gp for linker relaxation, call
# main(void) and pass its return value to exit_group. .bss is zero-filled by the loader.
  .section .text._start, "ax"
  .globl _start
  .type _start, @function
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  call main
  li a7, 94          # exit_group(a0 = main's result)
  ecall
1:
  j 1b
  .size _start, . - _start
