// f32.ts — single-precision arithmetic: hardware fast paths through f64, falling back to the software core.
//
// Singles are widened to f64 exactly, the operation is done in f64 and the result narrowed with
// f32.demote (round to nearest even). That is correctly rounded because double rounding is
// innocuous for +, -, *, / and sqrt when the wide precision is at least 2p+2 bits (53 >= 2*24+2).
// The inexact flag comes from exact checks, all in f64 arithmetic that cannot round:
//   add/sub  TwoSum error of the f64 sum, or the narrowing changed the value;
//   mul      the f64 product is exact (48 bits), so only the narrowing can be inexact;
//   div      r * y == x with r the narrowed quotient (a 48-bit product, exact) iff r is exact;
//   sqrt     r * r == x likewise; the comparison also gives the direction for RTZ/RDN/RUP, so
//            sqrt needs no software path (its result is never subnormal nor a tie);
//   fma      x*y is exact in f64; the sum is made round-to-odd (TwoSum error, then nudge an even
//            result toward the error), and narrowing a round-to-odd value with 29 spare bits is
//            correctly rounded: one rounding, as FMA requires.
// Fast paths run under RNE only and require a normal result at least 2^-125 in magnitude (or an
// exact zero), so overflow and tininess cannot arise.
import { exc, FLAG_NV, FLAG_NX, RM_RDN, RM_RNE, RM_RTZ, RM_RUP, CANONICAL_NAN_S } from "./regs";
import { isSNaNOf } from "./softfloat-core";
import { softAdd, softDiv, softFma, softMul } from "./soft-arith";

@inline function finite(bits: u32): bool {
  return (bits & 0x7f800000) != 0x7f800000;
}

@inline function widen(bits: u32): f64 {
  return <f64>reinterpret<f32>(bits);
}

/** A narrowed result the fast path may return: normal and >= 2^-125, finite. */
@inline function fastRange(r: u32): bool {
  return ((r >> 23) & 0xff) - 2 < 0xfd;
}

export function f32Add(a: u32, b: u32, rm: u32): u32 {
  if (rm == RM_RNE && finite(a) && finite(b)) {
    const x = widen(a);
    const y = widen(b);
    const s = x + y;
    const r = <f32>s;
    const rb = reinterpret<u32>(r);
    if (s == 0) return rb; // exact zero, sign as RNE gives it
    if (fastRange(rb)) {
      const bb = s - x;
      const err = (x - (s - bb)) + (y - bb);
      if (err != 0 || <f64>r != s) exc |= FLAG_NX;
      return rb;
    }
  }
  return <u32>softAdd(<u64>a, <u64>b, false, rm);
}

export function f32Sub(a: u32, b: u32, rm: u32): u32 {
  return f32Add(a, b ^ 0x80000000, rm);
}

export function f32Mul(a: u32, b: u32, rm: u32): u32 {
  if (rm == RM_RNE && finite(a) && finite(b)) {
    const p = widen(a) * widen(b); // exact: 48-bit significand, exponent well inside f64's range
    const r = <f32>p;
    const rb = reinterpret<u32>(r);
    if (p == 0) return rb;
    if (fastRange(rb)) {
      if (<f64>r != p) exc |= FLAG_NX;
      return rb;
    }
  }
  return <u32>softMul(<u64>a, <u64>b, false, rm);
}

export function f32Div(a: u32, b: u32, rm: u32): u32 {
  if (rm == RM_RNE && finite(a) && finite(b) && (b << 1) != 0) {
    const x = widen(a);
    const y = widen(b);
    const r = <f32>(x / y);
    const rb = reinterpret<u32>(r);
    if (x == 0) return rb;
    if (fastRange(rb)) {
      if (<f64>r * y != x) exc |= FLAG_NX;
      return rb;
    }
  }
  return <u32>softDiv(<u64>a, <u64>b, false, rm);
}

export function f32Sqrt(a: u32, rm: u32): u32 {
  const abs = a & 0x7fffffff;
  if (abs > 0x7f800000) {
    if (isSNaNOf(<u64>a, false)) exc |= FLAG_NV;
    return CANONICAL_NAN_S;
  }
  if (abs == 0) return a; // sqrt(-0) = -0
  if ((a & 0x80000000) != 0) {
    exc |= FLAG_NV;
    return CANONICAL_NAN_S;
  }
  if (abs == 0x7f800000) return a;
  const x = widen(a);
  const r = <f32>Math.sqrt(x);
  let rb = reinterpret<u32>(r);
  const sq = <f64>r * <f64>r; // exact
  if (sq != x) {
    exc |= FLAG_NX;
    if (rm == RM_RTZ || rm == RM_RDN) {
      if (sq > x) rb -= 1;
    } else if (rm == RM_RUP) {
      if (sq < x) rb += 1;
    }
  }
  return rb;
}

export function f32Fma(a: u32, b: u32, c: u32, rm: u32): u32 {
  if (rm == RM_RNE && finite(a) && finite(b) && finite(c)) {
    const p = widen(a) * widen(b); // exact
    const z = widen(c);
    const s = p + z;
    const bb = s - p;
    const err = (p - (s - bb)) + (z - bb);
    let sb = reinterpret<u64>(s);
    if (err != 0 && (sb & 1) == 0) {
      // round to odd: the exact sum lies strictly between s and its neighbour toward err
      sb = (err > 0) == (s > 0) ? sb + 1 : sb - 1;
    }
    const r = <f32>reinterpret<f64>(sb);
    const rb = reinterpret<u32>(r);
    if (s == 0 && err == 0) return rb; // exact zero
    if (fastRange(rb)) {
      if (err != 0 || <f64>r != s) exc |= FLAG_NX;
      return rb;
    }
  }
  return <u32>softFma(<u64>a, <u64>b, <u64>c, false, rm);
}
