# plic.S — the in-core PLIC driven by real guest code; the lines are raised and lowered by
# the guest itself through the test-only irqctl device (so each level change is an MMIO exit
# the host handles with CoreIrqLine.set, exactly as a host device would):
#   reset state, 3-bit priorities (source 0 hardwired to 0), pending bits readable in both
#   words and following the line level, per-context enable words, claim/complete (a claimed
#   source is not pending and not claimable again until completed), level-triggered re-pend
#   when completed with the line still high, claim order by priority with ties to the lowest
#   id (and a newly raised higher-priority source overtaking), per-context thresholds masking
#   priorities <= threshold, per-context enables steering a source to M (MEIP) or S (SEIP),
#   MEIP taken as a machine external interrupt right after the access that raised it, and
#   SEIP delegated through mideleg taken as a supervisor external interrupt in S-mode.
# Lines used: 12, 13 (pending/enable word 0) and 40, 41, 45, 63 (word 1); none of them is
# wired to a standard device (virtio 1-8, UART 10).
#include "test.h"
#include "devices.h"

#define IRQ(n) (IRQ_FLAG | (n))
#define W1(n)  (1 << ((n) - 32))          /* bit of source n in word 1 */
#define CLAIM_M(r)      PLIC_R(r, PLIC_CLAIM(0))
#define CLAIM_S(r)      PLIC_R(r, PLIC_CLAIM(1))
#define COMPLETE_M(n)   PLIC_W(PLIC_CLAIM(0), n)
#define COMPLETE_S(n)   PLIC_W(PLIC_CLAIM(1), n)
#define CHECK_EIP(val)  csrr a0, mip; CHECK_BITS(a0, MIP_MEIP | MIP_SEIP, val)

  .text
  .globl test_main
