// snapshot.ts — the core's own state for a snapshot: every register, CSR, counter, CLINT and PLIC field, as one versioned record.
//
// saveState() writes the record into the snapshot area (layout.ts SNAPSHOT_BASE) and returns
// its length; the host copies it into the snapshot file. loadState(length) reads a record the
// host has copied back and installs it. Derived state (TLB, fetch cache, TLB set bases) is
// rebuilt, not saved; host configuration (RAM size, tohost watch, SBI exits) comes from the
// builder. Each module saves its private fields itself (csr.ts, clint.ts, plic.ts, fpu/regs.ts,
// exit.ts): adding a field there means adding it to its save/load pair and bumping
// STATE_VERSION, and test/unit/snapshot-core.test.ts runs a guest across a save/load to catch a
// field that was forgotten.
import { FREGS, LOAD_BAD_LENGTH, LOAD_BAD_VERSION, LOAD_OK, RAM_OFFSET, REGS, SNAPSHOT_BASE } from "./layout";
import {
  instret, mcause, mcounteren, mcountinhibit, medeleg, menvcfg, mepc, mideleg, mie, mipLines, mipSoft,
  misa, mscratch, mstatus, mtval, mtvec, pc, priv, reservation, satp, scause, scounteren, senvcfg, sepc,
  sscratch, stimecmp, stval, stvec, chunkLeft, ramSize,
} from "./cpu/state";
import { loadCsrState, saveCsrState } from "./cpu/csr";
import { loadFpState, saveFpState } from "./cpu/fpu/regs";
import { flushTlb, updateTlbBases } from "./cpu/mmu";
import { loadClintState, saveClintState } from "./irq/clint";
import { loadPlicState, savePlicState } from "./irq/plic";
import { loadExitState, saveExitState } from "./exit";
import { overran, put, rewind, take, used } from "./state-io";

/** "WVCORE" and the record's version: a record of another version is refused, never half-read. */
const STATE_MAGIC: u64 = 0x5756_434f_5245_0000;
const STATE_VERSION: u64 = 1;


/** Write the core's state into the snapshot area; returns its length in bytes (0 if it did not fit). */
export function saveState(): u32 {
  rewind();
  put(STATE_MAGIC | STATE_VERSION);
  put(0); // the record's length, filled in below
  put(pc);
  put(<u64>priv);
  put(mstatus); put(misa); put(medeleg); put(mideleg); put(mie); put(mipSoft); put(mipLines);
  put(mtvec); put(mscratch); put(mepc); put(mcause); put(mtval); put(mcounteren); put(mcountinhibit);
  put(menvcfg); put(stvec); put(sscratch); put(sepc); put(scause); put(stval); put(scounteren);
  put(senvcfg); put(satp); put(stimecmp);
  put(instret);
  put(reservation);
  for (let r: u32 = 0; r < 32; r++) put(load<u64>(REGS + (r << 3)));
  for (let r: u32 = 0; r < 32; r++) put(load<u64>(FREGS + (r << 3)));
  saveFpState();
  saveCsrState();
  saveClintState();
  savePlicState();
  saveExitState();
  if (overran()) return 0;
  store<u64>(SNAPSHOT_BASE + 8, <u64>used());
  return used();
}

/**
 * Install a record of `length` bytes from the snapshot area. A record of another version or
 * length is refused before anything changes; the host discards a VCPU whose load failed anyway
 * (it restores into a fresh machine), so a refusal never leaves a half-restored VM running.
 */
export function loadState(length: u32): i32 {
  rewind();
  if (take(length) != (STATE_MAGIC | STATE_VERSION)) return LOAD_BAD_VERSION;
  if (take(length) != <u64>length) return LOAD_BAD_LENGTH;
  pc = take(length);
  priv = <u32>take(length) & 3;
  if (priv == 2) priv = 0;
  mstatus = take(length); misa = take(length); medeleg = take(length); mideleg = take(length);
  mie = take(length); mipSoft = take(length); mipLines = take(length); mtvec = take(length);
  mscratch = take(length); mepc = take(length); mcause = take(length); mtval = take(length);
  mcounteren = take(length); mcountinhibit = take(length); menvcfg = take(length); stvec = take(length);
  sscratch = take(length); sepc = take(length); scause = take(length); stval = take(length);
  scounteren = take(length); senvcfg = take(length); satp = take(length); stimecmp = take(length);
  instret = take(length);
  reservation = take(length);
  for (let r: u32 = 0; r < 32; r++) store<u64>(REGS + (r << 3), take(length));
  store<u64>(REGS, 0);
  for (let r: u32 = 0; r < 32; r++) store<u64>(FREGS + (r << 3), take(length));
  loadFpState(length);
  loadCsrState(length);
  loadClintState(length);
  loadPlicState(length);
  loadExitState(length);
  chunkLeft = 0;
  flushTlb();
  updateTlbBases();
  return overran() || used() != length ? LOAD_BAD_LENGTH : LOAD_OK;
}

/**
 * The first 4 KiB page of guest RAM at or after `from` that holds a nonzero byte (the page count
 * when none does): a snapshot skips the pages that hold nothing, and a Wasm loop finds them
 * far faster than the host could.
 */
export function nextUsedPage(from: u32): u32 {
  const pages = <u32>(ramSize >> 12);
  for (let p = from; p < pages; p++) {
    const start = RAM_OFFSET + (p << 12);
    for (let a = start; a < start + 4096; a += 8) {
      if (load<u64>(a) != 0) return p;
    }
  }
  return pages;
}
