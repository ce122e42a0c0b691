// csr.ts — CSR reads and writes: WARL masks, the sstatus/sie/sip views, counters, and access checks.
import {
  CSR_CYCLE, CSR_FCSR, CSR_FFLAGS, CSR_FRM, CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, CSR_INSTRET,
  CSR_MARCHID, CSR_MCAUSE, CSR_MCONFIGPTR, CSR_MCOUNTEREN, CSR_MCOUNTINHIBIT, CSR_MCYCLE,
  CSR_MEDELEG, CSR_MENVCFG,
  CSR_MEPC, CSR_MHARTID, CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, CSR_MHPMEVENT3, CSR_MHPMEVENT31,
  CSR_MIDELEG, CSR_MIE, CSR_MIMPID, CSR_MINSTRET, CSR_MIP, CSR_MISA, CSR_MSCRATCH, CSR_MSECCFG,
  CSR_MSTATUS, CSR_MTVAL, CSR_MTVEC, CSR_MVENDORID, CSR_PMPADDR0, CSR_PMPADDR63, CSR_PMPCFG0,
  CSR_PMPCFG15, CSR_SATP, CSR_SCAUSE, CSR_SCOUNTEREN, CSR_SENVCFG, CSR_SEPC, CSR_SIE, CSR_SIP,
  CSR_SSCRATCH, CSR_SSTATUS, CSR_STIMECMP, CSR_TDATA3, CSR_TSELECT, CSR_STVAL, CSR_STVEC, CSR_TIME, MENVCFG_STCE, MEDELEG_WRITABLE, MIDELEG_WRITABLE,
  MIE_WRITABLE, MIP_SEIP, MIP_SSIP, MIP_STIP, MSTATUS_FS, MSTATUS_MPP, MSTATUS_MXR, MSTATUS_SD,
  MSTATUS_SUM, MSTATUS_TVM, MSTATUS_WRITABLE, MSTATUS_XLEN_FIELDS, PRIV_M, PRIV_S, PRIV_U,
  SSTATUS_VIEW, SSTATUS_WRITABLE,
} from "./csrs";
import {
  chunkLeft, currentInstret, endChunk, mcause, mcounteren, mcountinhibit, medeleg, menvcfg, mepc, mideleg,
  mie, mip, mipSoft, misa, mscratch, mstatus, mtval, mtvec, priv, satp, scause, scounteren,
  senvcfg, sepc, sscratch, stimecmp, stval, stvec,
} from "./state";
import { flushTlb, updateTlbBases } from "./mmu";
import { mtime, supervisorTimerActive, updateTimerLine } from "../irq/clint";
import { fflags, fpReset, frm, markFsDirty } from "./fpu/regs";
import { put, take } from "../state-io";

/** Set by csrRead/csrWrite when the CSR does not exist. */
export let csrMissing: bool = false;

// mcycle and minstret are the retired count plus an offset (a write sets the offset); while
// mcountinhibit.CY / .IR is set the counter stands still at its *Frozen value instead.
let cycleOffset: u64 = 0;
let instretOffset: u64 = 0;
let cycleFrozen: u64 = 0;
let instretFrozen: u64 = 0;
const INHIBIT_CY: u64 = 1;
const INHIBIT_IR: u64 = 4;
let mseccfg: u64 = 0;
const PMP_COUNT: u32 = 64;
// pmpcfg0, 2, ... 14 (RV64 has only the even ones) and pmpaddr0..63: WARL storage, not enforced.
const pmpcfg = new StaticArray<u64>(8);
const pmpaddr = new StaticArray<u64>(PMP_COUNT);

export function csrReset(): void {
  cycleOffset = 0;
  instretOffset = 0;
  cycleFrozen = 0;
  instretFrozen = 0;
  mseccfg = 0;
  for (let i = 0; i < 8; i++) pmpcfg[i] = 0;
  for (let i: u32 = 0; i < PMP_COUNT; i++) pmpaddr[i] = 0;
  fpReset();
}

