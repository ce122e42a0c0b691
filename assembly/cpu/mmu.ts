// mmu.ts — guest memory access: Sv39 translation, the software TLB, and physical dispatch (RAM, in-core devices, MMIO exits).
//
// Fast path (inlined into the interpreter): one direct-mapped TLB probe per access, giving a
// linear-memory address for a RAM page. Everything else — misses, page walks, page-crossing
// accesses, in-core devices, MMIO exits, the watched tohost word — takes the slow path here.
//
// The TLB has a set per privilege level (U, S, M) and per access type (load, store, fetch), so a
// U<->S transition needs no flush. Entries map only RAM pages; a store entry exists only when the
// PTE's D bit is set, so the first store to a clean page walks and sets D.
import {
  EXIT_HALTED, EXIT_MMIO_READ, EXIT_MMIO_WRITE, EXIT_TOHOST, EXIT_VA, RAM_BASE, RAM_OFFSET, TLB_BASE,
} from "../layout";
import {
  CAUSE_FETCH_ACCESS, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_ACCESS, CAUSE_LOAD_PAGE_FAULT,
  CAUSE_STORE_ACCESS, CAUSE_STORE_PAGE_FAULT, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV,
  MSTATUS_MXR, MSTATUS_SUM, PRIV_M, PRIV_S, PRIV_U,
} from "./csrs";
import { mstatus, pc, priv, ramSize, satp, setX, tohostGpa, unretire } from "./state";
import { raiseException } from "./trap";
import {
  clearPendingRead, mmioInFlight, pendingFp, pendingFunct3, pendingRd, pendingRead, requestExit,
  setPendingRead,
} from "../exit";
import { markFsDirty, setF, setF32 } from "./fpu/regs";
import { CLINT_BASE, CLINT_SIZE, clintRead, clintWrite } from "../irq/clint";
import { PLIC_BASE, PLIC_SIZE, plicRead, plicWrite } from "../irq/plic";

export const ACCESS_LOAD: u32 = 0;
export const ACCESS_STORE: u32 = 1;
export const ACCESS_FETCH: u32 = 2;

const TLB_ENTRIES: u32 = 256;
const TLB_SET_BYTES: u32 = TLB_ENTRIES * 16;
const TLB_BYTES: u32 = TLB_SET_BYTES * 9;

export let tlbLoadBase: u32 = TLB_BASE;
export let tlbStoreBase: u32 = TLB_BASE;
export let tlbFetchBase: u32 = TLB_BASE;
/** Privilege used for loads and stores (differs from priv only under mstatus.MPRV). */
export let dataPriv: u32 = PRIV_M;

/** One-entry fetch cache: virtual page of pc and the addend turning pc into a linear address. */
export let fetchVpn: u64 = -1;
export let fetchAddend: u64 = 0;

const PTE_V: u64 = 1 << 0;
const PTE_R: u64 = 1 << 1;
const PTE_W: u64 = 1 << 2;
const PTE_X: u64 = 1 << 3;
const PTE_U: u64 = 1 << 4;
const PTE_A: u64 = 1 << 6;
const PTE_D: u64 = 1 << 7;
const PPN_MASK: u64 = (<u64>1 << 44) - 1;
const SATP_MODE_SV39: u64 = 8;

/** Set when the last translate() raised a fault. */
let translateFailed: bool = false;

@inline function setIndex(p: u32): u32 {
  return p == PRIV_M ? 2 : p; // U = 0, S = 1, M = 2
}

