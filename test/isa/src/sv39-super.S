# sv39-super.S — Sv39 superpages: 2 MiB (level-1 leaf) and 1 GiB (level-2
# leaf) mappings translate with the low 21 / 30 virtual-address bits passed
# through, for loads, stores and instruction fetch, in S and U mode;
# misaligned superpages (PPN[0] != 0 for 2 MiB, PPN[1] or PPN[0] != 0 for
# 1 GiB) raise page faults (load/store/fetch) with tval = the address; a
# 2 MiB mapping next to 4 KiB mappings in the same gigabyte.
#include "test.h"

#define MEG2     0x200000
#define VA_2M    0x40200000            /* gigabyte 1, second 2 MiB slot */
#define VA_2M_U  0x40400000
#define VA_2M_BAD 0x40600000
#define VA_4K    0x40000000            /* first 2 MiB slot: 4 KiB pages */
#define VA_1G    0x100000000           /* gigabyte 4 -> RAM_BASE */
#define VA_1G_B1 0x140000000           /* gigabyte 5: PPN[1] != 0 */
#define VA_1G_B0 0x180000000           /* gigabyte 6: PPN[0] != 0 */
#define PA_2M    (RAM_BASE + 0x400000) /* 2 MiB aligned, past the image */
#define RW_AD    (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define RWX_AD   (RW_AD | PTE_X)

#define MAP(va, pa, flags, level) li a0, va; li a1, pa; li a2, flags; li a3, level; call vm_map

  .text
  .globl test_main
test_main:
  call vm_reset
  call vm_map_image
  call vm_map_image_user
  MAP(VA_2M, PA_2M, RW_AD, 1)
  MAP(VA_2M_U, RAM_BASE, RWX_AD | PTE_U, 1)          # the image, for U code
  MAP(VA_2M_BAD, PA_2M + 0x1000, RWX_AD, 1)          # PPN[0] != 0
  MAP(VA_1G, RAM_BASE, RWX_AD, 2)
  MAP(VA_1G_B1, RAM_BASE + MEG2, RWX_AD, 2)          # PPN[1] != 0
  MAP(VA_1G_B0, RAM_BASE + 0x1000, RWX_AD, 2)        # PPN[0] != 0
  li a0, VA_4K + 0x3000
  la a1, page4k
  li a2, RW_AD
  li a3, 0
  call vm_map
  call vm_enable

  li s0, PA_2M
  li t0, 0x1111
  sd t0, 0(s0)
  li t1, PA_2M + MEG2 - 8
  li t0, 0x2222
  sd t0, 0(t1)
  li t1, PA_2M + 0x12340
  li t0, 0x3333
  sd t0, 0(t1)

  # 1: 2 MiB page: first, last and a middle dword
  SET_TEST(1)
  ENTER_S_UNTIL(1f)
  li a1, VA_2M
  ld a2, 0(a1)
  li a3, VA_2M + MEG2 - 8
  ld a3, 0(a3)
  li a4, VA_2M + 0x12340
  ld a4, 0(a4)
  li a5, 0x4444
  li a6, VA_2M + 0x1ff000
  sd a5, 0x10(a6)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a2, 0x1111)
  CHECK(a3, 0x2222)
  CHECK(a4, 0x3333)
  li t1, PA_2M + 0x1ff010
  ld a0, 0(t1)
  CHECK(a0, 0x4444)
  # 2: the 4 KiB page in the same gigabyte still works
  SET_TEST(2)
  ENTER_S_UNTIL(1f)
  li a1, VA_4K + 0x3000
  li a2, 0x5555
  sd a2, 0x18(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  la t0, page4k
  ld a0, 0x18(t0)
  CHECK(a0, 0x5555)
  # 3: 1 GiB page: data in the image, seen through VA_1G
  SET_TEST(3)
  la t0, magic
  li t1, RAM_BASE
  sub s1, t0, t1               # offset of magic in RAM
  li t2, VA_1G
  add s1, s1, t2               # its address through the gigapage
  ENTER_S_UNTIL(1f)
  ld a0, 0(s1)
  li a2, 0x6666
  sd a2, 8(s1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xfedcba9876543210)
  la t0, magic
  ld a0, 8(t0)
  CHECK(a0, 0x6666)
  # 4: fetch through the gigapage
  SET_TEST(4)
  la t0, routine
  li t1, RAM_BASE
  sub s1, t0, t1
  li t2, VA_1G
  add s1, s1, t2
  ENTER_S_UNTIL(1f)
  jalr ra, 0(s1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0x5117)
  # 5: U-mode code and data through a 2 MiB U page
  SET_TEST(5)
  la t0, routine
  li t1, RAM_BASE
  sub s1, t0, t1
  li t2, VA_2M_U
  add s1, s1, t2
  la t0, magic
  sub s2, t0, t1
  add s2, s2, t2
  li a0, 0
  ENTER_U_VM_UNTIL(1f)
  jalr ra, 0(s1)
  ld a1, 0(s2)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK(a0, 0x5117)
  CHECK(a1, 0xfedcba9876543210)
  # U code running at its own 2 MiB alias
  SET_TEST(6)
  la t0, 2f
  li t1, RAM_BASE
  sub t0, t0, t1
  li t2, VA_2M_U
  add t0, t0, t2
  EXPECT_MTRAP(1f)
  MRET_TO_U_REG(t0)
2:auipc a0, 0
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  la t0, 2b
  li t1, RAM_BASE
  sub t0, t0, t1
  li t2, VA_2M_U
  add t0, t0, t2
  CHECK_EQ(a0, t0)
  addi t0, t0, 4               # the ecall
  CHECK_MEPC_REG(t0)

  # 7-9: misaligned 2 MiB superpage: load, store, fetch page faults
  SET_TEST(7)
  li a1, VA_2M_BAD + 0x100
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, VA_2M_BAD + 0x100)
  SET_TEST(8)
  li a1, VA_2M_BAD
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sw a0, 4(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, VA_2M_BAD + 4)
  SET_TEST(9)
  li a1, VA_2M_BAD + 0x1000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jalr ra, 0(a1)
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, VA_2M_BAD + 0x1000
  CHECK_MTVAL_REG(t0)
  CHECK_MEPC_REG(t0)
  # 10-12: misaligned 1 GiB superpages
  SET_TEST(10)
  li a1, VA_1G_B1
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, VA_1G_B1)
  SET_TEST(11)
  li a1, VA_1G_B0 + 0x888
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:sd a0, 0(a1)
  j fail
1:CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, VA_1G_B0 + 0x888)
  SET_TEST(12)
  li a1, VA_1G_B0 + 0x1000
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jr a1
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, VA_1G_B0 + 0x1000
  CHECK_MTVAL_REG(t0)

  csrw satp, zero
  j pass

routine:
  li a0, 0x5117
  ret

  .data
  .align 3
magic:
  .dword 0xfedcba9876543210
  .dword 0

  .bss
  .align 12
page4k:
  .skip 4096
