# priv-instret.S — minstret/instret count exactly the instructions that
# retire. An instruction that raises a synchronous exception does not retire
# (privileged spec 3.3.1: "As ECALL and EBREAK cause synchronous exceptions,
# they are not considered to retire"; the same for every other exception):
# ECALL from M/S/U to M and delegated to S, EBREAK and C.EBREAK, illegal
# instructions, load/store/AMO/fetch access faults, misaligned AMO and LR,
# load/store/AMO/fetch page faults (Sv39, to M and delegated to S). An
# interrupt is taken between instructions: the interrupted one has not run
# (after a CSR write enabling MIE, after MRET, in the middle of straight-line
# code). MRET, SRET, WFI and an access to the CLINT (a device) retire. A
# write to minstret is what the next instruction reads: "the write is done
# instead of the increment" (unprivileged spec, Zicsr), also for mcycle.
# mcountinhibit.IR / .CY stop minstret / mcycle.
#
# Each measurement reads minstret (instret below M) before the instruction
# under test; the trap handlers cnt_mhandler / cnt_shandler read it as their
# first instruction, so the difference counts exactly what retired in between.
#
# QEMU 7.2 derives instret from host time unless run with -icount, so the
# reference build (QEMU_REFERENCE) checks the traps but not the counts.
#include "test.h"

#if QEMU_REFERENCE
#define CHECK_DELTA(later, earlier, n)
#else
/* fail unless later - earlier == n (uses t4) */
#define CHECK_DELTA(later, earlier, n) sub t4, later, earlier; CHECK(t4, n)
#endif

/* AMO faults (access, page, misaligned) are store/AMO faults; QEMU 7.2
   reports the load cause */
#if QEMU_REFERENCE
#define CHECK_AMO_CAUSE(r, c, qemu_c) li t4, qemu_c; beq r, t4, 9016f; CHECK(r, c); 9016:
#else
#define CHECK_AMO_CAUSE(r, c, qemu_c) CHECK(r, c)
#endif

#define USE_CNT_M  la t0, cnt_mhandler; csrw mtvec, t0
#define USE_ENV_M  la t0, m_trap_handler; csrw mtvec, t0
#define USE_CNT_S  la t0, cnt_shandler; csrw stvec, t0
#define USE_ENV_S  la t0, s_trap_handler; csrw stvec, t0

#define VA_DATA    0x40000000          /* Sv39: a read-write data page */
#define VA_NONE    0x40001000          /* Sv39: unmapped */
#define RW_AD      (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define BLOCK      4500                /* straight-line instructions in test 29 */

  .text
# cnt_mhandler: M-mode handler for the measured traps. a1 = minstret on entry
# (its first instruction), a2 = mcause, a3 = mtval, a4 = mepc; resumes at s1
# in M-mode with MIE = 0. Clobbers t6.
  .align 2
cnt_mhandler:
  csrr a1, minstret
  csrr a2, mcause
  csrr a3, mtval
  csrr a4, mepc
  csrw mepc, s1
  li t6, MSTATUS_MPP
  csrs mstatus, t6
  li t6, MSTATUS_MPIE
  csrc mstatus, t6
  mret

# cnt_shandler: the same in S-mode: a1 = instret on entry, a2 = scause,
# a3 = stval, a4 = sepc; resumes at s1 in S-mode with SIE = 0.
  .align 2
cnt_shandler:
  csrr a1, instret
  csrr a2, scause
  csrr a3, stval
  csrr a4, sepc
  csrw sepc, s1
  li t6, SSTATUS_SPP
  csrs sstatus, t6
  li t6, SSTATUS_SPIE
  csrc sstatus, t6
  sret

  .globl test_main
test_main:
  USE_CNT_M
  la s0, buf

  # 1: back-to-back reads differ by the first read; two NOPs add two
  SET_TEST(1)
  csrr a0, minstret
  csrr a1, minstret
  CHECK_DELTA(a1, a0, 1)
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  CHECK_DELTA(a1, a0, 3)

  # 2: ECALL from M does not retire
  SET_TEST(2)
  la s1, 3f
  csrr a0, minstret
