/*
 * printf.c - a small printf of our own (see printf.h for what it accepts).
 *
 * No libc: the guests are built -ffreestanding -nostdlib, so these names
 * are ordinary functions here, not compiler builtins.
 */
#include <stdint.h>
#include "htif.h"
#include "printf.h"

#ifdef GUEST_PLATFORM_VIRT          /* PLATFORM := virt, see guest.mk */
#include "uart.h"
#define console_putchar uart_putchar
#else
#define console_putchar htif_putchar
#endif

int putchar(int ch)
{
    console_putchar((char)ch);
    return (uint8_t)ch;
}

int puts(const char *s)
{
    while (*s)
        putchar(*s++);
    putchar('\n');
    return 0;
}

/* Prints `len` chars of `s` padded to `width`; `sign` (or 0) goes first. */
static int emit(const char *s, int len, char sign, int width, int left, char pad)
{
    int total = len + (sign != 0);
    int fill = width > total ? width - total : 0;
    int n = total + fill;

    if (!left && pad == ' ')
        for (; fill > 0; fill--)
            putchar(' ');
    if (sign)
        putchar(sign);
    if (!left)                      /* zero padding goes after the sign */
        for (; fill > 0; fill--)
            putchar('0');
    while (len-- > 0)
        putchar(*s++);
    for (; fill > 0; fill--)
        putchar(' ');
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    int n = 0;

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putchar(*fmt);
            n++;
            continue;
        }
        int left = 0, width = 0, longs = 0;
        char pad = ' ';
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                left = 1;
            else
                pad = '0';
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l'; fmt++)
            longs++;

        char buf[24];               /* 2^64 in octal would need 22 */
        char *end = buf + sizeof buf, *p = end;
        char sign = 0;
        uint64_t v;
        unsigned base = 10;
        const char *digits = "0123456789abcdef";

        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t sv = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            sign = sv < 0 ? '-' : 0;
            v = sv < 0 ? -(uint64_t)sv : (uint64_t)sv;
            goto number;
        }
        case 'p':
            longs = 1;
            /* fall through */
        case 'x':
            base = 16;
            goto unsigned_arg;
        case 'X':
            base = 16;
            digits = "0123456789ABCDEF";
            /* fall through */
        case 'u':
        unsigned_arg:
            v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        number:
            do {
                *--p = digits[v % base];
                v /= base;
            } while (v);
            n += emit(p, (int)(end - p), sign, width, left, pad);
            break;
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            n += emit(buf, 1, 0, width, left, ' ');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int len = 0;
            if (!s)
                s = "(null)";
            while (s[len])
                len++;
            n += emit(s, len, 0, width, left, ' ');
            break;
        }
        case '%':
            putchar('%');
            n++;
            break;
        case '\0':                  /* lone '%' at the end */
            return n;
        default:                    /* unknown: print it as written */
            putchar('%');
            putchar(*fmt);
            n += 2;
            break;
        }
    }
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
