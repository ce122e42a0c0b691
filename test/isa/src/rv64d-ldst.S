# rv64d-ldst.S — FLW/FSW/FLD/FSD: ±2 KiB offsets, bits moved unchanged (NaN
# payloads kept, no canonicalization), FLW NaN-boxes, FSW stores the low 32
# bits of any register (boxed or not) and nothing else; all 32 f registers;
# misaligned accesses of every offset (must not trap) and accesses across a
# 4 KiB page; C.FLD/C.FSD/C.FLDSP/C.FSDSP; access faults (cause 5/7, tval,
# destination unchanged, memory untouched); Sv39: FP loads/stores in S mode
# through a 4 KiB page, load/store page faults (13/15) on unmapped and
# read-only pages; FP loads/stores to a device (the CLINT) behave as integer
# accesses of the same width (FLW boxes, FSW writes the low 32 bits).
#include "test.h"

#define LDD(f, v)  li t0, v; fmv.d.x f, t0
#define CHKF(f, v) fmv.x.d a0, f; CHECK(a0, v)

  .text
  .globl test_main
test_main:
  li t0, MSTATUS_FS
  csrs mstatus, t0
  la s0, tdat
  la s1, buf

  # 1-4: FLD/FSD move 64 bits unchanged, including a signalling NaN payload
  TEST_CASE(1, a0, 0x7ff0000000000001, fld f1, 0(s0); fmv.x.d a0, f1)
  TEST_CASE(2, a0, 0x7ff0000000000001, fsd f1, 0(s1); ld a0, 0(s1))
  TEST_CASE(3, a0, 0xc00921fb54442d18, fld f2, 8(s0); fsd f2, 16(s1); ld a0, 16(s1))
  TEST_CASE(4, a0, 0x123456789abcdef0, LDD(f3, 0x123456789abcdef0); fsd f3, 8(s1); ld a0, 8(s1))

  # 5-8: FLW boxes; FSW stores only the low 32 bits, whatever the upper half holds
  TEST_CASE(5, a0, 0xffffffff7f800001, flw f4, 16(s0); fmv.x.d a0, f4)
  TEST_CASE(6, a0, 0xffffffffbf800000, flw f4, 20(s0); fmv.x.d a0, f4)
  SET_TEST(7)
  li a1, -1
  sd a1, 24(s1)
  sd a1, 32(s1)
  LDD(f5, 0x123456789abcdef0)     # not a boxed single
  fsw f5, 28(s1)
  ld a0, 24(s1)
  CHECK(a0, 0x9abcdef0ffffffff)
  ld a0, 32(s1)
  CHECK(a0, -1)
  SET_TEST(8)
  flw f6, 28(s1)
  CHKF(f6, 0xffffffff9abcdef0)

  # 9-12: offsets at the ends of the 12-bit range, base register = data register
  TEST_CASE(9, a0, 0x4059000000000000, la a1, tdat + 2047; fld f7, -2023(a1); fmv.x.d a0, f7)
  TEST_CASE(10, a0, 0x4059000000000000, la a1, buf - 2048; fsd f7, 2040(a1); ld a0, -8(s1))
  TEST_CASE(11, a0, 0xffffffff40490fdb, la a1, tdat + 2048; flw f8, -2016(a1); fmv.x.d a0, f8)
  SET_TEST(12)
  la a1, buf + 40
  mv t1, a1
  fsw f8, 0(a1)
  fld f8, 0(a1)                   # overwrite the boxed single with 64 loaded bits
  lwu a0, 0(t1)
  CHECK(a0, 0x40490fdb)

  # 13: every f register is distinct: f0..f31 <- tdat32[i], stored back to buf32
  SET_TEST(13)
  la a1, tdat32
  la a2, buf32
  fld f0, 0(a1);    fld f1, 8(a1);    fld f2, 16(a1);   fld f3, 24(a1)
  fld f4, 32(a1);   fld f5, 40(a1);   fld f6, 48(a1);   fld f7, 56(a1)
  fld f8, 64(a1);   fld f9, 72(a1);   fld f10, 80(a1);  fld f11, 88(a1)
  fld f12, 96(a1);  fld f13, 104(a1); fld f14, 112(a1); fld f15, 120(a1)
  fld f16, 128(a1); fld f17, 136(a1); fld f18, 144(a1); fld f19, 152(a1)
  fld f20, 160(a1); fld f21, 168(a1); fld f22, 176(a1); fld f23, 184(a1)
  fld f24, 192(a1); fld f25, 200(a1); fld f26, 208(a1); fld f27, 216(a1)
  fld f28, 224(a1); fld f29, 232(a1); fld f30, 240(a1); fld f31, 248(a1)
  fsd f31, 0(a2);   fsd f30, 8(a2);   fsd f29, 16(a2);  fsd f28, 24(a2)
  fsd f27, 32(a2);  fsd f26, 40(a2);  fsd f25, 48(a2);  fsd f24, 56(a2)
  fsd f23, 64(a2);  fsd f22, 72(a2);  fsd f21, 80(a2);  fsd f20, 88(a2)
  fsd f19, 96(a2);  fsd f18, 104(a2); fsd f17, 112(a2); fsd f16, 120(a2)
  fsd f15, 128(a2); fsd f14, 136(a2); fsd f13, 144(a2); fsd f12, 152(a2)
  fsd f11, 160(a2); fsd f10, 168(a2); fsd f9, 176(a2);  fsd f8, 184(a2)
  fsd f7, 192(a2);  fsd f6, 200(a2);  fsd f5, 208(a2);  fsd f4, 216(a2)
  fsd f3, 224(a2);  fsd f2, 232(a2);  fsd f1, 240(a2);  fsd f0, 248(a2)
  li t1, 0
