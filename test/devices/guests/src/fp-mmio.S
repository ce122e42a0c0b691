# fp-mmio.S — FP loads and stores (FLW/FLD/FSW/FSD and C.FLD/C.FSD/C.FLDSP/C.FSDSP) to a host
# MMIO device and to the in-core CLINT and PLIC: they behave as integer accesses of the same
# width do. A load from a host device is an MmioRead exit completed by setData into the f
# register (FLW NaN-boxes, no NaN is canonicalized, mstatus.FS becomes Dirty, no flag is
# raised); a store is an MmioWrite exit with the register's raw bits (FSW: the low 32). A
# device that refuses an access makes the FP load/store an access fault (cause 5/7, tval =
# the address) that leaves the f register and FS alone and does not retire. Every MMIO
# instruction that completes retires exactly once (minstret deltas).
#
# The device is test/devices/fp-mmio.test.ts's scripted `fpdev` at FPDEV: 0x80 bytes of
# registers read back as stored (preloaded with the values below); offsets >= 0x80 are
# refused. The test checks the reports (irqctl REPORT) and the bytes the device received.
# Reports, in order: f bits and mstatus.FS after each of tests 1-5 (10 values), 9's f bits
# (c.fld, c.fldsp: 2 values), then 10: minstret delta, mcause, mtval, FS, f bits; 11: minstret
# delta, mcause, mtval.
#include "test.h"
#include "devices.h"

#define FPDEV         0x10040000
#define FS_CLEAN      0x4000
#define MSTATUS_FS_OF(r) li t6, MSTATUS_FS; and r, r, t6

/* FS = Clean, so that a load making it Dirty shows */
#define SET_FS_CLEAN  li t6, MSTATUS_FS; csrc mstatus, t6; li t6, FS_CLEAN; csrs mstatus, t6
/* report f's 64 bits and mstatus.FS */
#define REPORT_F_FS(f) fmv.x.d a3, f; REPORT(a3); csrr a4, mstatus; MSTATUS_FS_OF(a4); REPORT(a4)

  .text
  .align 2
# M-mode handler for tests 10-11: a1 = minstret on entry, a2 = mcause, a3 = mtval,
# a6 = mepc; resumes at s1 in M-mode.
count_handler:
  csrr a1, minstret
  csrr a2, mcause
  csrr a3, mtval
  csrr a6, mepc
  csrw mepc, s1
  mret

  .globl test_main
test_main:
  li t0, MSTATUS_FS
  csrs mstatus, t0
  li s0, FPDEV

  # 1: FLW from the device: NaN-boxed, FS Clean -> Dirty, retires once
  SET_TEST(1)
  SET_FS_CLEAN
  csrr a0, minstret
  flw fa0, 0(s0)
  csrr a1, minstret
  sub a2, a1, a0
  CHECK(a2, 2)
  REPORT_F_FS(fa0)
  fmv.x.d a3, fa0
  CHECK(a3, 0xffffffff3fc00000)
  CHECK(a4, MSTATUS_FS)

  # 2: FLD from the device: 64 bits, FS Dirty
  SET_TEST(2)
  SET_FS_CLEAN
  fld fa1, 8(s0)
  REPORT_F_FS(fa1)
  CHECK(a3, 0x400921fb54442d18)
  CHECK(a4, MSTATUS_FS)

  # 3-5: signalling NaNs are loaded as they are (no canonicalization, no flags); a single whose
  #      top bit is clear is boxed, not sign- or zero-extended
  SET_TEST(3)
  csrw fflags, zero
  SET_FS_CLEAN
  flw fa2, 16(s0)
  REPORT_F_FS(fa2)
  CHECK(a3, 0xffffffff7f800001)
  CHECK(a4, MSTATUS_FS)
  SET_TEST(4)
  SET_FS_CLEAN
  fld fa3, 24(s0)
  REPORT_F_FS(fa3)
  CHECK(a3, 0x7ff0000000000001)
  CHECK(a4, MSTATUS_FS)
  SET_TEST(5)
  SET_FS_CLEAN
  flw fa4, 32(s0)
  REPORT_F_FS(fa4)
  CHECK(a3, 0xffffffff00000001)
  CHECK(a4, MSTATUS_FS)
  csrr a0, fflags
  CHECK_ZERO(a0)

  # 6: FSW sends the low 32 bits of any register (here not a boxed single), retiring once;
  #    the device holds them and FLW reads them back boxed
  SET_TEST(6)
  li t0, 0x123456789abcdef0
  fmv.d.x ft0, t0
  csrr a0, minstret
  fsw ft0, 0x40(s0)
  csrr a1, minstret
  sub a2, a1, a0
  CHECK(a2, 2)
  lwu a0, 0x44(s0)                # the neighbouring word is untouched
  CHECK(a0, 0x55555555)
  flw ft1, 0x40(s0)
  fmv.x.d a0, ft1
  CHECK(a0, 0xffffffff9abcdef0)

  # 7: FSD sends 64 bits
  SET_TEST(7)
  li t0, 0xc00921fb54442d18
  fmv.d.x ft2, t0
  fsd ft2, 0x48(s0)
  ld a0, 0x48(s0)
  CHECK(a0, 0xc00921fb54442d18)

  # 8: a boxed single stored with FSD goes out whole (box included)
  SET_TEST(8)
  fsd fa0, 0x50(s0)
  ld a0, 0x50(s0)
  CHECK(a0, 0xffffffff3fc00000)

  # 9: compressed forms: C.FLD / C.FSD (base s0 = x8), C.FLDSP / C.FSDSP (base sp)
  SET_TEST(9)
  mv s2, sp
  .option push
  .option rvc
  c.fld fs1, 8(s0)
  li t0, 0x0102030405060708
  fmv.d.x fs0, t0
  c.fsd fs0, 0x58(s0)
  mv sp, s0
  c.fldsp fs2, 24(sp)
  c.fsdsp fs1, 0x60(sp)
  .option pop
  mv sp, s2
  fmv.x.d a3, fs1
  REPORT(a3)
  CHECK(a3, 0x400921fb54442d18)
  fmv.x.d a3, fs2
  REPORT(a3)
  CHECK(a3, 0x7ff0000000000001)
  ld a0, 0x58(s0)
  CHECK(a0, 0x0102030405060708)
  ld a0, 0x60(s0)
  CHECK(a0, 0x400921fb54442d18)

  # 10: the device refuses a read: FLW takes a load access fault (tval = the address), does
  #     not retire, leaves fa5 and FS (Clean) alone
  SET_TEST(10)
  li t0, 0x5555
  fmv.d.x fa5, t0
  SET_FS_CLEAN
  la t0, count_handler
  csrw mtvec, t0
  la s1, 1f
  csrr a0, minstret
