/*
 * start.S - M-mode entry point of wasmvisor's bare-metal guests.
 *
 * Hart 0 starts at _start (0x80000000, see link.ld): it sets gp and sp,
 * installs a trap vector, zeroes .bss, calls main() and hands main's return
 * value to htif_exit(). Any other hart parks in a WFI loop. An unexpected
 * trap reports mcause/mepc/mtval through htif_trap() and exits with code 3.
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park

    .option push
    .option norelax                 /* gp itself must not be gp-relative */
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top

    la      t0, trap_entry
    csrw    mtvec, t0

    la      t0, __bss_start         /* both ends 8-byte aligned (link.ld) */
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    call    main
    tail    htif_exit               /* a0 = main's return value */

park:
    wfi
    j       park

    .balign 4                       /* mtvec needs 4-byte alignment */
trap_entry:
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    tail    htif_trap
