/*
 * kernels.c - CRC32 (bitwise and table-driven), a prime sieve and an int32
 * matrix multiply: integer-only work with a mix of ALU, branch, load/store
 * and multiply instructions. Every kernel is `noipa` so the compiler can
 * neither drop nor hoist the repeated calls in main.c.
 */
#include "kernels.h"

#define KERNEL __attribute__((noipa))
#define CRC32_POLY 0xedb88320u          /* reflected IEEE 802.3 polynomial */

/* xorshift32: a small deterministic generator for the inputs. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void fill_bytes(uint8_t *buf, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(next_random(&seed) >> 24);
}

static void fill_matrix(int32_t *m, int n, uint32_t seed)
{
    for (int i = 0; i < n * n; i++)
        m[i] = (int32_t)(next_random(&seed) & 0xff) - 128;
}

/* Takes and returns the CRC register (pass ~0 to start, complement at end). */
KERNEL uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (CRC32_POLY & -(crc & 1));
    }
    return crc;
}

static void crc32_make_table(uint32_t table[256])
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (CRC32_POLY & -(c & 1));
        table[i] = c;
    }
}

KERNEL uint32_t crc32_table(const uint32_t table[256], uint32_t crc, const uint8_t *p, size_t n)
{
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

/* Sieve of Eratosthenes over [0, limit); returns the number of primes. */
KERNEL uint32_t sieve(uint8_t *composite, uint32_t limit, uint32_t *prime_sum)
{
    uint32_t count = 0, sum = 0;

    for (uint32_t i = 0; i < limit; i++)
        composite[i] = 0;
    for (uint32_t i = 2; i * i < limit; i++)
        if (!composite[i])
            for (uint32_t j = i * i; j < limit; j += i)
                composite[j] = 1;
    for (uint32_t i = 2; i < limit; i++)
        if (!composite[i]) {
            count++;
            sum += i;
        }
    *prime_sum = sum;
    return count;
}

/* c = a * b (n x n, row-major, i-k-j order); returns a hash of c. */
KERNEL uint32_t matmul(const int32_t *a, const int32_t *b, int32_t *c, int n)
{
    for (int i = 0; i < n; i++) {
        int32_t *row = c + i * n;
        for (int j = 0; j < n; j++)
            row[j] = 0;
        for (int k = 0; k < n; k++) {
            int32_t aik = a[i * n + k];
            const int32_t *brow = b + k * n;
            for (int j = 0; j < n; j++)
                row[j] += aik * brow[j];
        }
    }
    uint32_t h = 0;
    for (int i = 0; i < n * n; i++)
        h = h * 31 + (uint32_t)c[i];
    return h;
}

void bench_setup(struct bench_data *d)
{
    fill_bytes(d->crc_buf, CRC_BUF_BYTES, CRC_SEED);
    crc32_make_table(d->crc_tab);
    fill_matrix(d->a, MATMUL_N, MATMUL_SEED);
    fill_matrix(d->b, MATMUL_N, ~MATMUL_SEED);
}

void bench_run(struct bench_data *d, struct bench_result *r,
               uint64_t (*counter)(void), uint64_t marks[BENCH_KERNELS + 1])
{
#define MARK(k) (counter ? (void)(marks[k] = counter()) : (void)0)
    MARK(0);
    r->crc_bitwise = ~crc32_bitwise(~0u, d->crc_buf, CRC_BITWISE_BYTES);
    MARK(1);
    uint32_t crc = ~0u;
    for (int pass = 0; pass < CRC_TABLE_PASSES; pass++)
        crc = crc32_table(d->crc_tab, crc, d->crc_buf, CRC_BUF_BYTES);
    r->crc_table = ~crc;
    MARK(2);
    r->primes = sieve(d->composite, SIEVE_LIMIT, &r->prime_sum);
    MARK(3);
    r->matmul = matmul(d->a, d->b, d->c, MATMUL_N);
    MARK(4);
#undef MARK
}

/* FNV-1a over the result words, in struct order. */
uint32_t result_checksum(const struct bench_result *r)
{
    const uint32_t words[] = { r->crc_bitwise, r->crc_table, r->primes, r->prime_sum, r->matmul };
    uint32_t h = 0x811c9dc5u;

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        for (int b = 0; b < 32; b += 8) {
            h ^= (words[i] >> b) & 0xff;
            h *= 0x01000193u;
        }
    return h;
}