@inline function withSd(s: u64): u64 {
  return (s & MSTATUS_FS) == MSTATUS_FS ? s | MSTATUS_SD : s & ~MSTATUS_SD;
}

/**
 * May the current privilege access this CSR? Checks the privilege encoded in the number,
 * read-only CSRs, the counter-enable registers and mstatus.TVM. Existence is checked separately.
 */
export function csrAllowed(csr: u32, isWrite: bool): bool {
  if (priv < ((csr >> 8) & 3)) return false;
  // fflags, frm, fcsr: any privilege, but not while the FPU is off (mstatus.FS = Off)
  if (csr - CSR_FFLAGS <= CSR_FCSR - CSR_FFLAGS && (mstatus & MSTATUS_FS) == 0) return false;
  if (isWrite && (csr >> 10) == 3) return false;
  if (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31) {
    const bit = <u64>1 << <u64>(csr - CSR_CYCLE);
    if (priv < PRIV_M && (mcounteren & bit) == 0) return false;
    if (priv == PRIV_U && (scounteren & bit) == 0) return false;
  }
  if (csr == CSR_SATP && priv == PRIV_S && (mstatus & MSTATUS_TVM) != 0) return false;
  if (csr == CSR_STIMECMP && priv < PRIV_M) {
    // Sstc: S-mode may use stimecmp only when M-mode enabled it and the time counter.
    if ((menvcfg & MENVCFG_STCE) == 0 || (mcounteren & 2) == 0) return false;
  }
  return true;
}

export function csrRead(csr: u32): u64 {
  csrMissing = false;
  switch (csr) {
    case CSR_FFLAGS: return <u64>fflags;
    case CSR_FRM: return <u64>frm;
    case CSR_FCSR: return <u64>((frm << 5) | fflags);
    case CSR_SSTATUS: return withSd(mstatus) & SSTATUS_VIEW;
    case CSR_SIE: return mie & mideleg;
    case CSR_STVEC: return stvec;
    case CSR_SCOUNTEREN: return scounteren;
    case CSR_SENVCFG: return senvcfg;
    case CSR_SSCRATCH: return sscratch;
    case CSR_SEPC: return sepc;
    case CSR_SCAUSE: return scause;
    case CSR_STVAL: return stval;
    case CSR_SIP: return mip() & mideleg;
    case CSR_SATP: return satp;
    case CSR_STIMECMP: return stimecmp;
    case CSR_MSTATUS: return withSd(mstatus);
    case CSR_MISA: return misa;
    case CSR_MEDELEG: return medeleg;
    case CSR_MIDELEG: return mideleg;
    case CSR_MIE: return mie;
    case CSR_MTVEC: return mtvec;
    case CSR_MCOUNTEREN: return mcounteren;
    case CSR_MENVCFG: return menvcfg;
    case CSR_MCOUNTINHIBIT: return mcountinhibit;
    case CSR_MSCRATCH: return mscratch;
    case CSR_MEPC: return mepc;
    case CSR_MCAUSE: return mcause;
    case CSR_MTVAL: return mtval;
    case CSR_MIP: return mip();
    case CSR_MSECCFG: return mseccfg;
    case CSR_MCYCLE: case CSR_CYCLE:
      return (mcountinhibit & INHIBIT_CY) != 0 ? cycleFrozen : currentInstret() + cycleOffset;
    case CSR_MINSTRET: case CSR_INSTRET:
      return (mcountinhibit & INHIBIT_IR) != 0 ? instretFrozen : currentInstret() + instretOffset;
    case CSR_TIME: return mtime();
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MHARTID: case CSR_MCONFIGPTR:
      return 0;
  }
  if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
      (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) ||
      (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
    return 0; // no extra hardware performance counters: read-only zero (WARL)
  }
  if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
    if ((csr & 1) != 0) { // RV64 has only the even pmpcfg registers
      csrMissing = true;
      return 0;
    }
    return pmpcfg[(csr - CSR_PMPCFG0) >> 1];
  }
  if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) return pmpaddr[csr - CSR_PMPADDR0];
  // tdata1 = 0 says "no trigger here", which is how software discovers there are none.
  if (csr >= CSR_TSELECT && csr <= CSR_TDATA3) return 0;
  csrMissing = true;
  return 0;
}

