/*
 * test.h — wasmvisor ISA test environment: constants and macros.
 *
 * Conventions (see ../README.md):
 *   - every test file defines `test_main`, entered in M-mode by crt.S with
 *     paging off, no delegation, interrupts off, mtvec/stvec pointing at the
 *     environment's trap handlers;
 *   - gp (TESTNUM) holds the number of the running sub-test; `j fail` reports
 *     it to the host through tohost ((n << 1) | 1), `j pass` reports 1;
 *   - t5 and t6 are scratch registers of the macros below: test code must not
 *     keep values in them across a macro;
 *   - a trap that nobody expected fails the running sub-test.  To expect one,
 *     EXPECT_MTRAP(label) / EXPECT_STRAP(label) arm the M-/S-mode handler for
 *     exactly one trap: it records cause/epc/tval/status and resumes at
 *     `label`, in M-mode (resp. S-mode) with MIE (resp. SIE) = 0 and every
 *     general register unchanged.
 */
#ifndef WASMVISOR_TEST_H
#define WASMVISOR_TEST_H

#define TESTNUM gp

/* ---- CSR fields ------------------------------------------------------- */
#define MSTATUS_SIE   0x2
#define MSTATUS_MIE   0x8
#define MSTATUS_SPIE  0x20
#define MSTATUS_MPIE  0x80
#define MSTATUS_SPP   0x100
#define MSTATUS_MPP   0x1800
#define MSTATUS_MPP_S 0x0800
#define MSTATUS_MPP_M 0x1800
#define MSTATUS_FS    0x6000
#define MSTATUS_XS    0x18000
#define MSTATUS_MPRV  0x20000
#define MSTATUS_SUM   0x40000
#define MSTATUS_MXR   0x80000
#define MSTATUS_TVM   0x100000
#define MSTATUS_TW    0x200000
#define MSTATUS_TSR   0x400000
#define MSTATUS_UXL   0x300000000
#define MSTATUS_SXL   0xC00000000
#define MSTATUS_SD    0x8000000000000000

#define SSTATUS_SIE   MSTATUS_SIE
#define SSTATUS_SPIE  MSTATUS_SPIE
#define SSTATUS_SPP   MSTATUS_SPP
#define SSTATUS_SUM   MSTATUS_SUM
#define SSTATUS_MXR   MSTATUS_MXR

#define MIP_SSIP 0x2
#define MIP_MSIP 0x8
#define MIP_STIP 0x20
#define MIP_MTIP 0x80
#define MIP_SEIP 0x200
#define MIP_MEIP 0x800

#define IRQ_FLAG 0x8000000000000000
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_AD  (PTE_A | PTE_D)

#define SATP_SV39 0x8000000000000000

/* ---- machine ---------------------------------------------------------- */
#define CLINT_BASE     0x02000000
#define CLINT_MSIP     0x02000000
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME    0x0200BFF8
#define RAM_BASE       0x80000000
#define UNMAPPED_ADDR  0x40000000   /* neither RAM nor a device */

/* U-mode code under Sv39 runs through an alias of the image: the gigapage at
 * VA USER_ALIAS maps PA RAM_BASE with the U bit (see vm_map_image_user). */
#define USER_ALIAS     0xC0000000
#define USER_OFFSET    (USER_ALIAS - RAM_BASE)

/* ---- trap record layout (m_trap_area / s_trap_area in crt.S) ----------- */
#define TR_SAVE0  0
#define TR_SAVE1  8
#define TR_SAVE2  16
#define TR_RESUME 24
#define TR_CAUSE  32
#define TR_EPC    40
#define TR_TVAL   48
#define TR_STATUS 56
#define TR_COUNT  64
#define TR_SIZE   80

#define NO_TRAP   0xbadbadbadbad   /* cause recorded when no trap happened */

