/*
 * uart.h - polled output on the 16550A UART of QEMU's `virt` machine
 * (and wasmvisor): 1-byte registers at 0x10000000, register shift 0.
 *
 * Built into a guest's runtime when its Makefile sets PLATFORM := virt
 * (see guest.mk); printf() then writes here instead of to HTIF.
 */
#ifndef GUESTS_COMMON_UART_H
#define GUESTS_COMMON_UART_H

#define UART0_BASE 0x10000000UL

void uart_putchar(char ch);

#endif
