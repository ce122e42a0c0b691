# priv-sint.S — interrupts delegated to S-mode with mideleg:
#   SSIP / STIP / SEIP raised by M-mode software (mip writes) and SSIP raised
#   by S itself through sip; delivery to the S handler (scause with the
#   interrupt bit, sepc, stval 0, SPP/SPIE/SIE); gating by sie and
#   sstatus.SIE in S-mode; always enabled in U-mode; never taken in M-mode
#   (even with MIE = 1); sip.STIP read-only for S; a non-delegated M
#   interrupt wins over a pending delegated one; S-level priority SEI > SSI
#   > STI.
#include "test.h"

#define IRQ(n) (IRQ_FLAG | (n))

  .text
  .globl test_main
test_main:
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  csrci mstatus, MSTATUS_SIE

  # 1: SSIP delegated, S-mode with SIE = 1: taken by S
  SET_TEST(1)
  csrwi mip, MIP_SSIP
  csrwi mie, MIP_SSIP
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:csrsi sstatus, SSTATUS_SIE
4:nop
  j fail
2:csrci sip, MIP_SSIP          # (S-mode, SIE = 0 again) acknowledge
  ecall
3:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(IRQ(IRQ_S_SOFT))
  CHECK_SEPC(4b)
  CHECK_STVAL(0)
  LOAD_STRAP(t0, TR_STATUS)
  CHECK_BITS(t0, SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE, SSTATUS_SPP | SSTATUS_SPIE)
  csrr a0, mip
  CHECK_BITS(a0, MIP_SSIP, 0)  # S cleared it through sip

  # 2: a delegated interrupt is never taken in M-mode, even with MIE = 1
  SET_TEST(2)
  csrwi mip, MIP_SSIP
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  csrci mstatus, MSTATUS_MIE

  # 3: S-mode with SIE = 0: not taken; SRET to U: taken in S at once
  SET_TEST(3)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:nop
  nop
  SRET_TO_U(4f)
4:nop
  j fail
2:csrci sip, MIP_SSIP
  ecall
3:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(IRQ(IRQ_S_SOFT))
  CHECK_SEPC(4b)
  LOAD_STRAP(t0, TR_STATUS)
  CHECK_BITS(t0, SSTATUS_SPP, 0)

  # 4: sie gates: pending, SIE = 1 but sie.SSIE = 0: nothing; then enable
  SET_TEST(4)
  csrwi mip, MIP_SSIP
  csrw mie, zero
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:csrsi sstatus, SSTATUS_SIE
  nop
  nop
  csrsi sie, MIP_SSIP
4:nop
  j fail
2:csrci sip, MIP_SSIP
  ecall
3:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(IRQ(IRQ_S_SOFT))
  CHECK_SEPC(4b)

  # 5: S raises its own software interrupt through sip
  SET_TEST(5)
  csrw mip, zero
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:csrsi sstatus, SSTATUS_SIE
  csrsi sip, MIP_SSIP
4:nop
  j fail
2:csrci sip, MIP_SSIP
  ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_SOFT))
  CHECK_SEPC(4b)

  # 6: STIP set by M-mode, delegated: S handler, cause 5; S cannot clear it
  SET_TEST(6)
  li t0, MIP_STIP
  csrw mie, t0
  csrw mip, t0
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:csrsi sstatus, SSTATUS_SIE
4:nop
  j fail
2:li t0, MIP_STIP
  csrc sip, t0
  csrr a1, sip
  ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_TIMER))
  CHECK_SEPC(4b)
  CHECK_BITS(a1, MIP_STIP, MIP_STIP)
  csrw mip, zero

  # 7: SEIP set by M-mode, delegated: cause 9
  SET_TEST(7)
  li t0, MIP_SEIP
  csrw mie, t0
  csrw mip, t0
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(4f)
4:nop
  j fail
2:ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_EXT))
  CHECK_SEPC(4b)
  csrw mip, zero

  # 8: a pending M-level interrupt wins over a pending delegated one
  SET_TEST(8)
  li t0, 1
  li t1, CLINT_MSIP
  sw t0, 0(t1)
  li t0, MIP_SSIP | MIP_MSIP
  csrw mie, t0
  csrwi mip, MIP_SSIP
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:nop
  j fail
3:CHECK_MCAUSE(IRQ(IRQ_M_SOFT))
  CHECK_MEPC(1b)
  li t1, CLINT_MSIP
  sw zero, 0(t1)
  csrw mip, zero

  # 9-11: S-level priority SEI > SSI > STI.  (QEMU 7.2 without AIA takes
  # the lowest-numbered one first: its reference build skips this.)
#if !QEMU_REFERENCE
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mie, t0
  csrw mip, t0
  SET_TEST(9)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(4f)
4:nop
  j fail
2:ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_EXT))
  li t0, MIP_SEIP
  csrc mip, t0
  SET_TEST(10)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(4f)
4:nop
  j fail
2:ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_SOFT))
  csrci mip, MIP_SSIP
  SET_TEST(11)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(4f)
4:nop
  j fail
2:ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_TIMER))
  csrw mip, zero
#endif

  # 12: undelegating makes the same pending bit an M interrupt again
  SET_TEST(12)
  csrw mideleg, zero
  csrwi mie, MIP_SSIP
  csrwi mip, MIP_SSIP
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:nop
  j fail
3:CHECK_MCAUSE(IRQ(IRQ_S_SOFT))
  CHECK_MEPC(1b)
  csrw mip, zero
  csrw mie, zero

  j pass
