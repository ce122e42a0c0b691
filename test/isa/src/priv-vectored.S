# priv-vectored.S — mtvec/stvec MODE = 1 (vectored): interrupt with cause n
# enters at BASE + 4n, every exception at BASE; direct mode (MODE = 0) sends
# interrupts to BASE too.  M vectors for MSI (3), MTI (7), SSI/STI/SEI when
# not delegated (1/5/9); S vectors for SSI (1), STI (5), SEI (9).
#include "test.h"

#define IRQ(n) (IRQ_FLAG | (n))

  .text
  .globl test_main
test_main:
  la t0, m_vectors
  ori t0, t0, 1
  csrw mtvec, t0

  # 1: exceptions use the base
  SET_TEST(1)
  li s3, -1
  EXPECT_MTRAP(1f)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_M)
  CHECK(s3, 0)
  SET_TEST(2)
  li s3, -1
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)
2:.word 0
  j fail
1:CHECK_MCAUSE(CAUSE_ILLEGAL)
  CHECK(s3, 0)

  # 3: machine software interrupt -> base + 12
  SET_TEST(3)
  li s3, -1
  li t0, 1
  li t1, CLINT_MSIP
  sw t0, 0(t1)
  csrwi mie, MIP_MSIP
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  j fail
1:CHECK_MCAUSE(IRQ(IRQ_M_SOFT))
  CHECK(s3, 3)
  li t1, CLINT_MSIP
  sw zero, 0(t1)
  # 4: machine timer interrupt -> base + 28
  SET_TEST(4)
  li s3, -1
  li t1, CLINT_MTIMECMP
  sd zero, 0(t1)
  li t0, MIP_MTIP
  csrw mie, t0
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  j fail
1:CHECK_MCAUSE(IRQ(IRQ_M_TIMER))
  CHECK(s3, 7)
  li t1, CLINT_MTIMECMP
  li t0, -1
  sd t0, 0(t1)
  # 5-7: S-level interrupts taken in M -> base + 4 / 20 / 36
  SET_TEST(5)
  li s3, -1
  csrwi mip, MIP_SSIP
  csrwi mie, MIP_SSIP
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  j fail
1:CHECK_MCAUSE(IRQ(IRQ_S_SOFT))
  CHECK(s3, 1)
  SET_TEST(6)
  li s3, -1
  li t0, MIP_STIP
  csrw mip, t0
  csrw mie, t0
  EXPECT_MTRAP(1f)
  MRET_TO_U(2f)                # (M interrupts are enabled in U)
2:j fail
1:CHECK_MCAUSE(IRQ(IRQ_S_TIMER))
  CHECK(s3, 5)
  SET_TEST(7)
  li s3, -1
  li t0, MIP_SEIP
  csrw mip, t0
  csrw mie, t0
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:j fail
1:CHECK_MCAUSE(IRQ(IRQ_S_EXT))
  CHECK(s3, 9)
  csrw mip, zero
  csrw mie, zero

  # 8: direct mode: interrupts enter at the base
  SET_TEST(8)
  la t0, m_direct
  csrw mtvec, t0
  li s3, -1
  csrwi mip, MIP_SSIP
  csrwi mie, MIP_SSIP
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  j fail
1:CHECK_MCAUSE(IRQ(IRQ_S_SOFT))
  CHECK(s3, 0x100)
  csrw mip, zero
  csrw mie, zero
  la t0, m_trap_handler
  csrw mtvec, t0

  # 9-12: stvec vectored with delegated interrupts
  la t0, s_vectors
  ori t0, t0, 1
  csrw stvec, t0
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  csrw mie, t0
  SET_TEST(9)
  li s3, -1
  csrwi mip, MIP_SSIP
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:j fail
2:csrci sip, MIP_SSIP
  ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_SOFT))
  CHECK(s3, 0x11)
  SET_TEST(10)
  li s3, -1
  li t0, MIP_STIP
  csrw mip, t0
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:j fail
2:ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_TIMER))
  CHECK(s3, 0x15)
  SET_TEST(11)
  li s3, -1
  li t0, MIP_SEIP
  csrw mip, t0
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:j fail
2:ecall
3:CHECK_SCAUSE(IRQ(IRQ_S_EXT))
  CHECK(s3, 0x19)
  csrw mip, zero
  SET_TEST(12)                 # delegated exception -> S base
  li t0, 1 << CAUSE_BREAKPOINT
  csrw medeleg, t0
  li s3, -1
  EXPECT_STRAP(2f)
  EXPECT_MTRAP(3f)
  MRET_TO_U(1f)
1:ebreak
  j fail
2:ecall
3:CHECK_SCAUSE(CAUSE_BREAKPOINT)
  CHECK(s3, 0x10)

  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  la t0, s_trap_handler
  csrw stvec, t0
  j pass

# vector tables: entry n records n in s3 (S: 0x10 + n) and continues in the
# environment's handler
  .align 8
m_vectors:
  j mv0
  j mv1
  j fail
  j mv3
  j fail
  j mv5
  j fail
  j mv7
  j fail
  j mv9
  j fail
  j fail
mv0: li s3, 0
  j m_trap_handler
mv1: li s3, 1
  j m_trap_handler
mv3: li s3, 3
  j m_trap_handler
mv5: li s3, 5
  j m_trap_handler
mv7: li s3, 7
  j m_trap_handler
mv9: li s3, 9
  j m_trap_handler

  .align 8
m_direct:
  li s3, 0x100
  j m_trap_handler

  .align 8
s_vectors:
  j sv0
  j sv1
  j fail
  j fail
  j fail
  j sv5
  j fail
  j fail
  j fail
  j sv9
sv0: li s3, 0x10
  j s_trap_handler
sv1: li s3, 0x11
  j s_trap_handler
sv5: li s3, 0x15
  j s_trap_handler
sv9: li s3, 0x19
  j s_trap_handler
