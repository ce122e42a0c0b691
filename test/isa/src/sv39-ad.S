# sv39-ad.S — accessed/dirty bits maintained by the page-table walker
# (hardware A/D update, as in Svadu): any access sets A, a store or AMO also
# sets D; a store to a page whose clean translation was just used by a load
# still sets D; fetches set A only; an access that faults (permission or
# invalid) changes nothing; U-mode, MPRV, misaligned stores spanning two
# pages (both get D) and 2 MiB superpages; A/D cleared by software are set
# again after SFENCE.VMA; non-leaf PTEs are never modified.
#include "test.h"

#define VA_T   0x40000000
#define PG(n)  (VA_T + (n) * 4096)
#define VA_2M  0x40200000

/* map va -> phys with flags and remember the leaf PTE's address in ptes[i] */
#define MAP4K(i, va, phys, flags) \
  li a0, va; la a1, phys; li a2, flags; li a3, 0; call vm_map; la t0, ptes; sd a0, (i) * 8(t0)
/* reg <- the PTE of slot i */
#define PTE(r, i) la r, ptes; ld r, (i) * 8(r); ld r, 0(r)
#define CHECK_AD(i, val) PTE(a7, i); CHECK_BITS(a7, PTE_A | PTE_D, val)

  .text
  .globl test_main
test_main:
  call vm_reset
  call vm_map_image
  call vm_map_image_user
  MAP4K(0, PG(0), dpage, PTE_V | PTE_R | PTE_W)
  MAP4K(1, PG(1), dpage, PTE_V | PTE_R | PTE_W | PTE_A)
  MAP4K(2, PG(2), cpage, PTE_V | PTE_X)
  MAP4K(3, PG(3), dpage, PTE_V | PTE_R)
  MAP4K(4, PG(4), dpage, PTE_V | PTE_R | PTE_W | PTE_U)
  MAP4K(5, PG(5), dpage, PTE_V | PTE_R | PTE_W)
  MAP4K(6, PG(6), dpage2, PTE_V | PTE_R | PTE_W)
  MAP4K(7, PG(7), dpage, PTE_V | PTE_R | PTE_W)
  MAP4K(8, PG(8), dpage, PTE_V | PTE_R | PTE_W)
  MAP4K(10, PG(10), dpage, PTE_V | PTE_R | PTE_W)
  li a0, VA_2M
  li a1, RAM_BASE + 0x400000
  li a2, PTE_V | PTE_R | PTE_W
  li a3, 1
  call vm_map
  la t0, ptes
  sd a0, 9 * 8(t0)
  # PG(11): invalid leaf (all zero) in the same level-0 table
  call vm_enable

  # 1: nothing touched yet
  SET_TEST(1)
  CHECK_AD(0, 0)
  CHECK_AD(9, 0)
  # 2-3: load sets A only, store sets D
  SET_TEST(2)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(0, PTE_A)
  SET_TEST(3)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  sd a0, 8(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(0, PTE_A | PTE_D)
  # 4: A already set, D clear: a load (caching the clean translation), then
  #    a store must still set D
  SET_TEST(4)
  ENTER_S_UNTIL(1f)
  li a1, PG(1)
  ld a0, 0(a1)
  ld a0, 8(a1)
  sd a0, 16(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(1, PTE_A | PTE_D)
  # 5: fetch sets A, not D
  SET_TEST(5)
  ENTER_S_UNTIL(1f)
  li a1, PG(2)
  jalr a1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xc0de)
  CHECK_AD(2, PTE_A)
  # 6: a store to a read-only page faults and leaves A/D alone
  SET_TEST(6)
  li a1, PG(3)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sd a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, PG(3))
  CHECK_AD(3, 0)
  SET_TEST(7)                  # then a load sets A
  ENTER_S_UNTIL(1f)
  li a1, PG(3)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(3, PTE_A)
  # 8: an invalid PTE stays untouched
  SET_TEST(8)
  li a1, PG(11)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sd a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, PG(11))
  la t0, ptes
  ld t0, 0(t0)
  ld t1, 11 * 8 - 0(t0)        # level-0 slot 11 (same table as slot 0)
  CHECK_ZERO(t1)
  # 9: U-mode store sets A and D
  SET_TEST(9)
  ENTER_U_VM_UNTIL(1f)
  li a1, PG(4)
  sw a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK_AD(4, PTE_A | PTE_D)
  # 10: a misaligned store across PG(5)/PG(6) dirties both
  SET_TEST(10)
  ENTER_S_UNTIL(1f)
  li a1, PG(5) + 4092
  li a2, -1
  sd a2, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(5, PTE_A | PTE_D)
  CHECK_AD(6, PTE_A | PTE_D)
  la t0, dpage2
  lw a0, 0(t0)
  CHECK(a0, 0xffffffffffffffff)
  # 11: an AMO sets A and D
  SET_TEST(11)
  ENTER_S_UNTIL(1f)
  li a1, PG(7)
  amoadd.w a0, zero, (a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(7, PTE_A | PTE_D)
  # 12: 2 MiB leaf: load then store
  SET_TEST(12)
  ENTER_S_UNTIL(1f)
  li a1, VA_2M + 0x1000
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(9, PTE_A)
  ENTER_S_UNTIL(1f)
  li a1, VA_2M + 0x1ff008
  sd a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(9, PTE_A | PTE_D)
  # 13: M-mode with MPRV (MPP = S) updates A/D too
  SET_TEST(13)
  li a1, PG(8)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S
  csrs mstatus, t0
  sd a0, 0(a1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK_AD(8, PTE_A | PTE_D)
  # 14: software clears A/D, SFENCE.VMA, a load sets A again
  SET_TEST(14)
  la t0, ptes
  ld t0, 0(t0)
  ld t1, 0(t0)
  andi t1, t1, ~(PTE_A | PTE_D)
  sd t1, 0(t0)
  ENTER_S_UNTIL(1f)
  sfence.vma
  li a1, PG(0)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(0, PTE_A)
  # 15: the same with an address-specific SFENCE.VMA and a store
  SET_TEST(15)
  la t0, ptes
  ld t0, 0(t0)
  ld t1, 0(t0)
  andi t1, t1, ~(PTE_A | PTE_D)
  sd t1, 0(t0)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  sfence.vma a1, zero
  sd a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_AD(0, PTE_A | PTE_D)
  # 16: a page never touched stays clean
  SET_TEST(16)
  CHECK_AD(10, 0)
  # 17: non-leaf PTEs (root entry 1, level-1 entry 0) are not modified
  SET_TEST(17)
  la t0, pt_root
  ld t1, 8(t0)
  andi t2, t1, 0xff
  CHECK(t2, PTE_V)
  srli t1, t1, 10
  slli t1, t1, 12
  ld t2, 0(t1)
  andi t2, t2, 0xff
  CHECK(t2, PTE_V)

  csrw satp, zero
  j pass

  .balign 4096
cpage:
  li a0, 0xc0de
  ret

  .data
  .align 3
ptes: .skip 16 * 8

  .bss
  .align 12
dpage:  .skip 4096
dpage2: .skip 4096
