// soft-arith.ts — software add, multiply, divide and fused multiply-add for both formats, every rounding mode.
//
// These are the general (slow) paths: the f32.ts/f64.ts fast paths hand over everything they
// cannot prove exact-and-flag-correct in hardware (NaN, infinity, zero, subnormal and extreme
// ranges, rounding modes other than RNE). Special cases follow IEEE 754-2019 with RISC-V's NaN
// rules: any NaN result is the canonical NaN, and NV is raised by signalling NaN operands.
import { exc, FLAG_DZ, FLAG_NV, RM_RDN } from "./regs";
import {
  canonicalNaN, invalid, isInfOf, isNaNOf, isSNaNOf, isZeroOf, mul64To128, normalizeRoundPack,
  packInf, packZero, propagateNaN, r128Hi, r128Lo, roundPack, shiftRightJam128, shiftRightJam64,
  signOf, unpack, upExp, upSig, upSign,
} from "./softfloat-core";

/** Sign of an exact zero sum of operands with different signs: -0 only when rounding down. */
@inline function zeroSumSign(rm: u32): u32 {
  return rm == RM_RDN ? 1 : 0;
}

export function softAdd(a: u64, b: u64, isD: bool, rm: u32): u64 {
  if (isNaNOf(a, isD) || isNaNOf(b, isD)) return propagateNaN(a, b, isD);
  const aInf = isInfOf(a, isD);
  const bInf = isInfOf(b, isD);
  if (aInf || bInf) {
    if (aInf && bInf && signOf(a, isD) != signOf(b, isD)) return invalid(isD); // inf - inf
    return aInf ? a : b;
  }
  if (isZeroOf(a, isD)) {
    if (isZeroOf(b, isD)) {
      const sa = signOf(a, isD);
      return packZero(sa == signOf(b, isD) ? sa : zeroSumSign(rm), isD);
    }
    return b; // exact
  }
  if (isZeroOf(b, isD)) return a;
  unpack(a, isD);
  let sa = upSign;
  let ea = upExp;
  let ma = upSig;
  unpack(b, isD);
  let sb = upSign;
  let eb = upExp;
  let mb = upSig;
  // Order by magnitude: a is the larger.
  if (eb > ea || (eb == ea && mb > ma)) {
    const ts = sa; sa = sb; sb = ts;
    const te = ea; ea = eb; eb = te;
    const tm = ma; ma = mb; mb = tm;
  }
  // The smaller operand loses bits only below the larger one's rounding bits (>= 10 spare), and
  // the jammed sticky keeps the truncated sum correctly roundable (round-to-odd).
  mb = shiftRightJam64(mb, <u32>(ea - eb));
  if (sa == sb) return normalizeRoundPack(sa, ea, ma + mb, isD, rm); // < 2^64: no overflow
  if (ma == mb) return packZero(zeroSumSign(rm), isD); // exact cancellation
  return normalizeRoundPack(sa, ea, ma - mb, isD, rm);
}

/** Round the product of two finite nonzero unpacked operands. */
function mulFinite(sign: u32, ea: i32, ma: u64, eb: i32, mb: u64, isD: bool, rm: u32): u64 {
  mul64To128(ma, mb); // in [2^124, 2^126)
  const hi = r128Hi;
  const lo = r128Lo;
  const sig = (hi << 2) | (lo >> 62) | <u64>((lo << 2) != 0);
  return normalizeRoundPack(sign, ea + eb, sig, isD, rm);
}

export function softMul(a: u64, b: u64, isD: bool, rm: u32): u64 {
  if (isNaNOf(a, isD) || isNaNOf(b, isD)) return propagateNaN(a, b, isD);
  const sign = signOf(a, isD) ^ signOf(b, isD);
  const aInf = isInfOf(a, isD);
  const bInf = isInfOf(b, isD);
  const aZero = isZeroOf(a, isD);
  const bZero = isZeroOf(b, isD);
  if (aInf || bInf) {
    if (aZero || bZero) return invalid(isD); // inf * 0
    return packInf(sign, isD);
  }
  if (aZero || bZero) return packZero(sign, isD);
  unpack(a, isD);
  const ea = upExp;
  const ma = upSig;
  unpack(b, isD);
  return mulFinite(sign, ea, ma, upExp, upSig, isD, rm);
}

export function softDiv(a: u64, b: u64, isD: bool, rm: u32): u64 {
  if (isNaNOf(a, isD) || isNaNOf(b, isD)) return propagateNaN(a, b, isD);
  const sign = signOf(a, isD) ^ signOf(b, isD);
  const aInf = isInfOf(a, isD);
  const bInf = isInfOf(b, isD);
  if (aInf) return bInf ? invalid(isD) : packInf(sign, isD);
  if (bInf) return packZero(sign, isD);
  const aZero = isZeroOf(a, isD);
  if (isZeroOf(b, isD)) {
    if (aZero) return invalid(isD); // 0 / 0
    exc |= FLAG_DZ;
    return packInf(sign, isD);
  }
  if (aZero) return packZero(sign, isD);
  unpack(a, isD);
  const ea = upExp;
  const na = upSig >> 10; // 53 significant bits: exact (both formats have >= 10 zero bits there)
  unpack(b, isD);
  const eb = upExp;
  const nb = upSig >> 10;
  // Long division, 10 quotient bits per step (rem < nb < 2^53, so rem << 10 fits):
  // q = floor(na * 2^62 / nb), in (2^61, 2^63).
  let q = na / nb;
  let rem = na % nb;
  for (let i = 0; i < 6; i++) {
    rem <<= 10;
    q = (q << 10) | (rem / nb);
    rem %= nb;
  }
  rem <<= 2;
  q = (q << 2) | (rem / nb);
  rem %= nb;
  if (rem != 0) q |= 1; // sticky
  return normalizeRoundPack(sign, ea - eb, q, isD, rm);
}