2:flw fa5, 0x100(s0)
  j fail
1:la t0, m_trap_handler
  csrw mtvec, t0
  sub a0, a1, a0                  # count_handler: a1 = minstret on entry
  REPORT(a0)
  REPORT(a2)
  REPORT(a3)
  csrr a4, mstatus
  MSTATUS_FS_OF(a4)
  REPORT(a4)
  fmv.x.d a5, fa5
  REPORT(a5)
  CHECK(a0, 1)                    # only the csrr before it retired
  CHECK(a2, CAUSE_LOAD_ACCESS)
  CHECK(a3, FPDEV + 0x100)
  la t0, 2b
  CHECK_EQ(a6, t0)                # mepc
  CHECK(a4, FS_CLEAN)
  CHECK(a5, 0x5555)

  # 11: ... and a refused write: FSD takes a store access fault, does not retire
  SET_TEST(11)
  la t0, count_handler
  csrw mtvec, t0
  la s1, 1f
  csrr a0, minstret
2:fsd fa5, 0x108(s0)
  j fail
1:la t0, m_trap_handler
  csrw mtvec, t0
  sub a0, a1, a0
  REPORT(a0)
  REPORT(a2)
  REPORT(a3)
  CHECK(a0, 1)
  CHECK(a2, CAUSE_STORE_ACCESS)
  CHECK(a3, FPDEV + 0x108)
  li t0, MSTATUS_FS
  csrs mstatus, t0

  # 12-14: the in-core CLINT: FLD reads mtime, FSD writes mtimecmp (read back by LD and by
  #        FLW of its halves), FSW/FLW on msip raise and read mip.MSIP
  SET_TEST(12)
  li s3, CLINT_MTIME
  ld a0, 0(s3)
  fld ft3, 0(s3)
  ld a2, 0(s3)
  fmv.x.d a1, ft3
  bltu a1, a0, 8f
  bltu a2, a1, 8f
  bnez a1, 9f
8:j fail
9:
  SET_TEST(13)
  li s3, CLINT_MTIMECMP
  li t0, 0x7123456789abcdef
  fmv.d.x ft4, t0
  fsd ft4, 0(s3)
  ld a0, 0(s3)
  CHECK(a0, 0x7123456789abcdef)
  flw ft5, 4(s3)
  fmv.x.d a0, ft5
  CHECK(a0, 0xffffffff71234567)
  li t0, 0x13579bdf
  fmv.w.x ft6, t0
  fsw ft6, 0(s3)                  # the low half only
  ld a0, 0(s3)
  CHECK(a0, 0x7123456713579bdf)
  li t0, -1
  sd t0, 0(s3)
  SET_TEST(14)
  li s3, CLINT_MSIP
  li t0, 1
  fmv.w.x ft7, t0
  fsw ft7, 0(s3)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP, MIP_MSIP)
  flw ft8, 0(s3)
  fmv.x.d a0, ft8
  CHECK(a0, 0xffffffff00000001)
  fmv.w.x ft7, zero
  fsw ft7, 0(s3)
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP, 0)

  # 15: the in-core PLIC: FSW/FLW on a source priority
  SET_TEST(15)
  li s3, PLIC_PRIORITY(7)
  li t0, 5
  fmv.w.x ft9, t0
  fsw ft9, 0(s3)
  lw a0, 0(s3)
  CHECK(a0, 5)
  flw ft10, 0(s3)
  fmv.x.d a0, ft10
  CHECK(a0, 0xffffffff00000005)
  sw zero, 0(s3)

  # 16: pass through tohost with an FSD (the tohost watch sees FP stores too)
  SET_TEST(16)
  li t0, 1
  fmv.d.x ft11, t0
  la t1, tohost
  fsd ft11, 0(t1)
1:j 1b
