# Bare entry point of a freestanding MIPS64 guest (Cannon MT64; no libc): the loader leaves the
# stack pointer at the initial stack (docs/spec/cannon-mt64.md §9.3); keep it, call main and pass
# its return value to exit_group.
        .set    reorder
        .text
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