1:slli t2, t1, 3
  add t3, a1, t2
  ld t3, 0(t3)                    # tdat32[i]
  li t4, 248
  sub t2, t4, t2
  add t4, a2, t2
  ld t4, 0(t4)                    # buf32[31 - i]
  CHECK_EQ(t3, t4)
  addi t1, t1, 1
  li t2, 32
  bltu t1, t2, 1b

  # 14-29: misaligned FLD/FSD and FLW/FSW at every offset: no trap, right bytes
  la s2, mis
#define MIS_D(n, off) \
  SET_TEST(n); fld f9, 8(s0); fsd f9, off(s2); fld f10, off(s2); fmv.x.d a0, f10; \
  CHECK(a0, 0xc00921fb54442d18); fld f11, off(s0); ld a1, off(s0); fmv.x.d a0, f11; CHECK_EQ(a0, a1)
#define MIS_W(n, off) \
  SET_TEST(n); flw f9, 20(s0); fsw f9, off(s2); flw f10, off(s2); fmv.x.d a0, f10; \
  CHECK(a0, 0xffffffffbf800000)
  MIS_D(14, 1)
  MIS_D(15, 2)
  MIS_D(16, 3)
  MIS_D(17, 4)
  MIS_D(18, 5)
  MIS_D(19, 6)
  MIS_D(20, 7)
  MIS_W(21, 1)
  MIS_W(22, 2)
  MIS_W(23, 3)
  MIS_W(24, 5)
  MIS_W(25, 6)
  MIS_W(26, 7)
  SET_TEST(27)                    # the misaligned FSD wrote exactly 8 bytes
  la a1, mis2
  li a2, -1
  sd a2, 0(a1)
  sd a2, 8(a1)
  LDD(f11, 0x0102030405060708)
  fsd f11, 3(a1)
  ld a0, 0(a1)
  CHECK(a0, 0x0405060708ffffff)
  ld a0, 8(a1)
  CHECK(a0, 0xffffffffff010203)
  # 28-29: across a 4 KiB page boundary
  SET_TEST(28)
  la a1, page_end
  LDD(f12, 0x1122334455667788)
  fsd f12, -4(a1)
  fld f13, -4(a1)
  CHKF(f13, 0x1122334455667788)
  lwu a0, -4(a1)
  CHECK(a0, 0x55667788)
  lwu a0, 0(a1)
  CHECK(a0, 0x11223344)
  SET_TEST(29)
  fsw f12, -2(a1)
  flw f14, -2(a1)
  CHKF(f14, 0xffffffff55667788)

  # 30-33: compressed forms (explicit, as 16-bit encodings)
  .option push
  .option rvc
  SET_TEST(30)
  mv s1, s0                       # a compressed base register (x8..x15)
  c.fld f8, 8(s1)
  CHKF(f8, 0xc00921fb54442d18)
  SET_TEST(31)
  la a5, buf
  c.fsd f8, 248(a5)
  ld a0, 248(a5)
  CHECK(a0, 0xc00921fb54442d18)
  SET_TEST(32)
  mv s3, sp
  la sp, buf
  LDD(f20, 0x0badc0ffee0ddf00)
  c.fsdsp f20, 504(sp)
  c.fldsp f21, 504(sp)
  ld a0, 504(sp)
  mv sp, s3
  CHECK(a0, 0x0badc0ffee0ddf00)
  CHKF(f21, 0x0badc0ffee0ddf00)
  SET_TEST(33)
  la sp, tdat
  c.fldsp f22, 16(sp)
  mv sp, s3
  CHKF(f22, 0xbf8000007f800001)
  .option pop

  # 34-37: access faults: cause, tval, destination and memory untouched
  SET_TEST(34)
  LDD(f15, 0x5555)
  li a1, UNMAPPED_ADDR
  EXPECT_MTRAP(1f)