2:ecall
  j fail
3:CHECK(a2, CAUSE_ECALL_M)
  CHECK_LABEL(a4, 2b)
  CHECK_DELTA(a1, a0, 1)

  # 3: a minstret write replaces its own increment, and the ECALL after it
  #    adds nothing: the handler reads exactly the value written
  SET_TEST(3)
  la s1, 3f
  li t0, 0x123456789a
  csrw minstret, t0
  ecall
  j fail
3:CHECK(a2, CAUSE_ECALL_M)
#if !QEMU_REFERENCE
  CHECK(a1, 0x123456789a)
#endif

  # 4-5: ECALL from U and from S to M
  SET_TEST(4)
  la s1, 3f
  MRET_TO_U(2f)
2:csrr a0, instret
4:ecall
  j fail
3:CHECK(a2, CAUSE_ECALL_U)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(5)
  la s1, 3f
  MRET_TO_S(2f)
2:csrr a0, instret
4:ecall
  j fail
3:CHECK(a2, CAUSE_ECALL_S)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)

  # 6: ECALL from U delegated to S (back to M by an ECALL from S)
  SET_TEST(6)
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  USE_CNT_S
  USE_ENV_M
  la s1, 3f
  EXPECT_MTRAP(5f)
  MRET_TO_U(2f)
2:csrr a0, instret
4:ecall
  j fail
3:ecall                        # S-mode, cnt_shandler resumed here
  j fail
5:csrw medeleg, zero
  USE_ENV_S
  USE_CNT_M
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a2, CAUSE_ECALL_U)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)

  # 7: ECALL from S delegated to S (back to M by an EBREAK)
  SET_TEST(7)
  li t0, 1 << CAUSE_ECALL_S
  csrw medeleg, t0
  USE_CNT_S
  USE_ENV_M
  la s1, 3f
  EXPECT_MTRAP(5f)
  MRET_TO_S(2f)
2:csrr a0, instret
4:ecall
  j fail
3:ebreak
  j fail
5:csrw medeleg, zero
  USE_ENV_S
  USE_CNT_M
  CHECK_MCAUSE(CAUSE_BREAKPOINT)
  CHECK(a2, CAUSE_ECALL_S)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)

  # 8-9: EBREAK and C.EBREAK
  SET_TEST(8)
  la s1, 3f
  csrr a0, minstret
2:ebreak
  j fail
