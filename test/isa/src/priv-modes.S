# priv-modes.S — privilege transitions and the mstatus/sstatus trap stack:
# ECALL from U/S/M (causes 8/9/11, epc, tval 0), M->S and M->U by MRET,
# S->U by SRET, SRET executed in M-mode, U->S by a delegated trap,
# MIE/MPIE/MPP on trap entry and MRET (MPP becomes U), SIE/SPIE/SPP on
# delegated trap entry and SRET (SPP becomes U), MRET/SRET to a lower mode
# clear MPRV, MRET/SRET illegal in lower modes, EBREAK from each mode.
#include "test.h"

/* mstatus recorded at the last M trap, masked, must equal val */
#define CHECK_MSTATUS_AT_TRAP(mask, val) LOAD_MTRAP(t5, TR_STATUS); CHECK_BITS(t5, mask, val)
#define CHECK_SSTATUS_AT_TRAP(mask, val) LOAD_STRAP(t5, TR_STATUS); CHECK_BITS(t5, mask, val)

  .text
  .globl test_main
test_main:
  # 1: ECALL in M-mode: cause 11, epc = the ecall, tval = 0, MPP = M
  SET_TEST(1)
  csrw mtval, 1
  EXPECT_MTRAP(1f)
2:ecall
  j fail
1:CHECK_MTRAP(CAUSE_ECALL_M, 2b, 0)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPP, MSTATUS_MPP_M)

  # 2: M -> S by MRET; ECALL in S: cause 9, MPP = S
  SET_TEST(2)
  EXPECT_MTRAP(1f)
  MRET_TO_S(3f)
3:
2:ecall
  j fail
1:CHECK_MTRAP(CAUSE_ECALL_S, 2b, 0)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPP, MSTATUS_MPP_S)

  # 3: M -> U by MRET; ECALL in U: cause 8, MPP = U
  SET_TEST(3)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:ecall
  j fail
1:CHECK_MTRAP(CAUSE_ECALL_U, 2b, 0)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPP, 0)

  # 4: M -> S -> U (SRET with SPP = U)
  SET_TEST(4)
  EXPECT_MTRAP(1f)
  MRET_TO_S(3f)
3:SRET_TO_U(2f)
  j fail
2:ecall
  j fail
1:CHECK_MTRAP(CAUSE_ECALL_U, 2b, 0)

  # 5: M -> S -> S (SRET with SPP = S) -> ecall from S
  SET_TEST(5)
  EXPECT_MTRAP(1f)
  MRET_TO_S(3f)
3:li t0, SSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  j fail
2:ecall
  j fail
1:CHECK_MTRAP(CAUSE_ECALL_S, 2b, 0)

  # 6: trap entry from M: MPIE <- MIE, MIE <- 0, MPP <- M (no interrupt is
  #    enabled in mie, so MIE = 1 is harmless)
  SET_TEST(6)
  csrsi mstatus, MSTATUS_MIE
  EXPECT_MTRAP(1f)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_M)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP_M)
  SET_TEST(7)
  csrci mstatus, MSTATUS_MIE
  EXPECT_MTRAP(1f)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_M)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MIE | MSTATUS_MPIE, 0)

  # 8: MRET to M: MIE <- MPIE, MPIE <- 1, MPP <- U (least privileged mode)
  SET_TEST(8)
  li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  csrc mstatus, t0
  li t0, MSTATUS_MPP_M | MSTATUS_MPIE
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:csrr a0, mstatus
  CHECK_BITS(a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE)
  SET_TEST(9)                  # MPIE = 0: MIE becomes 0, MPIE 1
  li t0, MSTATUS_MPP | MSTATUS_MPIE
  csrs mstatus, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:csrr a0, mstatus
  CHECK_BITS(a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE)

  # 10: MRET to U with MPIE = 1: MIE is 1 while in U; the ECALL from U then
  #     records MPIE = 1, MIE = 0, MPP = U
  SET_TEST(10)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  la t0, 2f
  csrw mepc, t0
  EXPECT_MTRAP(1f)
  mret
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE)

  # 11: SRET in S: SIE <- SPIE, SPIE <- 1, SPP <- U
  SET_TEST(11)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrci sstatus, SSTATUS_SIE
  li t0, SSTATUS_SPP | SSTATUS_SPIE
  csrs sstatus, t0
  la t0, 3f
  csrw sepc, t0
  sret
  j fail
