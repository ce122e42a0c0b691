# priv-access.S — access faults for physical addresses that are neither RAM
# nor a device (0x0 and UNMAPPED_ADDR = 0x40000000): loads of every width
# (cause 5), stores (cause 7), AMOs and LR (7 / 5), instruction fetch
# (cause 1, epc = tval = the target; the jump itself completes), from M, S
# and U mode without paging.  tval = the faulting address, rd unchanged.
#include "test.h"

#define TEST_LOAD_FAULT(n, inst, addr) \
  SET_TEST(n); li a1, addr; li a0, 0x5a5a; EXPECT_MTRAP(9010f); 9011: inst a0, 0(a1); j fail; \
  9010: CHECK_MTRAP(CAUSE_LOAD_ACCESS, 9011b, addr); CHECK(a0, 0x5a5a)
#define TEST_STORE_FAULT(n, inst, addr) \
  SET_TEST(n); li a1, addr; li a0, 0x5a5a; EXPECT_MTRAP(9010f); 9011: inst a0, 0(a1); j fail; \
  9010: CHECK_MTRAP(CAUSE_STORE_ACCESS, 9011b, addr)
/* AMOs fault as stores (cause 7; see CHECK_AMO_MCAUSE) */
#define AMO_CAUSE_OK CHECK_AMO_MCAUSE(CAUSE_STORE_ACCESS, CAUSE_LOAD_ACCESS)
#define TEST_AMO_FAULT(n, inst, addr) \
  SET_TEST(n); li a1, addr; li a0, 0x5a5a; li a2, 1; EXPECT_MTRAP(9010f); 9011: inst a0, a2, (a1); j fail; \
  9010: AMO_CAUSE_OK; CHECK_MEPC(9011b); CHECK_MTVAL(addr); CHECK(a0, 0x5a5a)

  .text
  .globl test_main
test_main:
  TEST_LOAD_FAULT(1, lb, 0)
  TEST_LOAD_FAULT(2, lbu, 1)
  TEST_LOAD_FAULT(3, lh, 2)
  TEST_LOAD_FAULT(4, lhu, 0x40000002)
  TEST_LOAD_FAULT(5, lw, 4)
  TEST_LOAD_FAULT(6, lwu, 0x40000004)
  TEST_LOAD_FAULT(7, ld, 0)
  TEST_LOAD_FAULT(8, ld, UNMAPPED_ADDR)
  TEST_LOAD_FAULT(9, ld, UNMAPPED_ADDR + 0x1238)
  TEST_STORE_FAULT(10, sb, 0)
  TEST_STORE_FAULT(11, sh, 0x40000002)
  TEST_STORE_FAULT(12, sw, 8)
  TEST_STORE_FAULT(13, sd, 0)
  TEST_STORE_FAULT(14, sd, UNMAPPED_ADDR + 0x100)
  TEST_AMO_FAULT(15, amoadd.w, 0)
  TEST_AMO_FAULT(16, amoswap.d, UNMAPPED_ADDR)
  TEST_AMO_FAULT(17, amoor.d, 0x10)
  TEST_AMO_FAULT(18, amomaxu.w, UNMAPPED_ADDR + 4)
  SET_TEST(19)                 # LR: a load
  li a1, UNMAPPED_ADDR
  li a0, 0x5a5a
  EXPECT_MTRAP(1f)
2:lr.d a0, (a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_ACCESS, 2b, UNMAPPED_ADDR)
  CHECK(a0, 0x5a5a)

  # 20-21: instruction fetch
  SET_TEST(20)
  li t0, 0
  li ra, 0
  EXPECT_MTRAP(1f)
2:jalr ra, 0(t0)
  j fail
1:CHECK_MTRAP(CAUSE_FETCH_ACCESS, 0, 0)
  la t1, 2b + 4
  CHECK_EQ(ra, t1)             # the jump itself completed
  SET_TEST(21)
  li t0, UNMAPPED_ADDR + 0x20
  EXPECT_MTRAP(1f)
  jr t0
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_ACCESS)
  li t1, UNMAPPED_ADDR + 0x20
  CHECK_MEPC_REG(t1)
  CHECK_MTVAL_REG(t1)

  # 22-25: the same from S and U mode
  SET_TEST(22)
  li a1, UNMAPPED_ADDR
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:lw a0, 8(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_ACCESS, 2b, UNMAPPED_ADDR + 8)
  SET_TEST(23)
  li a1, 0
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:sd a0, 16(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_ACCESS, 2b, 16)
  LOAD_MTRAP(t0, TR_STATUS)
  CHECK_BITS(t0, MSTATUS_MPP, 0)
  SET_TEST(24)
  li t0, UNMAPPED_ADDR
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:jr t0
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_ACCESS)
  li t1, UNMAPPED_ADDR
  CHECK_MEPC_REG(t1)
  CHECK_MTVAL_REG(t1)
  SET_TEST(25)                 # mret straight to an unmapped pc
  li t0, UNMAPPED_ADDR + 0x40
  EXPECT_MTRAP(1f)
  MRET_TO_S_REG(t0)
1:CHECK_MCAUSE(CAUSE_FETCH_ACCESS)
  li t1, UNMAPPED_ADDR + 0x40
  CHECK_MEPC_REG(t1)
  CHECK_MTVAL_REG(t1)
  LOAD_MTRAP(t0, TR_STATUS)
  CHECK_BITS(t0, MSTATUS_MPP, MSTATUS_MPP_S)

  # 26: a faulting store wrote nothing; RAM around is fine
  SET_TEST(26)
  la a1, cell
  li a0, 0x77
  sd a0, 0(a1)
  ld a2, 0(a1)
  CHECK(a2, 0x77)

  j pass

  .data
  .align 3
cell: .dword 0
