# wfi-idle.S — idle in WFI until a timer deadline `wfi_delta` ticks ahead (default 1,000,000
# = 100 ms at 10 MHz). MTIE is enabled and MIE is 0, so WFI wakes without a trap; the guest
# loops on WFI until mip.MTIP is set, then checks mtime reached the deadline.
# Reports (irqctl REPORT, in order): mtime at the start, the deadline, mtime after waking,
# and how many WFIs it took.
#include "test.h"
#include "devices.h"

  .data
  .align 3
  .globl wfi_delta
wfi_delta: .dword 1000000

  .text
  .globl test_main
test_main:
  li s9, CLINT_MTIMECMP
  li s8, CLINT_MTIME

  SET_TEST(1)
  la t0, wfi_delta
  ld t0, 0(t0)
  ld s0, 0(s8)
  add s7, s0, t0                # the deadline
  sd s7, 0(s9)
  li t0, MIP_MTIP
  csrw mie, t0
  li s6, 0
1:wfi
  addi s6, s6, 1
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  beqz a0, 1b

  # 2: woke at (not before) the deadline
  SET_TEST(2)
  ld s5, 0(s8)
  bgeu s5, s7, 2f
  j fail
2:REPORT(s0)
  REPORT(s7)
  REPORT(s5)
  REPORT(s6)
  li t0, -1
  sd t0, 0(s9)
  csrw mie, zero
  j pass
