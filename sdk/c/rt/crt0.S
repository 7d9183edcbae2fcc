/* crt0.S — entry point of fpvm guest programs (riscv64, no C extension).
 *
 * Works under both loaders:
 *   - qemu-riscv64 (Linux user mode) hands over a Linux stack (argc, argv,
 *     envp, auxv at sp);
 *   - the fpvm sets sp = 0x1000000000000000 and all other registers to 0.
 * We keep the sp we were given (only re-align it), ignore whatever it points
 * at, and call main(0, {NULL}) from __fpvm_cstart (rt.c).
 *
 * .bss is not cleared here: both loaders zero-fill p_memsz > p_filesz.
 */
	.section .text.fpvm_start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	/* gp must be set with relaxation off, or the linker would turn this
	 * into "mv gp, gp". */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	/* picolibc keeps errno (and a few other variables) in TLS, accessed
	 * local-exec as tp + offset. The linker script lays the one TLS block
	 * out in .data (with .tbss zero-filled inside it), so tp just points at
	 * it; no copy is needed. */
	la	tp, __tls_base
	andi	sp, sp, -16
	li	ra, 0
	li	fp, 0
	call	__fpvm_cstart
	/* __fpvm_cstart does not return. */
1:	j	1b
	.size _start, . - _start
