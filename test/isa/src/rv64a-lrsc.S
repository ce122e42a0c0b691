# rv64a-lrsc.S — RV64A load-reserved / store-conditional: LR.W LR.D SC.W SC.D
# (with aq/rl).  LR.W sign-extends; SC succeeds (rd = 0, memory written) right
# after a matching LR; SC fails (rd != 0, memory untouched) without a
# reservation, after an intervening SC (successful or not), when its address
# is outside the reservation of the most recent LR; SC.W writes only 32 bits;
# an LR/SC retry loop.
#include "test.h"

  .text
  .globl test_main
test_main:
  la s0, word_a
  la s1, word_b                # another page: never in word_a's reservation set

  # 1-2: LR.W sign-extends, LR.D reads 64 bits
  SET_TEST(1)
  li a0, 0x1234567880000001
  sd a0, 0(s0)
  lr.w a1, (s0)
  CHECK(a1, 0xffffffff80000001)
  SET_TEST(2)
  lr.d a1, (s0)
  CHECK(a1, 0x1234567880000001)

  # 3: LR.D / SC.D success
  SET_TEST(3)
  li a2, 0x0a0b0c0d0e0f1011
  lr.d a1, (s0)
  sc.d a3, a2, (s0)
  CHECK_ZERO(a3)
  ld a4, 0(s0)
  CHECK_EQ(a4, a2)

  # 4: a second SC after the successful one fails and does not write
  SET_TEST(4)
  li a2, 0x5555
  sc.d a3, a2, (s0)
  CHECK_NONZERO(a3)
  ld a4, 0(s0)
  CHECK(a4, 0x0a0b0c0d0e0f1011)

  # 5: LR.W / SC.W success writes only the low 32 bits
  SET_TEST(5)
  li a0, 0x1122334455667788
  sd a0, 0(s0)
  lr.w a1, (s0)
  CHECK(a1, 0x55667788)
  li a2, 0xffffffffdeadbeef
  sc.w a3, a2, (s0)
  CHECK_ZERO(a3)
  ld a4, 0(s0)
  CHECK(a4, 0x11223344deadbeef)

  # 6: SC.W on the high word after LR.W of the high word
  SET_TEST(6)
  addi a5, s0, 4
  lr.w a1, (a5)
  CHECK(a1, 0x11223344)
  li a2, 0x99
  sc.w a3, a2, (a5)
  CHECK_ZERO(a3)
  ld a4, 0(s0)
  CHECK(a4, 0x00000099deadbeef)

  # 7: SC with no reservation at all fails
  SET_TEST(7)
  li a2, 1
  sc.w a3, a2, (s0)
  CHECK_NONZERO(a3)
  ld a4, 0(s0)
  CHECK(a4, 0x00000099deadbeef)

  # 8: SC to an address outside the reservation fails, and (being an SC)
  #    also kills the reservation: a following SC to the LR address fails
  SET_TEST(8)
  li a0, 0x77
  sd a0, 0(s1)
  lr.d a1, (s0)
  li a2, 0x42
  sc.d a3, a2, (s1)
  CHECK_NONZERO(a3)
  ld a4, 0(s1)
  CHECK(a4, 0x77)
  SET_TEST(9)
  sc.d a3, a2, (s0)
  CHECK_NONZERO(a3)
  ld a4, 0(s0)
  CHECK(a4, 0x00000099deadbeef)

  # 10: only the most recent LR counts: LR a; LR b; SC a fails
  SET_TEST(10)
  lr.d a1, (s0)
  lr.d a1, (s1)
  sc.d a3, a2, (s0)
  CHECK_NONZERO(a3)
  ld a4, 0(s0)
  CHECK(a4, 0x00000099deadbeef)
  # 11: LR a; LR b; SC b succeeds
  SET_TEST(11)
  lr.d a1, (s0)
  lr.d a1, (s1)
  CHECK(a1, 0x77)
  sc.d a3, a2, (s1)
  CHECK_ZERO(a3)
  ld a4, 0(s1)
  CHECK(a4, 0x42)

  # 12: a failed SC.W leaves the word alone; rd == rs2 form
  SET_TEST(12)
  li a2, 0x31
  sc.w a2, a2, (s1)
  CHECK_NONZERO(a2)
  ld a4, 0(s1)
  CHECK(a4, 0x42)

  # 13: aq/rl encodings
  SET_TEST(13)
  lr.d.aq a1, (s1)
  CHECK(a1, 0x42)
  li a2, 0x43
  sc.d.rl a3, a2, (s1)
  CHECK_ZERO(a3)
  lr.w.aqrl a1, (s1)
  CHECK(a1, 0x43)
  li a2, -1
  sc.w.aqrl a3, a2, (s1)
  CHECK_ZERO(a3)
  ld a4, 0(s1)
  CHECK(a4, 0xffffffff)

  # 14: SC with rd = x0 still stores on success
  SET_TEST(14)
  lr.d a1, (s1)
  li a2, 0x1000
  sc.d zero, a2, (s1)
  ld a4, 0(s1)
  CHECK(a4, 0x1000)

  # 15: atomic increment with an LR/SC retry loop
  SET_TEST(15)
  sd zero, 0(s0)
  li s2, 100
1:lr.d a1, (s0)
  addi a1, a1, 3
  sc.d a3, a1, (s0)
  bnez a3, 1b
  addi s2, s2, -1
  bnez s2, 1b
  ld a4, 0(s0)
  CHECK(a4, 300)

  # 16: LR.W / SC.W loop (compare-and-swap style on a 32-bit counter)
  SET_TEST(16)
  li a0, 0x7ffffffe
  sw a0, 0(s1)
  li s2, 3
1:lr.w a1, (s1)
  addi a1, a1, 1
  sc.w a3, a1, (s1)
  bnez a3, 1b
  addi s2, s2, -1
  bnez s2, 1b
  lw a4, 0(s1)
  CHECK(a4, 0xffffffff80000001)

  j pass

  .data
  .align 12
word_a: .dword 0
  .align 12
word_b: .dword 0
