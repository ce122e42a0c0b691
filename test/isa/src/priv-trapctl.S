# priv-trapctl.S — mstatus trap controls and WFI:
#   TVM: satp accesses and SFENCE.VMA are illegal in S-mode when TVM=1, fine
#        when TVM=0 and always fine in M-mode;
#   TSR: SRET is illegal in S-mode when TSR=1 (still fine in M-mode);
#   TW:  WFI is illegal in S- and U-mode when TW=1 (nothing pending);
#   WFI: completes in M/S when an enabled interrupt is pending even though it
#        is globally disabled; in U-mode (TW=0) it either completes or raises
#        an illegal instruction; SFENCE.VMA, satp, SRET illegal in U-mode.
#include "test.h"

#define ILLEGAL_AT(l, bits) CHECK_MTRAP(CAUSE_ILLEGAL, l, bits)
#define SFENCE_BITS 0x12000073
#define WFI_BITS    0x10500073
#define SRET_BITS   0x10200073

  .text
  .globl test_main
test_main:
  # 1: TVM = 0: S-mode may use satp and SFENCE.VMA
  SET_TEST(1)
  ENTER_S_UNTIL(1f)
  csrr a0, satp
  csrw satp, zero
  sfence.vma
  sfence.vma a0, zero
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)

  # 2-5: TVM = 1
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  SET_TEST(2)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrr a0, satp
  j fail
1:ILLEGAL_AT(2b, 0x18002573)
  SET_TEST(3)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrw satp, zero
  j fail
1:ILLEGAL_AT(2b, 0x18001073)
  SET_TEST(4)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sfence.vma
  j fail
1:ILLEGAL_AT(2b, SFENCE_BITS)
  SET_TEST(5)                  # M-mode is not affected
  csrr a0, satp
  csrw satp, zero
  sfence.vma                   # (an unexpected trap fails the test)
  li t0, MSTATUS_TVM
  csrc mstatus, t0

  # 6-8: TSR
  SET_TEST(6)                  # TSR = 0: SRET in S works
  ENTER_S_UNTIL(1f)
  li t0, SSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  j fail
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  SET_TEST(7)                  # TSR = 1: SRET in S is illegal
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:la t0, fail
  csrw sepc, t0
3:sret
  j fail
1:ILLEGAL_AT(3b, SRET_BITS)
  SET_TEST(8)                  # ...but not in M-mode
  li t0, SSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_MTRAP(1f)
  sret
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  li t0, MSTATUS_TSR
  csrc mstatus, t0

  # 9-10: TW = 1: WFI in S and U is illegal
  li t0, MSTATUS_TW
  csrs mstatus, t0
  SET_TEST(9)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:wfi
  j fail
1:ILLEGAL_AT(2b, WFI_BITS)
  SET_TEST(10)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:wfi
  j fail
1:ILLEGAL_AT(2b, WFI_BITS)
  li t0, MSTATUS_TW
  csrc mstatus, t0

  # 11: WFI in M with MIE = 0 completes once an enabled interrupt is pending
  #     (SSIP, enabled in mie): no trap is taken
  SET_TEST(11)
  csrwi mie, MIP_SSIP
  csrwi mip, MIP_SSIP
  wfi                          # (an unexpected trap fails the test)
  # 12: WFI in S (TW = 0) with a delegated SSIP pending and SIE = 0
  SET_TEST(12)
  csrwi mideleg, MIP_SSIP
  csrci mstatus, MSTATUS_SIE   # (the SRETs above left SIE = 1)
  ENTER_S_UNTIL(1f)
  wfi
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  csrw mie, zero
  csrw mip, zero
  csrw mideleg, zero
  # 13: WFI in U (TW = 0): completes (then ecall), is illegal, or waits for
  #     the M timer interrupt armed here (taken in M, since U < M)
  SET_TEST(13)
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  li t2, 1000
  add t1, t1, t2
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
  li t0, MIP_MTIP
  csrw mie, t0
  ENTER_U_UNTIL(1f)
2:wfi
3:ecall
1:li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  csrw mie, zero
  LOAD_MTRAP(t0, TR_CAUSE)
  li t1, CAUSE_ECALL_U
  beq t0, t1, 4f
  li t1, IRQ_FLAG | IRQ_M_TIMER
  beq t0, t1, 4f
  CHECK_MTRAP(CAUSE_ILLEGAL, 2b, WFI_BITS)
4:

  # 14-16: U-mode may use none of SFENCE.VMA, satp, SRET (TVM/TSR = 0)
  SET_TEST(14)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:sfence.vma
  j fail
1:ILLEGAL_AT(2b, SFENCE_BITS)
  SET_TEST(15)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:csrr a0, satp
  j fail
1:ILLEGAL_AT(2b, 0x18002573)
  SET_TEST(16)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:sret
  j fail
1:ILLEGAL_AT(2b, SRET_BITS)

  j pass
