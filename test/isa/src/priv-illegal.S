# priv-illegal.S — illegal-instruction exceptions (cause 2): mepc at the
# instruction, mtval = the instruction bits (16-bit ones zero-extended),
# registers unchanged.  Reserved encodings in every major opcode: all-zero
# word, LOAD funct3=7, STORE funct3=4, SLLIW with shamt[5]=1, SRLIW/SRAIW
# likewise, OP/OP-32/OP-IMM with bad funct7, BRANCH funct3=2/3, JALR
# funct3!=0, MISC-MEM funct3=3, AMO with an unused funct5, URET/DRET,
# floating-point instructions with mstatus.FS = Off (no F/D here), in M, S and
# U mode.  ECALL/EBREAK are not illegal.
#include "test.h"

/* execute one 32-bit word that must be illegal: cause 2, epc, tval = bits */
#define TEST_ILLEGAL32(n, bits) \
  SET_TEST(n); li a0, 0x5a5a; EXPECT_MTRAP(9010f); 9011: .word bits; j fail; \
  9010: CHECK_MTRAP(CAUSE_ILLEGAL, 9011b, bits); CHECK(a0, 0x5a5a)

  .text
  .globl test_main
test_main:
  # 1: the all-zero word (its first halfword 0x0000 is the defined illegal
  #    16-bit instruction, so tval = 0)
  SET_TEST(1)
  csrw mtval, 1
  EXPECT_MTRAP(1f)
2:.word 0
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0)
  # 2: 0x0000 followed by a valid compressed instruction
  SET_TEST(2)
  csrw mtval, 1
  EXPECT_MTRAP(1f)
2:.half 0x0000
  .half 0x0001                 # c.nop
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0)

  TEST_ILLEGAL32(3, 0x00007503)   # LOAD funct3=7 (ldu: RV128 only)
  TEST_ILLEGAL32(4, 0x00a54023)   # STORE funct3=4 (sq: RV128 only)
  TEST_ILLEGAL32(5, 0x0205151b)   # slliw a0, a0, 32: shamt[5] must be 0
  TEST_ILLEGAL32(6, 0x0205551b)   # srliw a0, a0, 32
  TEST_ILLEGAL32(7, 0x4205551b)   # sraiw a0, a0, 32
  TEST_ILLEGAL32(8, 0x4000153b)   # OP-32 funct3=1 funct7=0100000
  TEST_ILLEGAL32(9, 0x04b50533)   # OP funct7=0000010
  TEST_ILLEGAL32(10, 0x20b51533)  # OP funct3=1 funct7=0010000
  TEST_ILLEGAL32(11, 0x00b52063)  # BRANCH funct3=2
  TEST_ILLEGAL32(12, 0x00b53063)  # BRANCH funct3=3
  TEST_ILLEGAL32(13, 0x00051567)  # JALR funct3=1
  TEST_ILLEGAL32(14, 0x0000300f)  # MISC-MEM funct3=3
  TEST_ILLEGAL32(15, 0xf8b5252f)  # AMO funct5=11111
  TEST_ILLEGAL32(16, 0x00200073)  # URET (N extension does not exist)
  TEST_ILLEGAL32(17, 0x7b200073)  # DRET outside debug mode
  TEST_ILLEGAL32(18, 0x00b57553)  # fadd.s with FS = Off
  TEST_ILLEGAL32(19, 0x00052007)  # flw with FS = Off
  TEST_ILLEGAL32(20, 0x00a53027)  # fsd with FS = Off
  TEST_ILLEGAL32(21, 0x00301073)  # csrw fcsr (FS = Off)
  TEST_ILLEGAL32(22, 0x40b5453b)  # OP-32 funct3=4 funct7=0100000
  TEST_ILLEGAL32(23, 0x0000007f)  # opcode 1111111 (>= 80-bit encoding space)

  # 24: compressed FP load/store (C.FLD) with FS = Off
  SET_TEST(24)
  EXPECT_MTRAP(1f)
2:.half 0x2000                 # c.fld f8, 0(s0)
  .half 0x0001
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x2000)

  # 25-27: illegal instructions in S and U mode: same cause, tval, MPP
  SET_TEST(25)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:.word 0x00007503
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x00007503)
  LOAD_MTRAP(t0, TR_STATUS)
  CHECK_BITS(t0, MSTATUS_MPP, MSTATUS_MPP_S)
  SET_TEST(26)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:.word 0x00b52063
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x00b52063)
  LOAD_MTRAP(t0, TR_STATUS)
  CHECK_BITS(t0, MSTATUS_MPP, 0)
  SET_TEST(27)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:.half 0x0000
  .half 0x0001
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0)

  # 28: the legal neighbours of the encodings above do execute
  SET_TEST(28)
  li a0, 1
  li a1, 3
  .word 0x40b5053b             # subw a0, a0, a1
  CHECK(a0, 0xfffffffffffffffe)
  .word 0x01f5151b             # slliw a0, a0, 31
  CHECK(a0, 0)
  .word 0x0000100f             # fence.i
  j pass
