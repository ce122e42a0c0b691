/*
 * printf.h - minimal console output for wasmvisor's bare-metal guests.
 *
 * printf() understands %d %i %u %x %X %c %s %p %% with an optional `l`/`ll`
 * length, a field width, and the flags `0` (zero padding) and `-` (left
 * justify). Output goes to the HTIF console one character at a time, or to
 * the UART (uart.c) in guests built with PLATFORM := virt (see guest.mk).
 */
#ifndef GUESTS_COMMON_PRINTF_H
#define GUESTS_COMMON_PRINTF_H

#include <stdarg.h>

int putchar(int ch);
int puts(const char *s);            /* appends '\n', like libc's */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
