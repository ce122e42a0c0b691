# zicsr.S — Zicsr instructions: CSRRW CSRRS CSRRC CSRRWI CSRRSI CSRRCI.
# Old value to rd and the new value written (scratch CSRs mscratch and
# sscratch), rd == rs1, 5-bit zero-extended immediates, rs1 = x0 / uimm = 0
# means "no write" (so read-only CSRs can be read with CSRRS/CSRRC/CSRRSI/
# CSRRCI), any write attempt to a read-only CSR is illegal even when the
# value would not change, unknown CSRs are illegal, and a trapping CSR
# instruction leaves rd unchanged.
#include "test.h"

/* the instruction at label `at` must raise an illegal-instruction trap whose
   mtval is 0 or the instruction bits */
#define EXPECT_ILLEGAL_AT(at) \
  CHECK_MCAUSE(CAUSE_ILLEGAL); CHECK_MEPC(at); \
  LOAD_MTRAP(t5, TR_TVAL); beqz t5, 9008f; la t6, at; lwu t6, 0(t6); CHECK_EQ(t5, t6); 9008:

  .text
  .globl test_main
test_main:
  # basic read/modify/write forms on mscratch
  TEST_CASE(1, a0, 0x1234, li a1, 0x1234; csrw mscratch, a1; csrr a0, mscratch)
  TEST_CASE(2, a0, 0x1234, li a1, 0x5678; csrrw a0, mscratch, a1)
  TEST_CASE(3, a0, 0x5678, csrr a0, mscratch)
  TEST_CASE(4, a0, 0x5678, li a1, 0x0f0f; csrrs a0, mscratch, a1)
  TEST_CASE(5, a0, 0x5f7f, csrr a0, mscratch)
  TEST_CASE(6, a0, 0x5f7f, li a1, 0x00ff; csrrc a0, mscratch, a1)
  TEST_CASE(7, a0, 0x5f00, csrr a0, mscratch)
  TEST_CASE(8, a0, 0x5f00, csrrwi a0, mscratch, 31)
  TEST_CASE(9, a0, 0x1f, csrr a0, mscratch)
  TEST_CASE(10, a0, 0x1f, csrrci a0, mscratch, 0x15)
  TEST_CASE(11, a0, 0x0a, csrrsi a0, mscratch, 0x11)
  TEST_CASE(12, a0, 0x1b, csrr a0, mscratch)
  # full 64-bit values
  TEST_CASE(13, a0, 0xfedcba9876543210, li a1, 0xfedcba9876543210; csrw mscratch, a1; csrr a0, mscratch)
  TEST_CASE(14, a0, 0x8000000000000001, li a1, 0x7edcba9876543210; csrc mscratch, a1; li a1, 1; csrs mscratch, a1; csrr a0, mscratch)
  # rd == rs1: swap
  SET_TEST(15)
  li a0, 0xaaaa
  csrw mscratch, a0
  li a0, 0xbbbb
  csrrw a0, mscratch, a0
  CHECK(a0, 0xaaaa)
  csrr a0, mscratch
  CHECK(a0, 0xbbbb)
  SET_TEST(16)
  li a0, 0x0f
  csrrs a0, mscratch, a0
  CHECK(a0, 0xbbbb)
  csrr a0, mscratch
  CHECK(a0, 0xbbbf)
  # immediates are zero-extended 5-bit values
  SET_TEST(17)
  li a0, -1
  csrw mscratch, a0
  csrrci zero, mscratch, 31
  csrr a0, mscratch
  CHECK(a0, 0xffffffffffffffe0)
  csrwi mscratch, 16
  csrr a0, mscratch
  CHECK(a0, 16)
  # rs1 = x0 / uimm = 0 do not write
  SET_TEST(18)
  li a0, 0x77
  csrw mscratch, a0
  csrrs a1, mscratch, zero
  csrrc a1, mscratch, zero
  csrrsi a1, mscratch, 0
  csrrci a1, mscratch, 0
  csrr a0, mscratch
  CHECK(a0, 0x77)
  CHECK(a1, 0x77)
  # csrrw / csrrwi with rd = x0 still write
  SET_TEST(19)
  li a0, 0x99
  csrrw zero, mscratch, a0
  csrr a1, mscratch
  CHECK(a1, 0x99)
  csrrwi zero, mscratch, 3
  csrr a1, mscratch
  CHECK(a1, 3)
  # sscratch is a separate register, also usable from M-mode
  SET_TEST(20)
  li a0, 0x1111
  csrw sscratch, a0
  li a0, 0x2222
  csrw mscratch, a0
  csrr a1, sscratch
  CHECK(a1, 0x1111)
  csrr a1, mscratch
  CHECK(a1, 0x2222)
  la a0, s_trap_area           # the environment's S handler needs it back
  csrw sscratch, a0
  la a0, m_trap_area
  csrw mscratch, a0

  # read-only CSRs (address bits 11:10 = 11) can be read by the no-write forms
  SET_TEST(21)
  csrrs a0, mhartid, zero
  CHECK(a0, 0)
  csrrc a0, mhartid, zero
  csrrsi a0, mhartid, 0
  csrrci a0, mhartid, 0
  csrr a0, mvendorid
  csrr a0, marchid
  csrr a0, mimpid               # (an unexpected trap fails the test)
  # ...but every write form is illegal, even writing the same value / rs1 = 0
  SET_TEST(22)
  li a0, 0x5a5a
  EXPECT_MTRAP(1f)