/* ---- QEMU reference runs ----------------------------------------------
 * Sub-tests where QEMU 7.2 (the reference used to check this suite) deviates
 * from the RISC-V specification are wrapped in `#if !QEMU_REFERENCE`; the
 * committed ELFs contain them, `make check-qemu` builds copies without them
 * (-DQEMU_REFERENCE=1).  README.md lists every such case.                  */
#ifndef QEMU_REFERENCE
#define QEMU_REFERENCE 0
#endif

/* ---- assembler setup --------------------------------------------------- */
#ifdef __ASSEMBLER__
  .option norvc   /* sizes of instructions are predictable; rv64c*.S re-enable */

/* ---- checks ------------------------------------------------------------ */
#define SET_TEST(n)        li TESTNUM, n
/* fail unless register a == register b */
#define CHECK_EQ(a, b)     beq a, b, 9001f; j fail; 9001:
#define CHECK_NE(a, b)     bne a, b, 9001f; j fail; 9001:
/* fail unless register r == constant */
#define CHECK(r, val)      li t6, val; CHECK_EQ(r, t6)
#define CHECK_LABEL(r, l)  la t6, l; CHECK_EQ(r, t6)
#define CHECK_ZERO(r)      CHECK_EQ(r, zero)
#define CHECK_NONZERO(r)   CHECK_NE(r, zero)
/* fail unless (r & mask) == val */
#define CHECK_BITS(r, mask, val) li t6, mask; and t6, r, t6; li t5, val; CHECK_EQ(t5, t6)

/* TEST_CASE(n, reg, expected, code): run `code`, then reg must equal expected */
#define TEST_CASE(n, reg, exp, code...) SET_TEST(n); code; CHECK(reg, exp)

/* register-register and register-immediate ALU forms */
#define TEST_RR(n, op, exp, v1, v2) \
  TEST_CASE(n, a0, exp, li a1, v1; li a2, v2; op a0, a1, a2)
#define TEST_RR_S1D(n, op, exp, v1, v2) \
  TEST_CASE(n, a1, exp, li a1, v1; li a2, v2; op a1, a1, a2)
#define TEST_RR_S2D(n, op, exp, v1, v2) \
  TEST_CASE(n, a2, exp, li a1, v1; li a2, v2; op a2, a1, a2)
#define TEST_RR_SSD(n, op, exp, v1) \
  TEST_CASE(n, a1, exp, li a1, v1; op a1, a1, a1)
#define TEST_RR_Z1(n, op, exp, v2) \
  TEST_CASE(n, a0, exp, li a2, v2; op a0, zero, a2)
#define TEST_RR_Z2(n, op, exp, v1) \
  TEST_CASE(n, a0, exp, li a1, v1; op a0, a1, zero)
#define TEST_RR_ZD(n, op, v1, v2) \
  TEST_CASE(n, zero, 0, li a1, v1; li a2, v2; op zero, a1, a2)
#define TEST_RI(n, op, exp, v1, imm) \
  TEST_CASE(n, a0, exp, li a1, v1; op a0, a1, imm)
#define TEST_RI_SD(n, op, exp, v1, imm) \
  TEST_CASE(n, a1, exp, li a1, v1; op a1, a1, imm)
#define TEST_RI_Z1(n, op, exp, imm) \
  TEST_CASE(n, a0, exp, op a0, zero, imm)

/* ---- traps ------------------------------------------------------------- */
#define EXPECT_MTRAP(lbl) \
  la t5, m_trap_area; la t6, lbl; sd t6, TR_RESUME(t5); li t6, NO_TRAP; sd t6, TR_CAUSE(t5)
#define EXPECT_STRAP(lbl) \
  la t5, s_trap_area; la t6, lbl; sd t6, TR_RESUME(t5); li t6, NO_TRAP; sd t6, TR_CAUSE(t5)
/* expect a trap whose resume address is in a register */
#define EXPECT_MTRAP_REG(r) \
  la t5, m_trap_area; sd r, TR_RESUME(t5); li t6, NO_TRAP; sd t6, TR_CAUSE(t5)
