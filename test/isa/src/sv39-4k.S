# sv39-4k.S — Sv39 translation with 4 KiB pages, from S-mode:
#   loads/stores/fetches through a mapping reach the right physical page,
#   two virtual pages aliasing one physical page, high (sign-extended)
#   virtual addresses, a misaligned access spanning two virtual pages backed
#   by non-adjacent physical pages, M-mode staying untranslated;
#   page faults (load 13, store 15, fetch 12) with tval = the faulting
#   virtual address for: invalid leaf, invalid upper level, a non-leaf PTE
#   at level 0, non-canonical addresses, a fetch whose 32-bit instruction
#   straddles into an unmapped page (tval = the second page), a misaligned
#   load/store running into an unmapped page (tval = the first byte in that
#   page); access faults (not page faults) for leaves and page-table
#   pointers that point outside RAM; page faults delegated to S (stval).
#include "test.h"

#define VA_T   0x40000000
#define PG(n)  (VA_T + (n) * 4096)
#define VA_HI  0xffffffffc0000000      /* top gigabyte, canonical */
#define RW_AD  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define X_A    (PTE_V | PTE_R | PTE_X | PTE_A)

/* map one 4 KiB page: va -> phys (a symbol + offset) */
#define MAP4K(va, phys, flags) li a0, va; la a1, phys; li a2, flags; li a3, 0; call vm_map

  .text
  .globl test_main
test_main:
  call vm_reset
  call vm_map_image
  MAP4K(PG(0), pages, RW_AD)
  MAP4K(PG(1), pages + 2 * 4096, RW_AD)   # PG(0), PG(1): not adjacent physically
  MAP4K(PG(2), pages, RW_AD)              # alias of PG(0)
  MAP4K(PG(3), codepage, X_A)
  # PG(4) stays unmapped (its level-0 table exists)
  MAP4K(PG(5), codepage + 4096, X_A)      # PG(6) unmapped: fetch straddle
  MAP4K(PG(8), pages + 3 * 4096, RW_AD)   # PG(9) unmapped
  li a0, VA_HI + 0x5000
  la a1, pages + 4 * 4096
  li a2, RW_AD
  li a3, 0
  call vm_map
  # PG(10): a level-0 PTE that is a pointer (V=1, R=W=X=0)
  MAP4K(PG(10), pages, PTE_V)
  # PG(11): leaf pointing outside RAM and devices
  li a0, PG(11)
  li a1, UNMAPPED_ADDR
  li a2, RW_AD | PTE_X
  li a3, 0
  call vm_map
  # gigapage index 5 (VA 0x140000000): root entry is a pointer to a "table"
  # outside RAM -> access fault during the walk
  la t0, pt_root
  li t1, (UNMAPPED_ADDR >> 12) << 10 | PTE_V
  sd t1, 5 * 8(t0)
  call vm_enable

  la s0, pages
  li s1, 0x1122334455667788
  sd s1, 0(s0)

  # 1: S-mode load/store through PG(0) reach pages[0]
  SET_TEST(1)
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  ld a0, 0(a1)
  li a2, 0xa5a5
  sd a2, 8(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_EQ(a0, s1)
  ld a3, 8(s0)
  CHECK(a3, 0xa5a5)
  # 2: aliases: a store through PG(2) is seen through PG(0)
  SET_TEST(2)
  ENTER_S_UNTIL(1f)
  li a1, PG(2)
  li a2, 0x7777
  sw a2, 16(a1)
  li a1, PG(0)
  lw a0, 16(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0x7777)
  # 3: fetch through a mapping: call code in PG(3)
  SET_TEST(3)
  ENTER_S_UNTIL(1f)
  li t0, PG(3)
  jalr ra, 0(t0)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0x600d)
  # 4: a high virtual address
  SET_TEST(4)
  ENTER_S_UNTIL(1f)
  li a1, VA_HI + 0x5000
  li a2, 0xfeed
  sh a2, 0x7fe(a1)
  lhu a0, 0x7fe(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xfeed)
  la t0, pages + 4 * 4096
  lhu a0, 0x7fe(t0)
  CHECK(a0, 0xfeed)
  # 5: misaligned across PG(0)/PG(1), physically pages[0] end / pages[2] start
  SET_TEST(5)
  la s2, pages + 4088
  la s3, pages + 2 * 4096
  li t0, 0x0807060504030201
  sd t0, 0(s2)
  li t0, 0x100f0e0d0c0b0a09
  sd t0, 0(s3)
  ENTER_S_UNTIL(1f)
  li a1, PG(0) + 4092
  ld a0, 0(a1)
  li a2, 0xccbbaa99
  sw a2, 2(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0x0c0b0a0908070605)
  ld a0, 0(s2)
  CHECK(a0, 0xaa99060504030201)
  ld a0, 0(s3)
  CHECK(a0, 0x100f0e0d0c0bccbb)
  # 6: M-mode is not translated
  SET_TEST(6)
  la t0, pages
  ld a0, 0(t0)
  CHECK_EQ(a0, s1)

  # 7-9: invalid leaf: load, store, fetch page faults
  SET_TEST(7)
  li a1, PG(4) + 0x123
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:lb a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, PG(4) + 0x123)
  SET_TEST(8)
  li a1, PG(4)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sd a0, 0x7f8(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, PG(4) + 0x7f8)
  SET_TEST(9)
  li a1, PG(4) + 0x40
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jalr ra, 0(a1)
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(4) + 0x40
  CHECK_MEPC_REG(t0)
  CHECK_MTVAL_REG(t0)
  # 10: AMO on an unmapped page: store page fault
  SET_TEST(10)
  li a1, PG(4) + 8
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:amoadd.d a0, a0, (a1)
  j fail
