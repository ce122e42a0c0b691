# rv64f-csr.S — F/D control and status: misa F and D; fflags, frm, fcsr
# (field masks, the fsflags/fsrm swaps, sticky accrual, access from S and U);
# mstatus.FS: every FP instruction and FP CSR illegal while FS = Off (M, S
# via sstatus, compressed forms), FS = Dirty after writing an f register,
# fflags or frm, unchanged by stores, moves to x registers, compares and
# reads, and SD = (FS == Dirty) in mstatus and sstatus; the rounding-mode
# field: a static rm overrides frm, the reserved rm values 5 and 6 and DYN
# with frm >= 5 are illegal (arithmetic, FMA, conversions); reserved funct3 /
# rs2 / fmt encodings of OP-FP, LOAD-FP and STORE-FP are illegal.
#include "test.h"

/* execute one 32-bit word that must be illegal: cause 2, epc, tval = bits */
#define TEST_ILLEGAL32(n, bits) \
  SET_TEST(n); li a0, 0x5a5a; EXPECT_MTRAP(9010f); 9011: .word bits; j fail; \
  9010: CHECK_MTRAP(CAUSE_ILLEGAL, 9011b, bits); CHECK(a0, 0x5a5a)
/* and one 16-bit one */
#define TEST_ILLEGAL16(n, bits) \
  SET_TEST(n); EXPECT_MTRAP(9010f); 9011: .half bits; j fail; \
  9010: CHECK_MTRAP(CAUSE_ILLEGAL, 9011b, bits)
/* mstatus.FS <- v (0 Off, 0x2000 Initial, 0x4000 Clean, 0x6000 Dirty) */
#define SET_FS(v)   li t0, MSTATUS_FS; csrc mstatus, t0; li t0, v; csrs mstatus, t0
#define CHECK_FS(v) csrr t1, mstatus; CHECK_BITS(t1, MSTATUS_FS, v)
#define CHECK_SD(v) csrr t1, mstatus; srli t1, t1, 63; CHECK(t1, v)

  .text
  .globl test_main
test_main:
  # 1: misa has F (bit 5) and D (bit 3)
  SET_TEST(1)
  csrr a0, misa
  CHECK_BITS(a0, 0x28, 0x28)

  # 2-13: FS = Off (crt.S leaves mstatus = 0): FP instructions and CSRs are illegal
  SET_TEST(2)
  CHECK_FS(0)
  CHECK_SD(0)
  TEST_ILLEGAL32(3, 0xe2008553)   # fmv.x.d a0, ft1
  TEST_ILLEGAL32(4, 0x223170c3)   # fmadd.d ft1, ft2, ft3, ft4
  TEST_ILLEGAL32(5, 0xc0009553)   # fcvt.w.s a0, ft1, rtz
  TEST_ILLEGAL32(6, 0x203100d3)   # fsgnj.s ft1, ft2, ft3
  TEST_ILLEGAL32(7, 0xe2009553)   # fclass.d a0, ft1
  TEST_ILLEGAL32(8, 0x00102573)   # csrr a0, fflags
  TEST_ILLEGAL32(9, 0x00202573)   # csrr a0, frm
  TEST_ILLEGAL32(10, 0x00152027)  # fsw ft1, 0(a0)
  TEST_ILLEGAL16(11, 0x2402)      # c.fldsp fs0, 0(sp)
  TEST_ILLEGAL16(12, 0xa504)      # c.fsd fs1, 8(a0)
  SET_TEST(13)                    # nothing was written: FS still Off
  CHECK_FS(0)

  # 14-19: FS = Initial: FP works; writing an f register makes it Dirty, SD = 1
  SET_TEST(14)
  SET_FS(0x2000)
  CHECK_SD(0)
  csrr a0, fcsr                   # a CSR read does not dirty
  CHECK_FS(0x2000)
  SET_TEST(15)
  li a0, 0x3f800000
  fmv.w.x f1, a0
  CHECK_FS(0x6000)
  CHECK_SD(1)
  SET_TEST(16)
  csrr t1, sstatus
  srli t1, t1, 63
  CHECK(t1, 1)                    # sstatus.SD too
  csrr t1, sstatus
  CHECK_BITS(t1, MSTATUS_FS, 0x6000)
  # 17-19: Clean: stores, moves to x, quiet compares, fclass and CSR reads leave it Clean
  SET_TEST(17)
  SET_FS(0x4000)
  CHECK_SD(0)
  la a1, scratch
  fsw f1, 0(a1)
  fsd f1, 8(a1)
  fmv.x.w a0, f1
  fmv.x.d a0, f1
  fclass.s a0, f1
  feq.s a0, f1, f1
  csrr a0, fflags
  csrr a0, frm
  csrr a0, fcsr
  csrrs a0, fcsr, zero
  CHECK_FS(0x4000)
  SET_TEST(18)
  flw f2, 0(a1)                   # a load writes an f register
  CHECK_FS(0x6000)
  SET_TEST(19)
  SET_FS(0x4000)
  fld f2, 8(a1)
  CHECK_FS(0x6000)
  # 20-24: each FP state write dirties
  SET_TEST(20)
  SET_FS(0x4000)
  csrwi fflags, 0
  CHECK_FS(0x6000)
  SET_TEST(21)
  SET_FS(0x4000)
  csrwi frm, 0
  CHECK_FS(0x6000)
  SET_TEST(22)
  SET_FS(0x4000)
  csrw fcsr, zero
  CHECK_FS(0x6000)
  SET_TEST(23)
  SET_FS(0x4000)
  fadd.s f3, f1, f1
  CHECK_FS(0x6000)
  SET_TEST(24)
  SET_FS(0x4000)
  fcvt.d.s f3, f1
  CHECK_FS(0x6000)