3:CHECK(a2, CAUSE_BREAKPOINT)
  CHECK_LABEL(a4, 2b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(9)
  la s1, 3f
  csrr a0, minstret
  .option push
  .option rvc
2:c.ebreak
  c.nop                        # (keeps what follows 4-byte aligned)
  .option pop
  j fail
3:CHECK(a2, CAUSE_BREAKPOINT)
  CHECK_LABEL(a4, 2b)
  CHECK_DELTA(a1, a0, 1)

  # 10-12: illegal instructions: an all-zero word, a write to a read-only
  #        CSR, an M-mode CSR from U
  SET_TEST(10)
  la s1, 3f
  csrr a0, minstret
2:.word 0
  j fail
3:CHECK(a2, CAUSE_ILLEGAL)
  CHECK_LABEL(a4, 2b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(11)
  la s1, 3f
  csrr a0, minstret
2:csrw cycle, zero
  j fail
3:CHECK(a2, CAUSE_ILLEGAL)
  CHECK_LABEL(a4, 2b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(12)
  la s1, 3f
  MRET_TO_U(2f)
2:csrr a0, instret
4:csrr a5, mstatus
  j fail
3:CHECK(a2, CAUSE_ILLEGAL)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)

  # 13-15: load and store access faults (M), a load access fault from U
  SET_TEST(13)
  la s1, 3f
  li t1, UNMAPPED_ADDR
  csrr a0, minstret
2:ld a5, 8(t1)
  j fail
3:CHECK(a2, CAUSE_LOAD_ACCESS)
  CHECK(a3, UNMAPPED_ADDR + 8)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(14)
  la s1, 3f
  csrr a0, minstret
2:sw a5, 16(t1)
  j fail
3:CHECK(a2, CAUSE_STORE_ACCESS)
  CHECK(a3, UNMAPPED_ADDR + 16)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(15)
  la s1, 3f
  MRET_TO_U(2f)
2:csrr a0, instret
4:lw a5, 0(t1)
  j fail
3:CHECK(a2, CAUSE_LOAD_ACCESS)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)

  # 16: an AMO access fault
  SET_TEST(16)
  la s1, 3f
  csrr a0, minstret
2:amoadd.d a5, a5, (t1)
  j fail
3:CHECK_AMO_CAUSE(a2, CAUSE_STORE_ACCESS, CAUSE_LOAD_ACCESS)
  CHECK_LABEL(a4, 2b)
  CHECK_DELTA(a1, a0, 1)

  # 17: a fetch access fault: the jump retires, the fetch at its target not
  SET_TEST(17)
  la s1, 3f
  csrr a0, minstret
  jr t1
  j fail
3:CHECK(a2, CAUSE_FETCH_ACCESS)
  CHECK(a4, UNMAPPED_ADDR)
  CHECK_DELTA(a1, a0, 2)

  # 18-19: misaligned AMO and LR (cause 6 and 4)
  SET_TEST(18)
  la s1, 3f
  addi t2, s0, 2
  csrr a0, minstret
2:amoadd.w a5, a5, (t2)
  j fail
3:CHECK_AMO_CAUSE(a2, CAUSE_MISALIGNED_STORE, CAUSE_MISALIGNED_LOAD)
  CHECK_EQ(a3, t2)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(19)
  la s1, 3f
  addi t2, s0, 4
  csrr a0, minstret
2:lr.d a5, (t2)
  j fail
3:CHECK(a2, CAUSE_MISALIGNED_LOAD)
  CHECK_EQ(a3, t2)
  CHECK_DELTA(a1, a0, 1)

  # 20-26: Sv39 in S-mode: a load through the page table retires; load,
  #        store, AMO and fetch page faults to M; load and fetch page faults
  #        delegated to S
  call vm_reset
  call vm_map_image
  li a0, VA_DATA
  la a1, vdata
  li a2, RW_AD
  li a3, 0
  call vm_map
  call vm_enable
  li s2, VA_DATA
  li s3, VA_NONE
  SET_TEST(20)
  la s1, 3f
  MRET_TO_S(2f)
2:csrr a0, instret
  ld a5, 8(s2)
  csrr a6, instret
  ecall
  j fail
3:CHECK(a2, CAUSE_ECALL_S)
  CHECK(a5, 0x5a5a)
  CHECK_DELTA(a6, a0, 2)
  SET_TEST(21)
  la s1, 3f
  MRET_TO_S(2f)
2:csrr a0, instret
4:ld a5, 8(s3)
  j fail
3:CHECK(a2, CAUSE_LOAD_PAGE)
  CHECK(a3, VA_NONE + 8)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(22)
  la s1, 3f
  MRET_TO_S(2f)
2:csrr a0, instret
4:sd a5, 16(s3)
  j fail
3:CHECK(a2, CAUSE_STORE_PAGE)
  CHECK(a3, VA_NONE + 16)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(23)
  la s1, 3f
  MRET_TO_S(2f)
2:csrr a0, instret
4:amoor.d a5, a5, (s3)
  j fail
3:CHECK_AMO_CAUSE(a2, CAUSE_STORE_PAGE, CAUSE_LOAD_PAGE)
  CHECK(a3, VA_NONE)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(24)
  la s1, 3f
  MRET_TO_S(2f)
2:csrr a0, instret
  jr s3
  j fail
3:CHECK(a2, CAUSE_FETCH_PAGE)
  CHECK(a3, VA_NONE)
  CHECK(a4, VA_NONE)
  CHECK_DELTA(a1, a0, 2)
  SET_TEST(25)
  li t0, (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_FETCH_PAGE)
  csrw medeleg, t0
  USE_CNT_S
  USE_ENV_M
  la s1, 3f
  EXPECT_MTRAP(5f)
  MRET_TO_S(2f)
2:csrr a0, instret
4:lw a5, 0(s3)
  j fail
3:ecall
  j fail
5:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a2, CAUSE_LOAD_PAGE)
  CHECK(a3, VA_NONE)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 1)
  SET_TEST(26)
  la s1, 3f
  EXPECT_MTRAP(5f)
  MRET_TO_S(2f)
