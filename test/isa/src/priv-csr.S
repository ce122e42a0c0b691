# priv-csr.S — machine/supervisor CSR behaviour: misa (RV64, I M A C S U),
# mhartid, UXL/SXL = 64-bit; sstatus as a restricted view of mstatus (both
# directions, M-only fields invisible and unwritable); sie/sip as views of
# mie/mip restricted by mideleg (read-only zero when not delegated, STIP
# read-only in sip, SSIP writable); mip's MSIP/MTIP/MEIP read-only; mie's
# writable bits; medeleg's delegable bits; mepc/sepc bit 0 always 0; mtvec/
# stvec direct and vectored modes; mtval/stval/mcause/scause writable; satp
# keeps its old value when written with an unsupported MODE.
#include "test.h"

  .text
  .globl test_main
test_main:
  # 1-2: misa
  SET_TEST(1)
  csrr a0, misa
  srli a1, a0, 62
  CHECK(a1, 2)                 # MXL = 64
  SET_TEST(2)
  li a2, (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)  # A C I M S U
  and a1, a0, a2
  CHECK_EQ(a1, a2)
  # 3: mhartid = 0
  TEST_CASE(3, a0, 0, csrr a0, mhartid)
  # 4: UXL = SXL = 2 in mstatus, UXL = 2 in sstatus
  SET_TEST(4)
  csrr a0, mstatus
  CHECK_BITS(a0, MSTATUS_UXL | MSTATUS_SXL, 0xa00000000)
  csrr a0, sstatus
  CHECK_BITS(a0, MSTATUS_UXL | MSTATUS_SXL, 0x200000000)

  # 5-9: sstatus is a view of mstatus
  SET_TEST(5)
  csrsi sstatus, SSTATUS_SIE
  csrr a0, mstatus
  CHECK_BITS(a0, MSTATUS_SIE, MSTATUS_SIE)
  csrci mstatus, MSTATUS_SIE
  csrr a0, sstatus
  CHECK_BITS(a0, SSTATUS_SIE, 0)
  SET_TEST(6)
  li t0, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR
  csrs mstatus, t0
  csrr a0, sstatus
  CHECK_BITS(a0, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR)
  csrc sstatus, t0
  csrr a0, mstatus
  CHECK_BITS(a0, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR, 0)
  SET_TEST(7)                  # M-only fields are invisible in sstatus
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs mstatus, t0
  csrr a0, sstatus
  CHECK_BITS(a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_SXL, 0)
  csrc mstatus, t0
  SET_TEST(8)                  # ...and cannot be written through it
  li t0, MSTATUS_MPIE | MSTATUS_MPP_S
  csrs mstatus, t0
  li t1, MSTATUS_MIE | MSTATUS_MPP_M | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs sstatus, t1
  li t1, MSTATUS_MPIE | MSTATUS_MPP
  csrc sstatus, t1
  csrr a0, mstatus
  CHECK_BITS(a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR, MSTATUS_MPIE | MSTATUS_MPP_S)
  li t0, MSTATUS_MPIE | MSTATUS_MPP
  csrc mstatus, t0
  SET_TEST(9)                  # sstatus written from S-mode
  ENTER_S_UNTIL(1f)
  li t0, SSTATUS_SUM | SSTATUS_SPP
  csrs sstatus, t0
  csrr a1, sstatus
  csrc sstatus, t0
  csrr a2, sstatus
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_BITS(a1, SSTATUS_SUM | SSTATUS_SPP, SSTATUS_SUM | SSTATUS_SPP)
  CHECK_BITS(a2, SSTATUS_SUM | SSTATUS_SPP, 0)

  # 10-16: sie / sip through mideleg
  SET_TEST(10)                 # nothing delegated: sie and sip read 0
  csrw mideleg, zero
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP
  csrw mie, t0
  csrr a0, sie
  CHECK(a0, 0)
  li t0, MIP_SSIP | MIP_STIP
  csrw mip, t0
  csrr a0, sip
  CHECK(a0, 0)
  SET_TEST(11)                 # ...and sie writes do not reach mie
  csrw mie, zero
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrs sie, t0
  csrr a0, mie
  CHECK(a0, 0)
  SET_TEST(12)                 # delegated: sie/sip show the S bits only
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  csrr a0, mideleg
  CHECK_BITS(a0, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP)
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP
  csrw mie, t0
  csrr a0, sie
  CHECK(a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
  csrr a0, sip
  CHECK(a0, MIP_SSIP | MIP_STIP)
  SET_TEST(13)                 # sie writes reach mie; M bits untouched
  li t0, MIP_STIP | MIP_SEIP
  csrc sie, t0
  csrr a0, mie
  CHECK(a0, MIP_SSIP | MIP_MSIP | MIP_MTIP | MIP_MEIP)
  SET_TEST(14)                 # sip.SSIP is writable, sip.STIP is not
  csrw mip, zero
  csrsi sip, MIP_SSIP
  csrr a0, mip
  CHECK(a0, MIP_SSIP)
  li t0, MIP_STIP
  csrs sip, t0
  csrr a0, mip
  CHECK(a0, MIP_SSIP)
  csrci sip, MIP_SSIP
  csrr a0, mip
  CHECK(a0, 0)
  SET_TEST(15)                 # partial delegation: only SSIP
  csrwi mideleg, MIP_SSIP
  li t0, MIP_SSIP | MIP_STIP
  csrw mip, t0
  csrr a0, sip
  CHECK(a0, MIP_SSIP)
  csrr a0, sie
  CHECK(a0, MIP_SSIP)
  SET_TEST(16)                 # the same seen from S-mode
  li t0, MIP_STIP
  csrc mip, t0
  ENTER_S_UNTIL(1f)
  csrr a1, sip
  csrci sip, MIP_SSIP
  csrr a2, sip
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a1, MIP_SSIP)
  CHECK(a2, 0)
  csrr a0, mip
  CHECK(a0, 0)
  csrw mie, zero
  csrw mideleg, zero

  # 17-18: mip: MSIP, MTIP, MEIP are read-only; SSIP, STIP writable in M
  SET_TEST(17)
  li t0, MIP_MSIP | MIP_MTIP | MIP_MEIP
  csrs mip, t0
  csrr a0, mip
  CHECK_BITS(a0, MIP_MSIP | MIP_MTIP | MIP_MEIP, 0)
  SET_TEST(18)
  li t0, MIP_SSIP | MIP_STIP
  csrs mip, t0
  csrr a0, mip
  CHECK_BITS(a0, MIP_SSIP | MIP_STIP, MIP_SSIP | MIP_STIP)
  csrw mip, zero
  csrr a0, mip
  CHECK_BITS(a0, MIP_SSIP | MIP_STIP, 0)
  # 19: mie holds the six standard enables
  SET_TEST(19)
  li t0, -1
  csrw mie, t0
  csrr a0, mie
  CHECK_BITS(a0, 0xaaa, 0xaaa)
  csrw mie, zero
  csrr a0, mie
  CHECK(a0, 0)
  # 20: medeleg can delegate every exception S/U can raise
  SET_TEST(20)
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  CHECK_BITS(a0, 0xb3ff, 0xb3ff)
  csrw medeleg, zero
  csrr a0, medeleg
  CHECK(a0, 0)