2:fld f15, 8(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_ACCESS, 2b, UNMAPPED_ADDR + 8)
  CHKF(f15, 0x5555)
  SET_TEST(35)
  EXPECT_MTRAP(1f)
2:flw f15, 0(zero)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_ACCESS, 2b, 0)
  CHKF(f15, 0x5555)
  SET_TEST(36)
  EXPECT_MTRAP(1f)
2:fsd f15, 16(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_ACCESS, 2b, UNMAPPED_ADDR + 16)
  SET_TEST(37)
  EXPECT_MTRAP(1f)
2:fsw f15, 4(zero)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_ACCESS, 2b, 4)

  # 38-43: Sv39, S mode: a 4 KiB data page (read-write), a read-only one, an unmapped one
  SET_TEST(38)
  call vm_reset
  call vm_map_image
  li a0, 0x40001000
  la a1, vpage
  li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a3, 0
  call vm_map
  li a0, 0x40002000
  la a1, vpage_ro
  li a2, PTE_V | PTE_R | PTE_A
  li a3, 0
  call vm_map
  call vm_enable
  la a1, vpage
  LDD(f16, 0x3ff8000000000000)
  fsd f16, 0x18(a1)
  li a1, 0x40001000
  ENTER_S_UNTIL(1f)
  fld f17, 0x18(a1)               # through the mapping
  fsd f17, 0x20(a1)
  fsw f17, 0x2c(a1)
  flw f18, 0x2c(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHKF(f17, 0x3ff8000000000000)
  la a1, vpage
  ld a0, 0x20(a1)
  CHECK(a0, 0x3ff8000000000000)
  CHKF(f18, 0xffffffff00000000)
  SET_TEST(39)
  li a1, 0x40002000
  ENTER_S_UNTIL(1f)
  fld f19, 8(a1)                  # read-only page: loads are fine
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHKF(f19, 0x4000000000000000)
  SET_TEST(40)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:fsd f19, 8(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, 0x40002008)
  SET_TEST(41)
  li a1, 0x40003000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:flw f19, 4(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, 0x40003004)
  SET_TEST(42)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:fsw f19, 12(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, 0x4000300c)
  SET_TEST(43)                    # a misaligned FLD that runs into the unmapped page
  li a1, 0x40002ffc
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:fld f19, 0(a1)
  j fail
1:LOAD_MTRAP(t5, TR_CAUSE)
  CHECK(t5, CAUSE_LOAD_PAGE)
  CHKF(f19, 0x4000000000000000)
  csrw satp, zero
  sfence.vma

  # 44-45: the CLINT through FP loads and stores: mtimecmp by FSD/FLD and by
  #        halves (FLW/FSW), msip by FSW raising mip.MSIP
  SET_TEST(44)
  li a1, CLINT_MTIMECMP
  LDD(f20, 0x7123456789abcdef)
  fsd f20, 0(a1)
  ld a0, 0(a1)
  CHECK(a0, 0x7123456789abcdef)
  fld f21, 0(a1)
  CHKF(f21, 0x7123456789abcdef)
  flw f22, 4(a1)
  CHKF(f22, 0xffffffff71234567)
  LDD(f23, 0xfedcba9813579bdf)
  fsw f23, 0(a1)
  ld a0, 0(a1)
  CHECK(a0, 0x7123456713579bdf)
  li t0, -1
  sd t0, 0(a1)
  SET_TEST(45)
  li a1, CLINT_MSIP
  LDD(f24, 1)
  fsw f24, 0(a1)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP, MIP_MSIP)
  flw f25, 0(a1)
  CHKF(f25, 0xffffffff00000001)
  LDD(f26, 0)
  fsw f26, 0(a1)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP, 0)
  j pass

  .data
  .align 3
tdat:
  .dword 0x7ff0000000000001       # +0: signalling NaN
  .dword 0xc00921fb54442d18       # +8: -pi
  .word 0x7f800001                # +16: single sNaN
  .word 0xbf800000                # +20: -1.0f
  .dword 0x4059000000000000       # +24: 100.0
  .word 0x40490fdb                # +32: pi (single)
  .word 0
tdat32:
  .dword  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15
  .dword 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  .dword 0x8000000000000000 | 42
  .align 4
mis: .skip 32
mis2: .skip 16
  .align 3
buf: .skip 512
buf32: .skip 256
  .align 12
  .skip 4096
page_end:                         # a page boundary
  .skip 64
  .align 12
vpage: .skip 4096
vpage_ro:
  .dword 0, 0x4000000000000000
  .skip 4096 - 16