2:csrr a0, instret
  jalr s3
  j fail
3:ecall
  j fail
5:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a2, CAUSE_FETCH_PAGE)
  CHECK(a4, VA_NONE)
  CHECK_DELTA(a1, a0, 2)
  csrw medeleg, zero
  USE_ENV_S
  USE_CNT_M
  csrw satp, zero
  sfence.vma

  # 27-29: interrupts (machine software interrupt from the CLINT's msip):
  #        taken after the CSR write that enables MIE, after MRET, and in the
  #        middle of straight-line code; the interrupted instruction (mepc)
  #        has not run
  li s4, CLINT_MSIP
  li s5, 1
  SET_TEST(27)
  sw s5, 0(s4)
  li t0, MIP_MSIP
  csrw mie, t0
  la s1, 3f
  csrr a0, minstret
  csrsi mstatus, MSTATUS_MIE
4:j fail
3:sw zero, 0(s4)
  csrw mie, zero
  CHECK(a2, IRQ_FLAG | IRQ_M_SOFT)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 2)
  SET_TEST(28)
  sw s5, 0(s4)
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, MSTATUS_MPP | MSTATUS_MPIE   # MRET to M with MIE = 1
  csrs mstatus, t0
  la t0, 4f
  csrw mepc, t0
  la s1, 3f
  csrr a0, minstret
  mret
4:j fail
3:sw zero, 0(s4)
  csrw mie, zero
  CHECK(a2, IRQ_FLAG | IRQ_M_SOFT)
  CHECK_LABEL(a4, 4b)
  CHECK_DELTA(a1, a0, 2)
  SET_TEST(29)
  li t0, MIP_MSIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  la s1, 3f
  li t2, 0
  csrr a0, minstret
  sw s5, 0(s4)                 # MSIP: taken at some instruction of the block
4:.rept BLOCK
  addi t2, t2, 1
  .endr
  j fail
3:sw zero, 0(s4)
  csrw mie, zero
  CHECK(a2, IRQ_FLAG | IRQ_M_SOFT)
  la t0, 4b
  sub a5, a4, t0
  srli a5, a5, 2               # a5 = the interrupted addi's index in the block
  CHECK_EQ(a5, t2)             # exactly the addis before it ran
#if !QEMU_REFERENCE
  addi a5, a5, 2               # + the csrr and the sw
  sub a6, a1, a0
  CHECK_EQ(a6, a5)
#endif

  # 30-31: WFI retires, whether it returns at once (an interrupt pending
  #        and enabled in mie, MIE = 0) or waits for the timer
  SET_TEST(30)
  sw s5, 0(s4)
  li t0, MIP_MSIP
  csrw mie, t0
  csrr a0, minstret
  wfi
  csrr a1, minstret
  sw zero, 0(s4)
  csrw mie, zero
  CHECK_DELTA(a1, a0, 2)
  SET_TEST(31)
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  addi t1, t1, 300
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
  li t1, MIP_MTIP
  csrw mie, t1
  csrr a0, minstret
  wfi
  csrr a1, minstret
  li t1, -1
  sd t1, 0(t0)
  csrw mie, zero
  CHECK_DELTA(a1, a0, 2)

  # 32-33: MRET and SRET retire
  SET_TEST(32)
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  la t0, 4f
  csrw mepc, t0
  csrr a0, minstret
  mret
