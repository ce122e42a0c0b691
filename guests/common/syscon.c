/*
 * syscon.c - end the run through the test/syscon device (see syscon.h).
 * Code 0 is a clean poweroff; anything else reports failure with that code
 * (QEMU exits with it; the code field is 16 bits wide).
 */
#include <stdint.h>
#include "syscon.h"

void syscon_exit(int code)
{
    volatile uint32_t *reg = (volatile uint32_t *)SYSCON_BASE;

    *reg = code == 0 ? SYSCON_PASS : SYSCON_FAIL | ((uint32_t)code & 0xffff) << 16;
    for (;;)
        ;
}
