// f64.ts — double-precision arithmetic: hardware fast paths that are provably exact-and-flag-correct,
// falling back to the software core (soft-arith.ts) for everything else.
//
// Wasm's f64 add/sub/mul/div/sqrt are IEEE 754 correctly rounded to nearest-even, so under RNE the
// hardware result is the RISC-V result whenever no NaN, infinity, overflow or underflow is involved.
// The only missing piece is the inexact flag, which each fast path computes from an exact error term:
//   add/sub  TwoSum (Knuth): err = (x - (s - bb)) + (y - bb), bb = s - x, is the exact rounding error
//            of s = x + y when nothing overflows (operands below 2^1023 guarantee that). Sums are exact
//            when they underflow, so subnormal results need no flags.
//   mul      the product of the significands' odd parts is odd; it fits in 53 bits (exact) iff its
//            bit length does, decided from the two lengths and, in the one ambiguous case, one u64
//            multiply (< 2^54, exact).
//   div      a quotient of odd parts oa/ob is dyadic (hence exact, < 2^53) iff ob divides oa.
//   sqrt     hardware sqrt is correctly rounded for every positive operand and its result is never
//            subnormal nor a tie; r*r is compared with the operand exactly (128-bit integers), which
//            gives NX and the direction for RTZ/RDN/RUP, so sqrt needs no software path at all.
//   fma      exact product (Dekker), exact sums (TwoSum) and a round-to-odd step: see f64Fma.
// The fast paths require a normal result at least 2^-1021 in magnitude (so tininess cannot arise)
// and a finite one (so overflow cannot).
import { exc, FLAG_NV, FLAG_NX, RM_RDN, RM_RNE, RM_RTZ, RM_RUP } from "./regs";
import { mulhu } from "../alu";
import { canonicalNaN, isSNaNOf } from "./softfloat-core";
import { softAdd, softDiv, softFma, softMul } from "./soft-arith";

const SIGN: u64 = 0x8000000000000000;
const FRAC: u64 = 0x000fffffffffffff;
const IMPLICIT: u64 = 0x0010000000000000;

@inline function expField(bits: u64): u32 {
  return <u32>(bits >> 52) & 0x7ff;
}

/** Odd part of the 53-bit significand of a normal double. */
@inline function oddSignificand(bits: u64): u64 {
  const m = (bits & FRAC) | IMPLICIT;
  return m >> ctz(m);
}

/** Is the product of two normal doubles exactly representable (given a normal result)? */
@inline function productExact(a: u64, b: u64): bool {
  const oa = oddSignificand(a);
  const ob = oddSignificand(b);
  const bits = 128 - <u32>clz(oa) - <u32>clz(ob);
  if (bits <= 53) return true;
  if (bits > 54) return false;
  return oa * ob < IMPLICIT << 1; // < 2^54: exact in u64
}

export function f64Add(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE && expField(a) < 0x7fe && expField(b) < 0x7fe) {
    const x = reinterpret<f64>(a);
    const y = reinterpret<f64>(b);
    const s = x + y;
    const bb = s - x;
    const err = (x - (s - bb)) + (y - bb);
    if (err != 0) exc |= FLAG_NX;
    return reinterpret<u64>(s);
  }
  return softAdd(a, b, true, rm);
}

export function f64Sub(a: u64, b: u64, rm: u32): u64 {
  return f64Add(a, b ^ SIGN, rm); // the sign of a NaN never matters: NaN results are canonical
}

export function f64Mul(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE && expField(a) - 1 < 0x7fe && expField(b) - 1 < 0x7fe) { // both normal
    const p = reinterpret<u64>(reinterpret<f64>(a) * reinterpret<f64>(b));
    if (expField(p) - 2 < 0x7fd) { // result normal, >= 2^-1021, finite
      if (!productExact(a, b)) exc |= FLAG_NX;
      return p;
    }
  }
  return softMul(a, b, true, rm);
}

export function f64Div(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE && expField(a) - 1 < 0x7fe && expField(b) - 1 < 0x7fe) {
    const q = reinterpret<u64>(reinterpret<f64>(a) / reinterpret<f64>(b));
    if (expField(q) - 2 < 0x7fd) {
      const oa = oddSignificand(a);
      const ob = oddSignificand(b);
      if (ob != 1 && (ob > oa || oa % ob != 0)) exc |= FLAG_NX;
      return q;
    }
  }
  return softDiv(a, b, true, rm);
}

/**
 * Sign of r*r - a, exactly: r normal positive, a positive finite nonzero (maybe subnormal), r the
 * correctly rounded square root of a (so the two sides are within a few bits of each other).
 */
function squareCompare(r: u64, a: u64): i32 {
  const mr = (r & FRAC) | IMPLICIT;
  const er = <i32>expField(r) - 1075; // r = mr * 2^er
  const ea = <i32>expField(a);
  const ma = ea != 0 ? (a & FRAC) | IMPLICIT : a & FRAC;
  const ex: i32 = ea != 0 ? ea - 1075 : -1074; // a = ma * 2^ex
  // mr^2 is in [2^104, 2^106), so d = ex - 2*er is in about [51, 106].
  const d = <u64>(ex - 2 * er);
  const sqHi = mulhu(mr, mr);
  const sqLo = mr * mr;
  let aHi: u64;
  let aLo: u64;
  if (d >= 64) {
    aHi = ma << (d - 64);
    aLo = 0;
  } else {
    aHi = ma >> (64 - d);
    aLo = ma << d;
  }
  if (sqHi != aHi) return sqHi > aHi ? 1 : -1;
  if (sqLo != aLo) return sqLo > aLo ? 1 : -1;
  return 0;
}

