# sv39-sfence.S — SFENCE.VMA and satp changes: after a PTE is rewritten and
# SFENCE.VMA executed, the new translation is used — remapping to another
# physical page (global, address-specific and ASID-0 fences), making a page
# invalid, removing write permission, remapping a code page (instruction
# fetch uses the new mapping: decode caches keyed by virtual address must
# notice); switching satp to another root table; turning paging off.
#include "test.h"

#define VA_T   0x40000000
#define PG(n)  (VA_T + (n) * 4096)
#define RW_AD  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define X_A    (PTE_V | PTE_X | PTE_A)

#define MAP4K(i, va, phys, flags) \
  li a0, va; la a1, phys; li a2, flags; li a3, 0; call vm_map; la t0, ptes; sd a0, (i) * 8(t0)
/* rewrite slot i's PTE: -> phys with flags (M-mode, physical) */
#define SETPTE(i, phys, flags) \
  la t0, ptes; ld t0, (i) * 8(t0); la t1, phys; srli t1, t1, 12; slli t1, t1, 10; ori t1, t1, flags; sd t1, 0(t0)
#define ZEROPTE(i) la t0, ptes; ld t0, (i) * 8(t0); sd zero, 0(t0)

  .text
  .globl test_main
test_main:
  la t0, page_a
  li t1, 0xaaaa
  sd t1, 0(t0)
  la t0, page_b
  li t1, 0xbbbb
  sd t1, 0(t0)
  call vm_reset
  call vm_map_image
  MAP4K(0, PG(0), page_a, RW_AD)
  MAP4K(1, PG(1), code_a, X_A)
  call vm_enable

  # 1: remap PG(0) a -> b, global SFENCE.VMA
  SET_TEST(1)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  ld a0, 0(a1)                 # translation is now cached, if ever
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xaaaa)
  SETPTE(0, page_b, RW_AD)
  ENTER_S_UNTIL(1f)
  sfence.vma
  li a1, PG(0)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xbbbb)
  # 2: back to a, address-specific fence
  SET_TEST(2)
  SETPTE(0, page_a, RW_AD)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  sfence.vma a1, zero
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xaaaa)
  # 3: to b, fence for ASID 0 (satp.ASID is 0) — non-global mapping
  SET_TEST(3)
  SETPTE(0, page_b, RW_AD)
  ENTER_S_UNTIL(1f)
  sfence.vma zero, zero
  li a2, 0
  sfence.vma zero, a2
  li a1, PG(0)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xbbbb)
  # 4: address + ASID fence
  SET_TEST(4)
  SETPTE(0, page_a, RW_AD)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  li a2, 0
  sfence.vma a1, a2
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xaaaa)
  # 5: invalidate: page fault after the fence
  SET_TEST(5)
  ZEROPTE(0)
  li a1, PG(0)
  EXPECT_MTRAP(1f)
  MRET_TO_S(3f)
3:sfence.vma
2:ld a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, PG(0))
  # 6: write permission removed
  SET_TEST(6)
  SETPTE(0, page_a, RW_AD)
  ENTER_S_UNTIL(1f)
  sfence.vma
  li a1, PG(0)
  sd a0, 8(a1)                 # allowed, and cached
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  SETPTE(0, page_a, PTE_V | PTE_R | PTE_A | PTE_D)
  li a1, PG(0)
  EXPECT_MTRAP(1f)
  MRET_TO_S(3f)
3:sfence.vma a1, zero
2:sd a0, 8(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, PG(0) + 8)

  # 7: code page remapped: the same virtual pc runs different code
  SET_TEST(7)
  ENTER_S_UNTIL(1f)
  li a1, PG(1)
  li s2, 20
3:jalr a1                      # run it many times
  addi s2, s2, -1
  bnez s2, 3b
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xc0de0a)
  SETPTE(1, code_b, X_A)
  ENTER_S_UNTIL(1f)
  sfence.vma
  li a1, PG(1)
  jalr a1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xc0de0b)

  # 8: switch satp to a second root where PG(0) maps page_b
  SET_TEST(8)
  SETPTE(0, page_a, RW_AD)
  la t0, pt_root
  la t1, root2
  li t2, 512
3:ld t3, 0(t0)                 # copy the root (shares lower tables)
  sd t3, 0(t1)
  addi t0, t0, 8
  addi t1, t1, 8
  addi t2, t2, -1
  bnez t2, 3b
  # give root2 its own level-1 and level-0 tables for gigabyte 1
  la t0, root2_l1
  la t1, root2_l0
  srli t2, t1, 12
  slli t2, t2, 10
  ori t2, t2, PTE_V
  sd t2, 0(t0)                 # l1[0] -> l0
  la t3, page_b
  srli t3, t3, 12
  slli t3, t3, 10
  ori t3, t3, RW_AD
  sd t3, 0(t1)                 # l0[0] = PG(0) -> page_b
  la t1, root2
  srli t2, t0, 12
  slli t2, t2, 10
  ori t2, t2, PTE_V
  sd t2, 8(t1)                 # root2[1] -> l1
  la s3, root2
  srli s3, s3, 12
  li t0, SATP_SV39
  or s3, s3, t0                # satp for root2
  SATP_OF_ROOT(s4)             # satp for the first root
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  ld a0, 0(a1)
  csrw satp, s3
  sfence.vma
  ld a2, 0(a1)
  csrw satp, s4
  sfence.vma
  ld a3, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xaaaa)
  CHECK(a2, 0xbbbb)
  CHECK(a3, 0xaaaa)

  # 9: paging off in S: addresses are physical again
  SET_TEST(9)
  la s5, page_b
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  ld a0, 0(a1)
  csrw satp, zero
  sfence.vma
  ld a2, 0(s5)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xaaaa)
  CHECK(a2, 0xbbbb)
  csrr a0, satp
  CHECK_ZERO(a0)

  j pass

  .balign 4096
code_a:
  li a0, 0xc0de0a
  ret
  .balign 4096
code_b:
  li a0, 0xc0de0b
  ret

  .data
  .align 3
ptes: .skip 8 * 8

  .bss
  .align 12
page_a:   .skip 4096
page_b:   .skip 4096
root2:    .skip 4096
root2_l1: .skip 4096
root2_l0: .skip 4096