#define EXPECT_STRAP_REG(r) \
  la t5, s_trap_area; sd r, TR_RESUME(t5); li t6, NO_TRAP; sd t6, TR_CAUSE(t5)
/* disarm (after a trap that was allowed but did not happen) */
#define DISARM_MTRAP  la t5, m_trap_area; sd zero, TR_RESUME(t5)
#define DISARM_STRAP  la t5, s_trap_area; sd zero, TR_RESUME(t5)

/* load a field of the last recorded M/S trap into a register */
#define LOAD_MTRAP(r, field) la r, m_trap_area; ld r, field(r)
#define LOAD_STRAP(r, field) la r, s_trap_area; ld r, field(r)

#define CHECK_MCAUSE(c)  LOAD_MTRAP(t5, TR_CAUSE); CHECK(t5, c)
#define CHECK_MEPC(l)    LOAD_MTRAP(t5, TR_EPC); CHECK_LABEL(t5, l)
#define CHECK_MEPC_REG(r) LOAD_MTRAP(t5, TR_EPC); CHECK_EQ(t5, r)
#define CHECK_MTVAL(v)   LOAD_MTRAP(t5, TR_TVAL); CHECK(t5, v)
#define CHECK_MTVAL_LABEL(l) LOAD_MTRAP(t5, TR_TVAL); CHECK_LABEL(t5, l)
#define CHECK_MTVAL_REG(r) LOAD_MTRAP(t5, TR_TVAL); CHECK_EQ(t5, r)
#define CHECK_SCAUSE(c)  LOAD_STRAP(t5, TR_CAUSE); CHECK(t5, c)
#define CHECK_SEPC(l)    LOAD_STRAP(t5, TR_EPC); CHECK_LABEL(t5, l)
#define CHECK_SEPC_REG(r) LOAD_STRAP(t5, TR_EPC); CHECK_EQ(t5, r)
#define CHECK_STVAL(v)   LOAD_STRAP(t5, TR_TVAL); CHECK(t5, v)
#define CHECK_STVAL_LABEL(l) LOAD_STRAP(t5, TR_TVAL); CHECK_LABEL(t5, l)
#define CHECK_STVAL_REG(r) LOAD_STRAP(t5, TR_TVAL); CHECK_EQ(t5, r)
/* after an EXPECT_xTRAP: the trap did not happen (then DISARM) */
#define CHECK_NO_MTRAP   CHECK_MCAUSE(NO_TRAP)
#define CHECK_NO_STRAP   CHECK_SCAUSE(NO_TRAP)
/* one M trap: cause, epc == label, tval */
#define CHECK_MTRAP(c, l, v) CHECK_MCAUSE(c); CHECK_MEPC(l); CHECK_MTVAL(v)
#define CHECK_STRAP(c, l, v) CHECK_SCAUSE(c); CHECK_SEPC(l); CHECK_STVAL(v)

/* EBREAK / C.EBREAK tval: the spec allows 0 or the pc; wasmvisor's platform
   writes the pc; QEMU 7.2 writes 0, so its reference build accepts either */
#if QEMU_REFERENCE
#define CHECK_MTVAL_EBREAK(l) LOAD_MTRAP(t5, TR_TVAL); beqz t5, 9009f; CHECK_LABEL(t5, l); 9009:
#define CHECK_STVAL_EBREAK(l) LOAD_STRAP(t5, TR_TVAL); beqz t5, 9009f; CHECK_LABEL(t5, l); 9009:
#else
#define CHECK_MTVAL_EBREAK(l) CHECK_MTVAL_LABEL(l)
#define CHECK_STVAL_EBREAK(l) CHECK_STVAL_LABEL(l)
#endif

/* AMO faults: always store/AMO causes (7, 15).  QEMU 7.2 reports the load
   cause (5, 13) for AMOs; its reference build accepts that too. */