export function f64Sqrt(a: u64, rm: u32): u64 {
  const abs = a & ~SIGN;
  if (abs > 0x7ff0000000000000) { // NaN
    if (isSNaNOf(a, true)) exc |= FLAG_NV;
    return canonicalNaN(true);
  }
  if (abs == 0) return a; // sqrt(-0) = -0
  if ((a & SIGN) != 0) {
    exc |= FLAG_NV;
    return canonicalNaN(true);
  }
  if (abs == 0x7ff0000000000000) return a; // +inf
  let r = reinterpret<u64>(Math.sqrt(reinterpret<f64>(a)));
  if (rm == RM_RNE) {
    // Common case: an odd significand of 27+ bits squares to 54+ bits, so r*r != a.
    const or = oddSignificand(r);
    if (or >= (<u64>1 << 27)) {
      exc |= FLAG_NX;
      return r;
    }
  }
  const cmp = squareCompare(r, a);
  if (cmp != 0) {
    exc |= FLAG_NX;
    // The root is positive: RTZ and RDN step down when r is above it, RUP steps up when below.
    // (RNE and RMM agree: a square root is never exactly halfway between two doubles.)
    if (rm == RM_RTZ || rm == RM_RDN) {
      if (cmp > 0) r -= 1;
    } else if (rm == RM_RUP) {
      if (cmp < 0) r += 1;
    }
  }
  return r;
}

// Exponent-field window for the FMA fast path: Dekker's exact product needs no overflow in the
// Veltkamp split (|x| * (2^27 + 1)) and no underflow in the partial products.
const FMA_LO: u32 = 0x3ff - 900; // |a|, |b|, |a*b| >= 2^-900
const FMA_AB_SPAN: u32 = 0x3ff + 995 - FMA_LO; // |a|, |b| < 2^996
const FMA_HI: u32 = 0x3ff + 1020; // |a*b|, |c| < 2^1021: no overflow in the sums

/** TwoSum error of s = x + y (exact when nothing overflows). */
@inline function twoSumErr(x: f64, y: f64, s: f64): f64 {
  const bb = s - x;
  return (x - (s - bb)) + (y - bb);
}

/**
 * Fused a * b + c. Fast path (RNE), after Boldo and Melquiond, "Emulation of FMA and correctly
 * rounded sums: proved algorithms using rounding to odd" (IEEE TC 2008):
 *   uh + ul = a * b exactly (Dekker's product with Veltkamp splitting),
 *   th + tl = c + uh exactly (TwoSum),
 *   v = tl + ul rounded to odd (a TwoSum error e2, then an even result nudged toward it),
 *   r = RN(th + v) = RN(a * b + c).
 * The result is inexact iff e2 != 0 or the last addition's TwoSum error e3 != 0 (when e2 != 0,
 * tl != 0, so |tl + ul| <= 1.5 ulp(th) and its bits below th's grid survive in a * b + c).
 * The operand window keeps every step exact; results below 2^-1021 or infinite go to software.
 */
export function f64Fma(a: u64, b: u64, c: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    const ea = expField(a);
    const eb = expField(b);
    if (ea - FMA_LO <= FMA_AB_SPAN && eb - FMA_LO <= FMA_AB_SPAN && expField(c) < FMA_HI) {
      const x = reinterpret<f64>(a);
      const y = reinterpret<f64>(b);
      const z = reinterpret<f64>(c);
      const uh = x * y;
      if (expField(reinterpret<u64>(uh)) - FMA_LO < FMA_HI - FMA_LO) {
        const SPLIT: f64 = 134217729.0; // 2^27 + 1
        const tx = x * SPLIT;
        const xh = tx - (tx - x);
        const xl = x - xh;
        const ty = y * SPLIT;
        const yh = ty - (ty - y);
        const yl = y - yh;
        const ul = ((xh * yh - uh) + xh * yl + xl * yh) + xl * yl;
        const th = z + uh;
        const tl = twoSumErr(z, uh, th);
        let v = tl + ul;
        const e2 = twoSumErr(tl, ul, v);
        if (e2 != 0) {
          const vb = reinterpret<u64>(v);
          if ((vb & 1) == 0) v = reinterpret<f64>((e2 > 0) == (v > 0) ? vb + 1 : vb - 1);
        }
        const r = th + v;
        const rb = reinterpret<u64>(r);
        if (expField(rb) - 2 < 0x7fd) {
          if (e2 != 0 || twoSumErr(th, v, r) != 0) exc |= FLAG_NX;
          return rb;
        }
      }
    } else if (((a << 1) == 0 && eb < 0x7ff) || ((b << 1) == 0 && ea < 0x7ff)) {
      // a zero times a finite value: an exactly signed zero, then one rounded addition
      const p = reinterpret<u64>(reinterpret<f64>(a) * reinterpret<f64>(b));
      return f64Add(p, c, rm);
    }
  }
  return softFma(a, b, c, true, rm);
}
