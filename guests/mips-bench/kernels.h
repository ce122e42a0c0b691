/*
 * kernels.h - the integer kernels mips-bench runs, and their sizes.
 *
 * Plain C with no runtime dependencies, so kernels.c also builds natively
 * (see expected.c) to produce the known-good checksums main.c compares to.
 */
#ifndef MIPS_BENCH_KERNELS_H
#define MIPS_BENCH_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#define CRC_BUF_BYTES     (64 * 1024)   /* table CRC runs over all of it */
#define CRC_BITWISE_BYTES (64 * 1024)   /* bitwise CRC over this much of it */
#define CRC_TABLE_PASSES  8             /* table CRC runs over the buffer this often */
#define SIEVE_LIMIT       (256 * 1024)  /* primes below this */
#define MATMUL_N          80            /* N x N int32 matrices */

#define CRC_SEED    0x5eed0001u
#define MATMUL_SEED 0x5eed0002u

/* All inputs and scratch space; about 400 KiB, lives in .bss. */
struct bench_data {
    uint8_t crc_buf[CRC_BUF_BYTES];
    uint32_t crc_tab[256];
    uint8_t composite[SIEVE_LIMIT];
    int32_t a[MATMUL_N * MATMUL_N], b[MATMUL_N * MATMUL_N], c[MATMUL_N * MATMUL_N];
};

struct bench_result {
    uint32_t crc_bitwise;
    uint32_t crc_table;
    uint32_t primes;          /* how many primes below SIEVE_LIMIT */
    uint32_t prime_sum;       /* their sum, mod 2^32 */
    uint32_t matmul;          /* hash of the product matrix */
};

#define BENCH_KERNELS 4          /* crc32-bitwise, crc32-table, sieve, matmul */

/* Fills the inputs; run once before bench_run(). */
void bench_setup(struct bench_data *d);

/*
 * Runs every kernel once. If `counter` is given, marks[k] holds its value
 * before kernel k and marks[BENCH_KERNELS] after the last one.
 */
void bench_run(struct bench_data *d, struct bench_result *r,
               uint64_t (*counter)(void), uint64_t marks[BENCH_KERNELS + 1]);

uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t n);
uint32_t crc32_table(const uint32_t table[256], uint32_t crc, const uint8_t *p, size_t n);
uint32_t sieve(uint8_t *composite, uint32_t limit, uint32_t *prime_sum);
uint32_t matmul(const int32_t *a, const int32_t *b, int32_t *c, int n);

uint32_t result_checksum(const struct bench_result *r);

#endif
