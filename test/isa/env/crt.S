# crt.S — wasmvisor ISA test environment: reset code, trap handlers,
# pass/fail reporting through HTIF tohost, Sv39 page-table helpers.
#include "test.h"

  .section .text.init, "ax"
  .globl _start
_start:
  # clear every integer register
  li x1, 0
  li x2, 0
  li x3, 0
  li x4, 0
  li x5, 0
  li x6, 0
  li x7, 0
  li x8, 0
  li x9, 0
  li x10, 0
  li x11, 0
  li x12, 0
  li x13, 0
  li x14, 0
  li x15, 0
  li x16, 0
  li x17, 0
  li x18, 0
  li x19, 0
  li x20, 0
  li x21, 0
  li x22, 0
  li x23, 0
  li x24, 0
  li x25, 0
  li x26, 0
  li x27, 0
  li x28, 0
  li x29, 0
  li x30, 0
  li x31, 0

  # PMP is optional: open all of memory to S/U if it exists, skip otherwise
  # (a trap here lands on 1f).
  la t0, 1f
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f               # NAPOT, R W X
  csrw pmpcfg0, t0
  .align 2
1:
  la t0, m_trap_handler
  csrw mtvec, t0
  la t0, s_trap_handler
  csrw stvec, t0
  la t0, m_trap_area
  csrw mscratch, t0
  la t0, s_trap_area
  csrw sscratch, t0
  csrw satp, zero
  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  csrw mip, zero
  csrw mstatus, zero
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0

  # CLINT: no software interrupt, timer far in the future
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)

  # trap records: disarmed, "no trap" recorded
  la t0, m_trap_area
  la t1, s_trap_area
  li t2, NO_TRAP
  sd zero, TR_RESUME(t0)
  sd zero, TR_RESUME(t1)
  sd t2, TR_CAUSE(t0)
  sd t2, TR_CAUSE(t1)
  sd zero, TR_COUNT(t0)
  sd zero, TR_COUNT(t1)

  la sp, stack_top
  li t0, 0
  li t1, 0
  li t2, 0
  j test_main

# ---------------------------------------------------------------------------
# pass / fail
  .text
  .globl pass
  .globl fail
pass:
  fence
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
1:
  j 1b

fail:
  fence
  bnez TESTNUM, 2f
  li TESTNUM, 255           # failure outside any numbered sub-test
2:
  slli t0, TESTNUM, 1
  ori t0, t0, 1
  la t1, tohost
  sd t0, 0(t1)
1:
  j 1b

# ---------------------------------------------------------------------------
# M-mode trap handler.  Records mcause/mepc/mtval/mstatus in m_trap_area.
# Armed (resume != 0): disarm, resume there in M-mode with MIE = 0.
# Not armed: the running sub-test fails.
  .align 2
  .globl m_trap_handler
m_trap_handler:
  csrrw t0, mscratch, t0
  sd t1, TR_SAVE1(t0)
  sd t2, TR_SAVE2(t0)
  csrr t1, mscratch
  sd t1, TR_SAVE0(t0)
  csrw mscratch, t0
  csrr t1, mcause
  sd t1, TR_CAUSE(t0)
  csrr t1, mepc
  sd t1, TR_EPC(t0)
  csrr t1, mtval
  sd t1, TR_TVAL(t0)
  csrr t1, mstatus
  sd t1, TR_STATUS(t0)
  ld t1, TR_COUNT(t0)
  addi t1, t1, 1
  sd t1, TR_COUNT(t0)
  ld t1, TR_RESUME(t0)
  beqz t1, m_unexpected
  sd zero, TR_RESUME(t0)
  csrw mepc, t1
  li t2, MSTATUS_MPP_M
  csrs mstatus, t2
  li t2, MSTATUS_MPIE
  csrc mstatus, t2
  ld t1, TR_SAVE1(t0)
  ld t2, TR_SAVE2(t0)
  ld t0, TR_SAVE0(t0)
  mret
m_unexpected:
  ld t1, TR_SAVE1(t0)
  ld t2, TR_SAVE2(t0)
  ld t0, TR_SAVE0(t0)
  j fail

# ---------------------------------------------------------------------------
# S-mode trap handler: same protocol with s_trap_area, resumes in S-mode
# with SIE = 0.
  .align 2
  .globl s_trap_handler
