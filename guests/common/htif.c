/*
 * htif.c - HTIF console output and exit (see htif.h for the protocol).
 *
 * htif_putchar() is blocking: it waits for the host's acknowledgement in
 * fromhost and clears it, the way riscv-pk's htif_console_putchar() does.
 * QEMU (hw/char/riscv_htif.c) acts on the write to the upper half of tohost
 * and sets fromhost before the store completes, so the wait is one load.
 */
#include "htif.h"
#include "printf.h"
#ifdef GUEST_PLATFORM_VIRT
#include "syscon.h"
#endif

#define HTIF_DEV_SYSTEM  0ULL
#define HTIF_DEV_CONSOLE 1ULL
#define HTIF_CONSOLE_PUTC 1ULL
#define HTIF_CMD(dev, cmd, payload) (((dev) << 56) | ((cmd) << 48) | (payload))

/* QEMU insists on exactly 8 bytes each (it checks the ELF symbol size). */
volatile uint64_t tohost __attribute__((section(".tohost"), aligned(8)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(8)));

void htif_putchar(char ch)
{
    tohost = HTIF_CMD(HTIF_DEV_CONSOLE, HTIF_CONSOLE_PUTC, (uint8_t)ch);
    while (fromhost == 0)
        ;
    fromhost = 0;
}

void htif_exit(int code)
{
    tohost = HTIF_CMD(HTIF_DEV_SYSTEM, 0ULL, ((uint64_t)(uint32_t)code << 1) | 1);
#ifdef GUEST_PLATFORM_VIRT
    syscon_exit(code);              /* for hosts without HTIF (QEMU virt) */
#endif
    for (;;)
        ;
}

void htif_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
    printf("trap: mcause=%lx mepc=%lx mtval=%lx\n", mcause, mepc, mtval);
    htif_exit(HTIF_EXIT_TRAP);
}
