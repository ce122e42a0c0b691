# misaligned.S — misaligned loads and stores must work (no trap): LH LHU LW
# LWU LD SH SW SD at every misaligned offset, across an 8-byte boundary and
# across a 4 KiB page boundary (physical memory, M-mode), and the compressed
# forms C.LW C.LD C.SW C.SD C.LWSP C.LDSP C.SWSP C.SDSP with misaligned
# addresses.  (QEMU performs these in hardware too.)  Misaligned accesses
# crossing virtual pages are in sv39-user.S and sv39-4k.S.
#include "test.h"

/* window: 32 bytes, the page boundary is at window + 16 */
#define TEST_MLD(n, inst, exp, off) \
  SET_TEST(n); call fill; la a1, window; inst a0, off(a1); CHECK(a0, exp)
/* store v at window+off; the dwords at window+8 and window+16 (either side
   of the page boundary) must then be e0, e1 */
#define TEST_MST(n, inst, v, off, e0, e1) \
  SET_TEST(n); call fill; la a1, window; li a2, v; inst a2, off(a1); \
  ld a3, 8(a1); CHECK(a3, e0); ld a3, 16(a1); CHECK(a3, e1)

  .text
  .globl test_main
test_main:

  # lh
  TEST_MLD(1, lh, 0xffffffffffffa794, 1)
  TEST_MLD(2, lh, 0xffffffffffffcdba, 3)
  TEST_MLD(3, lh, 0x0000000000001906, 7)
  TEST_MLD(4, lh, 0x0000000000003f2c, 9)
  TEST_MLD(5, lh, 0xffffffffffffb19e, 15)

  # lhu
  TEST_MLD(6, lhu, 0x000000000000a794, 1)
  TEST_MLD(7, lhu, 0x000000000000f3e0, 5)
  TEST_MLD(8, lhu, 0x000000000000b19e, 15)

  # lw
  TEST_MLD(9, lw, 0xffffffffcdbaa794, 1)
  TEST_MLD(10, lw, 0xffffffffe0cdbaa7, 2)
  TEST_MLD(11, lw, 0xfffffffff3e0cdba, 3)
  TEST_MLD(12, lw, 0x000000001906f3e0, 5)
  TEST_MLD(13, lw, 0x000000002c1906f3, 6)
  TEST_MLD(14, lw, 0x000000003f2c1906, 7)
  TEST_MLD(15, lw, 0xffffffffb19e8b78, 13)
  TEST_MLD(16, lw, 0xffffffffc4b19e8b, 14)
  TEST_MLD(17, lw, 0xffffffffd7c4b19e, 15)

  # lwu
  TEST_MLD(18, lwu, 0x00000000cdbaa794, 1)
  TEST_MLD(19, lwu, 0x00000000e0cdbaa7, 2)
  TEST_MLD(20, lwu, 0x00000000f3e0cdba, 3)
  TEST_MLD(21, lwu, 0x00000000c4b19e8b, 14)
  TEST_MLD(22, lwu, 0x00000000d7c4b19e, 15)

  # ld
  TEST_MLD(23, ld, 0x1906f3e0cdbaa794, 1)
  TEST_MLD(24, ld, 0x2c1906f3e0cdbaa7, 2)
  TEST_MLD(25, ld, 0x3f2c1906f3e0cdba, 3)
  TEST_MLD(26, ld, 0x523f2c1906f3e0cd, 4)
  TEST_MLD(27, ld, 0x65523f2c1906f3e0, 5)
  TEST_MLD(28, ld, 0x7865523f2c1906f3, 6)
  TEST_MLD(29, ld, 0x8b7865523f2c1906, 7)
  TEST_MLD(30, ld, 0xb19e8b7865523f2c, 9)
  TEST_MLD(31, ld, 0xead7c4b19e8b7865, 12)
  TEST_MLD(32, ld, 0x2310fdead7c4b19e, 15)

  # stores
  TEST_MST(33, sh, 0x000000000000a1b2, 9, 0x9e8b786552a1b219, 0x362310fdead7c4b1)
  TEST_MST(34, sh, 0x000000000000a1b2, 13, 0x9ea1b265523f2c19, 0x362310fdead7c4b1)
  TEST_MST(35, sh, 0x000000000000a1b2, 15, 0xb28b7865523f2c19, 0x362310fdead7c4a1)
  TEST_MST(36, sw, 0x00000000c1d2e3f4, 9, 0x9e8b78c1d2e3f419, 0x362310fdead7c4b1)
  TEST_MST(37, sw, 0x00000000c1d2e3f4, 10, 0x9e8bc1d2e3f42c19, 0x362310fdead7c4b1)
  TEST_MST(38, sw, 0x00000000c1d2e3f4, 11, 0x9ec1d2e3f43f2c19, 0x362310fdead7c4b1)
  TEST_MST(39, sw, 0x00000000c1d2e3f4, 13, 0xd2e3f465523f2c19, 0x362310fdead7c4c1)
  TEST_MST(40, sw, 0x00000000c1d2e3f4, 14, 0xe3f47865523f2c19, 0x362310fdead7c1d2)
  TEST_MST(41, sw, 0x00000000c1d2e3f4, 15, 0xf48b7865523f2c19, 0x362310fdeac1d2e3)
  TEST_MST(42, sd, 0x0102030405060708, 9, 0x0203040506070819, 0x362310fdead7c401)
  TEST_MST(43, sd, 0x0102030405060708, 10, 0x0304050607082c19, 0x362310fdead70102)
  TEST_MST(44, sd, 0x0102030405060708, 11, 0x04050607083f2c19, 0x362310fdea010203)
  TEST_MST(45, sd, 0x0102030405060708, 12, 0x05060708523f2c19, 0x362310fd01020304)
  TEST_MST(46, sd, 0x0102030405060708, 13, 0x06070865523f2c19, 0x3623100102030405)
  TEST_MST(47, sd, 0x0102030405060708, 14, 0x07087865523f2c19, 0x3623010203040506)
  TEST_MST(48, sd, 0x0102030405060708, 15, 0x088b7865523f2c19, 0x3601020304050607)

  # compressed loads/stores with misaligned effective addresses
  .option rvc
  SET_TEST(49)
  call fill
  la s0, window + 13
  c.lw a0, 0(s0)
  CHECK(a0, 0xffffffffb19e8b78)
  c.ld a1, 0(s0)
  CHECK(a1, 0xfdead7c4b19e8b78)
  SET_TEST(50)
  call fill
  la s1, window + 3
  c.lw a0, 8(s1)
  CHECK(a0, 0xffffffff8b786552)
  c.ld a2, 8(s1)
  CHECK(a2, 0xd7c4b19e8b786552)
  SET_TEST(51)
  call fill
  la s0, window + 6
  li a0, 0x1122334455667788
  c.sd a0, 8(s0)
  li a1, 0x99aabbcc
  addi s0, s0, 1
  c.sw a1, 0(s0)
  la a1, window
  ld a3, 8(a1)
  CHECK(a3, 0x778878655299aabb)
  ld a3, 16(a1)
  CHECK(a3, 0x3623112233445566)
  SET_TEST(52)
  call fill
  mv s2, sp
  la sp, window + 5
  c.lwsp a0, 8(sp)
  CHECK(a0, 0xffffffffb19e8b78)
  c.ldsp a1, 8(sp)
  CHECK(a1, 0xfdead7c4b19e8b78)
  li a2, 0xfedcba9876543210
  c.sdsp a2, 8(sp)
  li a2, 0x0badf00d
  c.swsp a2, 4(sp)
  mv sp, s2
  la a1, window
  ld a3, 8(a1)
  CHECK(a3, 0x5432100badf00d19)
  ld a3, 16(a1)
  CHECK(a3, 0x362310fedcba9876)
  .option norvc

  # a misaligned store is visible to aligned and misaligned loads alike
  SET_TEST(53)
  la a1, window
  li a2, 0x8877665544332211
  sd a2, 3(a1)
  lbu a0, 3(a1)
  CHECK(a0, 0x11)
  lbu a0, 10(a1)
  CHECK(a0, 0x88)
  lhu a0, 4(a1)
  CHECK(a0, 0x3322)
  lw a0, 7(a1)
  CHECK(a0, 0xffffffff88776655)

  j pass

# fill the window with the byte pattern
fill:
  la t0, window
  la t1, pattern
  li t2, 32
1:lbu t3, 0(t1)
  sb t3, 0(t0)
  addi t0, t0, 1
  addi t1, t1, 1
  addi t2, t2, -1
  bnez t2, 1b
  ret

  .data
pattern:
  .byte 0x81, 0x94, 0xa7, 0xba, 0xcd, 0xe0, 0xf3, 0x06, 0x19, 0x2c, 0x3f, 0x52, 0x65, 0x78, 0x8b, 0x9e, 0xb1, 0xc4, 0xd7, 0xea, 0xfd, 0x10, 0x23, 0x36, 0x49, 0x5c, 0x6f, 0x82, 0x95, 0xa8, 0xbb, 0xce
  .align 12
  .skip 4096 - 16
window:
  .skip 32

