# sv39-user.S — a U-mode program under Sv39 with a small S-mode kernel (in
# the spirit of a "virtual memory" test environment).  ECALL, page faults,
# illegal instructions and breakpoints from U are delegated to S.  The kernel
# serves system calls and demand-maps heap pages (and one code page) on
# page faults, then retries the faulting instruction.  The U program checks:
# ALU/branch/call basics, syscalls, first-touch store/load/AMO/LR-SC/fetch
# faults being retried transparently (with the right scause/stval seen by
# the kernel), misaligned accesses spanning two demand-mapped pages that are
# not physically adjacent, stval of an illegal instruction, EBREAK, and
# that it really runs in U-mode (sstatus.SPP = 0 at each trap).
#include "test.h"

#define HEAP     0x40000000            /* 16 demand-mapped data pages */
#define HEAP_END (HEAP + 16 * 4096)
#define UCODE_VA 0x40020000            /* demand-mapped code page */
#define SYS_ADD     1
#define SYS_SSTATUS 2
#define SYS_FAULTS  3
#define SYS_STVAL   4
#define SYS_SCAUSE  5
#define SYS_EXIT    93

#define SYSCALL(n) li a7, n; ecall

  .text
  .globl test_main
test_main:
  call vm_reset
  call vm_map_image
  call vm_map_image_user
  # create the level-0 table for the heap gigabyte, then clear the leaf
  li a0, HEAP
  li a1, 0
  li a2, 0
  li a3, 0
  call vm_map
  la t0, heap_l0
  sd a0, 0(t0)                 # &l0[0]
  call vm_enable
  li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE) | (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  la t0, kernel_trap
  csrw stvec, t0
  la t0, kstack_top
  csrw sscratch, t0
  la t0, heap_pool_end
  la t1, heap_next
  sd t0, 0(t1)
  MRET_TO_S(kernel_entry)

# ---------------------------------------------------------------------------
# S-mode kernel
kernel_entry:
  SRET_TO_U_ALIAS(user_main)

  .align 2
kernel_trap:
  csrrw sp, sscratch, sp
  addi sp, sp, -64
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  sd t3, 24(sp)
  sd t4, 32(sp)
  sd t5, 40(sp)
  sd t6, 48(sp)
  csrr t0, sstatus
  andi t0, t0, SSTATUS_SPP
  bnez t0, fail                # every trap here must come from U
  csrr t0, scause
  la t1, last_scause
  sd t0, 0(t1)
  li t1, CAUSE_ECALL_U
  beq t0, t1, k_syscall
  li t1, CAUSE_FETCH_PAGE
  beq t0, t1, k_pagefault
  li t1, CAUSE_LOAD_PAGE
  beq t0, t1, k_pagefault
  li t1, CAUSE_STORE_PAGE
  beq t0, t1, k_pagefault
  li t1, CAUSE_ILLEGAL
  beq t0, t1, k_skip_stval
  li t1, CAUSE_BREAKPOINT
  beq t0, t1, k_skip_stval
  j fail

k_syscall:
  li t1, SYS_ADD
  bne a7, t1, 1f
  add a0, a0, a1
  j k_skip
1:li t1, SYS_SSTATUS
  bne a7, t1, 1f
  csrr a0, sstatus
  j k_skip
1:li t1, SYS_FAULTS
  bne a7, t1, 1f
  ld a0, fault_count
  j k_skip
1:li t1, SYS_STVAL
  bne a7, t1, 1f
  ld a0, last_stval
  j k_skip
1:li t1, SYS_SCAUSE
  bne a7, t1, 1f
  ld a0, prev_scause
  j k_skip
1:li t1, SYS_EXIT
  bne a7, t1, fail
  mv TESTNUM, a0
  bnez a0, fail
  j pass

k_skip_stval:                  # illegal / breakpoint: report, skip 4 bytes
  csrr a0, stval
  la t1, last_stval
  sd a0, 0(t1)
  la t1, prev_scause
  csrr t0, scause
  sd t0, 0(t1)
k_skip:
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  j k_return

k_pagefault:
  csrr t0, stval
  la t1, last_stval
  sd t0, 0(t1)
  la t1, prev_scause
  csrr t2, scause
  sd t2, 0(t1)
  la t1, fault_count
  ld t2, 0(t1)
  addi t2, t2, 1
  sd t2, 0(t1)
  srli t0, t0, 12
  slli t0, t0, 12              # faulting page
  li t1, UCODE_VA
  beq t0, t1, 2f
  li t1, HEAP
  bltu t0, t1, fail
  li t1, HEAP_END
  bgeu t0, t1, fail
  # data page: take the next pool page (allocated downwards)
  la t1, heap_next
  ld t2, 0(t1)
  li t3, 4096
  sub t2, t2, t3
  sd t2, 0(t1)
  mv t1, t2                    # zero it
4:sd zero, 0(t1)
  addi t1, t1, 8
  addi t3, t3, -8
  bnez t3, 4b
  li t4, PTE_V | PTE_R | PTE_W | PTE_U
  j 3f
2:la t2, ucode_page
  li t4, PTE_V | PTE_R | PTE_X | PTE_U
3:srli t2, t2, 12
  slli t2, t2, 10
  or t2, t2, t4                # new PTE
  li t1, HEAP
  sub t3, t0, t1
  srli t3, t3, 12
  slli t3, t3, 3
  ld t1, heap_l0
  add t1, t1, t3
  sd t2, 0(t1)
  sfence.vma t0, zero
k_return:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  ld t4, 32(sp)
  ld t5, 40(sp)
  ld t6, 48(sp)
  addi sp, sp, 64
  csrrw sp, sscratch, sp
  sret

# ---------------------------------------------------------------------------
# U-mode program (runs at USER_ALIAS + offset; pc-relative code only)
user_main:
  # 1: arithmetic, branches, calls
  SET_TEST(1)
  li a0, 6
  li a1, 7
  mul a2, a0, a1
  CHECK(a2, 42)
  call ufunc
  CHECK(a0, 0x55)
  # 2: syscalls
  SET_TEST(2)
  li a0, 3
  li a1, 4
  SYSCALL(SYS_ADD)
  CHECK(a0, 7)
  SYSCALL(SYS_SSTATUS)
  CHECK_BITS(a0, SSTATUS_SPP, 0)
  SYSCALL(SYS_FAULTS)
  CHECK(a0, 0)
  # 3: first touch of a heap page by a store: one fault, retried
  SET_TEST(3)
  li s0, HEAP + 0x10
  li a2, 0x1234
  sd a2, 0(s0)
  ld a3, 0(s0)
  CHECK(a3, 0x1234)
  SYSCALL(SYS_FAULTS)
  CHECK(a0, 1)
  SYSCALL(SYS_STVAL)
  CHECK(a0, HEAP + 0x10)
  SYSCALL(SYS_SCAUSE)
  CHECK(a0, CAUSE_STORE_PAGE)
  # 4: a load from a fresh page reads zero
  SET_TEST(4)
  li s1, HEAP + 0x1008
  ld a3, 0(s1)
  CHECK(a3, 0)
  SYSCALL(SYS_SCAUSE)
  CHECK(a0, CAUSE_LOAD_PAGE)
  SYSCALL(SYS_STVAL)
  CHECK(a0, HEAP + 0x1008)
  SYSCALL(SYS_FAULTS)
  CHECK(a0, 2)
  # 5: misaligned store/load across two fresh pages (2 and 3; physically
  #    descending, so not adjacent in the right order)
  SET_TEST(5)
  li s2, HEAP + 0x3000 - 3
  li a2, 0x8877665544332211
  sd a2, 0(s2)                 # faults on pages 2 and 3 (in either order)
  SYSCALL(SYS_FAULTS)
  CHECK(a0, 4)
  ld a3, 0(s2)
  CHECK(a3, 0x8877665544332211)
  li t0, HEAP + 0x3000
  lbu a3, 0(t0)
  CHECK(a3, 0x44)
  lw a3, -4(t0)
  CHECK(a3, 0x33221100)
  # 6: a misaligned load needing a fresh second page (page 5 after page 4)
  SET_TEST(6)
  li t0, HEAP + 0x4ffc
  li a2, -1
  sw a2, 0(t0)                 # maps page 4
  ld a3, 0(t0)                 # faults on page 5 (reads zero there)
  CHECK(a3, 0x00000000ffffffff)
  SYSCALL(SYS_STVAL)
  CHECK(a0, HEAP + 0x5000)
  SYSCALL(SYS_SCAUSE)
  CHECK(a0, CAUSE_LOAD_PAGE)
  # 7: AMO on a fresh page (a store page fault)
  SET_TEST(7)
  li t0, HEAP + 0x6000
  li a2, 5
  amoadd.d a3, a2, (t0)
  CHECK(a3, 0)
  amoadd.d a3, a2, (t0)
  CHECK(a3, 5)
  SYSCALL(SYS_STVAL)
  CHECK(a0, HEAP + 0x6000)
  # 8: LR/SC on a fresh page
  SET_TEST(8)
  li t0, HEAP + 0x7000
1:lr.w a3, (t0)
  addi a3, a3, 9
  sc.w a4, a3, (t0)
  bnez a4, 1b
  lw a3, 0(t0)
  CHECK(a3, 9)
  # 9: fetch from an unmapped code page: fault, mapped, retried
  SET_TEST(9)
  SYSCALL(SYS_FAULTS)
  mv s3, a0
  li t0, UCODE_VA
  jalr t0
  CHECK(a0, 0xc0de)
  SYSCALL(SYS_SCAUSE)
  CHECK(a0, CAUSE_FETCH_PAGE)
  SYSCALL(SYS_FAULTS)
  sub a0, a0, s3
  CHECK(a0, 1)
  li t0, UCODE_VA
  jalr t0                      # mapped now: no fault
  SYSCALL(SYS_FAULTS)
  sub a0, a0, s3
  CHECK(a0, 1)
  # 10: an illegal instruction: the kernel sees its bits in stval
  SET_TEST(10)
  li a0, 0
  csrr a1, sstatus             # illegal in U; kernel returns stval in a0
  CHECK(a0, 0x100025f3)
  SYSCALL(SYS_SCAUSE)
  CHECK(a0, CAUSE_ILLEGAL)
  # 11: EBREAK goes to the kernel
  SET_TEST(11)
  ebreak
  SYSCALL(SYS_SCAUSE)
  CHECK(a0, CAUSE_BREAKPOINT)
  # 12: the data written by earlier tests is still where it was
  SET_TEST(12)
  ld a3, 0(s0)
  CHECK(a3, 0x1234)
  li t0, HEAP + 0x6000
  ld a3, 0(t0)
  CHECK(a3, 10)
  # done
  li a0, 0
  SYSCALL(SYS_EXIT)
  j fail

ufunc:
  li a0, 0x50
  addi a0, a0, 5
  ret

  .balign 4096
ucode_page:
  li a0, 0xc0de
  ret

  .data
  .align 3
heap_l0:     .dword 0
heap_next:   .dword 0
fault_count: .dword 0
last_stval:  .dword 0
last_scause: .dword 0
prev_scause: .dword 0

  .bss
  .align 12
heap_pool:   .skip 16 * 4096
heap_pool_end:
kstack:      .skip 1024
kstack_top:
