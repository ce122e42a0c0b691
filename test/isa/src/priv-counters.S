# priv-counters.S — cycle / instret counters: readable in M through both the
# user names (cycle, instret) and the machine names (mcycle, minstret), they
# advance, instret counts exactly the retired instructions, mcycle/minstret
# are writable in M; mcounteren gates S and U, scounteren additionally gates
# U (clear bit -> illegal instruction, mtval = instruction bits); machine
# counters are never accessible below M.
#include "test.h"

#define RDCYCLE_A0   0xc0002573
#define RDINSTRET_A0 0xc0202573

  .text
  .globl test_main
test_main:
  # 1-2: readable, advancing
  SET_TEST(1)
  rdcycle a0
  li t0, 1000
1:addi t0, t0, -1
  bnez t0, 1b
  rdcycle a1
  bltu a0, a1, 2f
  j fail
2:SET_TEST(2)
  rdinstret a0
  li t0, 1000
1:addi t0, t0, -1
  bnez t0, 1b
  rdinstret a1
  sub a2, a1, a0
  li t1, 2000
  bgeu a2, t1, 2f              # at least the 2000 loop instructions
  j fail
2:
#if !QEMU_REFERENCE
  # 3: instret counts exactly (QEMU 7.2 without -icount derives it from
  #    host time)
  SET_TEST(3)
  csrr a0, instret
  nop
  nop
  nop
  addi t0, t0, 1
  csrr a1, instret
  sub a2, a1, a0
  CHECK(a2, 5)
  SET_TEST(4)
  csrr a0, minstret
  li t0, 10
1:addi t0, t0, -1
  bnez t0, 1b
  csrr a1, minstret
  sub a2, a1, a0
  CHECK(a2, 22)                # li + 10 * 2 + the read
#endif
  # 5: the M names read the same counters
  SET_TEST(5)
  csrr a0, mcycle
  csrr a1, cycle
  csrr a2, mcycle
  bltu a1, a0, 8f
  bltu a2, a1, 8f
  csrr a0, minstret
  csrr a1, instret
  csrr a2, minstret
  bltu a1, a0, 8f
  bltu a2, a1, 8f
  j 9f
8:j fail
9:
  # 6-7: writable in M-mode
  SET_TEST(6)
  li t0, 0x1000000000
  csrw minstret, t0
  csrr a0, instret
  sub a0, a0, t0
#if QEMU_REFERENCE
  srli a0, a0, 32              # (QEMU: host-time based, only roughly)
  CHECK_ZERO(a0)
#else
  li t1, 100
  bltu a0, t1, 1f
  j fail
1:
#endif
  SET_TEST(7)
  li t0, 0x2000000000
  csrw mcycle, t0
  csrr a0, cycle
  sub a0, a0, t0
  srli a0, a0, 32
  CHECK_ZERO(a0)

  # 8-9: mcounteren = all ones: S and U may read cycle and instret
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0
  SET_TEST(8)
  ENTER_S_UNTIL(1f)
  rdcycle a0
  rdinstret a1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  SET_TEST(9)
  ENTER_U_UNTIL(1f)
  rdcycle a0
  rdinstret a1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)

  # 10-11: mcounteren.CY = 0: cycle illegal in S (and U), instret still fine
  li t0, 1
  csrc mcounteren, t0
  SET_TEST(10)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:.word RDCYCLE_A0
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, RDCYCLE_A0)
  SET_TEST(11)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:rdinstret a1
3:.word RDCYCLE_A0
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 3b, RDCYCLE_A0)
  SET_TEST(12)                 # M-mode does not care
  rdcycle a0
  # 13: mcounteren.IR = 0: instret illegal in S
  li t0, 4
  csrc mcounteren, t0
  SET_TEST(13)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:.word RDINSTRET_A0
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, RDINSTRET_A0)
  li t0, -1
  csrw mcounteren, t0

  # 14-16: scounteren gates U only
  li t0, 1
  csrc scounteren, t0
  SET_TEST(14)
  ENTER_S_UNTIL(1f)
  rdcycle a0                   # S: allowed (mcounteren.CY = 1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  SET_TEST(15)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:rdinstret a0                 # IR still enabled
3:.word RDCYCLE_A0
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 3b, RDCYCLE_A0)
  SET_TEST(16)                 # mcounteren = 0 overrides scounteren = 1 in U
  li t0, -1
  csrw scounteren, t0
  csrw mcounteren, zero
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:.word RDINSTRET_A0
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, RDINSTRET_A0)
  li t0, -1
  csrw mcounteren, t0

  # 17-18: machine counters are M-only
  SET_TEST(17)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrr a0, mcycle
  j fail
1:CHECK_MCAUSE(CAUSE_ILLEGAL)
  SET_TEST(18)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:csrr a0, minstret
  j fail
1:CHECK_MCAUSE(CAUSE_ILLEGAL)
  # 19: user counters are read-only from S as well
  SET_TEST(19)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrw cycle, zero
  j fail
1:CHECK_MCAUSE(CAUSE_ILLEGAL)

  j pass
