# sv39-perms.S — Sv39 permission checks on 4 KiB pages:
#   R / W / X for loads, stores, AMOs, LR and fetches from S and U mode;
#   reserved encodings W=1,R=0 (with and without X); reserved PTE bits
#   (63 N, 62:61 PBMT, 60:54) set -> page fault; U bit: S may not touch U
#   pages unless SUM = 1, may never execute them; U may not touch non-U
#   pages (SUM is irrelevant for U); MXR makes execute-only pages readable
#   (not writable); MPRV makes M-mode loads/stores use MPP's privilege and
#   translation (with SUM/MXR), never fetches.
#include "test.h"

#define VA_T   0x40000000
#define PG(n)  (VA_T + (n) * 4096)
#define A_     (PTE_V | PTE_A)
#define AD_    (PTE_V | PTE_A | PTE_D)

#define MAP4K(va, phys, flags) li a0, va; la a1, phys; li a2, flags; li a3, 0; call vm_map

/* an access in S-mode (paging on) that must fault in M with cause c */
#define S_FAULT(n, c, va, insn...) \
  SET_TEST(n); li a1, va; EXPECT_MTRAP(9020f); MRET_TO_S(9021f); 9021: insn; j fail; \
  9020: CHECK_MTRAP(c, 9021b, va)
/* an access in U-mode (running at the user alias) that must fault */
#define U_FAULT(n, c, va, insn...) \
  SET_TEST(n); li a1, va; EXPECT_MTRAP(9020f); MRET_TO_U_ALIAS(9021f); 9021: insn; j fail; \
  9020: CHECK_MCAUSE(c); CHECK_MTVAL(va); LA_USER(t0, 9021b); CHECK_MEPC_REG(t0)

#define SET_MSTATUS(bits) li t0, bits; csrs mstatus, t0
#define CLR_MSTATUS(bits) li t0, bits; csrc mstatus, t0

  .text
  .globl test_main
test_main:
  call vm_reset
  call vm_map_image
  call vm_map_image_user
  MAP4K(PG(0), dpage, A_ | PTE_R)
  MAP4K(PG(1), dpage, AD_ | PTE_R | PTE_W)
  MAP4K(PG(2), dpage, A_ | PTE_X)
  MAP4K(PG(3), dpage, AD_ | PTE_W)
  MAP4K(PG(4), dpage, A_ | PTE_R | PTE_U)
  MAP4K(PG(5), dpage, AD_ | PTE_R | PTE_W | PTE_U)
  MAP4K(PG(6), cpage, A_ | PTE_X)
  MAP4K(PG(7), cpage, A_ | PTE_R)
  MAP4K(PG(8), cpage, A_ | PTE_X | PTE_U)
  MAP4K(PG(9), dpage, A_ | PTE_X | PTE_U)
  MAP4K(PG(10), dpage, AD_ | PTE_W | PTE_X)
  MAP4K(PG(11), dpage, AD_ | PTE_R | PTE_W)
  ld t1, 0(a0)
  li t2, 1 << 54
  or t1, t1, t2
  sd t1, 0(a0)                 # reserved bit 54
  MAP4K(PG(12), dpage, AD_ | PTE_R | PTE_W)
  ld t1, 0(a0)
  li t2, 1 << 61
  or t1, t1, t2
  sd t1, 0(a0)                 # PBMT = 1 without Svpbmt
  MAP4K(PG(13), dpage, AD_ | PTE_R | PTE_W)
  ld t1, 0(a0)
  li t2, 1 << 63
  or t1, t1, t2
  sd t1, 0(a0)                 # N = 1 without Svnapot
  MAP4K(PG(14), cpage, A_ | PTE_R | PTE_X | PTE_U)
  call vm_enable
  la s0, dpage
  li t0, 0xabcd
  sd t0, 0(s0)

  # ---- S-mode ----
  SET_TEST(1)                  # R: load ok
  ENTER_S_UNTIL(1f)
  li a1, PG(0)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xabcd)
  S_FAULT(2, CAUSE_STORE_PAGE, PG(0) + 8, sd a0, 0(a1))     # R: store faults
  SET_TEST(3)                  # AMO on R page: store page fault
  li a1, PG(0)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:amoor.d a0, a0, (a1)
  j fail
