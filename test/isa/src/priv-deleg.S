# priv-deleg.S — exception delegation with medeleg: delegated exceptions
# from U and S go to the S handler (scause, sepc, stval written; the M trap
# registers and handler untouched), exceptions not delegated still go to M,
# exceptions in M-mode never go to S even when their medeleg bit is set.
# Covered: illegal instruction (stval = bits), breakpoint, ecall from U,
# load/store/fetch access faults (stval = address), page-fault delegation is
# in the sv39 tests.
#include "test.h"

/* number of M traps so far -> reg */
#define MCOUNT(r) LOAD_MTRAP(r, TR_COUNT)

  .text
  .globl test_main
test_main:
  li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_STORE_ACCESS) | (1 << CAUSE_FETCH_ACCESS)
  csrw medeleg, t0

  # 1: illegal instruction in U -> S
  SET_TEST(1)
  li t0, 0x777
  csrw mcause, t0
  csrw mepc, t0
  csrw mtval, t0
  MCOUNT(s0)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:.word 0x00007503
  j fail
2:ecall                        # in S: back to M (ecall from S is not delegated)
  j fail
3:CHECK_STRAP(CAUSE_ILLEGAL, 1b, 0x00007503)
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_MEPC(2b)
  MCOUNT(s1)
  addi s0, s0, 1
  CHECK_EQ(s0, s1)             # exactly one M trap: the ecall
  LOAD_STRAP(t0, TR_STATUS)
  CHECK_BITS(t0, SSTATUS_SPP, 0)

  # 2: the M trap CSRs were not written by a delegated trap
  SET_TEST(2)
  li t0, 0x777
  csrw mcause, t0
  csrw mepc, t0
  csrw mtval, t0
  EXPECT_STRAP(2f)
  MRET_TO_U(1f)
1:ebreak
  j fail
2:csrr a0, sscratch            # (S-mode) proves we are in S
  la a1, s_trap_area
  CHECK_EQ(a0, a1)
  EXPECT_MTRAP(3f)
  ecall
3:CHECK_SCAUSE(CAUSE_BREAKPOINT)
  CHECK_SEPC(1b)
  # the ecall above overwrote mcause/mepc; check mtval was only set by it
  CHECK_MTVAL(0)

  # 3: illegal instruction in S -> S (stval = bits, SPP = S)
  SET_TEST(3)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:.word 0x0205151b
  j fail
2:ecall
3:CHECK_STRAP(CAUSE_ILLEGAL, 1b, 0x0205151b)
  CHECK_MCAUSE(CAUSE_ECALL_S)
  LOAD_STRAP(t0, TR_STATUS)
  CHECK_BITS(t0, SSTATUS_SPP, SSTATUS_SPP)

  # 4: ecall from U -> S (delegated)
  SET_TEST(4)
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:ecall
  j fail
2:ecall
3:CHECK_STRAP(CAUSE_ECALL_U, 1b, 0)
  CHECK_MCAUSE(CAUSE_ECALL_S)

  # 5-7: access faults from U -> S, stval = address
  SET_TEST(5)
  li a1, UNMAPPED_ADDR
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:ld a0, 8(a1)
  j fail
2:ecall
3:CHECK_STRAP(CAUSE_LOAD_ACCESS, 1b, UNMAPPED_ADDR + 8)
  SET_TEST(6)
  li a1, 0
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:sw a0, 4(a1)
  j fail
2:ecall
3:CHECK_STRAP(CAUSE_STORE_ACCESS, 1b, 4)
  SET_TEST(7)
  li a1, UNMAPPED_ADDR
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:jalr a1
  j fail
2:ecall
3:CHECK_SCAUSE(CAUSE_FETCH_ACCESS)
  li t0, UNMAPPED_ADDR
  CHECK_SEPC_REG(t0)
  CHECK_STVAL_REG(t0)

  # 8: a non-delegated exception from U still goes to M
  SET_TEST(8)
  li t0, 1 << CAUSE_ILLEGAL
  csrc medeleg, t0
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:.word 0x00007503
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x00007503)
  li t0, 1 << CAUSE_ILLEGAL
  csrs medeleg, t0

  # 9-10: exceptions in M-mode stay in M even when delegated
  SET_TEST(9)
  EXPECT_MTRAP(1f)
2:.word 0x00007503
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x00007503)
  SET_TEST(10)
  li a1, UNMAPPED_ADDR
  EXPECT_MTRAP(1f)
2:lw a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_ACCESS, 2b, UNMAPPED_ADDR)

  # 11: delegated exceptions are taken even with SIE = 0 (and SPIE records it)
  SET_TEST(11)
  csrci mstatus, MSTATUS_SIE
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_S(1f)
1:ebreak
  j fail
2:ecall
3:CHECK_SCAUSE(CAUSE_BREAKPOINT)
  LOAD_STRAP(t0, TR_STATUS)
  CHECK_BITS(t0, SSTATUS_SPIE | SSTATUS_SIE | SSTATUS_SPP, SSTATUS_SPP)

  # 12: stvec in vectored mode: exceptions still go to the base
  SET_TEST(12)
  la t0, s_vec_table
  ori t0, t0, 1
  csrw stvec, t0
  li s3, 0
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:ebreak
  j fail
3:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(s3, 0x5b)
  la t0, s_trap_handler
  csrw stvec, t0

  csrw medeleg, zero
  j pass

  .align 8
s_vec_table:
  li s3, 0x5b                  # exceptions arrive here
  ecall
  j fail
  j fail
  j fail
  j fail
