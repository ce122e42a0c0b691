// alu.ts — the M extension's awkward corners: 128-bit high products and RISC-V's defined division results.
//
// Wasm has no 64x64->128 multiply and traps on division by zero and INT_MIN / -1, where RISC-V
// defines results (all ones / the dividend for /0; INT_MIN and 0 for overflow).

/** High 64 bits of an unsigned 64x64 product, from 32-bit halves. */
export function mulhu(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff;
  const aHi = a >> 32;
  const bLo = b & 0xffffffff;
  const bHi = b >> 32;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const hihi = aHi * bHi;
  const cross = (lolo >> 32) + (hilo & 0xffffffff) + lohi;
  return hihi + (hilo >> 32) + (cross >> 32);
}

export function mulh(a: u64, b: u64): u64 {
  let hi = mulhu(a, b);
  if (<i64>a < 0) hi -= b;
  if (<i64>b < 0) hi -= a;
  return hi;
}

export function mulhsu(a: u64, b: u64): u64 {
  let hi = mulhu(a, b);
  if (<i64>a < 0) hi -= b;
  return hi;
}

@inline export function div(a: u64, b: u64): u64 {
  if (b == 0) return <u64>-1;
  if (a == 0x8000000000000000 && b == <u64>-1) return a;
  return <u64>(<i64>a / <i64>b);
}

@inline export function divu(a: u64, b: u64): u64 {
  return b == 0 ? <u64>-1 : a / b;
}

@inline export function rem(a: u64, b: u64): u64 {
  if (b == 0) return a;
  if (a == 0x8000000000000000 && b == <u64>-1) return 0;
  return <u64>(<i64>a % <i64>b);
}

@inline export function remu(a: u64, b: u64): u64 {
  return b == 0 ? a : a % b;
}

@inline export function divw(a: u64, b: u64): u64 {
  const x = <i32>a;
  const y = <i32>b;
  if (y == 0) return <u64>-1;
  if (x == i32.MIN_VALUE && y == -1) return <u64><i64>x;
  return <u64><i64>(x / y);
}

@inline export function divuw(a: u64, b: u64): u64 {
  const x = <u32>a;
  const y = <u32>b;
  if (y == 0) return <u64>-1;
  return <u64><i64><i32>(x / y);
}

@inline export function remw(a: u64, b: u64): u64 {
  const x = <i32>a;
  const y = <i32>b;
  if (y == 0) return <u64><i64>x;
  if (x == i32.MIN_VALUE && y == -1) return 0;
  return <u64><i64>(x % y);
}

@inline export function remuw(a: u64, b: u64): u64 {
  const x = <u32>a;
  const y = <u32>b;
  if (y == 0) return <u64><i64><i32>x;
  return <u64><i64><i32>(x % y);
}
