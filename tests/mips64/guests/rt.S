# Minimal runtime for MIPS64 (n64) guest programs of the Cannon MT64 tests: no libc.
# Runs the same under Cannon's machine and under Linux (qemu-mips64).
        .set    reorder
        .text

# __start (the MIPS linker's entry symbol): main() then exit_group(main's result).
        .globl  __start
        .ent    __start
__start:
        daddiu  $sp, $sp, -16
        jal     main
        move    $a0, $v0
        li      $v0, 5205               # exit_group
        syscall
1:      b       1b
        .end    __start

# long spawn(void (*fn)(long), long arg, void *stack_top): clone a thread that runs fn(arg) on
# stack_top and then exit(0)s; returns the child's thread id in the parent.
        .globl  spawn
        .ent    spawn
spawn:
        move    $t0, $a0
        move    $t1, $a1
        li      $a0, 0x50F00            # CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD
        move    $a1, $a2
        li      $a2, 0
        li      $a3, 0
        li      $v0, 5055               # clone
        syscall
        bnez    $v0, 2f
        # child: the parent's registers, a new stack
        move    $a0, $t1
        jalr    $t0
        li      $a0, 0
        li      $v0, 5058               # exit
        syscall
1:      b       1b
2:      jr      $ra
        .end    spawn
