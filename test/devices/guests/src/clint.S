# clint.S — the in-core CLINT driven by guest code: msip raises a machine software interrupt;
# mtime reads back, advances, and reads consistently through its 32-bit halves; mtimecmp reads
# back and is writable in 32-bit halves (the RV32 high/low/high idiom raises no early MTIP);
# MTIP follows mtime >= mtimecmp; a deadline `timer_delta` ticks ahead fires a machine timer
# interrupt while the guest spins, no earlier than the deadline.
# Reports (irqctl REPORT, in order): mtime0, minstret0, mtime1, minstret1 around a busy loop
# (test 2); deadline, mtime and minstret when the timer interrupt arrived (test 5).
#include "test.h"
#include "devices.h"

#define IRQ(n) (IRQ_FLAG | (n))

  .data
  .align 3
  .globl timer_delta
timer_delta: .dword 20000       # mtime ticks (10 MHz); the test patches it

  .text
  .globl test_main
test_main:
  li s10, CLINT_MSIP
  li s9, CLINT_MTIMECMP
  li s8, CLINT_MTIME

  # 1: msip = 1 raises a machine software interrupt; msip and mip.MSIP read back
  SET_TEST(1)
  lw a0, 0(s10)
  CHECK_ZERO(a0)
  li t0, MIP_MSIP
  csrw mie, t0
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  li t0, 1
  sw t0, 0(s10)
  li t1, 100000
2:addi t1, t1, -1
  bnez t1, 2b
  j fail
1:CHECK_MCAUSE(IRQ(IRQ_M_SOFT))
  lw a0, 0(s10)
  CHECK(a0, 1)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP, MIP_MSIP)
  sw zero, 0(s10)
  lw a0, 0(s10)
  CHECK_ZERO(a0)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP, 0)
  csrw mie, zero

  # 2: mtime advances over a busy loop (the test relates it to minstret)
  SET_TEST(2)
  ld a0, 0(s8)
  csrr a1, minstret
  li t0, 10000
3:addi t0, t0, -1
  bnez t0, 3b
  ld a2, 0(s8)
  csrr a3, minstret
  bltu a0, a2, 4f
  j fail
4:REPORT(a0)
  REPORT(a1)
  REPORT(a2)
  REPORT(a3)

  # 3: the 32-bit halves of mtime (read high, low, high again) give a value
  #    between two 64-bit reads
  SET_TEST(3)
  ld a0, 0(s8)
5:lwu t1, 4(s8)
  lwu t0, 0(s8)
  lwu t2, 4(s8)
  bne t1, t2, 5b
  slli t1, t1, 32
  or a4, t1, t0
  ld a5, 0(s8)
  bgeu a4, a0, 6f
  j fail
6:bgeu a5, a4, 6f
  j fail
6:

  # 4: mtimecmp reads back whole and by halves, and each half is writable alone
  SET_TEST(4)
  li t0, 0x0123456789abcdef
  sd t0, 0(s9)
  ld a0, 0(s9)
  CHECK_EQ(a0, t0)
  lwu a0, 0(s9)
  CHECK(a0, 0x89abcdef)
  lwu a0, 4(s9)
  CHECK(a0, 0x01234567)
  li t0, 0x76543210
  sw t0, 4(s9)                  # high half only
  ld a0, 0(s9)
  CHECK(a0, 0x7654321089abcdef)
  li t0, 0x11223344
  sw t0, 0(s9)                  # low half only
  ld a0, 0(s9)
  CHECK(a0, 0x7654321011223344)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MTIP, 0)
  li t0, -1                     # RV32 idiom, here to set mtimecmp = 0:
  sw t0, 4(s9)                  #   high = all ones (never due)
  sw zero, 0(s9)                #   low = 0: still far ahead, no MTIP
  csrr a0, mip
  CHECK_BITS(a0, MIP_MTIP, 0)
  sw zero, 4(s9)                #   high = 0: due now
  csrr a0, mip
  CHECK_BITS(a0, MIP_MTIP, MIP_MTIP)
  li t0, -1
  sd t0, 0(s9)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MTIP, 0)

  # 5: a deadline timer_delta ticks ahead fires a machine timer interrupt while the
  #    guest spins with MIE = 1; never before the deadline
  SET_TEST(5)
  la t0, timer_delta
  ld t0, 0(t0)
  ld a0, 0(s8)
  add s7, a0, t0                # the deadline
  sd s7, 0(s9)
  li t0, MIP_MTIP
  csrw mie, t0
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
7:j 7b                          # a timer that never fires ends at the host's limits
1:csrr a1, minstret
  ld a2, 0(s8)
  CHECK_MCAUSE(IRQ(IRQ_M_TIMER))
  CHECK_MEPC(7b)
  bgeu a2, s7, 8f
  j fail
8:REPORT(s7)
  REPORT(a2)
  REPORT(a1)
  li t0, -1
  sd t0, 0(s9)
  csrw mie, zero

  j pass
