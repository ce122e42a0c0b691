/*
 * rngcheck.h - quick sanity checks for a buffer of random bytes, shared by
 * rng-demo and virtio-rng-demo (add ../common/rngcheck.c to SRCS).
 *
 * Not a randomness test suite: the bounds are about six standard deviations
 * wide, so a working RNG practically never fails them, while a stuck, zero,
 * counting or repeating source does.
 *
 *   ones    the share of set bits must be within 6 sigma of 50%
 *           ((2*ones - bits)^2 <= 36*bits)
 *   chi2    byte-histogram chi-square (255 degrees of freedom, mean 255,
 *           sigma 22.6) must lie in [119.50, 390.50]; only for >= 4096 bytes
 *   blocks  every two consecutive 64-byte blocks differ (buffers of >= 128
 *           bytes); smaller buffers: the 32-bit words are not all equal
 */
#ifndef GUESTS_COMMON_RNGCHECK_H
#define GUESTS_COMMON_RNGCHECK_H

#include <stdint.h>

struct rng_quality {
    uint64_t bits;          /* bytes * 8 */
    uint64_t ones;          /* set bits */
    uint64_t chi2_x100;     /* chi-square * 100, valid if has_chi2 */
    int has_chi2;
    int ones_ok, chi2_ok, blocks_ok;
};

/* Checks n bytes at buf (8-byte aligned); returns 1 if all checks pass. */
int rng_check(const uint8_t *buf, uint64_t n, struct rng_quality *q);

/* Prints "ones 50.12% ok, chi2 251.30 ok, blocks differ ok" (no newline). */
void rng_print_quality(const struct rng_quality *q);

#endif
