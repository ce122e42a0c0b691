/*
 * main.c - rng-demo: reads random bytes from wasmvisor's `rngboi` register
 * RNG, one 32-bit MMIO load (one VM exit) per 4 bytes.
 *
 * rngboi (docs/architecture.md, memory map) is one 32-bit register at 0x10020000 that
 * returns fresh random bits on every read. The demo fills a 16 B, 256 B,
 * 4 KiB and 64 KiB buffer once each, prints per size the bytes and register
 * reads and the sanity checks of ../common/rngcheck.c, then
 * "rng-demo: OK" and exits 0 (or "rng-demo: FAIL ..." and exits 1).
 *
 * For benchmarks a host may patch two symbols (in the ELF's .data or in
 * guest RAM before the start):
 *   demo_buffer_bytes  0 (default): the demo above; otherwise fill one
 *                      buffer of this many bytes (at most RNG_MAX_BYTES;
 *                      a size that is no multiple of 4 takes a final
 *                      partial read) ...
 *   demo_rounds        ... this many times (default 1, 0 counts as 1),
 *                      with no checks and only two lines of output.
 */
#include <stdint.h>
#include "../common/printf.h"
#include "../common/rngcheck.h"

#ifndef RNGBOI_BASE
#define RNGBOI_BASE 0x10020000UL    /* a scratch build may point it elsewhere */
#endif
#define RNG_MAX_BYTES (1024 * 1024)

/* Kept in .data (not .bss) so that they can be patched in the ELF file. */
volatile uint64_t demo_buffer_bytes __attribute__((section(".data.demo"))) = 0;
volatile uint64_t demo_rounds __attribute__((section(".data.demo"))) = 1;

static uint8_t buffer[RNG_MAX_BYTES] __attribute__((aligned(64)));
static uint64_t reads;              /* rngboi register reads so far */

static void rng_fill(uint8_t *buf, uint64_t n)
{
    volatile uint32_t *reg = (volatile uint32_t *)RNGBOI_BASE;
    uint32_t *w = (uint32_t *)buf;
    uint64_t words = n / 4;

    for (uint64_t i = 0; i < words; i++)
        w[i] = *reg;
    reads += words;
    if (n % 4) {
        uint32_t v = *reg;
        reads++;
        for (uint64_t i = words * 4; i < n; i++, v >>= 8)
            buf[i] = (uint8_t)v;
    }
}

static int bench(uint64_t bytes, uint64_t rounds)
{
    printf("rng-demo: %lu B x %lu rounds\n", bytes, rounds);
    if (bytes > RNG_MAX_BYTES) {
        printf("rng-demo: FAIL demo_buffer_bytes=%lu is more than %u\n", bytes,
               RNG_MAX_BYTES);
        return 1;
    }
    for (uint64_t r = 0; r < rounds; r++)
        rng_fill(buffer, bytes);
    printf("rng-demo: OK %lu bytes in %lu reads\n", bytes * rounds, reads);
    return 0;
}

static int demo(void)
{
    static const uint32_t sizes[] = { 16, 256, 4096, 65536 };
    uint64_t total = 0;
    int bad = 0;

    printf("rng-demo: rngboi at 0x%lx, 32-bit reads\n", (uint64_t)RNGBOI_BASE);
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct rng_quality q;
        uint64_t before = reads;

        rng_fill(buffer, sizes[i]);
        total += sizes[i];
        int ok = rng_check(buffer, sizes[i], &q);
        printf("rng-demo: %5u B in %5lu reads: ", sizes[i], reads - before);
        rng_print_quality(&q);
        printf("\n");
        bad += !ok;
    }
    if (bad) {
        printf("rng-demo: FAIL %d buffer(s) failed a quality check\n", bad);
        return 1;
    }
    printf("rng-demo: OK %lu bytes in %lu reads\n", total, reads);
    return 0;
}

int main(void)
{
    uint64_t bytes = demo_buffer_bytes;
    uint64_t rounds = demo_rounds ? demo_rounds : 1;

    return bytes ? bench(bytes, rounds) : demo();
}
