// softfloat-core.ts — the software IEEE 754 core shared by single and double precision:
// field access, unpacking to a normalized significand, rounding and packing, and 128-bit helpers.
//
// Written from the algorithms in Berkeley SoftFloat 3 (roundPackToF64, shiftRightJam), not copied.
// One internal form serves both formats so every operation is written once:
//
//     value = (-1)^sign * sig * 2^(exp - 62),   sig in [2^62, 2^63)   (exp unbiased)
//
// A double's 53-bit significand sits in bits 62..10 (10 rounding bits below), a single's 24 bits in
// bits 62..39 (39 rounding bits). Operations produce a significand that is truncated with a
// "sticky" bit jammed into bit 0 (OR of everything shifted out); that round-to-odd value rounds
// correctly to any precision with at least two bits to spare, so roundPack() serves both formats.
// Tininess is detected after rounding, as RISC-V requires.
import { mulhu } from "../alu";
import {
  exc, FLAG_NV, FLAG_NX, FLAG_OF, FLAG_UF, CANONICAL_NAN_D, CANONICAL_NAN_S, RM_RDN, RM_RMM,
  RM_RNE, RM_RTZ,
} from "./regs";

// ------------------------------------------------------------------ format fields
// A value of either format travels as u64 bits (a single in the low 32 bits); `isD` picks the format.

@inline export function signOf(bits: u64, isD: bool): u32 {
  return isD ? <u32>(bits >> 63) : <u32>(bits >> 31) & 1;
}

@inline export function expFieldOf(bits: u64, isD: bool): u32 {
  return isD ? <u32>(bits >> 52) & 0x7ff : <u32>(bits >> 23) & 0xff;
}

@inline export function fracOf(bits: u64, isD: bool): u64 {
  return isD ? bits & 0x000fffffffffffff : bits & 0x7fffff;
}

@inline export function expMaxOf(isD: bool): u32 {
  return isD ? 0x7ff : 0xff;
}

@inline export function isNaNOf(bits: u64, isD: bool): bool {
  return isD
    ? (bits & 0x7fffffffffffffff) > 0x7ff0000000000000
    : (bits & 0x7fffffff) > 0x7f800000;
}

/** A signalling NaN: a NaN with the quiet bit (the top fraction bit) clear. */
@inline export function isSNaNOf(bits: u64, isD: bool): bool {
  return isNaNOf(bits, isD) && (bits & (isD ? <u64>1 << 51 : <u64>1 << 22)) == 0;
}

@inline export function isInfOf(bits: u64, isD: bool): bool {
  return isD
    ? (bits & 0x7fffffffffffffff) == 0x7ff0000000000000
    : (bits & 0x7fffffff) == 0x7f800000;
}

@inline export function isZeroOf(bits: u64, isD: bool): bool {
  return isD ? (bits & 0x7fffffffffffffff) == 0 : (bits & 0x7fffffff) == 0;
}

@inline export function canonicalNaN(isD: bool): u64 {
  return isD ? CANONICAL_NAN_D : <u64>CANONICAL_NAN_S;
}

@inline export function packInf(sign: u32, isD: bool): u64 {
  return isD ? (<u64>sign << 63) | 0x7ff0000000000000 : (<u64>sign << 31) | 0x7f800000;
}

@inline export function packZero(sign: u32, isD: bool): u64 {
  return <u64>sign << (isD ? 63 : 31);
}

@inline export function negate(bits: u64, isD: bool): u64 {
  return bits ^ (isD ? <u64>1 << 63 : <u64>1 << 31);
}

/** NaN result of an operation with a NaN operand: NV if any operand signals; always canonical. */
export function propagateNaN(a: u64, b: u64, isD: bool): u64 {
  if (isSNaNOf(a, isD) || isSNaNOf(b, isD)) exc |= FLAG_NV;
  return canonicalNaN(isD);
}

/** The invalid-operation result: NV and the canonical NaN. */
export function invalid(isD: bool): u64 {
  exc |= FLAG_NV;
  return canonicalNaN(isD);
}

// ------------------------------------------------------------------ unpacking
// unpack() leaves a finite nonzero value in normalized internal form in these globals.
export let upSign: u32 = 0;
export let upExp: i32 = 0;
export let upSig: u64 = 0;

/** Unpack a finite, nonzero value (normal or subnormal) into upSign/upExp/upSig. */
export function unpack(bits: u64, isD: bool): void {
  upSign = signOf(bits, isD);
  const e = <i32>expFieldOf(bits, isD);
  const frac = fracOf(bits, isD);
  const shift: i32 = isD ? 10 : 39; // 62 - fraction bits
  const bias: i32 = isD ? 1023 : 127;
  if (e != 0) {
    upSig = (frac | (<u64>1 << <u64>(62 - shift))) << <u64>shift;
    upExp = e - bias;
  } else {
    // subnormal: value = frac * 2^(1 - bias - fracBits); normalize the leading one to bit 62
    const s = <i32>clz(frac) - 1;
    upSig = frac << <u64>s;
    upExp = (1 - bias) - (s - shift);
  }
}

// ------------------------------------------------------------------ rounding and packing

/** Shift right by `dist`, OR-ing every bit shifted out into bit 0 (dist may exceed 63). */
@inline export function shiftRightJam64(a: u64, dist: u32): u64 {
  if (dist == 0) return a;
  if (dist < 64) return (a >> <u64>dist) | <u64>((a << <u64>(64 - dist)) != 0);
  return <u64>(a != 0);
}

/**
 * Round a value in internal form (sig in [2^62, 2^63), or smaller only when the exact result is
 * that small, with bit 0 sticky) to the format and pack it, raising NX/UF/OF as IEEE 754 requires
 * with tininess detected after rounding.
 */
export function roundPack(sign: u32, exp: i32, sig: u64, isD: bool, rm: u32): u64 {
  const k: u64 = isD ? 10 : 39; // rounding bits below the significand
  const fracBits: u64 = isD ? 52 : 23;
  const bias: i32 = isD ? 1023 : 127;
  const maxE: i32 = isD ? 0x7fe : 0xfe; // largest normal biased exponent
  const mask: u64 = (<u64>1 << k) - 1;
  const half: u64 = <u64>1 << (k - 1);
  let inc: u64;
  if (rm == RM_RNE || rm == RM_RMM) inc = half;
  else if (rm == RM_RTZ) inc = 0;
  else if (rm == RM_RDN) inc = sign != 0 ? mask : 0;
  else inc = sign != 0 ? 0 : mask; // RUP
  let e: i32 = exp + bias; // biased exponent if sig is normalized
  const top: u64 = <u64>1 << 63;
  if (e <= 0) {
    // Below the normal range. Tiny unless rounding at full precision carries up to 2^emin.
    const tiny = e < 0 || sig + inc < top;
    sig = shiftRightJam64(sig, <u32>(1 - e));
    e = 1;
    if (tiny && (sig & mask) != 0) exc |= FLAG_UF;
  } else if (e >= maxE && (e > maxE || sig + inc >= top)) {
    exc |= FLAG_OF | FLAG_NX;
    // Round-to-nearest and rounding away from zero give infinity; the others the largest finite.
    const inf = packInf(sign, isD);
    return inc != 0 ? inf : inf - 1;
  }
  const roundBits = sig & mask;
  if (roundBits != 0) exc |= FLAG_NX;
  sig = (sig + inc) >> k;
  if (rm == RM_RNE && roundBits == half) sig &= ~<u64>1; // a tie: to even
  const signBits = <u64>sign << (isD ? 63 : 31);
  if (sig == 0) return signBits;
  // sig carries the integer bit at bit fracBits, which adds one to the exponent field.
  return signBits + (<u64>(e - 1) << fracBits) + sig;
}

/** Normalize (sign, exp, sig) with sig != 0 anywhere in u64, then roundPack. */
export function normalizeRoundPack(sign: u32, exp: i32, sig: u64, isD: bool, rm: u32): u64 {
  const lz = <i32>clz(sig);
  if (lz == 0) {
    return roundPack(sign, exp + 1, shiftRightJam64(sig, 1), isD, rm);
  }
  return roundPack(sign, exp - (lz - 1), sig << <u64>(lz - 1), isD, rm);
}

// ------------------------------------------------------------------ 128-bit helpers
// A 128-bit value is a (hi, lo) pair; results come back in r128Hi/r128Lo.
export let r128Hi: u64 = 0;
export let r128Lo: u64 = 0;

/** Full 64x64 -> 128 product into r128Hi:r128Lo. */
@inline export function mul64To128(a: u64, b: u64): void {
  r128Lo = a * b;
  r128Hi = mulhu(a, b);
}

/** Shift hi:lo right by dist, jamming shifted-out bits into bit 0, into r128Hi:r128Lo. */
export function shiftRightJam128(hi: u64, lo: u64, dist: u32): void {
  if (dist == 0) {
    r128Hi = hi;
    r128Lo = lo;
  } else if (dist < 64) {
    const d = <u64>dist;
    r128Hi = hi >> d;
    r128Lo = (hi << (64 - d)) | (lo >> d) | <u64>((lo << (64 - d)) != 0);
  } else if (dist == 64) {
    r128Hi = 0;
    r128Lo = hi | <u64>(lo != 0);
  } else if (dist < 128) {
    const d = <u64>(dist - 64);
    r128Hi = 0;
    r128Lo = (hi >> d) | <u64>(((hi << (64 - d)) | lo) != 0);
  } else {
    r128Hi = 0;
    r128Lo = <u64>((hi | lo) != 0);
  }
}