1:CHECK_AMO_MCAUSE(CAUSE_STORE_PAGE, CAUSE_LOAD_PAGE)
  CHECK_MTVAL(PG(0))
  SET_TEST(4)                  # RW: load, store, AMO, LR/SC ok
  ENTER_S_UNTIL(1f)
  li a1, PG(1)
  li a2, 0x1234
  sd a2, 8(a1)
  ld a3, 8(a1)
  amoadd.d a4, a2, (a1)
  lr.d a5, (a1)
  sc.d a6, a4, (a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a3, 0x1234)
  CHECK(a4, 0xabcd)
  CHECK(a5, 0xabcd + 0x1234)
  CHECK_ZERO(a6)
  ld a0, 0(s0)
  CHECK(a0, 0xabcd)
  S_FAULT(5, CAUSE_LOAD_PAGE, PG(2), ld a0, 0(a1))          # X only: load faults
  S_FAULT(6, CAUSE_LOAD_PAGE, PG(2), lr.d a0, (a1))         # ...LR too
  SET_TEST(7)                  # MXR = 1: execute-only is readable
  SET_MSTATUS(MSTATUS_MXR)
  ENTER_S_UNTIL(1f)
  li a1, PG(2)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xabcd)
  S_FAULT(8, CAUSE_STORE_PAGE, PG(2) + 16, sd a0, 0(a1))   # ...not writable
  CLR_MSTATUS(MSTATUS_MXR)
  S_FAULT(9, CAUSE_LOAD_PAGE, PG(3), ld a0, 0(a1))          # W without R: reserved
  S_FAULT(10, CAUSE_STORE_PAGE, PG(3), sd a0, 0(a1))
  S_FAULT(11, CAUSE_STORE_PAGE, PG(10), sd a0, 0(a1))       # W X without R
  SET_TEST(12)
  li a1, PG(10)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jalr a1
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(10)
  CHECK_MTVAL_REG(t0)
  # reserved PTE bits
  S_FAULT(13, CAUSE_LOAD_PAGE, PG(11), ld a0, 0(a1))        # bit 54
  S_FAULT(14, CAUSE_LOAD_PAGE, PG(12), ld a0, 0(a1))        # PBMT
  S_FAULT(15, CAUSE_STORE_PAGE, PG(13), sd a0, 0(a1))       # N
  # U pages from S
  S_FAULT(16, CAUSE_LOAD_PAGE, PG(4), ld a0, 0(a1))         # SUM = 0
  S_FAULT(17, CAUSE_STORE_PAGE, PG(5), sd a0, 0(a1))
  SET_TEST(18)                 # SUM = 1: loads and stores allowed
  SET_MSTATUS(MSTATUS_SUM)
  ENTER_S_UNTIL(1f)
  li a1, PG(4)
  ld a0, 0(a1)
  li a1, PG(5)
  li a2, 0x77
  sd a2, 24(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xabcd)
  ld a0, 24(s0)
  CHECK(a0, 0x77)
  SET_TEST(19)                 # ...but never execution of a U page
  li a1, PG(8)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jalr a1
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(8)
  CHECK_MTVAL_REG(t0)
  CHECK_MEPC_REG(t0)
  CLR_MSTATUS(MSTATUS_SUM)
  # fetch permission in S
  SET_TEST(20)
  ENTER_S_UNTIL(1f)
  li a1, PG(6)
  jalr a1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0xc0de)
  SET_TEST(21)                 # R without X: fetch faults
  li a1, PG(7)
  EXPECT_MTRAP(1f)
  MRET_TO_S(2f)
2:jalr a1
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(7)
  CHECK_MTVAL_REG(t0)

  # ---- U-mode (code through the user alias) ----
  SET_TEST(22)
  ENTER_U_VM_UNTIL(1f)
  li a1, PG(4)
  ld a0, 0(a1)
  li a1, PG(5)
  li a2, 0x99
  sd a2, 32(a1)
  li a1, PG(8)                 # U X page
  jalr a1
  mv a3, a0
  li a1, PG(14)                # U RX page
  jalr a1
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK(a3, 0xc0de)
  CHECK(a0, 0xc0de)
  ld a0, 32(s0)
  CHECK(a0, 0x99)
  U_FAULT(23, CAUSE_LOAD_PAGE, PG(0), ld a0, 0(a1))         # non-U page
  U_FAULT(24, CAUSE_STORE_PAGE, PG(1), sd a0, 0(a1))
  U_FAULT(25, CAUSE_STORE_PAGE, PG(4), sd a0, 0(a1))        # U but read-only
  SET_TEST(26)                 # SUM does not open S pages to U
  SET_MSTATUS(MSTATUS_SUM)
  li a1, PG(1)
  EXPECT_MTRAP(1f)
  MRET_TO_U_ALIAS(2f)
