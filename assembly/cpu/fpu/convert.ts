// convert.ts — FCVT between integers (W, WU, L, LU) and S/D, and between S and D, with every rounding mode.
//
// Float-to-integer follows the RISC-V table: out-of-range inputs and infinities saturate, NaN
// converts to the largest positive value, and an invalid conversion raises NV (and not NX).
// A negative input that rounds to zero is a valid unsigned conversion (0, NX).
// 32-bit results (W and WU alike) are sign-extended into the 64-bit register.
import { exc, FLAG_NV, FLAG_NX, RM_RDN, RM_RMM, RM_RNE, RM_RUP, CANONICAL_NAN_S } from "./regs";
import {
  canonicalNaN, isInfOf, isNaNOf, isSNaNOf, isZeroOf, normalizeRoundPack, roundPack,
  shiftRightJam64, signOf, unpack, upExp, upSig, upSign,
} from "./softfloat-core";

export const CVT_W: u32 = 0;
export const CVT_WU: u32 = 1;
export const CVT_L: u32 = 2;
export const CVT_LU: u32 = 3;

/** The saturated result of an invalid conversion (NaN counts as positive). */
function saturate(kind: u32, negative: bool): u64 {
  exc |= FLAG_NV;
  switch (kind) {
    case CVT_W: return negative ? 0xffffffff80000000 : 0x7fffffff;
    case CVT_WU: return negative ? 0 : 0xffffffffffffffff; // 2^32 - 1, sign-extended
    case CVT_L: return negative ? 0x8000000000000000 : 0x7fffffffffffffff;
    default: return negative ? 0 : 0xffffffffffffffff;
  }
}

/** FCVT.{W,WU,L,LU}.{S,D}: the value for the integer register. */
export function floatToInt(bits: u64, isD: bool, rm: u32, kind: u32): u64 {
  if (isNaNOf(bits, isD)) return saturate(kind, false);
  const negative = signOf(bits, isD) != 0;
  if (isInfOf(bits, isD)) return saturate(kind, negative);
  if (isZeroOf(bits, isD)) return 0;
  unpack(bits, isD);
  const exp = upExp;
  const sig = upSig;
  if (exp >= 64) return saturate(kind, negative); // |x| >= 2^64
  // Split |x| into an integer part and a 64-bit binary fraction (bit 63 = one half, sticky in bit 0).
  let int: u64;
  let frac: u64;
  if (exp >= 62) {
    int = sig << <u64>(exp - 62);
    frac = 0;
  } else if (exp >= 0) {
    int = sig >> <u64>(62 - exp);
    frac = sig << <u64>(exp + 2);
  } else {
    int = 0;
    frac = exp >= -2 ? sig << <u64>(2 + exp) : shiftRightJam64(sig, <u32>(-2 - exp));
  }
  const half: u64 = 0x8000000000000000;
  let up = false;
  if (rm == RM_RNE) up = frac > half || (frac == half && (int & 1) != 0);
  else if (rm == RM_RMM) up = frac >= half;
  else if (rm == RM_RDN) up = negative && frac != 0;
  else if (rm == RM_RUP) up = !negative && frac != 0;
  if (up) int += 1; // cannot wrap: int < 2^62 whenever frac != 0
  let ok: bool;
  switch (kind) {
    case CVT_W: ok = negative ? int <= 0x80000000 : int <= 0x7fffffff; break;
    case CVT_WU: ok = negative ? int == 0 : int <= 0xffffffff; break;
    case CVT_L: ok = negative ? int <= 0x8000000000000000 : int <= 0x7fffffffffffffff; break;
    default: ok = negative ? int == 0 : true; break;
  }
  if (!ok) return saturate(kind, negative);
  if (frac != 0) exc |= FLAG_NX;
  const v = negative ? 0 - int : int;
  return kind <= CVT_WU ? <u64><i64><i32><u32>v : v;
}

/** FCVT.{S,D}.{W,WU,L,LU}: `v` is the integer register. */
export function intToFloat(v: u64, kind: u32, isD: bool, rm: u32): u64 {
  let negative = false;
  let mag: u64;
  switch (kind) {
    case CVT_W: {
      const s = <i64><i32><u32>v;
      negative = s < 0;
      mag = negative ? <u64>(0 - s) : <u64>s;
      break;
    }
    case CVT_WU: mag = v & 0xffffffff; break;
    case CVT_L: negative = <i64>v < 0; mag = negative ? 0 - v : v; break;
    default: mag = v; break;
  }
  if (mag == 0) return 0;
  // Small magnitudes convert exactly in hardware.
  if (isD) {
    if (mag < (<u64>1 << 53)) return reinterpret<u64>(<f64>mag) | (<u64>negative << 63);
  } else if (mag < (<u64>1 << 24)) {
    return <u64>reinterpret<u32>(<f32>mag) | (<u64>negative << 31);
  }
  return normalizeRoundPack(<u32>negative, 62, mag, isD, rm);
}

/** FCVT.D.S (exact). */
export function f32ToF64(a: u32): u64 {
  if ((a & 0x7fffffff) > 0x7f800000) {
    if (isSNaNOf(<u64>a, false)) exc |= FLAG_NV;
    return canonicalNaN(true);
  }
  return reinterpret<u64>(<f64>reinterpret<f32>(a)); // exact for every non-NaN single
}

/** FCVT.S.D. */
export function f64ToF32(a: u64, rm: u32): u32 {
  if (isNaNOf(a, true)) {
    if (isSNaNOf(a, true)) exc |= FLAG_NV;
    return CANONICAL_NAN_S;
  }
  if (isInfOf(a, true) || isZeroOf(a, true)) {
    return (<u32>(a >> 32) & 0x80000000) | (isInfOf(a, true) ? 0x7f800000 : 0);
  }
  if (rm == RM_RNE) {
    const x = reinterpret<f64>(a);
    const r = <f32>x;
    const rb = reinterpret<u32>(r);
    if (((rb >> 23) & 0xff) - 2 < 0xfd) { // normal, >= 2^-125, finite: no underflow or overflow
      if (<f64>r != x) exc |= FLAG_NX;
      return rb;
    }
  }
  unpack(a, true);
  return <u32>roundPack(upSign, upExp, upSig, false, rm);
}