s_trap_handler:
  csrrw t0, sscratch, t0
  sd t1, TR_SAVE1(t0)
  sd t2, TR_SAVE2(t0)
  csrr t1, sscratch
  sd t1, TR_SAVE0(t0)
  csrw sscratch, t0
  csrr t1, scause
  sd t1, TR_CAUSE(t0)
  csrr t1, sepc
  sd t1, TR_EPC(t0)
  csrr t1, stval
  sd t1, TR_TVAL(t0)
  csrr t1, sstatus
  sd t1, TR_STATUS(t0)
  ld t1, TR_COUNT(t0)
  addi t1, t1, 1
  sd t1, TR_COUNT(t0)
  ld t1, TR_RESUME(t0)
  beqz t1, s_unexpected
  sd zero, TR_RESUME(t0)
  csrw sepc, t1
  li t2, SSTATUS_SPP
  csrs sstatus, t2
  li t2, SSTATUS_SPIE
  csrc sstatus, t2
  ld t1, TR_SAVE1(t0)
  ld t2, TR_SAVE2(t0)
  ld t0, TR_SAVE0(t0)
  sret
s_unexpected:
  ld t1, TR_SAVE1(t0)
  ld t2, TR_SAVE2(t0)
  ld t0, TR_SAVE0(t0)
  j fail

# ---------------------------------------------------------------------------
# Sv39 page-table helpers (run in M-mode, physical addresses).

# vm_reset: zero the root table and the pool.
  .globl vm_reset
vm_reset:
  la t0, pt_root
  la t1, pt_pool_end
1:
  sd zero, 0(t0)
  addi t0, t0, 8
  bltu t0, t1, 1b
  la t0, pt_pool
  la t1, pt_next
  sd t0, 0(t1)
  ret

# vm_map: a0 = va, a1 = pa, a2 = PTE flags, a3 = level of the leaf
# (0: 4 KiB, 1: 2 MiB, 2: 1 GiB).  Intermediate tables come from the pool.
# Returns a0 = physical address of the leaf PTE.
  .globl vm_map
vm_map:
  la t0, pt_root            # t0 = current table
  li t1, 2                  # t1 = current level
1:
  # index = (va >> (12 + 9 * level)) & 511
  slli t2, t1, 3
  add t2, t2, t1
  addi t2, t2, 12
  srl t3, a0, t2
  andi t3, t3, 511
  slli t3, t3, 3
  add t3, t0, t3            # t3 = &table[index]
  beq t1, a3, 3f
  ld t4, 0(t3)
  andi a4, t4, PTE_V
  bnez a4, 2f
  # allocate a zeroed table from the pool
  la a5, pt_next
  ld a6, 0(a5)
  li a7, 4096
  add a7, a6, a7
  sd a7, 0(a5)
  srli t4, a6, 12
  slli t4, t4, 10
  ori t4, t4, PTE_V
  sd t4, 0(t3)
2:
  srli t4, t4, 10
  slli t0, t4, 12
  addi t1, t1, -1
  j 1b
3:
  srli t4, a1, 12
  slli t4, t4, 10
  or t4, t4, a2
  sd t4, 0(t3)
  mv a0, t3
  ret

# vm_map_image: identity gigapage for the test image (S-mode code and data)
  .globl vm_map_image
vm_map_image:
  li a0, RAM_BASE
  li a1, RAM_BASE
  li a2, PTE_V | PTE_RWX | PTE_AD | PTE_G
  li a3, 2
  j vm_map

# vm_map_image_user: U-mode alias of the image at USER_ALIAS
  .globl vm_map_image_user
vm_map_image_user:
  li a0, USER_ALIAS
  li a1, RAM_BASE
  li a2, PTE_V | PTE_RWX | PTE_AD | PTE_U
  li a3, 2
  j vm_map

# vm_enable: satp <- Sv39 | root
  .globl vm_enable
vm_enable:
  SATP_OF_ROOT(t0)
  csrw satp, t0
  sfence.vma
  ret

# ---------------------------------------------------------------------------
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
  .globl fromhost
  .type tohost, @object
  .size tohost, 8
tohost:   .dword 0
  .align 6
  .type fromhost, @object
  .size fromhost, 8
fromhost: .dword 0

  .data
  .align 6
  .globl m_trap_area
  .globl s_trap_area
m_trap_area: .skip TR_SIZE
s_trap_area: .skip TR_SIZE
  .globl pt_next
pt_next: .dword 0

  .bss
  .align 12
  .globl pt_root
  .globl pt_pool
pt_root: .skip 4096
pt_pool: .skip 4096 * 24
pt_pool_end:
  .align 4
stack: .skip 4096
stack_top:
