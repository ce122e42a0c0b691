# rv64i-loadstore.S — RV64I loads and stores: LB LBU LH LHU LW LWU LD, SB SH SW
# SD.  Sign/zero extension, little-endian byte order, positive and negative
# offsets up to ±2 KiB, rd == base register, x0 destination, stores must not
# touch neighbouring bytes, store-then-load of every width.
#include "test.h"

/* load `inst` at byte offset `off` from lsdata (base register a1) */
#define TEST_LD(n, inst, exp, off) \
  TEST_CASE(n, a0, exp, la a1, lsdata; inst a0, off(a1))
/* same through a base register pointing past the data (negative offset) */
#define TEST_LD_NEG(n, inst, exp, off) \
  TEST_CASE(n, a0, exp, la a1, lsdata + 64; inst a0, off - 64(a1))
/* store `sinst` of v at scratch+off over a 0x5555... background; the two
   dwords of scratch must then equal e0 / e1 */
#define TEST_ST(n, sinst, v, off, e0, e1) \
  SET_TEST(n); la a1, scratch; li a2, 0x5555555555555555; sd a2, 0(a1); sd a2, 8(a1); \
  li a3, v; sinst a3, off(a1); ld a4, 0(a1); CHECK(a4, e0); ld a4, 8(a1); CHECK(a4, e1)

  .text
  .globl test_main
