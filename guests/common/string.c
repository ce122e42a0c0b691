/*
 * string.c - memset and memcpy, which GCC may call even in freestanding
 * code (struct copies, zeroing loops). Built without loop-pattern
 * recognition so GCC does not turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t __attribute__((may_alias)) word_t;   /* memset may alias anything */

#define NO_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_PATTERNS void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    word_t word = 0x0101010101010101ULL * (uint8_t)c;

    for (; n && ((uintptr_t)d & 7); n--)
        *d++ = (uint8_t)c;
    for (; n >= 8; n -= 8, d += 8)
        *(word_t *)d = word;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

NO_PATTERNS void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}