#if !QEMU_REFERENCE
  # 25-26: raising a flag changes fflags, so it dirties even without an f write
  # (QEMU 7.2 leaves FS Clean here)
  SET_TEST(25)
  SET_FS(0x4000)
  li a0, 0x7fc00000
  fmv.w.x f4, a0
  SET_FS(0x4000)
  flt.s a0, f4, f4                # NV
  CHECK_FS(0x6000)
  SET_TEST(26)
  SET_FS(0x4000)
  fcvt.w.s a0, f1, rtz            # 1.0: exact, no flag
  CHECK_FS(0x4000)
  li a0, 0x3fc00000
  fmv.w.x f4, a0
  SET_FS(0x4000)
  fcvt.w.s a0, f4, rtz            # 1.5: NX
  CHECK_FS(0x6000)
#endif
  SET_FS(0x6000)

  # 27-34: fcsr = frm << 5 | fflags; field widths; the swaps
  SET_TEST(27)
  li a0, -1
  csrw fcsr, a0
  csrr a0, fcsr
  CHECK(a0, 0xff)
  csrr a0, fflags
  CHECK(a0, 0x1f)
  csrr a0, frm
  CHECK(a0, 7)
  SET_TEST(28)
  csrw fcsr, zero
  li a0, 0xffffffe3
  csrw fflags, a0
  csrr a0, fcsr
  CHECK(a0, 0x03)
  SET_TEST(29)
  li a0, 0xfa
  csrw frm, a0                    # only bits 2:0
  csrr a0, fcsr
  CHECK(a0, 0x43)
  SET_TEST(30)
  li a0, 0x14
  fsflags a1, a0                  # swap
  CHECK(a1, 0x03)
  frflags a1
  CHECK(a1, 0x14)
  SET_TEST(31)
  fsrmi a1, 3
  CHECK(a1, 2)
  frrm a1
  CHECK(a1, 3)
  SET_TEST(32)
  csrrci a1, fcsr, 0x10           # clear NV via fcsr
  CHECK(a1, 0x74)
  csrr a1, fflags
  CHECK(a1, 0x04)
  SET_TEST(33)
  csrrsi a1, fflags, 0x19
  csrr a1, fcsr
  CHECK(a1, 0x7d)
  SET_TEST(34)
  fscsr a1, zero
  CHECK(a1, 0x7d)
  csrr a1, fcsr
  CHECK_ZERO(a1)

  # 35-37: flags accrue until cleared
  SET_TEST(35)
  li a0, 0x3f800000               # 1.0
  fmv.w.x f1, a0
  li a0, 0x40400000               # 3.0
  fmv.w.x f2, a0
  fmv.w.x f3, zero
  fdiv.s f4, f1, f2               # NX
  fdiv.s f4, f1, f3               # DZ
  frflags a1
  CHECK(a1, 0x09)
  SET_TEST(36)
  fadd.s f4, f1, f1               # exact: nothing new, nothing cleared
  frflags a1
  CHECK(a1, 0x09)
  SET_TEST(37)
  fsflags zero
  fmul.s f4, f1, f2
  frflags a1
  CHECK_ZERO(a1)

  # 38-41: rounding mode: static rm wins over frm; DYN uses frm
  SET_TEST(38)
  fdiv.s f4, f1, f2               # 1/3 with frm = RNE
  fmv.x.w a0, f4
  CHECK(a0, 0x3eaaaaab)
  SET_TEST(39)
  fsrmi 3                         # RUP
  fdiv.s f4, f1, f2, rtz
  fmv.x.w a0, f4
  CHECK(a0, 0x3eaaaaaa)
  SET_TEST(40)
  fdiv.s f4, f1, f2, dyn
  fmv.x.w a0, f4
  CHECK(a0, 0x3eaaaaab)
  SET_TEST(41)
  fsrmi 2                         # RDN
  fneg.s f5, f1
  fdiv.s f4, f5, f2               # -1/3 rounded down
  fmv.x.w a0, f4
  CHECK(a0, 0xffffffffbeaaaaab)
  fsrmi 4                         # RMM is valid too
  fdiv.s f4, f5, f2
  fmv.x.w a0, f4
  CHECK(a0, 0xffffffffbeaaaaab)

  # 42-48: reserved rounding modes
  fsrmi 0
  TEST_ILLEGAL32(42, 0x003150d3)  # fadd.s with rm = 5
  TEST_ILLEGAL32(43, 0x023160d3)  # fadd.d with rm = 6
  TEST_ILLEGAL32(44, 0xc200d553)  # fcvt.w.d with rm = 5
  TEST_ILLEGAL32(45, 0x203150c3)  # fmadd.s with rm = 5
  fsrmi 5
  TEST_ILLEGAL32(46, 0x003170d3)  # fadd.s, DYN, frm = 5
  fsrmi 6
  TEST_ILLEGAL32(47, 0x223170c3)  # fmadd.d, DYN, frm = 6
  fsrmi 7
  TEST_ILLEGAL32(48, 0xd00070d3)  # fcvt.s.w ft1, x0, DYN with frm = 7
  SET_TEST(49)                    # instructions without rounding work whatever frm holds
  fsgnj.s f4, f1, f2
  fmin.s f4, f1, f2
  feq.s a0, f1, f2
  fclass.s a0, f1
  fmv.x.w a0, f1
  fsrmi 0

  # 50-66: reserved encodings in OP-FP, LOAD-FP, STORE-FP
  TEST_ILLEGAL32(50, 0x203130d3)  # fsgnj.s funct3 = 3
  TEST_ILLEGAL32(51, 0x2a3120d3)  # fmin.d funct3 = 2
  TEST_ILLEGAL32(52, 0xa020b553)  # feq.s funct3 = 3
  TEST_ILLEGAL32(53, 0xe000a553)  # fmv.x.w funct3 = 2
  TEST_ILLEGAL32(54, 0xe0108553)  # fmv.x.w with rs2 = 1
  TEST_ILLEGAL32(55, 0x581100d3)  # fsqrt.s with rs2 = 1
  TEST_ILLEGAL32(56, 0xc0409553)  # fcvt with rs2 = 4
  TEST_ILLEGAL32(57, 0x400100d3)  # fcvt.s.s (rs2 = 0 with fmt S)
  TEST_ILLEGAL32(58, 0x421100d3)  # fcvt.d.d (rs2 = 1 with fmt D)
  TEST_ILLEGAL32(59, 0x063100d3)  # fadd.q (fmt = 3)
  TEST_ILLEGAL32(60, 0x00054087)  # LOAD-FP funct3 = 4 (flq)
  TEST_ILLEGAL32(61, 0x00154027)  # STORE-FP funct3 = 4 (fsq)
  TEST_ILLEGAL32(62, 0xf01500d3)  # fmv.w.x with rs2 = 1
  TEST_ILLEGAL32(63, 0xf00510d3)  # fmv.w.x funct3 = 1
  TEST_ILLEGAL32(64, 0xf80000d3)  # OP-FP funct5 = 0x1f
  TEST_ILLEGAL32(65, 0x600000d3)  # OP-FP funct5 = 0x0c
  TEST_ILLEGAL32(66, 0x202160d3)  # fsgnj.s funct3 = 6

  # 67-69: S mode: FP and fcsr usable; sstatus.FS = Off makes them illegal
  SET_TEST(67)
  csrw fcsr, zero
  ENTER_S_UNTIL(1f)
  fdiv.s f4, f1, f2
  csrr a0, fcsr
  li t0, MSTATUS_FS
  csrc sstatus, t0                # FS = Off through the sstatus view
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 1)                    # NX from 1 / 3
  CHECK_FS(0)
  SET_TEST(68)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:fadd.s f4, f1, f2
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x0020f253)
  SET_TEST(69)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:csrr a0, frm
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0x00202573)

  # 70-71: U mode: FP and fflags/frm/fcsr usable (any privilege); Dirty is recorded
  SET_TEST(70)
  SET_FS(0x4000)
  csrw fcsr, zero
  ENTER_U_UNTIL(1f)
  fmv.w.x f3, zero
  fdiv.s f4, f1, f3
  frflags a0
  fsrmi 1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK(a0, 0x08)                 # DZ
  CHECK_FS(0x6000)
  csrr a0, frm
  CHECK(a0, 1)
  SET_TEST(71)
  SET_FS(0)
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:fmv.x.w a0, f1
  j fail
1:CHECK_MTRAP(CAUSE_ILLEGAL, 2b, 0xe0008553)
  j pass

  .data
  .align 3
scratch: .dword 0, 0