2:csrrw a0, mhartid, zero
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  CHECK(a0, 0x5a5a)            # rd not written
#if !QEMU_REFERENCE
  # rs1 != x0 holding 0 is still a write (QEMU 7.2 wrongly treats it as a read)
  SET_TEST(23)
  li a1, 0
  EXPECT_MTRAP(1f)
2:csrrs a0, mhartid, a1
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  CHECK(a0, 0x5a5a)
  SET_TEST(38)
  EXPECT_MTRAP(1f)
2:csrrc a0, mvendorid, a1
  j fail
1:EXPECT_ILLEGAL_AT(2b)
#endif
  SET_TEST(24)
  li a1, 1
  EXPECT_MTRAP(1f)
2:csrrc a0, mvendorid, a1
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  CHECK(a0, 0x5a5a)
  SET_TEST(25)
  EXPECT_MTRAP(1f)
2:csrrwi a0, mimpid, 0
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(26)
  EXPECT_MTRAP(1f)
2:csrrsi a0, marchid, 1
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(27)                 # the user counters are read-only too, even in M-mode
  EXPECT_MTRAP(1f)
2:csrw cycle, zero
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(28)
  EXPECT_MTRAP(1f)
2:csrrci a0, instret, 1
  j fail
1:EXPECT_ILLEGAL_AT(2b)

  # CSR numbers that do not exist
  SET_TEST(29)
  li a0, 0x5a5a
  EXPECT_MTRAP(1f)
2:csrr a0, 0x0ff
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  CHECK(a0, 0x5a5a)
  SET_TEST(30)
  EXPECT_MTRAP(1f)
2:csrw 0x4ff, a0
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(31)
  EXPECT_MTRAP(1f)
2:csrrsi a0, 0xc7f, 0
  j fail
1:EXPECT_ILLEGAL_AT(2b)

  # privilege: S-mode may use sscratch but not mscratch; U-mode neither
  SET_TEST(32)
  li a0, 0x4321
  csrw sscratch, a0
  ENTER_S_UNTIL(1f)
  csrr a1, sscratch
  li a2, 0x8765
  csrw sscratch, a2
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a1, 0x4321)
  csrr a0, sscratch
  CHECK(a0, 0x8765)
  SET_TEST(33)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrr a1, mscratch
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(34)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrrs a1, mstatus, zero      # even a read of an M CSR
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(35)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:csrr a1, sscratch
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(36)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:csrw mscratch, zero
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  SET_TEST(37)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:csrr a1, sstatus
  j fail
1:EXPECT_ILLEGAL_AT(2b)
  la a0, s_trap_area
  csrw sscratch, a0

  j pass