#if !QEMU_REFERENCE
  # (QEMU 7.2 keeps bit 0 of mepc/sepc; the spec says it is always zero)
  # 21-22: mepc / sepc: bit 0 is always 0 (IALIGN = 16)
  SET_TEST(21)
  li t0, -1
  csrw mepc, t0
  csrr a0, mepc
  CHECK(a0, 0xfffffffffffffffe)
  li t0, 0x80000003
  csrw mepc, t0
  csrr a0, mepc
  CHECK(a0, 0x80000002)
  SET_TEST(22)
  li t0, -1
  csrw sepc, t0
  csrr a0, sepc
  CHECK(a0, 0xfffffffffffffffe)

#endif

  # 23-24: mtvec / stvec hold direct and vectored modes
  SET_TEST(23)
  csrr s0, mtvec
  la t0, tvec_base
  csrw mtvec, t0
  csrr a0, mtvec
  CHECK_EQ(a0, t0)
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  CHECK_EQ(a0, t0)
  csrw mtvec, s0
  SET_TEST(24)
  csrr s0, stvec
  la t0, tvec_base
  ori t0, t0, 1
  csrw stvec, t0
  csrr a0, stvec
  CHECK_EQ(a0, t0)
  csrw stvec, s0

  # 25: trap value/cause registers are software writable
  SET_TEST(25)
  li t0, 0x123456789
  csrw mtval, t0
  csrr a0, mtval
  CHECK_EQ(a0, t0)
  csrw stval, t0
  csrr a0, stval
  CHECK_EQ(a0, t0)
  li t0, IRQ_FLAG | IRQ_S_TIMER
  csrw scause, t0
  csrr a0, scause
  CHECK_EQ(a0, t0)
  li t0, CAUSE_STORE_PAGE
  csrw mcause, t0
  csrr a0, mcause
  CHECK_EQ(a0, t0)

  # 26-27: satp: Sv39 is accepted, a reserved MODE leaves satp unchanged
  SET_TEST(26)
  li t0, SATP_SV39 | 0x80123
  csrw satp, t0
  csrr a0, satp
  li t1, 0xf0000fffffffffff     # MODE and PPN (ASID is WARL)
  and a0, a0, t1
  CHECK_EQ(a0, t0)
  SET_TEST(27)
  li t1, 0x1000000000000456    # MODE 1: reserved
  csrw satp, t1
  csrr a0, satp
  li t1, 0xf0000fffffffffff
  and a0, a0, t1
  CHECK_EQ(a0, t0)
  csrw satp, zero
  csrr a0, satp
  CHECK(a0, 0)

  # 28: mcounteren / scounteren hold CY, TM, IR
  SET_TEST(28)
  csrwi mcounteren, 5
  csrr a0, mcounteren
  CHECK_BITS(a0, 5, 5)
  csrwi scounteren, 1
  csrr a0, scounteren
  CHECK_BITS(a0, 7, 1)
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0

  j pass

  .align 8
tvec_base:
  j fail
