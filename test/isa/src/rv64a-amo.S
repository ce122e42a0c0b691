# rv64a-amo.S — RV64A atomic memory operations: AMOSWAP AMOADD AMOXOR AMOAND
# AMOOR AMOMIN AMOMAX AMOMINU AMOMAXU, .W and .D, with aq/rl variants.
# rd gets the old memory value (.W: sign-extended 32 bits); .W touches only
# its 32-bit word and ignores rs2's upper half; signed vs unsigned min/max;
# rd == x0, rd == rs2, rd == rs1.
#include "test.h"

/* cell (a dword) = memv; inst a0, src, off(cell); a0 must be exp_rd and the
   cell exp_mem */
#define TEST_AMO(n, inst, off, memv, src, exp_rd, exp_mem) \
  SET_TEST(n); la a1, cell; li a3, memv; sd a3, 0(a1); addi a5, a1, off; li a2, src; \
  inst a0, a2, (a5); CHECK(a0, exp_rd); ld a4, 0(a1); CHECK(a4, exp_mem)

  .text
  .globl test_main
test_main:

  # amoswap.d
  TEST_AMO(1, amoswap.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1111111111111111)
  TEST_AMO(2, amoswap.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(3, amoswap.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(4, amoswap.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_AMO(5, amoswap.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003)
  TEST_AMO(6, amoswap.d.aq, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amoswap.w, low word then high word of the cell
  TEST_AMO(7, amoswap.w.rl, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
  TEST_AMO(8, amoswap.w.aqrl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x000000007fffffff)
  TEST_AMO(9, amoswap.w, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(10, amoswap.w.aq, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x12345678fffffffd)
  TEST_AMO(11, amoswap.w.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xffffffff00000005)
  TEST_AMO(12, amoswap.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaaf0f0f0f0)
  TEST_AMO(13, amoswap.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0x7ffffffe11111111)

  # amoadd.d
  TEST_AMO(14, amoadd.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x123456789abcdf00)
  TEST_AMO(15, amoadd.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO(16, amoadd.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000000)
  TEST_AMO(17, amoadd.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(18, amoadd.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000008)
  TEST_AMO(19, amoadd.d.aq, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amoadd.w, low word then high word of the cell
  TEST_AMO(20, amoadd.w.rl, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000080000000)
  TEST_AMO(21, amoadd.w.aqrl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x00000000ffffffff)
  TEST_AMO(22, amoadd.w, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000000)
  TEST_AMO(23, amoadd.w.aq, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x1234567800000002)
  TEST_AMO(24, amoadd.w.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xffffffff00000002)
  TEST_AMO(25, amoadd.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaaffffffff)
  TEST_AMO(26, amoadd.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0xffffffff11111111)

  # amoxor.d
  TEST_AMO(27, amoxor.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1032547698badcfe)
  TEST_AMO(28, amoxor.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO(29, amoxor.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xfffffffffffffffe)
  TEST_AMO(30, amoxor.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(31, amoxor.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000006)
  TEST_AMO(32, amoxor.d.aq, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amoxor.w, low word then high word of the cell
  TEST_AMO(33, amoxor.w.rl, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x000000007ffffffe)
  TEST_AMO(34, amoxor.w.aqrl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x00000000ffffffff)
  TEST_AMO(35, amoxor.w, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000000fffffffe)
  TEST_AMO(36, amoxor.w.aq, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x12345678fffffff8)
  TEST_AMO(37, amoxor.w.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xfffffffffffffff8)
  TEST_AMO(38, amoxor.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaaffffffff)
  TEST_AMO(39, amoxor.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0xffffffff11111111)

  # amoand.d
  TEST_AMO(40, amoand.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x0101010101010101)
  TEST_AMO(41, amoand.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO(42, amoand.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(43, amoand.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0000000000000000)
  TEST_AMO(44, amoand.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000001)
  TEST_AMO(45, amoand.d.aq, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amoand.w, low word then high word of the cell
  TEST_AMO(46, amoand.w.rl, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
  TEST_AMO(47, amoand.w.aqrl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x0000000000000000)
  TEST_AMO(48, amoand.w, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(49, amoand.w.aq, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x1234567800000005)
  TEST_AMO(50, amoand.w.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xffffffff00000005)
  TEST_AMO(51, amoand.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaa00000000)
  TEST_AMO(52, amoand.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0x0000000011111111)

  # amoor.d
  TEST_AMO(53, amoor.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1133557799bbddff)
  TEST_AMO(54, amoor.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(55, amoor.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(56, amoor.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(57, amoor.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000007)
  TEST_AMO(58, amoor.d.aq, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amoor.w, low word then high word of the cell
  TEST_AMO(59, amoor.w.rl, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x000000007fffffff)
  TEST_AMO(60, amoor.w.aqrl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x00000000ffffffff)
  TEST_AMO(61, amoor.w, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000000ffffffff)
  TEST_AMO(62, amoor.w.aq, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x12345678fffffffd)
  TEST_AMO(63, amoor.w.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xfffffffffffffffd)
  TEST_AMO(64, amoor.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaaffffffff)
  TEST_AMO(65, amoor.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0xffffffff11111111)

  # amomin.d
  TEST_AMO(66, amomin.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x0123456789abcdef)
  TEST_AMO(67, amomin.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO(68, amomin.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(69, amomin.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_AMO(70, amomin.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003)
  TEST_AMO(71, amomin.d.aq, 0, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003, 0x0000000000000003)
  TEST_AMO(72, amomin.d.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xfffffffffffffffd)
  TEST_AMO(73, amomin.d.aqrl, 0, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd)
  TEST_AMO(74, amomin.d, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amomin.w, low word then high word of the cell
  TEST_AMO(75, amomin.w.aq, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
  TEST_AMO(76, amomin.w.rl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x0000000080000000)
  TEST_AMO(77, amomin.w.aqrl, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000000ffffffff)
  TEST_AMO(78, amomin.w, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x12345678fffffffd)
  TEST_AMO(79, amomin.w.aq, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xfffffffffffffffd)
  TEST_AMO(80, amomin.w.rl, 0, 0x0000000080000000, 0x000000007fffffff, 0xffffffff80000000, 0x0000000080000000)
  TEST_AMO(81, amomin.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaaf0f0f0f0)
  TEST_AMO(82, amomin.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0x8000000111111111)

  # amomax.d
  TEST_AMO(83, amomax.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1111111111111111)
  TEST_AMO(84, amomax.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(85, amomax.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(86, amomax.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
  TEST_AMO(87, amomax.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000005)
  TEST_AMO(88, amomax.d.aq, 0, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005)
  TEST_AMO(89, amomax.d.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005)
  TEST_AMO(90, amomax.d.aqrl, 0, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0x0000000000000005)
  TEST_AMO(91, amomax.d, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amomax.w, low word then high word of the cell
  TEST_AMO(92, amomax.w.aq, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x000000007fffffff)
  TEST_AMO(93, amomax.w.rl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x000000007fffffff)
  TEST_AMO(94, amomax.w.aqrl, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(95, amomax.w, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x1234567800000005)
  TEST_AMO(96, amomax.w.aq, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xffffffff00000005)
  TEST_AMO(97, amomax.w.rl, 0, 0x0000000080000000, 0x000000007fffffff, 0xffffffff80000000, 0x000000007fffffff)
  TEST_AMO(98, amomax.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaa0f0f0f0f)
  TEST_AMO(99, amomax.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0x7ffffffe11111111)

  # amominu.d
  TEST_AMO(100, amominu.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x0123456789abcdef)
  TEST_AMO(101, amominu.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO(102, amominu.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(103, amominu.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
  TEST_AMO(104, amominu.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003)
  TEST_AMO(105, amominu.d.aq, 0, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003, 0x0000000000000003)
  TEST_AMO(106, amominu.d.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005)
  TEST_AMO(107, amominu.d.aqrl, 0, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0x0000000000000005)
  TEST_AMO(108, amominu.d, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amominu.w, low word then high word of the cell
  TEST_AMO(109, amominu.w.aq, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
  TEST_AMO(110, amominu.w.rl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x000000007fffffff)
  TEST_AMO(111, amominu.w.aqrl, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
  TEST_AMO(112, amominu.w, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x1234567800000005)
  TEST_AMO(113, amominu.w.aq, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xffffffff00000005)
  TEST_AMO(114, amominu.w.rl, 0, 0x0000000080000000, 0x000000007fffffff, 0xffffffff80000000, 0x000000007fffffff)
  TEST_AMO(115, amominu.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaa0f0f0f0f)
  TEST_AMO(116, amominu.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0x7ffffffe11111111)

  # amomaxu.d
  TEST_AMO(117, amomaxu.d, 0, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1111111111111111)
  TEST_AMO(118, amomaxu.d.aq, 0, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(119, amomaxu.d.rl, 0, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(120, amomaxu.d.aqrl, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_AMO(121, amomaxu.d, 0, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005, 0x0000000000000005)
  TEST_AMO(122, amomaxu.d.aq, 0, 0x0000000000000003, 0x0000000000000005, 0x0000000000000003, 0x0000000000000005)
  TEST_AMO(123, amomaxu.d.rl, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xfffffffffffffffd)
  TEST_AMO(124, amomaxu.d.aqrl, 0, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd)
  TEST_AMO(125, amomaxu.d, 0, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
  # amomaxu.w, low word then high word of the cell
  TEST_AMO(126, amomaxu.w.aq, 0, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x000000007fffffff)
  TEST_AMO(127, amomaxu.w.rl, 0, 0x0000000080000000, 0xffffffff7fffffff, 0xffffffff80000000, 0x0000000080000000)
  TEST_AMO(128, amomaxu.w.aqrl, 0, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000000ffffffff)
  TEST_AMO(129, amomaxu.w, 0, 0x1234567800000005, 0xdeadbeeffffffffd, 0x0000000000000005, 0x12345678fffffffd)
  TEST_AMO(130, amomaxu.w.aq, 0, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd, 0xfffffffffffffffd)
  TEST_AMO(131, amomaxu.w.rl, 0, 0x0000000080000000, 0x000000007fffffff, 0xffffffff80000000, 0x0000000080000000)
  TEST_AMO(132, amomaxu.w.aqrl, 0, 0xaaaaaaaa0f0f0f0f, 0xbbbbbbbbf0f0f0f0, 0x000000000f0f0f0f, 0xaaaaaaaaf0f0f0f0)
  TEST_AMO(133, amomaxu.w, 4, 0x8000000111111111, 0xffffffff7ffffffe, 0xffffffff80000001, 0x8000000111111111)

  # rd == x0: memory still updated
  SET_TEST(134)
  la a1, cell
  li a2, 40
  sd a2, 0(a1)
  li a3, 2
  amoadd.d zero, a3, (a1)
  amoadd.w zero, a3, (a1)
  ld a0, 0(a1)
  CHECK(a0, 44)
  CHECK_ZERO(zero)

  # rd == rs2: rd gets the old value, memory gets the old rs2
  SET_TEST(135)
  li a2, 0x1111
  sd a2, 0(a1)
  li a3, 0x2222
  amoswap.d a3, a3, (a1)
  CHECK(a3, 0x1111)
  ld a0, 0(a1)
  CHECK(a0, 0x2222)
  SET_TEST(136)
  li a3, 0x10
  amoadd.w a3, a3, (a1)
  CHECK(a3, 0x2222)
  ld a0, 0(a1)
  CHECK(a0, 0x2232)

  # rd == rs1: the address is the old rs1
  SET_TEST(137)
  la a1, cell
  li a2, 7
  sd a2, 0(a1)
  mv a4, a1
  li a3, 1
  amoadd.d a4, a3, (a4)
  CHECK(a4, 7)
  ld a0, 0(a1)
  CHECK(a0, 8)

  # a swap chain behaves like a lock: acquire, fail to acquire, release
  SET_TEST(138)
  la a1, lockword
  sw zero, 0(a1)
  li a2, 1
  amoswap.w.aq a0, a2, (a1)
  CHECK(a0, 0)
  amoswap.w.aq a0, a2, (a1)
  CHECK(a0, 1)
  amoswap.w.rl zero, zero, (a1)
  lw a0, 0(a1)
  CHECK(a0, 0)

  j pass

  .data
  .align 4
cell:     .dword 0
lockword: .dword 0
