// csrs.ts — CSR numbers and status/interrupt bit positions, with their privileged-spec names.

export const CSR_FFLAGS: u32 = 0x001;
export const CSR_FRM: u32 = 0x002;
export const CSR_FCSR: u32 = 0x003;

export const CSR_SSTATUS: u32 = 0x100;
export const CSR_SIE: u32 = 0x104;
export const CSR_STVEC: u32 = 0x105;
export const CSR_SCOUNTEREN: u32 = 0x106;
export const CSR_SENVCFG: u32 = 0x10a;
export const CSR_SSCRATCH: u32 = 0x140;
export const CSR_SEPC: u32 = 0x141;
export const CSR_SCAUSE: u32 = 0x142;
export const CSR_STVAL: u32 = 0x143;
export const CSR_SIP: u32 = 0x144;
export const CSR_STIMECMP: u32 = 0x14d;
export const CSR_SATP: u32 = 0x180;

export const CSR_MSTATUS: u32 = 0x300;
export const CSR_MISA: u32 = 0x301;
export const CSR_MEDELEG: u32 = 0x302;
export const CSR_MIDELEG: u32 = 0x303;
export const CSR_MIE: u32 = 0x304;
export const CSR_MTVEC: u32 = 0x305;
export const CSR_MCOUNTEREN: u32 = 0x306;
export const CSR_MENVCFG: u32 = 0x30a;
export const CSR_MCOUNTINHIBIT: u32 = 0x320;
export const CSR_MHPMEVENT3: u32 = 0x323;
export const CSR_MHPMEVENT31: u32 = 0x33f;
export const CSR_MSCRATCH: u32 = 0x340;
export const CSR_MEPC: u32 = 0x341;
export const CSR_MCAUSE: u32 = 0x342;
export const CSR_MTVAL: u32 = 0x343;
export const CSR_MIP: u32 = 0x344;
export const CSR_PMPCFG0: u32 = 0x3a0;
export const CSR_PMPCFG15: u32 = 0x3af;
export const CSR_PMPADDR0: u32 = 0x3b0;
export const CSR_PMPADDR63: u32 = 0x3ef;
export const CSR_MSECCFG: u32 = 0x747;
/** Debug triggers (Sdtrig): tselect and tdata1..3 exist but no trigger is implemented. */
export const CSR_TSELECT: u32 = 0x7a0;
export const CSR_TDATA3: u32 = 0x7a3;

export const CSR_MCYCLE: u32 = 0xb00;
export const CSR_MINSTRET: u32 = 0xb02;
export const CSR_MHPMCOUNTER3: u32 = 0xb03;
export const CSR_MHPMCOUNTER31: u32 = 0xb1f;
export const CSR_CYCLE: u32 = 0xc00;
export const CSR_TIME: u32 = 0xc01;
export const CSR_INSTRET: u32 = 0xc02;
export const CSR_HPMCOUNTER3: u32 = 0xc03;
export const CSR_HPMCOUNTER31: u32 = 0xc1f;

export const CSR_MVENDORID: u32 = 0xf11;
export const CSR_MARCHID: u32 = 0xf12;
export const CSR_MIMPID: u32 = 0xf13;
export const CSR_MHARTID: u32 = 0xf14;
export const CSR_MCONFIGPTR: u32 = 0xf15;

// mstatus fields
export const MSTATUS_SIE: u64 = 1 << 1;
export const MSTATUS_MIE: u64 = 1 << 3;
export const MSTATUS_SPIE: u64 = 1 << 5;
export const MSTATUS_UBE: u64 = 1 << 6;
export const MSTATUS_MPIE: u64 = 1 << 7;
export const MSTATUS_SPP: u64 = 1 << 8;
export const MSTATUS_VS: u64 = 3 << 9;
export const MSTATUS_MPP_SHIFT: u64 = 11;
export const MSTATUS_MPP: u64 = 3 << 11;
export const MSTATUS_FS: u64 = 3 << 13;
export const MSTATUS_XS: u64 = 3 << 15;
export const MSTATUS_MPRV: u64 = 1 << 17;
export const MSTATUS_SUM: u64 = 1 << 18;
export const MSTATUS_MXR: u64 = 1 << 19;
export const MSTATUS_TVM: u64 = 1 << 20;
export const MSTATUS_TW: u64 = 1 << 21;
export const MSTATUS_TSR: u64 = 1 << 22;
export const MSTATUS_UXL: u64 = 3 << 32;
export const MSTATUS_SXL: u64 = 3 << 34;
export const MSTATUS_SD: u64 = 1 << 63;

/** UXL = SXL = 2 (64-bit), read-only. */
export const MSTATUS_XLEN_FIELDS: u64 = (<u64>2 << 32) | (<u64>2 << 34);
export const MSTATUS_WRITABLE: u64 =
  MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |
  MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
export const SSTATUS_VIEW: u64 =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS |
  MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD;
export const SSTATUS_WRITABLE: u64 =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;

/** menvcfg.STCE: Sstc's stimecmp is enabled. */
export const MENVCFG_STCE: u64 = 1 << 63;

// interrupt numbers (mip/mie bits and mcause codes)
export const IRQ_SSI: u32 = 1;
export const IRQ_MSI: u32 = 3;
export const IRQ_STI: u32 = 5;
export const IRQ_MTI: u32 = 7;
export const IRQ_SEI: u32 = 9;
export const IRQ_MEI: u32 = 11;
export const MIP_SSIP: u64 = 1 << 1;
export const MIP_MSIP: u64 = 1 << 3;
export const MIP_STIP: u64 = 1 << 5;
export const MIP_MTIP: u64 = 1 << 7;
export const MIP_SEIP: u64 = 1 << 9;
export const MIP_MEIP: u64 = 1 << 11;
export const MIE_WRITABLE: u64 = 0xaaa;
export const MIDELEG_WRITABLE: u64 = 0x222;
/** All synchronous causes but ecall-from-M (11) and the reserved 10 and 14 may be delegated. */
export const MEDELEG_WRITABLE: u64 = 0xb3ff;

// exception causes
export const CAUSE_MISALIGNED_FETCH: u64 = 0;
export const CAUSE_FETCH_ACCESS: u64 = 1;
export const CAUSE_ILLEGAL_INSN: u64 = 2;
export const CAUSE_BREAKPOINT: u64 = 3;
export const CAUSE_MISALIGNED_LOAD: u64 = 4;
export const CAUSE_LOAD_ACCESS: u64 = 5;
export const CAUSE_MISALIGNED_STORE: u64 = 6;
export const CAUSE_STORE_ACCESS: u64 = 7;
export const CAUSE_ECALL_U: u64 = 8;
export const CAUSE_ECALL_S: u64 = 9;
export const CAUSE_ECALL_M: u64 = 11;
export const CAUSE_FETCH_PAGE_FAULT: u64 = 12;
export const CAUSE_LOAD_PAGE_FAULT: u64 = 13;
export const CAUSE_STORE_PAGE_FAULT: u64 = 15;
export const CAUSE_INTERRUPT: u64 = 1 << 63;

// privilege levels
export const PRIV_U: u32 = 0;
export const PRIV_S: u32 = 1;
export const PRIV_M: u32 = 3;

/** misa: MXL = 2 (RV64), extensions A, C, D, F, I, M, S, U. */
export const MISA_VALUE: u64 =
  (<u64>2 << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