/** Write a CSR (after csrAllowed). Writes that can change interrupt state end the chunk. */
export function csrWrite(csr: u32, v: u64): void {
  csrMissing = false;
  switch (csr) {
    case CSR_FFLAGS: fflags = <u32>v & 0x1f; markFsDirty(); return;
    case CSR_FRM: frm = <u32>v & 7; markFsDirty(); return;
    case CSR_FCSR: {
      fflags = <u32>v & 0x1f;
      frm = <u32>(v >> 5) & 7;
      markFsDirty();
      return;
    }
    case CSR_SSTATUS: {
      writeMstatus((mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE));
      return;
    }
    case CSR_SIE: {
      mie = (mie & ~mideleg) | (v & mideleg & MIE_WRITABLE);
      endChunk();
      return;
    }
    case CSR_STVEC: stvec = legalTvec(v, stvec); return;
    case CSR_SCOUNTEREN: scounteren = v & 0xffffffff; return;
    case CSR_SENVCFG: senvcfg = v & 1; return;
    case CSR_SSCRATCH: sscratch = v; return;
    case CSR_SEPC: sepc = v & ~<u64>1; return;
    case CSR_SCAUSE: scause = v; return;
    case CSR_STVAL: stval = v; return;
    case CSR_SIP: {
      const writable = MIP_SSIP & mideleg;
      mipSoft = (mipSoft & ~writable) | (v & writable);
      endChunk();
      return;
    }
    case CSR_SATP: {
      const mode = v >> 60;
      // WARL: only Bare (0) and Sv39 (8) are supported; other modes leave satp unchanged.
      if (mode == 0 || mode == 8) {
        satp = v & ((<u64>0xf << 60) | (<u64>0xffff << 44) | ((<u64>1 << 44) - 1));
        flushTlb();
      }
      return;
    }
    case CSR_MSTATUS: writeMstatus((mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE)); return;
    case CSR_MISA: return; // fixed: the extensions cannot be switched off
    case CSR_MEDELEG: medeleg = v & MEDELEG_WRITABLE; return;
    case CSR_MIDELEG: mideleg = v & MIDELEG_WRITABLE; endChunk(); return;
    case CSR_MIE: mie = v & MIE_WRITABLE; endChunk(); return;
    case CSR_MTVEC: mtvec = legalTvec(v, mtvec); return;
    case CSR_MCOUNTEREN: mcounteren = v & 0xffffffff; return;
    case CSR_MENVCFG: {
      menvcfg = v & (1 | MENVCFG_STCE);
      updateTimerLine();
      endChunk();
      return;
    }
    case CSR_STIMECMP: {
      stimecmp = v;
      updateTimerLine();
      endChunk();
      return;
    }
    case CSR_MCOUNTINHIBIT: writeCountinhibit(v & 0xfffffffd); return; // TM is read-only zero
    case CSR_MSCRATCH: mscratch = v; return;
    case CSR_MEPC: mepc = v & ~<u64>1; return;
    case CSR_MCAUSE: mcause = v; return;
    case CSR_MTVAL: mtval = v; return;
    case CSR_MIP: {
      // Under Sstc (or the built-in SBI) STIP follows stimecmp and is read-only.
      const writable = MIP_SSIP | MIP_SEIP | (supervisorTimerActive() ? 0 : MIP_STIP);
      mipSoft = (mipSoft & ~writable) | (v & writable);
      endChunk();
      return;
    }
    case CSR_MSECCFG: mseccfg = v & 7; return;
    // The next instruction reads the value written: the write replaces the writing
    // instruction's own increment (unprivileged spec, Zicsr), and currentInstret() already
    // counts that instruction.
    case CSR_MCYCLE: {
      if ((mcountinhibit & INHIBIT_CY) != 0) cycleFrozen = v;
      else cycleOffset = v - currentInstret();
      return;
    }
    case CSR_MINSTRET: {
      if ((mcountinhibit & INHIBIT_IR) != 0) instretFrozen = v;
      else instretOffset = v - currentInstret();
      return;
    }
  }
  if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
      (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
    return; // read-only zero (WARL)
  }
  if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15 && (csr & 1) == 0) {
    // WARL: the reserved W=1,R=0 combination reads back as no access.
    let cfg = v;
    for (let b: u64 = 0; b < 8; b++) {
      const byte = (cfg >> (b << 3)) & 0xff;
      if ((byte & 3) == 2) cfg &= ~(<u64>3 << (b << 3));
    }
    pmpcfg[(csr - CSR_PMPCFG0) >> 1] = cfg & 0x9f9f9f9f9f9f9f9f;
    return;
  }
  if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
    pmpaddr[csr - CSR_PMPADDR0] = v & ((<u64>1 << 54) - 1);
    return;
  }
  if (csr >= CSR_TSELECT && csr <= CSR_TDATA3) return; // no triggers: writes are ignored (WARL)
  csrMissing = true;
}

