/*
 * devices.h — device test guests: the PLIC layout and the test-only irqctl
 * device (test/devices/fixtures/irqctl.ts).  Include after test.h.
 */
#ifndef WASMVISOR_DEVICES_H
#define WASMVISOR_DEVICES_H

/* PLIC (SiFive layout, as QEMU virt): context 0 = hart 0 M-mode (MEIP),
 * context 1 = hart 0 S-mode (SEIP). */
#define PLIC_BASE       0x0C000000
#define PLIC_PRIORITY(n) (PLIC_BASE + 4 * (n))
#define PLIC_PENDING0   0x0C001000          /* sources 0..31 */
#define PLIC_PENDING1   0x0C001004          /* sources 32..63 */
#define PLIC_ENABLE(ctx, word) (0x0C002000 + 0x80 * (ctx) + 4 * (word))
#define PLIC_THRESHOLD(ctx) (0x0C200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)     (0x0C200004 + 0x1000 * (ctx))

/* irqctl: a 32-bit write of (line << 1) | level to IRQCTL_LINE sets a PLIC
 * line; a 64-bit write to IRQCTL_REPORT hands a value to the test. */
#define IRQCTL_BASE     0x10030000
#define IRQCTL_LINE     (IRQCTL_BASE + 0)
#define IRQCTL_REPORT   (IRQCTL_BASE + 8)

#ifdef __ASSEMBLER__
/* These clobber t5/t6 only (like test.h's macros). */
#define IRQ_RAISE(n)    li t5, IRQCTL_LINE; li t6, ((n) << 1) | 1; sw t6, 0(t5)
#define IRQ_LOWER(n)    li t5, IRQCTL_LINE; li t6, ((n) << 1); sw t6, 0(t5)
#define REPORT(r)       li t5, IRQCTL_REPORT; sd r, 0(t5)
/* 32-bit PLIC register access at a constant address */
#define PLIC_W(addr, val) li t5, addr; li t6, val; sw t6, 0(t5)
#define PLIC_R(r, addr)   li t5, addr; lwu r, 0(t5)
#endif

#endif
