// plic.ts — the in-core PLIC (SiFive layout as on QEMU virt): priorities, pending, per-context enables, thresholds, claim/complete.
//
// Context 0 is hart 0's M-mode (drives MEIP), context 1 its S-mode (drives SEIP). Sources are
// level-triggered: a raised line is pending until claimed, and pends again on completion if
// it is still high, which is what Linux's and OpenSBI's drivers expect.
import { mipLines } from "../cpu/state";
import { MIP_MEIP, MIP_SEIP } from "../cpu/csrs";
import { put, take } from "../state-io";

import { PLIC_SOURCES } from "../layout";
export { PLIC_BASE, PLIC_SIZE } from "../layout";
const CONTEXTS: u32 = 2;

const PRIORITY_END: u32 = PLIC_SOURCES * 4;
const PENDING_BASE: u32 = 0x1000;
const ENABLE_BASE: u32 = 0x2000;
const ENABLE_STRIDE: u32 = 0x80;
const CONTEXT_BASE: u32 = 0x200000;
const CONTEXT_STRIDE: u32 = 0x1000;

const priority = new StaticArray<u32>(PLIC_SOURCES);
const enable = new StaticArray<u64>(CONTEXTS);
const threshold = new StaticArray<u32>(CONTEXTS);
let level: u64 = 0; // current line levels
let pending: u64 = 0;
let claimed: u64 = 0; // in service: claimed but not yet completed

export function plicReset(): void {
  for (let i: u32 = 0; i < PLIC_SOURCES; i++) priority[i] = 0;
  for (let c: u32 = 0; c < CONTEXTS; c++) {
    enable[c] = 0;
    threshold[c] = 0;
  }
  level = 0;
  pending = 0;
  claimed = 0;
  updateExternalLines();
}

/** Drive an interrupt line (1..63) from a host device. */
export function plicSetIrq(line: u32, high: bool): void {
  if (line == 0 || line >= PLIC_SOURCES) return;
  const bit = <u64>1 << <u64>line;
  if (high) {
    level |= bit;
    if ((claimed & bit) == 0) pending |= bit;
  } else {
    level &= ~bit;
    pending &= ~bit; // level-triggered: a lowered line withdraws its request
  }
  updateExternalLines();
}

/** The best source for a context: highest priority above threshold, lowest number on ties. */
function best(ctx: u32): u32 {
  const candidates = pending & enable[ctx];
  if (candidates == 0) return 0;
  let bestId: u32 = 0;
  let bestPrio: u32 = threshold[ctx];
  for (let id: u32 = 1; id < PLIC_SOURCES; id++) {
    if (((candidates >> <u64>id) & 1) != 0 && priority[id] > bestPrio) {
      bestPrio = priority[id];
      bestId = id;
    }
  }
  return bestId;
}

export function updateExternalLines(): void {
  if (best(0) != 0) mipLines |= MIP_MEIP;
  else mipLines &= ~MIP_MEIP;
  if (best(1) != 0) mipLines |= MIP_SEIP;
  else mipLines &= ~MIP_SEIP;
}

export function plicRead(offset: u32, size: u32): u64 {
  if (size != 4) return 0; // the PLIC is a 32-bit device
  if (offset < PRIORITY_END) return priority[offset >> 2];
  if (offset >= PENDING_BASE && offset < PENDING_BASE + PLIC_SOURCES / 8) {
    return (pending >> <u64>((offset - PENDING_BASE) << 3)) & 0xffffffff;
  }
  if (offset >= ENABLE_BASE && offset < ENABLE_BASE + CONTEXTS * ENABLE_STRIDE) {
    const ctx = (offset - ENABLE_BASE) / ENABLE_STRIDE;
    const word = (offset - ENABLE_BASE) % ENABLE_STRIDE;
    if (word >= PLIC_SOURCES / 8) return 0;
    return (enable[ctx] >> <u64>(word << 3)) & 0xffffffff;
  }
  if (offset >= CONTEXT_BASE && offset < CONTEXT_BASE + CONTEXTS * CONTEXT_STRIDE) {
    const ctx = (offset - CONTEXT_BASE) / CONTEXT_STRIDE;
    const reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (reg == 0) return threshold[ctx];
    if (reg == 4) return claim(ctx);
  }
  return 0;
}

function claim(ctx: u32): u32 {
  const id = best(ctx);
  if (id != 0) {
    const bit = <u64>1 << <u64>id;
    pending &= ~bit;
    claimed |= bit;
    updateExternalLines();
  }
  return id;
}

export function plicWrite(offset: u32, size: u32, data: u64): void {
  if (size != 4) return;
  const v = <u32>data;
  if (offset < PRIORITY_END) {
    if (offset >= 4) priority[offset >> 2] = v & 7; // 3 priority bits, as QEMU virt
  } else if (offset >= ENABLE_BASE && offset < ENABLE_BASE + CONTEXTS * ENABLE_STRIDE) {
    const ctx = (offset - ENABLE_BASE) / ENABLE_STRIDE;
    const word = (offset - ENABLE_BASE) % ENABLE_STRIDE;
    if (word < PLIC_SOURCES / 8) {
      const shift = <u64>(word << 3);
      let e = (enable[ctx] & ~(<u64>0xffffffff << shift)) | (<u64>v << shift);
      enable[ctx] = e & ~<u64>1; // source 0 does not exist
    }
  } else if (offset >= CONTEXT_BASE && offset < CONTEXT_BASE + CONTEXTS * CONTEXT_STRIDE) {
    const ctx = (offset - CONTEXT_BASE) / CONTEXT_STRIDE;
    const reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (reg == 0) threshold[ctx] = v & 7;
    else if (reg == 4) complete(v);
  }
  updateExternalLines();
}

function complete(id: u32): void {
  if (id == 0 || id >= PLIC_SOURCES) return;
  const bit = <u64>1 << <u64>id;
  claimed &= ~bit;
  if ((level & bit) != 0) pending |= bit;
}

/** Snapshot: priorities, enables, thresholds, and the level, pending and in-service bits. */
export function savePlicState(): void {
  for (let i: u32 = 0; i < PLIC_SOURCES; i++) put(<u64>priority[i]);
  for (let c: u32 = 0; c < CONTEXTS; c++) {
    put(enable[c]);
    put(<u64>threshold[c]);
  }
  put(level);
  put(pending);
  put(claimed);
}

export function loadPlicState(length: u32): void {
  for (let i: u32 = 0; i < PLIC_SOURCES; i++) priority[i] = <u32>take(length);
  for (let c: u32 = 0; c < CONTEXTS; c++) {
    enable[c] = take(length);
    threshold[c] = <u32>take(length);
  }
  level = take(length);
  pending = take(length);
  claimed = take(length);
  updateExternalLines();
}
