// compare.ts — the non-arithmetic F/D operations: FEQ/FLT/FLE, FMIN/FMAX, FCLASS (both formats).
//
// All on raw bits, with no rounding. FEQ is a quiet comparison (NV only for signalling NaNs);
// FLT/FLE signal NV for any NaN. FMIN/FMAX are IEEE 754-2019 minimumNumber/maximumNumber: a single
// NaN operand yields the other operand, two NaNs the canonical NaN, -0 orders below +0, and a
// signalling NaN raises NV.
import { exc, FLAG_NV } from "./regs";
import {
  canonicalNaN, expFieldOf, expMaxOf, fracOf, isNaNOf, isSNaNOf, signOf,
} from "./softfloat-core";

/** Both operands are zeros (of any signs). */
@inline function bothZero(a: u64, b: u64, isD: bool): bool {
  return ((a | b) & (isD ? 0x7fffffffffffffff : 0x7fffffff)) == 0;
}

/** a < b for non-NaN operands, with -0 == +0. */
@inline function lessThan(a: u64, b: u64, isD: bool): bool {
  const sa = signOf(a, isD);
  if (sa != signOf(b, isD)) return sa != 0 && !bothZero(a, b, isD);
  return sa == 0 ? a < b : a > b;
}

export function feq(a: u64, b: u64, isD: bool): u64 {
  if (isNaNOf(a, isD) || isNaNOf(b, isD)) {
    if (isSNaNOf(a, isD) || isSNaNOf(b, isD)) exc |= FLAG_NV;
    return 0;
  }
  return <u64>(a == b || bothZero(a, b, isD));
}

export function flt(a: u64, b: u64, isD: bool): u64 {
  if (isNaNOf(a, isD) || isNaNOf(b, isD)) {
    exc |= FLAG_NV;
    return 0;
  }
  return <u64>lessThan(a, b, isD);
}

export function fle(a: u64, b: u64, isD: bool): u64 {
  if (isNaNOf(a, isD) || isNaNOf(b, isD)) {
    exc |= FLAG_NV;
    return 0;
  }
  return <u64>(a == b || bothZero(a, b, isD) || lessThan(a, b, isD));
}

export function fminmax(a: u64, b: u64, isD: bool, isMax: bool): u64 {
  const aNaN = isNaNOf(a, isD);
  const bNaN = isNaNOf(b, isD);
  if (aNaN || bNaN) {
    if (isSNaNOf(a, isD) || isSNaNOf(b, isD)) exc |= FLAG_NV;
    if (aNaN && bNaN) return canonicalNaN(isD);
    return aNaN ? b : a;
  }
  // lessThan treats -0 and +0 as equal; order them here: -0 < +0.
  const aBelow = bothZero(a, b, isD) ? signOf(a, isD) > signOf(b, isD) : lessThan(a, b, isD);
  return aBelow != isMax ? a : b;
}

/** FCLASS: one-hot class bit (0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
 *  6 +normal, 7 +inf, 8 sNaN, 9 qNaN). */
export function fclass(bits: u64, isD: bool): u64 {
  const negative = signOf(bits, isD) != 0;
  const e = expFieldOf(bits, isD);
  const frac = fracOf(bits, isD);
  let cls: u32;
  if (e == expMaxOf(isD)) {
    if (frac == 0) cls = negative ? 0 : 7;
    else cls = isSNaNOf(bits, isD) ? 8 : 9;
  } else if (e == 0) {
    if (frac == 0) cls = negative ? 3 : 4;
    else cls = negative ? 2 : 5;
  } else {
    cls = negative ? 1 : 6;
  }
  return <u64>1 << <u64>cls;
}
