# rv64i-branch.S — RV64I control transfer: BEQ BNE BLT BGE BLTU BGEU taken and
# not taken (signed vs unsigned, full 64-bit compares, x0 and rs1 == rs2
# operands), forward and backward, near the ±4 KiB branch range; JAL (link
# value, x0 link, long offsets both ways); JALR (offsets, LSB cleared,
# rd == rs1, x0 link), call/ret.
#include "test.h"

/* the branch must be taken, forward */
#define BR_T(n, inst, v1, v2) \
  SET_TEST(n); li a1, v1; li a2, v2; inst a1, a2, 9003f; j fail; 9003:
/* the branch must not be taken */
#define BR_N(n, inst, v1, v2) \
  SET_TEST(n); li a1, v1; li a2, v2; inst a1, a2, 9003f; j 9004f; 9003: j fail; 9004:
/* the branch must be taken, backward */
#define BR_TB(n, inst, v1, v2) \
  SET_TEST(n); li a1, v1; li a2, v2; li a0, 0; j 9005f; \
  9006: addi a0, a0, 1; j 9007f; \
  9005: inst a1, a2, 9006b; j fail; \
  9007: CHECK(a0, 1)

  .text
  .globl test_main
test_main:

  # beq
  BR_T(1, beq, 0x0000000000000000, 0x0000000000000000)
  BR_T(2, beq, 0x0000000000000001, 0x0000000000000001)
  BR_T(3, beq, 0xffffffffffffffff, 0xffffffffffffffff)
  BR_N(4, beq, 0x0000000000000000, 0x0000000000000001)
  BR_N(5, beq, 0x0000000000000001, 0x0000000000000000)
  BR_N(6, beq, 0xffffffffffffffff, 0x0000000000000001)
  BR_N(7, beq, 0x0000000000000001, 0xffffffffffffffff)
  BR_N(8, beq, 0xfffffffffffffffe, 0xffffffffffffffff)
  BR_N(9, beq, 0xffffffffffffffff, 0xfffffffffffffffe)
  BR_N(10, beq, 0x8000000000000000, 0x7fffffffffffffff)
  BR_N(11, beq, 0x7fffffffffffffff, 0x8000000000000000)
  BR_T(12, beq, 0x8000000000000000, 0x8000000000000000)
  BR_N(13, beq, 0x00000000ffffffff, 0x0000000100000000)
  BR_N(14, beq, 0x0000000100000000, 0x0000000000000000)
  BR_N(15, beq, 0x0000000080000000, 0x000000007fffffff)
  BR_TB(16, beq, 0x0000000000000000, 0x0000000000000000)

  # bne
  BR_N(17, bne, 0x0000000000000000, 0x0000000000000000)
  BR_N(18, bne, 0x0000000000000001, 0x0000000000000001)
  BR_N(19, bne, 0xffffffffffffffff, 0xffffffffffffffff)
  BR_T(20, bne, 0x0000000000000000, 0x0000000000000001)
  BR_T(21, bne, 0x0000000000000001, 0x0000000000000000)
  BR_T(22, bne, 0xffffffffffffffff, 0x0000000000000001)
  BR_T(23, bne, 0x0000000000000001, 0xffffffffffffffff)
  BR_T(24, bne, 0xfffffffffffffffe, 0xffffffffffffffff)
  BR_T(25, bne, 0xffffffffffffffff, 0xfffffffffffffffe)
  BR_T(26, bne, 0x8000000000000000, 0x7fffffffffffffff)
  BR_T(27, bne, 0x7fffffffffffffff, 0x8000000000000000)
  BR_N(28, bne, 0x8000000000000000, 0x8000000000000000)
  BR_T(29, bne, 0x00000000ffffffff, 0x0000000100000000)
  BR_T(30, bne, 0x0000000100000000, 0x0000000000000000)
  BR_T(31, bne, 0x0000000080000000, 0x000000007fffffff)
  BR_TB(32, bne, 0x0000000000000000, 0x0000000000000001)

  # blt
  BR_N(33, blt, 0x0000000000000000, 0x0000000000000000)
  BR_N(34, blt, 0x0000000000000001, 0x0000000000000001)
  BR_N(35, blt, 0xffffffffffffffff, 0xffffffffffffffff)
  BR_T(36, blt, 0x0000000000000000, 0x0000000000000001)
  BR_N(37, blt, 0x0000000000000001, 0x0000000000000000)
  BR_T(38, blt, 0xffffffffffffffff, 0x0000000000000001)
  BR_N(39, blt, 0x0000000000000001, 0xffffffffffffffff)
  BR_T(40, blt, 0xfffffffffffffffe, 0xffffffffffffffff)
  BR_N(41, blt, 0xffffffffffffffff, 0xfffffffffffffffe)
  BR_T(42, blt, 0x8000000000000000, 0x7fffffffffffffff)
  BR_N(43, blt, 0x7fffffffffffffff, 0x8000000000000000)
  BR_N(44, blt, 0x8000000000000000, 0x8000000000000000)
  BR_T(45, blt, 0x00000000ffffffff, 0x0000000100000000)
  BR_N(46, blt, 0x0000000100000000, 0x0000000000000000)
  BR_N(47, blt, 0x0000000080000000, 0x000000007fffffff)
  BR_TB(48, blt, 0x0000000000000000, 0x0000000000000001)

  # bge
  BR_T(49, bge, 0x0000000000000000, 0x0000000000000000)
  BR_T(50, bge, 0x0000000000000001, 0x0000000000000001)
  BR_T(51, bge, 0xffffffffffffffff, 0xffffffffffffffff)
  BR_N(52, bge, 0x0000000000000000, 0x0000000000000001)
  BR_T(53, bge, 0x0000000000000001, 0x0000000000000000)
  BR_N(54, bge, 0xffffffffffffffff, 0x0000000000000001)
  BR_T(55, bge, 0x0000000000000001, 0xffffffffffffffff)
  BR_N(56, bge, 0xfffffffffffffffe, 0xffffffffffffffff)
  BR_T(57, bge, 0xffffffffffffffff, 0xfffffffffffffffe)
  BR_N(58, bge, 0x8000000000000000, 0x7fffffffffffffff)
  BR_T(59, bge, 0x7fffffffffffffff, 0x8000000000000000)
  BR_T(60, bge, 0x8000000000000000, 0x8000000000000000)
  BR_N(61, bge, 0x00000000ffffffff, 0x0000000100000000)
  BR_T(62, bge, 0x0000000100000000, 0x0000000000000000)
  BR_T(63, bge, 0x0000000080000000, 0x000000007fffffff)
  BR_TB(64, bge, 0x0000000000000000, 0x0000000000000000)

  # bltu
  BR_N(65, bltu, 0x0000000000000000, 0x0000000000000000)
  BR_N(66, bltu, 0x0000000000000001, 0x0000000000000001)
  BR_N(67, bltu, 0xffffffffffffffff, 0xffffffffffffffff)
  BR_T(68, bltu, 0x0000000000000000, 0x0000000000000001)
  BR_N(69, bltu, 0x0000000000000001, 0x0000000000000000)
  BR_N(70, bltu, 0xffffffffffffffff, 0x0000000000000001)
  BR_T(71, bltu, 0x0000000000000001, 0xffffffffffffffff)
  BR_T(72, bltu, 0xfffffffffffffffe, 0xffffffffffffffff)
  BR_N(73, bltu, 0xffffffffffffffff, 0xfffffffffffffffe)
  BR_N(74, bltu, 0x8000000000000000, 0x7fffffffffffffff)
  BR_T(75, bltu, 0x7fffffffffffffff, 0x8000000000000000)
  BR_N(76, bltu, 0x8000000000000000, 0x8000000000000000)
  BR_T(77, bltu, 0x00000000ffffffff, 0x0000000100000000)
  BR_N(78, bltu, 0x0000000100000000, 0x0000000000000000)
  BR_N(79, bltu, 0x0000000080000000, 0x000000007fffffff)
  BR_TB(80, bltu, 0x0000000000000000, 0x0000000000000001)

  # bgeu
  BR_T(81, bgeu, 0x0000000000000000, 0x0000000000000000)
  BR_T(82, bgeu, 0x0000000000000001, 0x0000000000000001)
  BR_T(83, bgeu, 0xffffffffffffffff, 0xffffffffffffffff)
  BR_N(84, bgeu, 0x0000000000000000, 0x0000000000000001)
  BR_T(85, bgeu, 0x0000000000000001, 0x0000000000000000)
  BR_T(86, bgeu, 0xffffffffffffffff, 0x0000000000000001)
  BR_N(87, bgeu, 0x0000000000000001, 0xffffffffffffffff)
  BR_N(88, bgeu, 0xfffffffffffffffe, 0xffffffffffffffff)
  BR_T(89, bgeu, 0xffffffffffffffff, 0xfffffffffffffffe)
  BR_T(90, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
  BR_N(91, bgeu, 0x7fffffffffffffff, 0x8000000000000000)
  BR_T(92, bgeu, 0x8000000000000000, 0x8000000000000000)
  BR_N(93, bgeu, 0x00000000ffffffff, 0x0000000100000000)
  BR_T(94, bgeu, 0x0000000100000000, 0x0000000000000000)
  BR_T(95, bgeu, 0x0000000080000000, 0x000000007fffffff)
  BR_TB(96, bgeu, 0x0000000000000000, 0x0000000000000000)

  # x0 and rs1 == rs2 operands
  SET_TEST(97)
  beq zero, zero, 1f
  j fail
1:li a1, -5
  beq a1, a1, 1f
  j fail
1:blt a1, a1, fail_near
  bltu a1, a1, fail_near
  bne a1, a1, fail_near
  bge a1, a1, 1f
  j fail
1:bgeu a1, a1, 1f
  j fail
1:SET_TEST(98)
  bltu a1, zero, fail_near     # nothing is unsigned-below 0
  bgeu a1, zero, 1f
  j fail
1:blt a1, zero, 1f             # -5 < 0 signed
  j fail
1:bgeu zero, a1, fail_near     # 0 >= 0xfff...b unsigned: no
  bltz a1, 1f
  j fail
1:bgtz a1, fail_near
  blez a1, 1f
  j fail
1:bnez a1, 1f
  j fail
1:beqz zero, 1f
  j fail
1:

  # branches near the edge of their ±4 KiB range
  SET_TEST(99)
  beq zero, zero, far_fwd
  j fail
far_back:
  j 2f
  .skip 4072
far_fwd:                       # 4088 bytes ahead of the beq above
  bne zero, zero, fail_near
  bgeu zero, zero, far_back     # 4084 bytes back
  j fail
2:

  # jal: link = pc + 4, rd = x0 links nothing, long offsets both ways
  SET_TEST(100)
  jal a0, 1f
2:j fail
1:la a1, 2b
  CHECK_EQ(a0, a1)
  SET_TEST(101)
  li a0, 77
  jal zero, 1f
  j fail
1:CHECK(a0, 77)
  SET_TEST(102)
  jal ra, long_fwd
3:j 4f
long_back:
  la a1, 5f
  CHECK_EQ(a0, a1)
  li a2, 2
  jr ra
  .skip 0x5800
long_fwd:
  la a1, 3b
  CHECK_EQ(ra, a1)
  SET_TEST(103)
  jal a0, long_back
5:CHECK(a2, 2)
  j 4f
4:

  # jalr
  SET_TEST(104)
  la a1, 1f
  jalr a0, 0(a1)
2:j fail
1:la a2, 2b
  CHECK_EQ(a0, a2)
  SET_TEST(105)                # positive offset
  la a1, 1f - 12
  jalr a0, 12(a1)
  j fail
1:SET_TEST(106)                # negative offset
  la a1, 1f + 2000
  jalr a0, -2000(a1)
  j fail
1:SET_TEST(107)                # odd target: bit 0 is cleared
  la a1, 1f + 1
  jalr a0, 0(a1)
  j fail
1:SET_TEST(108)                # odd sum of even base and odd offset
  la a1, 1f
  jalr a0, 1(a1)
  j fail
1:SET_TEST(109)                # rd == rs1: target from the old value
  la a0, 1f
  jalr a0, 0(a0)
2:j fail
1:la a1, 2b
  CHECK_EQ(a0, a1)
  SET_TEST(110)                # rd = x0
  li a0, 55
  la a1, 1f
  jalr zero, 0(a1)
  j fail
1:CHECK(a0, 55)
  CHECK_ZERO(zero)
  SET_TEST(111)                # call / ret, nested through a saved ra
  li a0, 0
  call sub1
  CHECK(a0, 3)
  SET_TEST(112)                # jalr to a 4-byte-aligned target after a 2-byte-aligned base
  la a1, 1f - 2
  jalr a0, 2(a1)
  j fail
1:
  j pass

fail_near:
  j fail

sub1:
  mv s1, ra
  addi a0, a0, 1
  call sub2
  addi a0, a0, 1
  mv ra, s1
  ret
sub2:
  addi a0, a0, 1
  ret