/** Is this CSR implemented? (Reading has no side effects, so probe with a read.) */
export function csrExists(csr: u32): bool {
  csrRead(csr);
  return !csrMissing;
}

/**
 * mcountinhibit: CY and IR stop mcycle and minstret (the hpm bits are kept, their counters are
 * zero anyway). The write takes effect after the writing instruction: it still counts when it
 * stops a counter (currentInstret() includes it), and does not when it restarts one.
 */
function writeCountinhibit(v: u64): void {
  const now = currentInstret();
  const changed = mcountinhibit ^ v;
  if ((changed & INHIBIT_CY) != 0) {
    if ((v & INHIBIT_CY) != 0) cycleFrozen = now + cycleOffset;
    else cycleOffset = cycleFrozen - now;
  }
  if ((changed & INHIBIT_IR) != 0) {
    if ((v & INHIBIT_IR) != 0) instretFrozen = now + instretOffset;
    else instretOffset = instretFrozen - now;
  }
  mcountinhibit = v;
}

function writeMstatus(v: u64): void {
  // MPP is WARL over {U, S, M}: the reserved value 2 becomes U.
  if ((v & MSTATUS_MPP) == (<u64>2 << 11)) v &= ~MSTATUS_MPP;
  const old = mstatus;
  mstatus = (v & ~MSTATUS_SD) | MSTATUS_XLEN_FIELDS;
  if (((old ^ mstatus) & (MSTATUS_SUM | MSTATUS_MXR)) != 0) flushTlb();
  updateTlbBases();
  endChunk();
}

/** xtvec modes: 0 direct, 1 vectored; the reserved modes keep the old mode. */
function legalTvec(v: u64, old: u64): u64 {
  const mode = v & 3;
  return (v & ~<u64>3) | (mode < 2 ? mode : old & 3);
}

/** Snapshot: the counter offsets, mseccfg and the PMP registers (state.ts holds the other CSRs). */
export function saveCsrState(): void {
  put(cycleOffset);
  put(instretOffset);
  put(mseccfg);
  for (let i = 0; i < 8; i++) put(pmpcfg[i]);
  for (let i: u32 = 0; i < PMP_COUNT; i++) put(pmpaddr[i]);
}

export function loadCsrState(length: u32): void {
  cycleOffset = take(length);
  instretOffset = take(length);
  mseccfg = take(length);
  for (let i = 0; i < 8; i++) pmpcfg[i] = take(length);
  for (let i: u32 = 0; i < PMP_COUNT; i++) pmpaddr[i] = take(length);
}