/** Recompute which TLB sets serve loads/stores/fetches after priv or mstatus changed. */
export function updateTlbBases(): void {
  dataPriv = priv;
  if (priv == PRIV_M && (mstatus & MSTATUS_MPRV) != 0) {
    dataPriv = <u32>((mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
  }
  tlbLoadBase = TLB_BASE + (setIndex(dataPriv) * 3 + ACCESS_LOAD) * TLB_SET_BYTES;
  tlbStoreBase = TLB_BASE + (setIndex(dataPriv) * 3 + ACCESS_STORE) * TLB_SET_BYTES;
  tlbFetchBase = TLB_BASE + (setIndex(priv) * 3 + ACCESS_FETCH) * TLB_SET_BYTES;
  fetchVpn = -1;
}

export function flushTlb(): void {
  memory.fill(TLB_BASE, 0xff, TLB_BYTES); // tag -1 never matches a vpn
  fetchVpn = -1;
}

/** Linear address for a va whose page is in the given TLB set, or 0 on a miss. */
@inline export function tlbProbe(base: u32, va: u64): u32 {
  const vpn = va >> 12;
  const entry = base + ((<u32>vpn & (TLB_ENTRIES - 1)) << 4);
  if (load<u64>(entry) == vpn) return <u32>(va + load<u64>(entry, 8));
  return 0;
}

function tlbFill(base: u32, va: u64, pa: u64): void {
  const vpn = va >> 12;
  const entry = base + ((<u32>vpn & (TLB_ENTRIES - 1)) << 4);
  store<u64>(entry, vpn);
  store<u64>(entry, (<u64>RAM_OFFSET + ((pa & ~<u64>0xfff) - RAM_BASE)) - (va & ~<u64>0xfff), 8);
}

/** True when [pa, pa+size) is inside RAM (one unsigned compare, overflow-safe for size <= 8). */
@inline export function inRam(pa: u64, size: u64): bool {
  return pa - RAM_BASE < ramSize && pa - RAM_BASE <= ramSize - size;
}

@inline export function ramLinear(pa: u64): u32 {
  return <u32>(pa - RAM_BASE) + RAM_OFFSET;
}

function faultCause(access: u32, page: bool): u64 {
  if (access == ACCESS_FETCH) return page ? CAUSE_FETCH_PAGE_FAULT : CAUSE_FETCH_ACCESS;
  if (access == ACCESS_LOAD) return page ? CAUSE_LOAD_PAGE_FAULT : CAUSE_LOAD_ACCESS;
  return page ? CAUSE_STORE_PAGE_FAULT : CAUSE_STORE_ACCESS;
}

/**
 * Translate a virtual address; on a fault raises the exception (tval = va) and returns 0 with
 * translateFailed set. `effPriv` is priv for fetches and dataPriv for loads/stores.
 */
export function translate(va: u64, access: u32, effPriv: u32): u64 {
  translateFailed = false;
  if (effPriv == PRIV_M || (satp >> 60) != SATP_MODE_SV39) return va;
  // Sv39: bits 63..39 must all equal bit 38.
  if (<u64>((<i64>(va << 25)) >> 25) != va) return fail(va, access, true);
  let table: u64 = (satp & PPN_MASK) << 12;
  for (let level: i32 = 2; level >= 0; level--) {
    const pteGpa = table + (((va >> (12 + 9 * <u64>level)) & 0x1ff) << 3);
    if (!inRam(pteGpa, 8)) return fail(va, access, false);
    const pte = load<u64>(ramLinear(pteGpa));
    if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte >> 54) != 0) {
      return fail(va, access, true);
    }
    if ((pte & (PTE_R | PTE_X)) == 0) {
      if (level == 0) return fail(va, access, true);
      table = ((pte >> 10) & PPN_MASK) << 12;
      continue;
    }
    // A leaf: check permissions for this access at this privilege.
    if (access == ACCESS_FETCH) {
      if ((pte & PTE_X) == 0) return fail(va, access, true);
      if (effPriv == PRIV_U ? (pte & PTE_U) == 0 : (pte & PTE_U) != 0) return fail(va, access, true);
    } else {
      if (access == ACCESS_LOAD) {
        const readable = (pte & PTE_R) != 0 || ((mstatus & MSTATUS_MXR) != 0 && (pte & PTE_X) != 0);
        if (!readable) return fail(va, access, true);
      } else if ((pte & PTE_W) == 0) {
        return fail(va, access, true);
      }
      if (effPriv == PRIV_U && (pte & PTE_U) == 0) return fail(va, access, true);
      if (effPriv == PRIV_S && (pte & PTE_U) != 0 && (mstatus & MSTATUS_SUM) == 0) {
        return fail(va, access, true);
      }
    }
    const pageBits: u64 = 12 + 9 * <u64>level;
    const ppn = (pte >> 10) & PPN_MASK;
    const lowMask: u64 = (<u64>1 << pageBits) - 1;
    if (((ppn << 12) & lowMask) != 0) return fail(va, access, true); // misaligned superpage
    // The walker sets A (and D for stores) itself, as Svadu permits, instead of faulting.
    const updated = pte | PTE_A | (access == ACCESS_STORE ? PTE_D : 0);
    if (updated != pte) store<u64>(ramLinear(pteGpa), updated);
    return ((ppn << 12) & ~lowMask) | (va & lowMask);
  }
  return fail(va, access, true);
}

