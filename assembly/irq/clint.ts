// clint.ts — the in-core CLINT (SiFive/ACLINT layout): msip, mtimecmp and mtime, handled without an exit.
//
// mtime ticks at 10 MHz. In the deterministic clock it is derived from retired instructions
// (insnsPerTick instructions per tick), so runs reproduce exactly; in the real-time clock the
// host re-anchors it to the wall clock on every run() entry (setMtime), and in between it
// advances with retired instructions so a tight guest loop still sees time move.
import { currentInstret, menvcfg, mipLines, sbiEnabled, stimecmp } from "../cpu/state";
import { MENVCFG_STCE, MIP_MSIP, MIP_MTIP, MIP_STIP } from "../cpu/csrs";
import { put, take } from "../state-io";

export { CLINT_BASE, CLINT_SIZE } from "../layout";
const CLINT_MSIP: u32 = 0x0;
const CLINT_MTIMECMP: u32 = 0x4000;
const CLINT_MTIME: u32 = 0xbff8;

export let mtimecmp: u64 = -1;
let mtimeOffset: u64 = 0;
let insnsPerTick: u64 = 10;

export function clintReset(): void {
  mtimecmp = -1;
  mtimeOffset = 0;
  mipLines &= ~(MIP_MSIP | MIP_MTIP);
}

export function setInsnsPerTick(n: u32): void {
  const now = mtime();
  insnsPerTick = n == 0 ? 1 : <u64>n;
  setMtime(now);
}

@inline export function mtime(): u64 {
  return mtimeOffset + currentInstret() / insnsPerTick;
}

export function setMtime(value: u64): void {
  mtimeOffset = value - currentInstret() / insnsPerTick;
  updateTimerLine();
}

/**
 * Does stimecmp drive STIP? With Sstc enabled (menvcfg.STCE) it does by definition; with the
 * built-in SBI there is no M-mode firmware to forward MTIP as STIP, so sbi_set_timer programs
 * stimecmp and the comparison drives STIP directly.
 */
@inline export function supervisorTimerActive(): bool {
  return sbiEnabled || (menvcfg & MENVCFG_STCE) != 0;
}

/** Recompute MTIP (and STIP under Sstc) from mtime (called at chunk boundaries and on writes). */
export function updateTimerLine(): void {
  const now = mtime();
  if (now >= mtimecmp) mipLines |= MIP_MTIP;
  else mipLines &= ~MIP_MTIP;
  if (supervisorTimerActive()) {
    if (now >= stimecmp) mipLines |= MIP_STIP;
    else mipLines &= ~MIP_STIP;
  }
}

/** The earliest mtime at which a timer interrupt line can rise. */
export function nextDeadline(): u64 {
  if (supervisorTimerActive() && stimecmp < mtimecmp) return stimecmp;
  return mtimecmp;
}

/** Read `size` bytes at `offset`; offsets the CLINT does not decode read as zero. */
export function clintRead(offset: u32, size: u32): u64 {
  let value: u64 = 0;
  let base: u32 = 0;
  if (offset < 4) {
    value = (mipLines & MIP_MSIP) != 0 ? 1 : 0;
    base = CLINT_MSIP;
  } else if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8) {
    value = mtimecmp;
    base = CLINT_MTIMECMP;
  } else if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
    value = mtime();
    base = CLINT_MTIME;
  } else {
    return 0; // other hart slots and reserved space read as zero
  }
  const shift = <u64>((offset - base) << 3);
  value >>= shift;
  return size >= 8 ? value : value & ((<u64>1 << (<u64>size << 3)) - 1);
}

export function clintWrite(offset: u32, size: u32, data: u64): void {
  if (offset < 4) {
    if (offset == 0) {
      if ((data & 1) != 0) mipLines |= MIP_MSIP;
      else mipLines &= ~MIP_MSIP;
    }
  } else if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8) {
    mtimecmp = merge(mtimecmp, offset - CLINT_MTIMECMP, size, data);
    updateTimerLine();
  } else if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
    setMtime(merge(mtime(), offset - CLINT_MTIME, size, data));
  }
}

/** Replace `size` bytes at byte offset `at` of a 64-bit register (for 32-bit halves). */
function merge(old: u64, at: u32, size: u32, data: u64): u64 {
  if (size >= 8) return data;
  const shift = <u64>(at << 3);
  const mask = ((<u64>1 << (<u64>size << 3)) - 1) << shift;
  return (old & ~mask) | ((data << shift) & mask);
}

/** Snapshot: mtimecmp and the clock (mtime is derived from instret through the offset and divider). */
export function saveClintState(): void {
  put(mtimecmp);
  put(mtimeOffset);
  put(insnsPerTick);
}

export function loadClintState(length: u32): void {
  mtimecmp = take(length);
  mtimeOffset = take(length);
  insnsPerTick = take(length);
  if (insnsPerTick == 0) insnsPerTick = 1;
}
