/*
 * uart.c - polled 16550A output (see uart.h).
 *
 * No initialisation: the guest never reads, never enables UART interrupts,
 * and emulated 16550s (QEMU, wasmvisor) ignore the line settings, so
 * putchar only waits for "transmit holding register empty" (LSR bit 5)
 * and writes the byte to THR. Characters go out as given ('\n' is not
 * turned into "\r\n"), the same bytes the HTIF console gets.
 */
#include <stdint.h>
#include "uart.h"

#define UART_THR 0                  /* transmit holding register (write) */
#define UART_LSR 5                  /* line status register (read) */
#define UART_LSR_THRE 0x20          /* THR empty: room for one more byte */

static inline volatile uint8_t *uart_reg(unsigned off)
{
    return (volatile uint8_t *)(UART0_BASE + off);
}

void uart_putchar(char ch)
{
    while ((*uart_reg(UART_LSR) & UART_LSR_THRE) == 0)
        ;
    *uart_reg(UART_THR) = (uint8_t)ch;
}
