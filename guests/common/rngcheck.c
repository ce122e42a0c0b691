/*
 * rngcheck.c - sanity checks for random buffers (see rngcheck.h).
 * Integer arithmetic only; no Zbb, so popcount is the SWAR bit trick.
 */
#include <stddef.h>
#include "printf.h"
#include "rngcheck.h"

#define CHI2_MIN_BYTES 4096
#define CHI2_LOW_X100  11950        /* 255 - 6 * sqrt(2 * 255) */
#define CHI2_HIGH_X100 39050        /* 255 + 6 * sqrt(2 * 255) */
#define BLOCK 64

static uint64_t popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (x * 0x0101010101010101ULL) >> 56;
}

static int same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

int rng_check(const uint8_t *buf, uint64_t n, struct rng_quality *q)
{
    const uint64_t *w = (const uint64_t *)buf;
    uint64_t words = n / 8, ones = 0;
    uint32_t hist[256] = { 0 };

    for (uint64_t i = 0; i < words; i++)
        ones += popcount64(w[i]);
    for (uint64_t i = words * 8; i < n; i++)
        ones += popcount64(buf[i]);
    q->bits = n * 8;
    q->ones = ones;
    int64_t d = 2 * (int64_t)ones - (int64_t)q->bits;
    q->ones_ok = n > 0 && (uint64_t)(d * d) <= 36 * q->bits;

    q->has_chi2 = n >= CHI2_MIN_BYTES;
    q->chi2_x100 = 0;
    q->chi2_ok = 1;
    if (q->has_chi2) {
        uint64_t sumsq = 0;
        for (uint64_t i = 0; i < n; i++)
            hist[buf[i]]++;
        for (int b = 0; b < 256; b++)
            sumsq += (uint64_t)hist[b] * hist[b];
        /* sum (c - n/256)^2 / (n/256) = 256 * sumsq / n - n */
        q->chi2_x100 = 25600 * sumsq / n - 100 * n;
        q->chi2_ok = q->chi2_x100 >= CHI2_LOW_X100 && q->chi2_x100 <= CHI2_HIGH_X100;
    }

    q->blocks_ok = 1;
    if (n >= 2 * BLOCK) {
        for (uint64_t off = 0; off + 2 * BLOCK <= n; off += BLOCK)
            if (same_bytes(buf + off, buf + off + BLOCK, BLOCK))
                q->blocks_ok = 0;
    } else {
        const uint32_t *v = (const uint32_t *)buf;
        uint64_t nv = n / 4, equal = 1;
        for (uint64_t i = 1; i < nv; i++)
            if (v[i] != v[0])
                equal = 0;
        q->blocks_ok = nv >= 2 && !equal;
    }
    return q->ones_ok && q->chi2_ok && q->blocks_ok;
}

static const char *verdict(int ok)
{
    return ok ? "ok" : "BAD";
}

void rng_print_quality(const struct rng_quality *q)
{
    uint64_t pct = q->bits ? q->ones * 10000 / q->bits : 0;

    printf("ones %lu.%02lu%% %s", pct / 100, pct % 100, verdict(q->ones_ok));
    if (q->has_chi2)
        printf(", chi2 %lu.%02lu %s", q->chi2_x100 / 100, q->chi2_x100 % 100,
               verdict(q->chi2_ok));
    else
        printf(", chi2 -");
    printf(", %s %s", q->bits >= 2 * 8 * BLOCK ? "64-byte blocks differ" : "words differ",
           verdict(q->blocks_ok));
}