4:csrr a1, minstret
  CHECK_DELTA(a1, a0, 2)
  SET_TEST(33)
  la s1, 3f
  MRET_TO_S(2f)
2:li t0, SSTATUS_SPP
  csrs sstatus, t0
  la t0, 4f
  csrw sepc, t0
  csrr a0, instret
  sret
4:csrr a6, instret
  ecall
  j fail
3:CHECK(a2, CAUSE_ECALL_S)
  CHECK_DELTA(a6, a0, 2)

  # 34-36: counter writes: the next instruction reads the value written; a
  #        CSRRW reads the value before; instret reads minstret; mcycle too
  SET_TEST(34)
  li t0, 0x1000000000
  csrw minstret, t0
  csrr a0, minstret
  csrw minstret, t0
  nop
  csrr a1, instret
#if !QEMU_REFERENCE
  CHECK(a0, 0x1000000000)
  CHECK(a1, 0x1000000001)
#endif
  SET_TEST(35)
  li t1, 0x2000000000
  csrr a0, minstret
  csrrw a1, minstret, t1
  csrr a2, minstret
  CHECK_DELTA(a1, a0, 1)
#if !QEMU_REFERENCE
  CHECK(a2, 0x2000000000)
#endif
  SET_TEST(36)
  li t0, 0x3000000000
  csrw mcycle, t0
  csrr a0, mcycle
  csrr a1, cycle
#if !QEMU_REFERENCE
  CHECK(a0, 0x3000000000)      # mcycle counts one per instruction here
  CHECK(a1, 0x3000000001)
#endif

  # 37: an access to the CLINT (a device) retires once
  SET_TEST(37)
  csrr a0, minstret
  lw a5, 0(s4)
  csrr a1, minstret
  sw zero, 0(s4)
  csrr a2, minstret
  CHECK_DELTA(a1, a0, 2)
  CHECK_DELTA(a2, a1, 2)

  # 38-39: mcountinhibit.IR stops minstret while mcycle runs on, and .CY
  #        the other way round; a write to a stopped counter is read back;
  #        counting resumes after the write that clears the bit (that write
  #        ran while the counter was stopped, as in the Sail model)
  SET_TEST(38)
  li t0, 4
  li t1, 0x4000000000
  csrs mcountinhibit, t0
  csrr a0, minstret
  nop
  csrr a1, minstret
  csrr a2, mcycle
  nop
  csrr a3, mcycle
  csrw minstret, t1
  nop
  csrr a4, minstret
  csrc mcountinhibit, t0
  csrr a5, minstret
  nop
  csrr a6, minstret
  CHECK_DELTA(a1, a0, 0)
  CHECK_DELTA(a3, a2, 2)
  CHECK_DELTA(a4, t1, 0)
  CHECK_DELTA(a5, t1, 0)
  CHECK_DELTA(a6, a5, 2)
  SET_TEST(39)
  li t0, 1
  csrs mcountinhibit, t0
  csrr a0, mcycle
  nop
  csrr a1, mcycle
  csrr a2, minstret
  nop
  csrr a3, minstret
  csrc mcountinhibit, t0
  csrr a4, mcycle
  csrr a5, mcycle
  CHECK_DELTA(a1, a0, 0)
  CHECK_DELTA(a3, a2, 2)
  CHECK_DELTA(a4, a1, 0)
  CHECK_DELTA(a5, a4, 1)

  USE_ENV_M
  j pass

  .data
  .align 3
buf: .dword 0, 0, 0, 0
  .align 12
vdata:
  .dword 0, 0x5a5a
  .skip 4096 - 16