test_main:
  # 1: reset: nothing pending, nothing to claim, no external interrupt lines
  SET_TEST(1)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  PLIC_R(a0, PLIC_PENDING1)
  CHECK_ZERO(a0)
  CLAIM_M(a0)
  CHECK_ZERO(a0)
  CLAIM_S(a0)
  CHECK_ZERO(a0)
  CHECK_EIP(0)

  # 2: priorities keep 3 bits; source 0 does not exist and reads 0
  SET_TEST(2)
  PLIC_W(PLIC_PRIORITY(12), 0xff)
  PLIC_R(a0, PLIC_PRIORITY(12))
  CHECK(a0, 7)
  PLIC_W(PLIC_PRIORITY(0), 5)
  PLIC_R(a0, PLIC_PRIORITY(0))
  CHECK(a0, 0)

  # 3: pending bits follow the lines (level-triggered), enabled or not, in both words
  SET_TEST(3)
  IRQ_RAISE(12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK(a0, 1 << 12)
  IRQ_RAISE(40)
  PLIC_R(a0, PLIC_PENDING1)
  CHECK(a0, W1(40))
  PLIC_R(a0, PLIC_PENDING0)
  CHECK(a0, 1 << 12)
  CHECK_EIP(0)                  # enabled nowhere: no interrupt line
  CLAIM_M(a0)
  CHECK_ZERO(a0)
  IRQ_LOWER(12)
  IRQ_LOWER(40)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  PLIC_R(a0, PLIC_PENDING1)
  CHECK_ZERO(a0)

  # 4: enable words read back per context; source 0 cannot be enabled
  SET_TEST(4)
  PLIC_W(PLIC_ENABLE(0, 0), 0xffffffff)
  PLIC_R(a0, PLIC_ENABLE(0, 0))
  CHECK(a0, 0xfffffffe)
  PLIC_R(a0, PLIC_ENABLE(1, 0))
  CHECK_ZERO(a0)
  PLIC_W(PLIC_ENABLE(0, 0), 0)
  PLIC_W(PLIC_ENABLE(1, 1), W1(32) | W1(63))
  PLIC_R(a0, PLIC_ENABLE(1, 1))
  CHECK(a0, W1(32) | W1(63))
  PLIC_R(a0, PLIC_ENABLE(0, 1))
  CHECK_ZERO(a0)
  PLIC_W(PLIC_ENABLE(1, 1), 0)

  # 5: claim returns the source and takes it out of pending; in service it cannot be
  #    claimed again; completing it with the line low leaves nothing pending
  SET_TEST(5)
  PLIC_W(PLIC_PRIORITY(12), 1)
  PLIC_W(PLIC_ENABLE(0, 0), 1 << 12)
  PLIC_W(PLIC_THRESHOLD(0), 0)
  IRQ_RAISE(12)
  CHECK_EIP(MIP_MEIP)
  CLAIM_M(a0)
  CHECK(a0, 12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  CHECK_EIP(0)
  CLAIM_M(a0)                   # line still high, but in service
  CHECK_ZERO(a0)
  IRQ_LOWER(12)
  COMPLETE_M(12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  CLAIM_M(a0)
  CHECK_ZERO(a0)

  # 6: level-triggered: completed while the line is still high, the source pends again
  SET_TEST(6)
  IRQ_RAISE(12)
  CLAIM_M(a0)
  CHECK(a0, 12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  COMPLETE_M(12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK(a0, 1 << 12)
  CHECK_EIP(MIP_MEIP)
  CLAIM_M(a0)
  CHECK(a0, 12)
  IRQ_LOWER(12)
  COMPLETE_M(12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  CHECK_EIP(0)
  IRQ_RAISE(12)                 # raised and lowered before a claim: the request is withdrawn
  IRQ_LOWER(12)
  CLAIM_M(a0)
  CHECK_ZERO(a0)

  # 7: claim order: highest priority first, equal priorities by lowest id; a higher
  #    priority source raised in between is claimed next
  SET_TEST(7)
  PLIC_W(PLIC_PRIORITY(12), 1)
  PLIC_W(PLIC_PRIORITY(40), 2)
  PLIC_W(PLIC_PRIORITY(41), 5)
  PLIC_W(PLIC_PRIORITY(45), 5)
  PLIC_W(PLIC_PRIORITY(63), 7)
  PLIC_W(PLIC_ENABLE(0, 0), 1 << 12)
  PLIC_W(PLIC_ENABLE(0, 1), W1(40) | W1(41) | W1(45) | W1(63))
  IRQ_RAISE(45)                 # raised in scrambled order
  IRQ_RAISE(12)
  IRQ_RAISE(41)
  IRQ_RAISE(40)
  PLIC_R(a0, PLIC_PENDING1)
  CHECK(a0, W1(40) | W1(41) | W1(45))
  CLAIM_M(a0)
  CHECK(a0, 41)                 # 41 and 45 tie at 5: lowest id
  IRQ_RAISE(63)
  CLAIM_M(a0)
  CHECK(a0, 63)                 # priority 7 overtakes 45
  CLAIM_M(a0)
  CHECK(a0, 45)
  CLAIM_M(a0)
  CHECK(a0, 40)
  CLAIM_M(a0)
  CHECK(a0, 12)                 # lowest priority, though lowest id
  CLAIM_M(a0)
  CHECK_ZERO(a0)
  IRQ_LOWER(12)
  IRQ_LOWER(40)
  IRQ_LOWER(41)
  IRQ_LOWER(45)
  IRQ_LOWER(63)
  COMPLETE_M(41)
  COMPLETE_M(63)
  COMPLETE_M(45)
  COMPLETE_M(40)
  COMPLETE_M(12)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK_ZERO(a0)
  PLIC_R(a0, PLIC_PENDING1)
  CHECK_ZERO(a0)

  # 8: the threshold masks every source whose priority is not above it
  #    (priorities from test 7: 12 -> 1, 40 -> 2, 41 -> 5)
  SET_TEST(8)
  PLIC_W(PLIC_ENABLE(0, 1), W1(40) | W1(41))
  PLIC_W(PLIC_THRESHOLD(0), 5)
  PLIC_R(a0, PLIC_THRESHOLD(0))
  CHECK(a0, 5)
  IRQ_RAISE(12)
  IRQ_RAISE(40)
  IRQ_RAISE(41)
  CHECK_EIP(0)                  # everything at or below the threshold
  CLAIM_M(a0)
  CHECK_ZERO(a0)
  PLIC_R(a0, PLIC_PENDING0)
  CHECK(a0, 1 << 12)            # masked, still pending
  PLIC_W(PLIC_THRESHOLD(0), 4)
  CHECK_EIP(MIP_MEIP)
  CLAIM_M(a0)
  CHECK(a0, 41)
  CLAIM_M(a0)
  CHECK_ZERO(a0)                # 40 (2) and 12 (1) are <= 4
  CHECK_EIP(0)
  PLIC_W(PLIC_THRESHOLD(0), 1)
  CLAIM_M(a0)
  CHECK(a0, 40)
  CLAIM_M(a0)
  CHECK_ZERO(a0)                # 12 (1) is not above 1
  PLIC_W(PLIC_THRESHOLD(0), 0)
  CLAIM_M(a0)
  CHECK(a0, 12)
  IRQ_LOWER(12)
  IRQ_LOWER(40)
  IRQ_LOWER(41)
  COMPLETE_M(41)
  COMPLETE_M(40)
  COMPLETE_M(12)
  PLIC_W(PLIC_THRESHOLD(0), 0xff)
  PLIC_R(a0, PLIC_THRESHOLD(0))
  CHECK(a0, 7)                  # 3 bits
  PLIC_W(PLIC_THRESHOLD(0), 0)
  PLIC_W(PLIC_PRIORITY(12), 0)  # priority 0 never interrupts, even at threshold 0
  IRQ_RAISE(12)
  CHECK_EIP(0)
  CLAIM_M(a0)
  CHECK_ZERO(a0)
  IRQ_LOWER(12)

  # 9: per-context enables steer a source to M (MEIP) or S (SEIP); thresholds are per context
  SET_TEST(9)
  PLIC_W(PLIC_PRIORITY(13), 3)
  PLIC_W(PLIC_PRIORITY(63), 3)
  PLIC_W(PLIC_ENABLE(0, 0), 0)
  PLIC_W(PLIC_ENABLE(0, 1), W1(63))       # M: source 63 only
  PLIC_W(PLIC_ENABLE(1, 0), 1 << 13)      # S: source 13 only
  PLIC_W(PLIC_ENABLE(1, 1), 0)
  PLIC_W(PLIC_THRESHOLD(1), 0)
  IRQ_RAISE(13)
  CHECK_EIP(MIP_SEIP)
  CLAIM_M(a0)
  CHECK_ZERO(a0)                # not enabled for M
  IRQ_RAISE(63)
  CHECK_EIP(MIP_MEIP | MIP_SEIP)
  CLAIM_S(a0)
  CHECK(a0, 13)
  CHECK_EIP(MIP_MEIP)
  CLAIM_S(a0)
  CHECK_ZERO(a0)                # 63 is not enabled for S
  CLAIM_M(a0)
  CHECK(a0, 63)
  CHECK_EIP(0)
  IRQ_LOWER(13)
  IRQ_LOWER(63)
  COMPLETE_S(13)
  COMPLETE_M(63)
  PLIC_W(PLIC_ENABLE(0, 0), 1 << 13)      # 13 now enabled in both contexts
  PLIC_W(PLIC_THRESHOLD(1), 3)            # ... but masked for S
  PLIC_R(a0, PLIC_THRESHOLD(0))
  CHECK_ZERO(a0)
  IRQ_RAISE(13)
  CHECK_EIP(MIP_MEIP)
  PLIC_W(PLIC_THRESHOLD(1), 2)
  CHECK_EIP(MIP_MEIP | MIP_SEIP)
  CLAIM_S(a0)
  CHECK(a0, 13)
  CHECK_EIP(0)                  # claimed by S: no longer pending for M either
  IRQ_LOWER(13)
  COMPLETE_S(13)
  PLIC_W(PLIC_THRESHOLD(1), 0)
  PLIC_W(PLIC_ENABLE(0, 0), 0)
  PLIC_W(PLIC_ENABLE(0, 1), 0)
  PLIC_W(PLIC_ENABLE(1, 0), 0)

  # 10: MEIP is taken as a machine external interrupt, right after the access that raised it
  SET_TEST(10)
  PLIC_W(PLIC_PRIORITY(40), 1)
  PLIC_W(PLIC_ENABLE(0, 1), W1(40))
  li t0, MIP_MEIP
  csrw mie, t0
  EXPECT_MTRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  IRQ_RAISE(40)
2:j fail
1:CHECK_MCAUSE(IRQ(IRQ_M_EXT))
  CHECK_MEPC(2b)
  CHECK_MTVAL(0)
  CLAIM_M(a0)                   # what a handler does: claim, quiet the device, complete
  CHECK(a0, 40)
  IRQ_LOWER(40)
  COMPLETE_M(40)
  CHECK_EIP(0)
  csrw mie, zero                # with MEIE = 0 a pending MEIP is not taken
  IRQ_RAISE(40)
  CHECK_EIP(MIP_MEIP)
  csrsi mstatus, MSTATUS_MIE
  li t0, 10000
3:addi t0, t0, -1
  bnez t0, 3b
  csrci mstatus, MSTATUS_MIE
  CLAIM_M(a0)
  CHECK(a0, 40)
  IRQ_LOWER(40)
  COMPLETE_M(40)
  PLIC_W(PLIC_ENABLE(0, 1), 0)

  # 11: SEIP, delegated, is taken in S-mode as a supervisor external interrupt;
  #     the S-mode handler claims and completes through context 1
  SET_TEST(11)
  PLIC_W(PLIC_PRIORITY(41), 1)
  PLIC_W(PLIC_ENABLE(1, 1), W1(41))
  li t0, MIP_SEIP
  csrw mideleg, t0
  csrw mie, t0
  ENTER_S_UNTIL(4f)             # M trap armed for the ecall below only
  EXPECT_STRAP(1f)
  csrsi sstatus, SSTATUS_SIE
  IRQ_RAISE(41)
2:j fail
1:CHECK_SCAUSE(IRQ(IRQ_S_EXT))
  CHECK_SEPC(2b)
  CLAIM_S(a0)
  CHECK(a0, 41)
  IRQ_LOWER(41)
  COMPLETE_S(41)
  csrr a0, sip
  CHECK_BITS(a0, MIP_SEIP, 0)
  ecall
4:CHECK_MCAUSE(CAUSE_ECALL_S)   # the interrupt did not go to M
  csrw mideleg, zero
  csrw mie, zero
  PLIC_W(PLIC_ENABLE(1, 1), 0)

  j pass