test_main:

  # lb
  TEST_LD(1, lb, 0xffffffffffffff87, 0)
  TEST_LD(2, lb, 0xffffffffffffff96, 1)
  TEST_LD(3, lb, 0xffffffffffffffa5, 2)
  TEST_LD(4, lb, 0xffffffffffffffb4, 3)
  TEST_LD(5, lb, 0xffffffffffffffc3, 4)
  TEST_LD(6, lb, 0xffffffffffffffd2, 5)
  TEST_LD(7, lb, 0xffffffffffffffe1, 6)
  TEST_LD(8, lb, 0xfffffffffffffff0, 7)
  TEST_LD_NEG(9, lb, 0xfffffffffffffff0, 7)

  # lbu
  TEST_LD(10, lbu, 0x0000000000000087, 0)
  TEST_LD(11, lbu, 0x0000000000000096, 1)
  TEST_LD(12, lbu, 0x00000000000000a5, 2)
  TEST_LD(13, lbu, 0x00000000000000b4, 3)
  TEST_LD(14, lbu, 0x00000000000000c3, 4)
  TEST_LD(15, lbu, 0x00000000000000d2, 5)
  TEST_LD(16, lbu, 0x00000000000000e1, 6)
  TEST_LD(17, lbu, 0x00000000000000f0, 7)
  TEST_LD_NEG(18, lbu, 0x00000000000000f0, 7)

  # lh
  TEST_LD(19, lh, 0xffffffffffff9687, 0)
  TEST_LD(20, lh, 0xffffffffffffb4a5, 2)
  TEST_LD(21, lh, 0xffffffffffffd2c3, 4)
  TEST_LD(22, lh, 0xfffffffffffff0e1, 6)
  TEST_LD(23, lh, 0xffffffffffffcdef, 8)
  TEST_LD(24, lh, 0x0000000000000123, 14)
  TEST_LD(25, lh, 0xffffffffffff8080, 24)
  TEST_LD(26, lh, 0xffffffffffff8000, 30)
  TEST_LD_NEG(27, lh, 0xffffffffffff8000, 30)

  # lhu
  TEST_LD(28, lhu, 0x0000000000009687, 0)
  TEST_LD(29, lhu, 0x000000000000b4a5, 2)
  TEST_LD(30, lhu, 0x000000000000d2c3, 4)
  TEST_LD(31, lhu, 0x000000000000f0e1, 6)
  TEST_LD(32, lhu, 0x000000000000cdef, 8)
  TEST_LD(33, lhu, 0x0000000000000123, 14)
  TEST_LD(34, lhu, 0x0000000000008080, 24)
  TEST_LD(35, lhu, 0x0000000000008000, 30)
  TEST_LD_NEG(36, lhu, 0x0000000000008000, 30)

  # lw
  TEST_LD(37, lw, 0xffffffffb4a59687, 0)
  TEST_LD(38, lw, 0xfffffffff0e1d2c3, 4)
  TEST_LD(39, lw, 0xffffffff89abcdef, 8)
  TEST_LD(40, lw, 0x0000000001234567, 12)
  TEST_LD(41, lw, 0x000000003b2a1908, 16)
  TEST_LD(42, lw, 0xffffffff80008080, 24)
  TEST_LD(43, lw, 0xffffffff80000000, 28)
  TEST_LD_NEG(44, lw, 0xffffffff80000000, 28)

  # lwu
  TEST_LD(45, lwu, 0x00000000b4a59687, 0)
  TEST_LD(46, lwu, 0x00000000f0e1d2c3, 4)
  TEST_LD(47, lwu, 0x0000000089abcdef, 8)
  TEST_LD(48, lwu, 0x0000000001234567, 12)
  TEST_LD(49, lwu, 0x000000003b2a1908, 16)
  TEST_LD(50, lwu, 0x0000000080008080, 24)
  TEST_LD(51, lwu, 0x0000000080000000, 28)
  TEST_LD_NEG(52, lwu, 0x0000000080000000, 28)

  # ld
  TEST_LD(53, ld, 0xf0e1d2c3b4a59687, 0)
  TEST_LD(54, ld, 0x0123456789abcdef, 8)
  TEST_LD(55, ld, 0x7f6e5d4c3b2a1908, 16)
  TEST_LD(56, ld, 0x8000000080008080, 24)
  TEST_LD_NEG(57, ld, 0x8000000080008080, 24)

  # stores of every width at every aligned position
  TEST_ST(58, sb, 0xffffffffffffffa5, 0, 0x55555555555555a5, 0x5555555555555555)
  TEST_ST(59, sb, 0xffffffffffffffa5, 1, 0x555555555555a555, 0x5555555555555555)
  TEST_ST(60, sb, 0xffffffffffffffa5, 2, 0x5555555555a55555, 0x5555555555555555)
  TEST_ST(61, sb, 0xffffffffffffffa5, 3, 0x55555555a5555555, 0x5555555555555555)
  TEST_ST(62, sb, 0xffffffffffffffa5, 4, 0x555555a555555555, 0x5555555555555555)
  TEST_ST(63, sb, 0xffffffffffffffa5, 5, 0x5555a55555555555, 0x5555555555555555)
  TEST_ST(64, sb, 0xffffffffffffffa5, 6, 0x55a5555555555555, 0x5555555555555555)
  TEST_ST(65, sb, 0xffffffffffffffa5, 7, 0xa555555555555555, 0x5555555555555555)
  TEST_ST(66, sb, 0xffffffffffffffa5, 8, 0x5555555555555555, 0x55555555555555a5)
  TEST_ST(67, sh, 0x123456789abcbeef, 0, 0x555555555555beef, 0x5555555555555555)
  TEST_ST(68, sh, 0x123456789abcbeef, 2, 0x55555555beef5555, 0x5555555555555555)
  TEST_ST(69, sh, 0x123456789abcbeef, 4, 0x5555beef55555555, 0x5555555555555555)
  TEST_ST(70, sh, 0x123456789abcbeef, 6, 0xbeef555555555555, 0x5555555555555555)
  TEST_ST(71, sh, 0x123456789abcbeef, 8, 0x5555555555555555, 0x555555555555beef)
  TEST_ST(72, sw, 0xfedcba98deadc0de, 0, 0x55555555deadc0de, 0x5555555555555555)
  TEST_ST(73, sw, 0xfedcba98deadc0de, 4, 0xdeadc0de55555555, 0x5555555555555555)
  TEST_ST(74, sw, 0xfedcba98deadc0de, 8, 0x5555555555555555, 0x55555555deadc0de)
  TEST_ST(75, sd, 0x0123456789abcdef, 0, 0x0123456789abcdef, 0x5555555555555555)
  TEST_ST(76, sd, 0x0123456789abcdef, 8, 0x5555555555555555, 0x0123456789abcdef)

  # store then load back, all widths and extensions
  SET_TEST(77)
  la a1, scratch
  li a2, 0x8899aabbccddeeff
  sd a2, 0(a1)
  lb a0, 0(a1)
  CHECK(a0, 0xffffffffffffffff)
  lbu a0, 7(a1)
  CHECK(a0, 0x88)
  lh a0, 6(a1)
  CHECK(a0, 0xffffffffffff8899)
  lhu a0, 2(a1)
  CHECK(a0, 0xccdd)
  lw a0, 4(a1)
  CHECK(a0, 0xffffffff8899aabb)
  lwu a0, 4(a1)
  CHECK(a0, 0x8899aabb)
  lw a0, 0(a1)
  CHECK(a0, 0xffffffffccddeeff)
  SET_TEST(78)
  li a2, 0x7f
  sb a2, 3(a1)
  lw a0, 0(a1)
  CHECK(a0, 0x7fddeeff)
  li a2, 0x1234
  sh a2, 4(a1)
  ld a0, 0(a1)
  CHECK(a0, 0x889912347fddeeff)

  # offsets at the edges of the 12-bit immediate
  SET_TEST(79)
  la a1, bigbuf + 2048
  li a2, 0x11
  sb a2, -2048(a1)
  li a2, 0x22
  sb a2, 2047(a1)
  la a3, bigbuf
  lbu a0, 0(a3)
  CHECK(a0, 0x11)
  lbu a0, 2047(a1)             # bigbuf + 4095
  CHECK(a0, 0x22)
  lbu a0, -2048(a1)
  CHECK(a0, 0x11)
  SET_TEST(80)
  li a2, 0x0102030405060708
  sd a2, 2040(a1)
  ld a0, 2040(a1)
  CHECK_EQ(a0, a2)
  ld a0, -2048(a1)
  CHECK(a0, 0x11)

  # rd == base register
  SET_TEST(81)
  la a0, ptrcell
  ld a0, 0(a0)
  la a1, lsdata
  CHECK_EQ(a0, a1)
  SET_TEST(82)
  la a0, lsdata
  lw a0, 4(a0)
  CHECK(a0, 0xfffffffff0e1d2c3)

  # x0 destination: the load happens, x0 stays 0
  SET_TEST(83)
  la a1, lsdata
  ld zero, 0(a1)
  lb zero, 1(a1)
  CHECK_ZERO(zero)

  # store of x0, store with base == source
  SET_TEST(84)
  la a1, scratch
  li a2, -1
  sd a2, 0(a1)
  sw zero, 0(a1)
  ld a0, 0(a1)
  CHECK(a0, 0xffffffff00000000)
  SET_TEST(85)
  sd a1, 8(a1)
  ld a0, 8(a1)
  CHECK_EQ(a0, a1)

  j pass

  .data
  .align 6
lsdata:
  .dword 0xf0e1d2c3b4a59687
  .dword 0x0123456789abcdef
  .dword 0x7f6e5d4c3b2a1908
  .dword 0x8000000080008080
  .skip 64
ptrcell:
  .dword lsdata
  .align 4
scratch:
  .skip 16
  .align 12
bigbuf:
  .skip 4096