1:CHECK_AMO_MCAUSE(CAUSE_STORE_PAGE, CAUSE_LOAD_PAGE)
  CHECK_MEPC(2b)
  CHECK_MTVAL(PG(4) + 8)
  # 11: invalid root entry (gigapage index 4)
  SET_TEST(11)
  li a1, 0x100000000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 16(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, 0x100000010)
  # 12: a pointer PTE at level 0 is a page fault
  SET_TEST(12)
  li a1, PG(10)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, PG(10))
  # 13-14: non-canonical addresses (bits 63:39 must equal bit 38)
  SET_TEST(13)
  li a1, 0x0000008000000000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, 0x0000008000000000)
  SET_TEST(14)
  li a1, 0xffff000040000000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sd a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, 0xffff000040000000)

  # 15: 32-bit instruction straddling PG(5) -> unmapped PG(6):
  #     epc = its start, tval = the start of PG(6)
  SET_TEST(15)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:li t0, PG(5) + 4096 - 6
  jalr ra, 0(t0)
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(5) + 4096 - 2
  CHECK_MEPC_REG(t0)
  li t0, PG(6)
  CHECK_MTVAL_REG(t0)
  CHECK(a0, 48)                # the instructions before it ran

  # 16-17: misaligned access running into the unmapped PG(9)
  SET_TEST(16)
  li a1, PG(8) + 4092
  li a0, 0x5a5a
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MCAUSE(CAUSE_LOAD_PAGE)
  CHECK_MEPC(2b)
  CHECK(a0, 0x5a5a)
  CHECK_MTVAL(PG(9))
  SET_TEST(17)
  li a1, PG(8) + 4094
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sw a0, 0(a1)
  j fail
1:CHECK_MCAUSE(CAUSE_STORE_PAGE)
  CHECK_MTVAL(PG(9))

  # 18-20: access faults: leaf outside RAM, page-table pointer outside RAM
  SET_TEST(18)
  li a1, PG(11) + 0x10
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_ACCESS, 2b, PG(11) + 0x10)
  SET_TEST(19)
  li a1, PG(11)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jalr ra, 0(a1)
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_ACCESS)
  li t0, PG(11)
  CHECK_MTVAL_REG(t0)
  SET_TEST(20)
  li a1, 0x140000000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sd a0, 0(a1)
  j fail
  # (QEMU 7.2 raises a page fault when a PTE read fails; the spec says an
  # access fault of the original access type)
1:
#if QEMU_REFERENCE
  LOAD_MTRAP(t5, TR_CAUSE)
  li t6, CAUSE_STORE_PAGE
  beq t5, t6, 3f
#endif
  CHECK_MCAUSE(CAUSE_STORE_ACCESS)
3:CHECK_MEPC(2b)
  CHECK_MTVAL(0x140000000)

  # 21-23: page faults delegated to S-mode: stval, sepc; M not involved
  li t0, (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE)
  csrw medeleg, t0
  SET_TEST(21)
  li a1, PG(4) + 0x18
  EXPECT_STRAP(3f)
  EXPECT_MTRAP(4f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
3:ecall
4:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_STRAP(CAUSE_LOAD_PAGE, 2b, PG(4) + 0x18)
  SET_TEST(22)
  li a1, PG(4) + 0x20
  EXPECT_STRAP(3f)
  EXPECT_MTRAP(4f)
  MRET_TO_S(2f)
2:sb a0, 0(a1)
  j fail
3:ecall
4:CHECK_STRAP(CAUSE_STORE_PAGE, 2b, PG(4) + 0x20)
  SET_TEST(23)
  li a1, PG(4)
  EXPECT_STRAP(3f)
  EXPECT_MTRAP(4f)
  MRET_TO_S(2f)
2:jr a1
  j fail
3:ecall
4:CHECK_SCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(4)
  CHECK_SEPC_REG(t0)
  CHECK_STVAL_REG(t0)
  csrw medeleg, zero

  csrw satp, zero
  j pass

# ---------------------------------------------------------------------------
  .balign 4096
codepage:                      # mapped at PG(3)
  li a0, 0x600d
  ret
  .balign 4096                 # mapped at PG(5); ends with a straddling insn
  .skip 4096 - 6
  .option rvc
  c.li a0, 17                  # PG(5) + 4090
  c.addi a0, 31                # PG(5) + 4092
  .option norvc
  addi a0, a0, 1               # PG(5) + 4094: straddles into PG(6)

  .bss
  .align 12
pages:
  .skip 5 * 4096