2:ld a0, 0(a1)
  j fail
1:CHECK_MCAUSE(CAUSE_LOAD_PAGE)
  CLR_MSTATUS(MSTATUS_SUM)
  SET_TEST(27)                 # U fetch from a non-U executable page
  li a1, PG(6)
  EXPECT_MTRAP(1f)
  MRET_TO_U_ALIAS(2f)
2:jalr a1
  j fail
1:CHECK_MCAUSE(CAUSE_FETCH_PAGE)
  li t0, PG(6)
  CHECK_MTVAL_REG(t0)
  U_FAULT(28, CAUSE_LOAD_PAGE, PG(9), ld a0, 0(a1))         # U X-only, MXR = 0
  SET_TEST(29)                 # MXR = 1
  SET_MSTATUS(MSTATUS_MXR)
  ENTER_U_VM_UNTIL(1f)
  li a1, PG(9)
  ld a0, 0(a1)
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK(a0, 0xabcd)
  CLR_MSTATUS(MSTATUS_MXR)

  # ---- MPRV: M-mode loads/stores with MPP's privilege ----
  SET_TEST(30)                 # MPP = S: translated
  li a1, PG(1)
  li a2, 0x4321
  CLR_MSTATUS(MSTATUS_MPP)
  SET_MSTATUS(MSTATUS_MPRV | MSTATUS_MPP_S)
  sd a2, 40(a1)
  ld a0, 0(a1)
  CLR_MSTATUS(MSTATUS_MPRV)
  CHECK(a0, 0xabcd)
  ld a0, 40(s0)
  CHECK(a0, 0x4321)
  SET_TEST(31)                 # MPP = S, U page, SUM = 0: page fault in M
  li a1, PG(4)
  EXPECT_MTRAP(1f)
  CLR_MSTATUS(MSTATUS_MPP)
  SET_MSTATUS(MSTATUS_MPRV | MSTATUS_MPP_S)
2:ld a0, 0(a1)
  CLR_MSTATUS(MSTATUS_MPRV)
  j fail
1:CLR_MSTATUS(MSTATUS_MPRV)
  CHECK_MTRAP(CAUSE_LOAD_PAGE, 2b, PG(4))
  SET_TEST(32)                 # MPP = U: U page fine, S page faults
  li a1, PG(4)
  CLR_MSTATUS(MSTATUS_MPP)
  SET_MSTATUS(MSTATUS_MPRV)
  ld a0, 0(a1)
  CLR_MSTATUS(MSTATUS_MPRV)
  CHECK(a0, 0xabcd)
  SET_TEST(33)
  li a1, PG(1)
  EXPECT_MTRAP(1f)
  CLR_MSTATUS(MSTATUS_MPP)
  SET_MSTATUS(MSTATUS_MPRV)
2:sd a0, 0(a1)
  CLR_MSTATUS(MSTATUS_MPRV)
  j fail
1:CLR_MSTATUS(MSTATUS_MPRV)
  CHECK_MTRAP(CAUSE_STORE_PAGE, 2b, PG(1))
  SET_TEST(34)                 # MPP = S with MXR and SUM
  li a1, PG(2)
  li a3, PG(4)
  CLR_MSTATUS(MSTATUS_MPP)
  SET_MSTATUS(MSTATUS_MPRV | MSTATUS_MPP_S | MSTATUS_MXR | MSTATUS_SUM)
  ld a0, 0(a1)
  ld a2, 0(a3)
  CLR_MSTATUS(MSTATUS_MPRV | MSTATUS_MXR | MSTATUS_SUM)
  CHECK(a0, 0xabcd)
  CHECK(a2, 0xabcd)
  SET_TEST(35)                 # MPP = M: no translation at all
  la a1, dpage
  SET_MSTATUS(MSTATUS_MPRV | MSTATUS_MPP)
  ld a0, 0(a1)
  CLR_MSTATUS(MSTATUS_MPRV)
  CHECK(a0, 0xabcd)

  csrw satp, zero
  j pass

  .balign 4096
cpage:
  li a0, 0xc0de
  ret

  .bss
  .align 12
dpage:
  .skip 4096