function fail(va: u64, access: u32, page: bool): u64 {
  raiseException(faultCause(access, page), va);
  translateFailed = true;
  return 0;
}

@inline function isWatched(pa: u64): bool {
  return tohostGpa != 0 && ((pa ^ tohostGpa) >> 12) == 0;
}

// ---------------------------------------------------------------- loads

/** Sign- or zero-extend a loaded value by the (integer) load's funct3. */
export function extendLoad(v: u64, funct3: u32): u64 {
  switch (funct3) {
    case 0: return <u64><i64><i8>v;
    case 1: return <u64><i64><i16>v;
    case 2: return <u64><i64><i32>v;
    case 4: return v & 0xff;
    case 5: return v & 0xffff;
    case 6: return v & 0xffffffff;
    default: return v;
  }
}

/**
 * Slow path of a load: translation, page-crossing, devices. Sets `stop` on a trap or exit.
 * Returns the raw little-endian bits (the caller extends or boxes them). `rd`, `funct3` and
 * `fp` (rd is an f register: FLW/FLD) say where an MMIO read exit completes later.
 */
export function loadSlow(va: u64, size: u32, rd: u32, funct3: u32, fp: bool): u64 {
  if ((<u32>va & 0xfff) + size > 4096) return loadCrossing(va, size);
  const pa = translate(va, ACCESS_LOAD, dataPriv);
  if (translateFailed) return 0;
  if (inRam(pa, size)) {
    tlbFill(tlbLoadBase, va, pa);
    return loadRam(ramLinear(pa), size);
  }
  if ((pa & (<u64>size - 1)) != 0) {
    raiseException(CAUSE_LOAD_ACCESS, va); // devices take naturally aligned accesses only
    return 0;
  }
  if (pa - CLINT_BASE < CLINT_SIZE) return clintRead(<u32>(pa - CLINT_BASE), size);
  if (pa - PLIC_BASE < PLIC_SIZE) return plicRead(<u32>(pa - PLIC_BASE), size);
  // A host device: exit; setData() completes the load into rd (completeMmioRead).
  mmioExit(EXIT_MMIO_READ, pa, size, 0, va);
  setPendingRead(rd, funct3, fp);
  return 0;
}

/**
 * Hand the access to the host: an MMIO exit. The instruction is not complete until the host
 * resumes the VCPU, so it leaves the retired count now; run() counts it on re-entry, or
 * faultLastAccess makes it an access fault that never retires (exit.ts, mmioInFlight).
 */
function mmioExit(kind: i32, pa: u64, size: u32, data: u64, va: u64): void {
  requestExit(kind, pa, size, data, pc);
  store<u64>(EXIT_VA, va);
  unretire();
  mmioInFlight = true;
}

/**
 * The host's value for the pending MMIO read lands where the load would have put a RAM value:
 * an x register extended by funct3, or an f register as FLW/FLD from RAM would write it (FLW
 * NaN-boxes its 32 bits, FLD takes all 64; either makes mstatus.FS dirty).
 */
export function completeMmioRead(value: u64): void {
  if (!pendingRead) return;
  clearPendingRead();
  if (!pendingFp) {
    setX(pendingRd, extendLoad(value, pendingFunct3));
    return;
  }
  if (pendingFunct3 == 2) setF32(pendingRd, <u32>value);
  else setF(pendingRd, value);
  markFsDirty();
}

@inline function loadRam(linear: u32, size: u32): u64 {
  if (size == 1) return <u64>load<u8>(linear);
  if (size == 2) return <u64>load<u16>(linear);
  if (size == 4) return <u64>load<u32>(linear);
  return load<u64>(linear);
}

/** A load spanning two pages: both halves must be RAM; assembled little-endian byte by byte. */
function loadCrossing(va: u64, size: u32): u64 {
  let value: u64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    const a = va + i;
    const pa = translate(a, ACCESS_LOAD, dataPriv);
    if (translateFailed) return 0;
    if (!inRam(pa, 1)) {
      raiseException(CAUSE_LOAD_ACCESS, a);
      return 0;
    }
    value |= <u64>load<u8>(ramLinear(pa)) << (<u64>i << 3);
  }
  return value;
}

// ---------------------------------------------------------------- stores

