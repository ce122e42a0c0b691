/*
 * probe.S - int mmio_probe_read32(uintptr_t addr, uint32_t *value)
 *
 * Reads a 32-bit MMIO register that may not exist: with a temporary trap
 * vector, a load access fault (or any other trap) on that one load makes
 * the function return -1 instead of ending the run through start.S's
 * trap handler. Returns 0 and stores the value otherwise. Lets the virtio
 * probe survive a host that leaves unused slots unmapped.
 */
    .text
    .globl mmio_probe_read32
    .balign 4
mmio_probe_read32:
    csrr    t1, mtvec
    la      t0, probe_trap
    csrw    mtvec, t0
    li      t2, 0                   /* result: 0 = ok */
    .option push
    .option norvc                   /* probe_trap skips exactly 4 bytes */
    lw      t0, 0(a0)
    .option pop
    csrw    mtvec, t1
    bnez    t2, 1f
    sw      t0, 0(a1)
1:  mv      a0, t2
    ret

    .balign 4                       /* mtvec needs 4-byte alignment */
probe_trap:
    csrr    t0, mepc
    addi    t0, t0, 4
    csrw    mepc, t0
    li      t2, -1
    mret