3:csrr a0, sstatus
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_BITS(a0, SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP, SSTATUS_SIE | SSTATUS_SPIE)
  csrci sstatus, SSTATUS_SIE

  # 12: delegated trap U -> S: SPP <- U, SPIE <- SIE, SIE <- 0; S sees
  #     scause 8; the M-level state is untouched
  SET_TEST(12)
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  csrw mcause, zero
  EXPECT_STRAP(1f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(2f)
2:csrsi sstatus, SSTATUS_SIE    # SIE = 1 in S (sie = 0: nothing can fire)
  SRET_TO_U(4f)
4:ecall                        # -> S handler -> 1f in S-mode
  j fail
1:ecall                        # S -> M
  j fail
3:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_MEPC(1b)
  CHECK_SCAUSE(CAUSE_ECALL_U)
  CHECK_SEPC(4b)
  CHECK_SSTATUS_AT_TRAP(SSTATUS_SPP | SSTATUS_SIE, 0)
  csrw medeleg, zero
  csrr a0, mcause
  CHECK(a0, CAUSE_ECALL_S)

  # 13: delegated trap S -> S: SPP <- S, SPIE <- old SIE (1), SIE <- 0
  SET_TEST(13)
  li t0, 1 << CAUSE_BREAKPOINT
  csrw medeleg, t0
  EXPECT_STRAP(1f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(2f)
2:csrsi sstatus, SSTATUS_SIE
4:ebreak
  j fail
1:ecall
  j fail
3:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(CAUSE_BREAKPOINT)
  CHECK_SEPC(4b)
  CHECK_STVAL_EBREAK(4b)
  CHECK_SSTATUS_AT_TRAP(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE, SSTATUS_SPP | SSTATUS_SPIE)
  csrw medeleg, zero
  csrci sstatus, SSTATUS_SIE

#if !QEMU_REFERENCE
  # (QEMU 7.2 does not clear MPRV on MRET/SRET: a priv. spec 1.12 rule)
  # 14: MRET to U clears MPRV
  SET_TEST(14)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPRV, 0)
  SET_TEST(15)                 # MRET to S clears MPRV
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPRV, 0)
#endif
  SET_TEST(16)                 # MRET to M keeps MPRV (MPP = M: no effect on M)
  li t0, MSTATUS_MPRV | MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr a0, mstatus
  CHECK_BITS(a0, MSTATUS_MPRV, MSTATUS_MPRV)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  # 17: SRET executed in M-mode goes to SPP's mode and, being a return to a
  #     lower mode, clears MPRV
  SET_TEST(17)
#if QEMU_REFERENCE
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  li t0, MSTATUS_MPP
#else
  li t0, MSTATUS_MPRV | MSTATUS_MPP     # MPRV = 1, MPP = M
#endif
  csrs mstatus, t0
  li t0, SSTATUS_SPP
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_MTRAP(1f)
  sret
  j fail
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPRV, 0)
  SET_TEST(18)                 # SRET from M to S
  li t0, SSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_MTRAP(1f)
  sret
  j fail
2:ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)

  # 19-21: xRET in a mode below its own is illegal
  SET_TEST(19)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:mret
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x30200073)
  SET_TEST(20)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:mret
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x30200073)
  SET_TEST(21)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:sret
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x10200073)

  # 22-24: EBREAK from each mode: cause 3, tval = pc
  SET_TEST(22)
  EXPECT_MTRAP(1f)
2:ebreak
  j fail
1:CHECK_MCAUSE(CAUSE_BREAKPOINT); CHECK_MEPC(2b); CHECK_MTVAL_EBREAK(2b)
  SET_TEST(23)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ebreak
  j fail
1:CHECK_MCAUSE(CAUSE_BREAKPOINT)
  CHECK_MEPC(2b)
  CHECK_MTVAL_EBREAK(2b)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPP, MSTATUS_MPP_S)
  SET_TEST(24)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:ebreak
  j fail
1:CHECK_MCAUSE(CAUSE_BREAKPOINT)
  CHECK_MEPC(2b)
  CHECK_MTVAL_EBREAK(2b)
  CHECK_MSTATUS_AT_TRAP(MSTATUS_MPP, 0)

  # 25: registers survive the round trips
  SET_TEST(25)
  li s0, 0x1122334455667788
  li a7, -3
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:addi a7, a7, 10
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK(s0, 0x1122334455667788)
  CHECK(a7, 7)

  j pass