/**
 * a * b + c with a single rounding. The FMSUB/FNMSUB/FNMADD variants negate operands before
 * calling (as SoftFloat/Spike do), which only changes the sign of exact-zero results.
 */
export function softFma(a: u64, b: u64, c: u64, isD: bool, rm: u32): u64 {
  const aInf = isInfOf(a, isD);
  const bInf = isInfOf(b, isD);
  const aZero = isZeroOf(a, isD);
  const bZero = isZeroOf(b, isD);
  const infTimesZero = (aInf && bZero) || (aZero && bInf);
  if (isNaNOf(a, isD) || isNaNOf(b, isD) || isNaNOf(c, isD)) {
    // RISC-V: inf * 0 is invalid even when the addend is a quiet NaN.
    if (infTimesZero || isSNaNOf(a, isD) || isSNaNOf(b, isD) || isSNaNOf(c, isD)) exc |= FLAG_NV;
    return canonicalNaN(isD);
  }
  if (infTimesZero) return invalid(isD);
  const sp = signOf(a, isD) ^ signOf(b, isD);
  const sc = signOf(c, isD);
  const cInf = isInfOf(c, isD);
  if (aInf || bInf) {
    if (cInf && sc != sp) return invalid(isD); // inf - inf
    return packInf(sp, isD);
  }
  if (cInf) return c;
  const cZero = isZeroOf(c, isD);
  if (aZero || bZero) {
    if (cZero) return packZero(sp == sc ? sp : zeroSumSign(rm), isD);
    return c; // exact
  }
  unpack(a, isD);
  const ea = upExp;
  const ma = upSig;
  unpack(b, isD);
  const eb = upExp;
  const mb = upSig;
  if (cZero) return mulFinite(sp, ea, ma, eb, mb, isD, rm);
  unpack(c, isD);
  const ec = upExp;
  const mc = upSig;
  // Exact product P = ma * mb in [2^124, 2^126), value P * 2^(eP - 124); it has >= 20 low zero bits.
  mul64To128(ma, mb);
  let pHi = r128Hi;
  let pLo = r128Lo;
  let eP = ea + eb;
  if ((pHi >> 61) != 0) { // P >= 2^125: halve it (exact) so P and C share the range [2^124, 2^125)
    pLo = (pLo >> 1) | (pHi << 63);
    pHi >>= 1;
    eP += 1;
  }
  // Addend C = mc * 2^62, value C * 2^(ec - 124).
  let cHi = mc >> 2;
  let cLo = mc << 62;
  // Align to the larger exponent; the smaller is shifted with a sticky bit. A shift of 0 or 1 is
  // exact, so heavy cancellation is exact; a larger shift leaves the result >= 2^123.
  let e: i32;
  if (eP >= ec) {
    e = eP;
    shiftRightJam128(cHi, cLo, <u32>(eP - ec));
    cHi = r128Hi;
    cLo = r128Lo;
  } else {
    e = ec;
    shiftRightJam128(pHi, pLo, <u32>(ec - eP));
    pHi = r128Hi;
    pLo = r128Lo;
  }
  let sign: u32;
  let sHi: u64;
  let sLo: u64;
  if (sp == sc) {
    sign = sp;
    sLo = pLo + cLo;
    sHi = pHi + cHi + <u64>(sLo < pLo);
  } else if (pHi > cHi || (pHi == cHi && pLo > cLo)) {
    sign = sp;
    sLo = pLo - cLo;
    sHi = pHi - cHi - <u64>(pLo < cLo);
  } else if (pHi == cHi && pLo == cLo) {
    return packZero(zeroSumSign(rm), isD); // exact cancellation
  } else {
    sign = sc;
    sLo = cLo - pLo;
    sHi = cHi - pHi - <u64>(cLo < pLo);
  }
  // Normalize the 128-bit sum S (value S * 2^(e - 124)) to sig in [2^62, 2^63).
  const top: i32 = sHi != 0 ? 127 - <i32>clz(sHi) : 63 - <i32>clz(sLo);
  let sig: u64;
  if (top > 62) {
    shiftRightJam128(sHi, sLo, <u32>(top - 62));
    sig = r128Lo;
  } else {
    sig = sLo << <u64>(62 - top);
  }
  return roundPack(sign, e - 124 + top, sig, isD, rm);
}
