// trap.ts — taking traps: synchronous exceptions, interrupts (with delegation and the spec's priority), and MRET/SRET.
import {
  CAUSE_INTERRUPT, IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI, MSTATUS_MIE,
  MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_SIE, MSTATUS_SPIE,
  MSTATUS_SPP, PRIV_M, PRIV_S, PRIV_U,
} from "./csrs";
import {
  mcause, medeleg, mepc, mideleg, mie, mip, mstatus, mtval, mtvec, pc, priv, reservation,
  sbiEnabled, scause, sepc, stval, stvec, unretire,
} from "./state";
import { internalError, stop, STOP_EXIT, STOP_TRAP } from "../exit";
import { EXIT_ADDR, EXIT_DATA } from "../layout";
import { updateTlbBases } from "./mmu";

/** Enter the trap handler for `cause` (interrupt bit included) with `tval`, at privilege M or S. */
function enterTrap(cause: u64, tval: u64): void {
  const isInterrupt = (cause & CAUSE_INTERRUPT) != 0;
  const code = cause & ~CAUSE_INTERRUPT;
  const deleg = isInterrupt ? mideleg : medeleg;
  reservation = -1;
  if (priv <= PRIV_S && ((deleg >> code) & 1) != 0) {
    scause = cause;
    sepc = pc;
    stval = tval;
    let s = mstatus & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE);
    if ((mstatus & MSTATUS_SIE) != 0) s |= MSTATUS_SPIE;
    if (priv == PRIV_S) s |= MSTATUS_SPP;
    mstatus = s;
    priv = PRIV_S;
    pc = vectorTarget(stvec, code, isInterrupt);
  } else {
    if (sbiEnabled) {
      // The built-in SBI stands in for M-mode firmware: nothing in M-mode could handle this.
      internalError("trap to M-mode with no M-mode firmware (built-in SBI): cause in data, tval in address", pc);
      store<u64>(EXIT_DATA, cause);
      store<u64>(EXIT_ADDR, tval);
      return;
    }
    mcause = cause;
    mepc = pc;
    mtval = tval;
    let m = mstatus & ~(MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE);
    if ((mstatus & MSTATUS_MIE) != 0) m |= MSTATUS_MPIE;
    m |= <u64>priv << MSTATUS_MPP_SHIFT;
    mstatus = m;
    priv = PRIV_M;
    pc = vectorTarget(mtvec, code, isInterrupt);
  }
  updateTlbBases();
}

@inline function vectorTarget(tvec: u64, code: u64, isInterrupt: bool): u64 {
  const base = tvec & ~<u64>3;
  return isInterrupt && (tvec & 3) == 1 ? base + (code << 2) : base;
}

/**
 * Raise a synchronous exception at the current pc; the interpreter abandons the instruction,
 * which does not retire.
 */
export function raiseException(cause: u64, tval: u64): void {
  unretire();
  enterTrap(cause, tval);
  if (stop != STOP_EXIT) stop = STOP_TRAP; // an internal error from enterTrap must win
}

/** Take an exception from the decoder itself, which abandons the instruction without `stop`. */
export function trapFromDecoder(cause: u64, tval: u64): void {
  unretire();
  enterTrap(cause, tval);
}

/**
 * Take a synchronous exception for an instruction that already stands outside the retired count
 * (an MMIO access the host faults after its exit: faultLastAccess), between run() calls.
 */
export function trapUncounted(cause: u64, tval: u64): void {
  enterTrap(cause, tval);
}

/** Interrupts in the privileged spec's priority order: MEI, MSI, MTI, SEI, SSI, STI. */
@inline function highest(bits: u64): i32 {
  if ((bits & (1 << IRQ_MEI)) != 0) return IRQ_MEI;
  if ((bits & (1 << IRQ_MSI)) != 0) return IRQ_MSI;
  if ((bits & (1 << IRQ_MTI)) != 0) return IRQ_MTI;
  if ((bits & (1 << IRQ_SEI)) != 0) return IRQ_SEI;
  if ((bits & (1 << IRQ_SSI)) != 0) return IRQ_SSI;
  if ((bits & (1 << IRQ_STI)) != 0) return IRQ_STI;
  return -1;
}

/** The interrupt to take now, or -1. M-level interrupts outrank S-level ones. */
export function pendingInterrupt(): i32 {
  const pending = mip() & mie;
  if (pending == 0) return -1;
  const mEnabled = priv < PRIV_M || (mstatus & MSTATUS_MIE) != 0;
  if (mEnabled) {
    const m = highest(pending & ~mideleg);
    if (m >= 0) return m;
  }
  const sEnabled = priv < PRIV_S || (priv == PRIV_S && (mstatus & MSTATUS_SIE) != 0);
  if (sEnabled) return highest(pending & mideleg);
  return -1;
}

/** Take an interrupt if one is pending and enabled; returns true when it did. */
export function takePendingInterrupt(): bool {
  const irq = pendingInterrupt();
  if (irq < 0) return false;
  enterTrap(CAUSE_INTERRUPT | <u64>irq, 0);
  return true;
}

export function doMret(): void {
  const mpp = <u32>((mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
  let m = mstatus & ~(MSTATUS_MIE | MSTATUS_MPP);
  if ((mstatus & MSTATUS_MPIE) != 0) m |= MSTATUS_MIE;
  m |= MSTATUS_MPIE;
  if (mpp != PRIV_M) m &= ~MSTATUS_MPRV;
  mstatus = m;
  priv = mpp;
  pc = mepc;
  updateTlbBases();
}

export function doSret(): void {
  const spp = (mstatus & MSTATUS_SPP) != 0 ? PRIV_S : PRIV_U;
  let s = mstatus & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV);
  if ((mstatus & MSTATUS_SPIE) != 0) s |= MSTATUS_SIE;
  s |= MSTATUS_SPIE;
  mstatus = s;
  priv = spp;
  pc = sepc;
  updateTlbBases();
}
