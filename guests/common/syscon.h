/*
 * syscon.h - QEMU `virt`'s test/syscon device ("sifive,test0") at 0x100000,
 * which wasmvisor also provides: a 32-bit write of 0x5555 powers off
 * (pass), 0x3333 | (code << 16) ends the run with exit status `code`.
 *
 * QEMU's `virt` machine has no HTIF, so on PLATFORM := virt htif_exit()
 * calls syscon_exit() right after its tohost write; a host that does
 * implement HTIF (wasmvisor) has already stopped the guest at that write.
 */
#ifndef GUESTS_COMMON_SYSCON_H
#define GUESTS_COMMON_SYSCON_H

#define SYSCON_BASE 0x100000UL
#define SYSCON_PASS 0x5555u
#define SYSCON_FAIL 0x3333u

void syscon_exit(int code) __attribute__((noreturn));

#endif
