/*
 * expected.c - native (host cc) program that runs kernels.c once and prints
 * the known-good results in the form main.c compiles in:
 *     make -C guests/mips-bench expected
 * Run it after changing a kernel or a size in kernels.h.
 */
#include <stdio.h>
#include "kernels.h"

static struct bench_data data;

int main(void)
{
    struct bench_result r;

    bench_setup(&data);
    bench_run(&data, &r, NULL, NULL);
    printf("static const struct bench_result expected = {\n"
           "    .crc_bitwise = 0x%08x,\n    .crc_table = 0x%08x,\n"
           "    .primes = %u,\n    .prime_sum = 0x%08x,\n    .matmul = 0x%08x,\n};\n"
           "/* mips-bench: OK checksum=%08x */\n",
           r.crc_bitwise, r.crc_table, r.primes, r.prime_sum, r.matmul, result_checksum(&r));
    return 0;
}
