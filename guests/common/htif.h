/*
 * htif.h - HTIF console and exit for wasmvisor's bare-metal guests.
 *
 * The riscv-tests / spike "host-target interface": the guest writes a
 * command to the 64-bit word `tohost`; the host answers in `fromhost`.
 * Both are symbols in section .tohost so a host (QEMU -M spike, wasmvisor)
 * finds them in the ELF symbol table.
 *
 *   bits 63:56 device, 55:48 command, 47:0 payload
 *   device 1, command 1: write the character in bits 7:0 (console putc);
 *                        the host acknowledges with fromhost != 0
 *   device 0, command 0, payload (code << 1) | 1: exit with `code`
 */
#ifndef GUESTS_COMMON_HTIF_H
#define GUESTS_COMMON_HTIF_H

#include <stdint.h>

#define HTIF_EXIT_TRAP 3            /* exit code after an unexpected trap */

extern volatile uint64_t tohost;
extern volatile uint64_t fromhost;

void htif_putchar(char ch);
void htif_exit(int code) __attribute__((noreturn));
void htif_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
    __attribute__((noreturn));

#endif
