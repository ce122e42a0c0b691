/*
 * main.c - mips-bench: a CPU-bound, integer-only guest for measuring how
 * many guest instructions per second an emulator retires.
 *
 * Runs the kernels of kernels.c `bench_iterations` times (about 20 million
 * instructions per iteration, see README.md), checks that every iteration
 * gives the known-good results, prints them and exits 0, or 1 on a mismatch.
 * A host may patch `bench_iterations` through its ELF symbol before running.
 *
 * Built with -DBENCH_REPORT_INSTRET it also prints the minstret deltas of
 * each kernel and of the whole run (use QEMU with -icount shift=0 so that
 * minstret counts instructions rather than host ticks).
 */
#include <stdint.h>
#include "../common/printf.h"
#include "kernels.h"

#ifndef BENCH_DEFAULT_ITERATIONS
#define BENCH_DEFAULT_ITERATIONS 100
#endif

volatile uint64_t bench_iterations = BENCH_DEFAULT_ITERATIONS;   /* 0 runs once */

/* From a native run of kernels.c: make expected */
static const struct bench_result expected = {
    .crc_bitwise = 0x2999cb74,
    .crc_table = 0x6c623763,
    .primes = 23000,
    .prime_sum = 0xaaef666b,
    .matmul = 0x8ed8f288,
};

static struct bench_data data;

static int same(const struct bench_result *x, const struct bench_result *y)
{
    return x->crc_bitwise == y->crc_bitwise && x->crc_table == y->crc_table &&
           x->primes == y->primes && x->prime_sum == y->prime_sum &&
           x->matmul == y->matmul;
}

/* Prints one result line; returns 1 if it is not the expected value. */
static int report(const char *name, uint32_t got, uint32_t want)
{
    printf("%-14s %08x", name, got);
    if (got != want) {
        printf("  MISMATCH, expected %08x\n", want);
        return 1;
    }
    printf("\n");
    return 0;
}

#ifdef BENCH_REPORT_INSTRET
static uint64_t read_instret(void)
{
    uint64_t n;
    __asm__ volatile("csrr %0, minstret" : "=r"(n));
    return n;
}
#define COUNTER read_instret
#else
#define COUNTER 0
#endif

int main(void)
{
    uint64_t iterations = bench_iterations ? bench_iterations : 1;
    uint64_t marks[BENCH_KERNELS + 1];
    struct bench_result first, r;

    printf("mips-bench: iterations=%lu\n", iterations);
    bench_setup(&data);
    bench_run(&data, &first, COUNTER, marks);
    for (uint64_t i = 1; i < iterations; i++) {
        bench_run(&data, &r, 0, 0);
        if (!same(&r, &first)) {
            printf("mips-bench: FAIL iteration %lu differs from iteration 0\n", i);
            return 1;
        }
    }

#ifdef BENCH_REPORT_INSTRET
    static const char *const names[BENCH_KERNELS] = { "crc32-bitwise", "crc32-table", "sieve", "matmul" };
    uint64_t end = read_instret();
    for (int k = 0; k < BENCH_KERNELS; k++)
        printf("instret %-14s %lu\n", names[k], marks[k + 1] - marks[k]);
    printf("instret %-14s %lu\n", "iteration", marks[BENCH_KERNELS] - marks[0]);
    printf("instret %-14s %lu\n", "all", end - marks[0]);
    printf("instret %-14s %lu\n", "since-reset", end);
#else
    (void)marks;
#endif

    int bad = 0;
    bad += report("crc32-bitwise:", first.crc_bitwise, expected.crc_bitwise);
    bad += report("crc32-table:", first.crc_table, expected.crc_table);
    bad += report("sieve-count:", first.primes, expected.primes);
    bad += report("sieve-sum:", first.prime_sum, expected.prime_sum);
    bad += report("matmul:", first.matmul, expected.matmul);
    if (bad) {
        printf("mips-bench: FAIL %d checksum(s) wrong\n", bad);
        return 1;
    }
    printf("mips-bench: OK checksum=%08x\n", result_checksum(&first));
    return 0;
}
