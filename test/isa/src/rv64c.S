# rv64c.S — every RV64C instruction form, written with explicit c.* mnemonics:
#   quadrant 0: C.ADDI4SPN C.LW C.LD C.SW C.SD
#   quadrant 1: C.NOP C.ADDI C.ADDIW C.LI C.ADDI16SP C.LUI C.SRLI C.SRAI
#               C.ANDI C.SUB C.XOR C.OR C.AND C.SUBW C.ADDW C.J C.BEQZ C.BNEZ
#   quadrant 2: C.SLLI C.LWSP C.LDSP C.JR C.MV C.EBREAK C.JALR C.ADD C.SWSP
#               C.SDSP
# Immediate extremes (sign extension of C.LI/C.LUI/C.ADDI16SP/C.ADDIW,
# 6-bit shift amounts incl. 32 and 63, largest load/store offsets), the
# 32-bit results of C.ADDW/C.SUBW/C.ADDIW, link value pc+2 of C.JALR, and
# 32-bit instructions at 2-byte-aligned addresses (incl. one straddling a
# 4 KiB page boundary), and compressed HINT encodings (no-ops).
#include "test.h"
  .option rvc

  .text
  .globl test_main
test_main:
  mv s11, sp                   # sp is repointed by some tests

  # ---- quadrant 1: integer constants and arithmetic ----
  TEST_CASE(1, a0, 0x1f, c.li a0, 31)
  TEST_CASE(2, a0, 0xffffffffffffffe0, c.li a0, -32)
  TEST_CASE(3, s0, 0, li s0, 5; c.li s0, 0)
  TEST_CASE(4, a0, 0x1000, c.lui a0, 1)
  TEST_CASE(5, a0, 0x1f000, c.lui a0, 0x1f)
  TEST_CASE(6, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(7, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
  TEST_CASE(8, t1, 0x1efe1, c.lui t1, 0x1f; c.addi t1, -31)   # t1 is not a C register
  TEST_CASE(9, a0, 0x20, li a0, 1; c.addi a0, 31)
  TEST_CASE(10, a0, 0xffffffffffffffe1, li a0, 1; c.addi a0, -32)
  TEST_CASE(11, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; c.addi a0, 1)
  TEST_CASE(12, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST_CASE(13, a0, 0xffffffffffffffff, li a0, 0x1ffffffff; c.addiw a0, 0)    # sext.w
  TEST_CASE(14, a0, 0x000000007fffffe0, li a0, 0xffffffff80000000; c.addiw a0, -32)
  TEST_CASE(15, ra, 0x0000000000000005, li ra, 0x500000000; c.addiw ra, 5)
  # c.addi16sp: sp += nzimm*16, -512..496
  SET_TEST(16)
  li sp, 0x1000
  c.addi16sp sp, 496
  CHECK(sp, 0x11f0)
  c.addi16sp sp, -512
  CHECK(sp, 0xff0)
  c.addi16sp sp, 16
  CHECK(sp, 0x1000)
  li sp, 0x100
  c.addi16sp sp, -512
  CHECK(sp, 0xffffffffffffff00)
  mv sp, s11
  # c.addi4spn: rd' = sp + nzuimm*4, 4..1020
  SET_TEST(17)
  li sp, 0x80000000
  c.addi4spn a0, sp, 4
  CHECK(a0, 0x80000004)
  c.addi4spn s1, sp, 1020
  CHECK(s1, 0x800003fc)
  c.addi4spn a5, sp, 512
  CHECK(a5, 0x80000200)
  mv sp, s11

  # shifts (6-bit shift amounts)
  TEST_CASE(18, a0, 0x4000000000000000, li a0, 0x8000000000000000; c.srli a0, 1)
  TEST_CASE(19, a0, 0x1, li a0, 0x8000000000000000; c.srli a0, 63)
  TEST_CASE(20, a0, 0x80000000, li a0, 0x8000000000000000; c.srli a0, 32)
  TEST_CASE(21, a0, 0xc000000000000000, li a0, 0x8000000000000000; c.srai a0, 1)
  TEST_CASE(22, a0, 0xffffffffffffffff, li a0, 0x8000000000000000; c.srai a0, 63)
  TEST_CASE(23, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
  TEST_CASE(24, a1, 0x0000000000ffffff, li a1, 0x7fffffffffffffff; c.srai a1, 39)
  TEST_CASE(25, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
  TEST_CASE(26, a0, 0x100000000, li a0, 1; c.slli a0, 32)
  TEST_CASE(27, t3, 0xfffffffffffffffe, li t3, -1; c.slli t3, 1)   # any register
  TEST_CASE(28, s0, 0x2468, li s0, 0x1234; c.slli s0, 1)
  # c.andi
  TEST_CASE(29, a0, 0x1f, li a0, -1; c.andi a0, 31)
  TEST_CASE(30, a0, 0xffffffffffffffe0, li a0, -1; c.andi a0, -32)
  TEST_CASE(31, a0, 0, li a0, -1; c.andi a0, 0)
  TEST_CASE(32, a2, 0x1234567812345678, li a2, 0x123456781234567f; c.andi a2, -8)
  # register-register (CA format)
  TEST_CASE(33, a0, 0xfffffffffffffffe, li a0, 3; li a1, 5; c.sub a0, a1)
  TEST_CASE(34, s1, 0x0ff00ff00ff00ff0, li s1, 0xff00ff00ff00ff00; li a5, 0xf0f0f0f0f0f0f0f0; c.xor s1, a5)
  TEST_CASE(35, a3, 0xf0fff0fff0fff0ff, li a3, 0xf0f0f0f0f0f0f0f0; li a4, 0x000f000f000f000f; c.or a3, a4)
  TEST_CASE(36, a4, 0x00f000f000f000f0, li a4, 0xf0f0f0f0f0f0f0f0; li s0, 0x0ff00ff00ff00ff0; c.and a4, s0)
  TEST_CASE(37, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 0xffffffffffffffff; c.subw a0, a1)
  TEST_CASE(38, a0, 0x000000007fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
  TEST_CASE(39, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
  TEST_CASE(40, a0, 0x0000000000000002, li a0, 0xaaaaaaaa00000001; li a1, 0x5555555500000001; c.addw a0, a1)
  TEST_CASE(41, a0, 0, li a0, 7; c.sub a0, a0)
  TEST_CASE(42, a0, 0x000000000000000e, li a0, 0x1234567800000007; c.addw a0, a0)

  # quadrant 2 register forms: c.mv, c.add
  TEST_CASE(43, t4, 0x123456789, li t4, 1; li s5, 0x123456789; c.mv t4, s5)
  TEST_CASE(44, t4, 0x12345678a, li t4, 1; li s5, 0x123456789; c.add t4, s5)
  TEST_CASE(45, ra, 0xfffffffffffffffe, li ra, -1; c.add ra, ra)
  TEST_CASE(46, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; li a1, 1; c.add a0, a1)
  # c.nop changes nothing
  SET_TEST(47)
  li a0, 9
  c.nop
  c.nop
  CHECK(a0, 9)

  # ---- loads and stores ----
  SET_TEST(48)
  la s0, cdata
  c.lw a0, 0(s0)
  CHECK(a0, 0xffffffff89abcdef)
  c.lw a1, 4(s0)
  CHECK(a1, 0x01234567)
  c.ld a2, 0(s0)
  CHECK(a2, 0x0123456789abcdef)
  c.lw a3, 124(s0)
  CHECK(a3, 0xffffffffcafef00d)
  c.ld a4, 248(s0)
  CHECK(a4, 0x8877665544332211)
  SET_TEST(49)
  la s1, cbuf
  li a0, 0x1122334455667788
  c.sd a0, 0(s1)
  li a1, 0xffffffffaabbccdd
  c.sw a1, 4(s1)
  ld a2, 0(s1)
  CHECK(a2, 0xaabbccdd55667788)
  c.sd a0, 248(s1)
  ld a2, 248(s1)
  CHECK(a2, 0x1122334455667788)
  c.sw a1, 124(s1)
  lwu a2, 124(s1)
  CHECK(a2, 0xaabbccdd)
  lw a2, 120(s1)
  CHECK(a2, 0)
  # rd' == rs1' for c.ld
  SET_TEST(50)
  la a5, cptr
  c.ld a5, 0(a5)
  la a4, cdata
  CHECK_EQ(a5, a4)
  # sp-relative forms, including the largest offsets and any register
  SET_TEST(51)
  la sp, cbuf
  li t0, 0x0102030405060708
  c.sdsp t0, 504(sp)
  c.sdsp zero, 0(sp)
  li t1, 0xfffffffff1f2f3f4
  c.swsp t1, 252(sp)
  c.swsp t1, 8(sp)
  c.ldsp s2, 504(sp)
  CHECK(s2, 0x0102030405060708)
  c.lwsp s3, 252(sp)
  CHECK(s3, 0xfffffffff1f2f3f4)
  c.ldsp s4, 0(sp)
  CHECK(s4, 0)
  c.lwsp ra, 8(sp)
  CHECK(ra, 0xfffffffff1f2f3f4)
  c.ldsp t2, 8(sp)
  CHECK(t2, 0x00000000f1f2f3f4)
  mv sp, s11

  # ---- control transfer ----
  SET_TEST(52)                 # c.j forward and backward
  c.j 1f
  j fail
2:c.j 3f
1:c.j 2b
  j fail
3:SET_TEST(53)                 # c.beqz / c.bnez taken and not taken
  li a0, 0
  li a1, 1
  c.bnez a0, cfail
  c.beqz a1, cfail
  c.beqz a0, 1f
  j fail
1:c.bnez a1, 1f
  j fail
1:li s0, 0x100000000            # upper bits count: not zero
  c.beqz s0, cfail
  li s1, 3                     # backward c.bnez loop
1:addi s1, s1, -1
  c.bnez s1, 1b
  CHECK(s1, 0)
  SET_TEST(54)                 # c.jr
  la t0, 1f
  c.jr t0
  j fail
1:SET_TEST(55)                 # c.jalr links pc + 2
  la t0, 1f
  c.jalr t0
2:j fail
1:la t1, 2b
  CHECK_EQ(ra, t1)
  SET_TEST(56)                 # c.jalr with rs1 == ra: target is the old ra
  la ra, 1f
  c.jalr ra
2:j fail
1:la t1, 2b
  CHECK_EQ(ra, t1)
  SET_TEST(57)                 # c.jr ra is a return
  call csub
  CHECK(a0, 0x77)
  SET_TEST(58)                 # c.jalr / c.jr targets with bit 1 set
  la t0, 1f
  c.jalr t0
  c.nop
  .align 2
  c.nop
1:c.nop                        # at a 2 (mod 4) address
  la t1, 1b
  andi t1, t1, 3
  CHECK(t1, 2)

  # ---- c.ebreak: breakpoint, epc at the 2-byte instruction ----
  SET_TEST(59)
  EXPECT_MTRAP(1f)
2:c.ebreak
  j fail
1:CHECK_MCAUSE(CAUSE_BREAKPOINT)
  CHECK_MEPC(2b)
  CHECK_MTVAL_EBREAK(2b)

  # ---- 32-bit instructions at 2-byte-aligned addresses ----
  SET_TEST(60)
  .align 2
  c.nop
  li a0, 0x12345678            # lui+addiw at 2 (mod 4)
  addi a0, a0, 1
  CHECK(a0, 0x12345679)
  SET_TEST(61)                 # a 32-bit instruction straddling a page boundary
  j 1f
  .balign 4096
  .skip 4096 - 24
1:li a0, 0
  .option norvc
  addi a0, a0, 1
  addi a0, a0, 2
  addi a0, a0, 4
  addi a0, a0, 8
  addi a0, a0, 16
  addi a1, zero, 0x7f          # straddles the page boundary
  addi a0, a0, 32
  .option rvc
  CHECK(a0, 63)
  CHECK(a1, 0x7f)
  SET_TEST(62)                 # a 32-bit branch target at 2 (mod 4)
  j 2f
  c.nop
  .option norvc
2:addi a0, zero, 5
  .option rvc
  CHECK(a0, 5)

  # 63: compressed HINT encodings execute as no-ops (they must not trap)
  SET_TEST(63)
  li a0, 0x1234
  li ra, 0x77
  .half 0x0005                 # c.addi x0, 1   (c.nop with imm != 0)
  .half 0x4015                 # c.li x0, 5
  .half 0x6005                 # c.lui x0, 1
  .half 0x802a                 # c.mv x0, a0
  .half 0x902a                 # c.add x0, a0
  .half 0x0006                 # c.slli x0, 1
  .half 0x0502                 # c.slli a0, 0
  .half 0x8101                 # c.srli a0, 0
  .half 0x8501                 # c.srai a0, 0
  CHECK(a0, 0x1234)
  CHECK(ra, 0x77)
  CHECK_ZERO(zero)

  j pass

cfail:
  j fail

csub:
  li a0, 0x77
  c.jr ra

  .data
  .align 3
cdata:
  .dword 0x0123456789abcdef
  .skip 112
  .word 0
  .word 0xcafef00d             # offset 124
  .skip 120
  .dword 0x8877665544332211    # offset 248
cptr:
  .dword cdata
  .align 3
cbuf:
  .skip 512
