/*
 * main.c - exit-cost: N 32-bit loads from a trivial host device in a tight
 * loop, so that nearly all the run's time is MMIO exit round trips.
 *
 * bench/exit-cost.ts places a device at EXIT_COST_DEVICE whose register at
 * offset 0 returns EXIT_COST_VALUE on every 4-byte read; each load is one VM
 * exit (guest load -> run() returns -> host handler -> setData -> run()).
 * The loop body is 5 instructions besides the load. The guest checks every
 * value and exits through HTIF tohost with 0, or 1 if any read was wrong.
 *
 *   exit_cost_reads  how many reads (default 2,000,000); a host may patch
 *                    it in guest RAM before the start (ELF symbol, .data).
 */
#include <stdint.h>

#define EXIT_COST_DEVICE 0x10040000UL
#define EXIT_COST_VALUE  0x600dcafeU

volatile uint64_t exit_cost_reads __attribute__((section(".data.bench"))) = 2000000;

int main(void)
{
    volatile uint32_t *reg = (volatile uint32_t *)EXIT_COST_DEVICE;
    uint64_t n = exit_cost_reads;
    uint64_t bad = 0;

    for (uint64_t i = 0; i < n; i++)
        bad += *reg != EXIT_COST_VALUE;
    return bad != 0;
}