export function storeSlow(va: u64, size: u32, value: u64): void {
  if ((<u32>va & 0xfff) + size > 4096) {
    storeCrossing(va, size, value);
    return;
  }
  const pa = translate(va, ACCESS_STORE, dataPriv);
  if (translateFailed) return;
  if (inRam(pa, size)) {
    storeRam(ramLinear(pa), size, value);
    if (isWatched(pa)) {
      checkTohost();
    } else {
      tlbFill(tlbStoreBase, va, pa);
    }
    return;
  }
  if ((pa & (<u64>size - 1)) != 0) {
    raiseException(CAUSE_STORE_ACCESS, va);
    return;
  }
  if (pa - CLINT_BASE < CLINT_SIZE) {
    clintWrite(<u32>(pa - CLINT_BASE), size, value);
    return;
  }
  if (pa - PLIC_BASE < PLIC_SIZE) {
    plicWrite(<u32>(pa - PLIC_BASE), size, value);
    return;
  }
  const mask: u64 = size >= 8 ? <u64>-1 : (<u64>1 << (<u64>size << 3)) - 1;
  mmioExit(EXIT_MMIO_WRITE, pa, size, value & mask, va);
}

@inline function storeRam(linear: u32, size: u32, value: u64): void {
  if (size == 1) store<u8>(linear, <u8>value);
  else if (size == 2) store<u16>(linear, <u16>value);
  else if (size == 4) store<u32>(linear, <u32>value);
  else store<u64>(linear, value);
}

function storeCrossing(va: u64, size: u32, value: u64): void {
  // Translate every byte first so a fault on the second page leaves memory untouched.
  let pa0: u64 = 0;
  let pa1: u64 = 0;
  const split: u32 = 4096 - (<u32>va & 0xfff);
  pa0 = translate(va, ACCESS_STORE, dataPriv);
  if (translateFailed) return;
  pa1 = translate(va + split, ACCESS_STORE, dataPriv);
  if (translateFailed) return;
  if (!inRam(pa0, split)) {
    raiseException(CAUSE_STORE_ACCESS, va);
    return;
  }
  if (!inRam(pa1, size - split)) {
    raiseException(CAUSE_STORE_ACCESS, va + split);
    return;
  }
  for (let i: u32 = 0; i < size; i++) {
    const pa = i < split ? pa0 + i : pa1 + (i - split);
    store<u8>(ramLinear(pa), <u8>(value >> (<u64>i << 3)));
  }
  if (isWatched(pa0) || isWatched(pa1)) checkTohost();
}

/** A store touched the tohost page: a nonzero tohost is an HTIF request for the host. */
function checkTohost(): void {
  if (!inRam(tohostGpa, 8)) return;
  const value = load<u64>(ramLinear(tohostGpa));
  if (value == 0) return;
  if ((value >> 48) == 0 && (value & 1) != 0) {
    requestExit(EXIT_HALTED, tohostGpa, 8, value >> 1, pc);
  } else {
    requestExit(EXIT_TOHOST, tohostGpa, 8, value, pc);
  }
}

// ---------------------------------------------------------------- fetch

/**
 * Refill the fetch cache for pc. Returns false (with the fault raised) when pc cannot be
 * fetched. Instruction memory must be RAM.
 */
export function fetchRefill(va: u64): bool {
  let linear = tlbProbe(tlbFetchBase, va);
  if (linear == 0) {
    const pa = translate(va, ACCESS_FETCH, priv);
    if (translateFailed) return false;
    if (!inRam(pa, 2)) {
      raiseException(CAUSE_FETCH_ACCESS, va);
      return false;
    }
    tlbFill(tlbFetchBase, va, pa);
    linear = ramLinear(pa);
  }
  fetchVpn = va >> 12;
  fetchAddend = <u64>linear - va;
  return true;
}

/** The upper 16 bits of a 32-bit instruction that starts 2 bytes before a page end. */
export function fetchUpperHalf(va: u64): u32 {
  const next = va + 2;
  let linear = tlbProbe(tlbFetchBase, next);
  if (linear == 0) {
    const pa = translate(next, ACCESS_FETCH, priv);
    if (translateFailed) return 0;
    if (!inRam(pa, 2)) {
      raiseException(CAUSE_FETCH_ACCESS, next);
      return 0;
    }
    tlbFill(tlbFetchBase, next, pa);
    linear = ramLinear(pa);
  }
  return <u32>load<u16>(linear);
}

/** Physical address for an AMO/LR/SC (which must be naturally aligned RAM). 0 after a fault. */
export function translateAtomic(va: u64, access: u32): u64 {
  const pa = translate(va, access, dataPriv);
  if (translateFailed) return 0;
  return pa;
}

export function lastTranslateFailed(): bool {
  return translateFailed;
}