#if QEMU_REFERENCE
#define CHECK_AMO_MCAUSE(c, qemu_c) LOAD_MTRAP(t5, TR_CAUSE); li t6, qemu_c; beq t5, t6, 9015f; CHECK_MCAUSE(c); 9015:
#define CHECK_AMO_SCAUSE(c, qemu_c) LOAD_STRAP(t5, TR_CAUSE); li t6, qemu_c; beq t5, t6, 9015f; CHECK_SCAUSE(c); 9015:
#else
#define CHECK_AMO_MCAUSE(c, qemu_c) CHECK_MCAUSE(c)
#define CHECK_AMO_SCAUSE(c, qemu_c) CHECK_SCAUSE(c)
#endif

/* ---- privilege changes -------------------------------------------------- */
/* from M-mode: mret to `lbl` in S (or U) mode; MPIE <- 0 so MIE stays 0 */
#define MRET_TO_S(lbl) \
  li t6, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t6; li t6, MSTATUS_MPP_S; csrs mstatus, t6; \
  la t6, lbl; csrw mepc, t6; mret
#define MRET_TO_U(lbl) \
  li t6, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t6; la t6, lbl; csrw mepc, t6; mret
/* same, to the address held in a register */
#define MRET_TO_S_REG(r) \
  li t6, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t6; li t6, MSTATUS_MPP_S; csrs mstatus, t6; \
  csrw mepc, r; mret
#define MRET_TO_U_REG(r) \
  li t6, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t6; csrw mepc, r; mret
/* from S-mode: sret to `lbl` in U mode; SPIE <- 0 */
#define SRET_TO_U(lbl) \
  li t6, SSTATUS_SPP | SSTATUS_SPIE; csrc sstatus, t6; la t6, lbl; csrw sepc, t6; sret
#define SRET_TO_U_REG(r) \
  li t6, SSTATUS_SPP | SSTATUS_SPIE; csrc sstatus, t6; csrw sepc, r; sret

/* Under Sv39, U-mode code runs through the USER_ALIAS mapping of the image:
   these enter U at label + USER_OFFSET (code must be position-independent:
   la/call/j are pc-relative) */
#define MRET_TO_U_ALIAS(lbl) \
  li t6, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t6; la t6, lbl; li t5, USER_OFFSET; add t6, t6, t5; \
  csrw mepc, t6; mret
#define SRET_TO_U_ALIAS(lbl) \
  li t6, SSTATUS_SPP | SSTATUS_SPIE; csrc sstatus, t6; la t6, lbl; li t5, USER_OFFSET; add t6, t6, t5; \
  csrw sepc, t6; sret
#define ENTER_U_VM_UNTIL(back)  EXPECT_MTRAP(back); MRET_TO_U_ALIAS(9002f); 9002:
/* label + USER_OFFSET -> register */
#define LA_USER(r, lbl) la r, lbl; li t6, USER_OFFSET; add r, r, t6

/* run the code between RUN_IN_U(lbl) ... ecall ... lbl: in U-mode (paging off);
   back in M-mode at lbl with the ecall recorded */
#define ENTER_U_UNTIL(back)  EXPECT_MTRAP(back); MRET_TO_U(9002f); 9002:
#define ENTER_S_UNTIL(back)  EXPECT_MTRAP(back); MRET_TO_S(9002f); 9002:

/* ---- Sv39 helpers (crt.S) -----------------------------------------------
 *   call vm_reset                  empty root table, page-table pool emptied
 *   a0=va a1=pa a2=flags a3=level; call vm_map   (level 0=4K, 1=2M, 2=1G)
 *        returns a0 = physical address of the leaf PTE
 *   call vm_map_image              VA=PA gigapage at RAM_BASE, RWX A D, no U
 *   call vm_map_image_user         gigapage VA USER_ALIAS -> RAM_BASE, RWX U A D
 *   call vm_enable                 satp = Sv39 | root, sfence.vma
 * All clobber a0-a7, t0-t4 and ra only.                                      */
#define SATP_OF_ROOT(r) la r, pt_root; srli r, r, 12; li t6, SATP_SV39; or r, r, t6

#endif /* __ASSEMBLER__ */
#endif
