// regs.ts — F/D architectural state: f0..f31 (in linear memory at FREGS), fflags, frm, and NaN-boxing.
//
// The f registers are 64 bits wide (FLEN = 64). A single-precision value lives in the low 32 bits
// with the upper 32 bits all ones ("NaN-boxed"); a single-precision read of anything else sees
// the canonical NaN. Every operation reports its IEEE exception flags by OR-ing them into `exc`;
// the executor folds `exc` into fflags (and marks mstatus.FS dirty) once per instruction.
import { FREGS } from "../../layout";
import { put, take } from "../../state-io";
import { MSTATUS_FS } from "../csrs";
import { mstatus } from "../state";

// fflags bits
export const FLAG_NX: u32 = 1; // inexact
export const FLAG_UF: u32 = 2; // underflow
export const FLAG_OF: u32 = 4; // overflow
export const FLAG_DZ: u32 = 8; // divide by zero
export const FLAG_NV: u32 = 16; // invalid operation

// rounding modes (the rm field and frm)
export const RM_RNE: u32 = 0;
export const RM_RTZ: u32 = 1;
export const RM_RDN: u32 = 2;
export const RM_RUP: u32 = 3;
export const RM_RMM: u32 = 4;
export const RM_DYN: u32 = 7;

export const CANONICAL_NAN_S: u32 = 0x7fc00000;
export const CANONICAL_NAN_D: u64 = 0x7ff8000000000000;
const BOX: u64 = 0xffffffff00000000;

/** Accrued exception flags (fcsr bits 4:0) and dynamic rounding mode (fcsr bits 7:5). */
export let fflags: u32 = 0;
export let frm: u32 = 0;

/** Exception flags raised by the operation in progress (folded into fflags by the executor). */
export let exc: u32 = 0;

export function fpReset(): void {
  fflags = 0;
  frm = 0;
  exc = 0;
}

/** mstatus.FS = Dirty: an f register or fflags/frm changed. */
@inline export function markFsDirty(): void {
  mstatus |= MSTATUS_FS;
}

@inline export function getF(r: u32): u64 {
  return load<u64>(FREGS + (r << 3));
}

@inline export function setF(r: u32, v: u64): void {
  store<u64>(FREGS + (r << 3), v);
}

/** The single-precision value of a register: the low half if properly NaN-boxed, else the canonical NaN. */
@inline export function getF32(r: u32): u32 {
  const v = load<u64>(FREGS + (r << 3));
  return (v & BOX) == BOX ? <u32>v : CANONICAL_NAN_S;
}

/** Write a single-precision result, NaN-boxed. */
@inline export function setF32(r: u32, v: u32): void {
  store<u64>(FREGS + (r << 3), BOX | <u64>v);
}

/** Snapshot: fcsr (f0..f31 are in linear memory at FREGS and travel with the registers). */
export function saveFpState(): void {
  put(<u64>fflags);
  put(<u64>frm);
}

export function loadFpState(length: u32): void {
  fflags = <u32>take(length) & 0x1f;
  frm = <u32>take(length) & 7;
}
