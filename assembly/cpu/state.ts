// state.ts — the VCPU's architectural state: pc, privilege, CSRs as module globals, registers in linear memory.
//
// Globals are the fastest storage Wasm has; the integer registers live in linear memory at REGS
// so the host can read and write them (SBI calls, debugging) through one DataView.
import { REGS } from "../layout";
import { MISA_VALUE, MSTATUS_XLEN_FIELDS, PRIV_M } from "./csrs";

export let pc: u64 = 0;
export let priv: u32 = PRIV_M;

// machine CSRs
export let mstatus: u64 = MSTATUS_XLEN_FIELDS;
export let misa: u64 = MISA_VALUE;
export let medeleg: u64 = 0;
export let mideleg: u64 = 0;
export let mie: u64 = 0;
/** Software-writable mip bits (SSIP, STIP, SEIP); OR'd with device lines in mipLines. */
export let mipSoft: u64 = 0;
/** Interrupt lines driven by devices: MTIP/MSIP (CLINT), MEIP/SEIP (PLIC), STIP (Sstc). */
export let mipLines: u64 = 0;
export let mtvec: u64 = 0;
export let mscratch: u64 = 0;
export let mepc: u64 = 0;
export let mcause: u64 = 0;
export let mtval: u64 = 0;
export let mcounteren: u64 = 0;
export let mcountinhibit: u64 = 0;
export let menvcfg: u64 = 0;

// supervisor CSRs
export let stvec: u64 = 0;
export let sscratch: u64 = 0;
export let sepc: u64 = 0;
export let scause: u64 = 0;
export let stval: u64 = 0;
export let scounteren: u64 = 0;
export let senvcfg: u64 = 0;
export let satp: u64 = 0;
export let stimecmp: u64 = -1;

/**
 * Retired instructions since reset (minstret, and mcycle: one cycle per instruction). run()
 * advances it by a whole chunk when the chunk starts; `chunkLeft` says how much of that has not
 * run yet (currentInstret), and an instruction that runs but does not retire gives its count
 * back (unretire).
 */
export let instret: u64 = 0;
/** Instructions still to run in the current chunk; lets CSR reads see an exact instret. */
export let chunkLeft: i32 = 0;
/** Instructions of the current chunk that ran but did not retire (run() charges them to the budget). */
export let chunkUnretired: i32 = 0;

/** LR/SC reservation: physical address, or -1 when none is held. */
export let reservation: u64 = -1;

/** Physical addresses of the HTIF tohost/fromhost words (0 = not watched). */
export let tohostGpa: u64 = 0;
export let fromhostGpa: u64 = 0;
/** When set, an ecall from S-mode becomes an Sbi exit instead of a trap to M-mode. */
export let sbiEnabled: bool = false;

/** Guest RAM size in bytes. */
export let ramSize: u64 = 0;

/** Current instret, exact even in the middle of a chunk. */
@inline export function currentInstret(): u64 {
  return instret - <u64>chunkLeft;
}

/**
 * The instruction in progress does not retire: it raised a synchronous exception (an exception
 * "is not considered to retire", privileged spec 3.3.1, ECALL and EBREAK included) or handed
 * itself to the host (an SBI call, an MMIO access still to complete). Called on those paths
 * only, never per instruction; inside a chunk, after the instruction took its count.
 */
@inline export function unretire(): void {
  instret--;
  chunkUnretired++;
}

/**
 * End the current chunk after this instruction (so pending interrupts are checked): the
 * instructions it will not run are given back to instret.
 */
@inline export function endChunk(): void {
  instret -= <u64>chunkLeft;
  chunkLeft = 0;
}

@inline export function getX(r: u32): u64 {
  return load<u64>(REGS + (r << 3));
}

/** Write an integer register; x0 is rewritten to zero so it never holds anything else. */
@inline export function setX(r: u32, v: u64): void {
  store<u64>(REGS + (r << 3), v);
  store<u64>(REGS, 0);
}

export function mip(): u64 {
  return mipSoft | mipLines;
}
