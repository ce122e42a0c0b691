// execute-fp.ts — decode and execute the F and D instructions (LOAD-FP, STORE-FP, the FMA family, OP-FP).
//
// Called from the interpreter with the (expanded) instruction; on success it sets pc = next.
// Traps follow the interpreter's conventions: a decode-time illegal instruction goes through
// trapFromDecoder (no `stop`), a memory fault or an exit leaves `stop` set for the caller.
// With mstatus.FS = Off every F/D instruction is illegal. Writing an f register, or raising a
// flag, sets FS = Dirty. The rounding mode is the instruction's rm field, or frm for DYN (7);
// the reserved encodings 5 and 6, and DYN with frm >= 5, are illegal.
import { loadSlow, storeSlow, tlbLoadBase, tlbProbe, tlbStoreBase } from "../mmu";
import { CAUSE_ILLEGAL_INSN, MSTATUS_FS } from "../csrs";
import { getX, mstatus, pc, setX } from "../state";
import { trapFromDecoder } from "../trap";
import { stop, STOP_NONE } from "../../exit";
import {
  exc, fflags, frm, getF, getF32, markFsDirty, setF, setF32, RM_DYN,
} from "./regs";
import { f32Add, f32Div, f32Fma, f32Mul, f32Sqrt, f32Sub } from "./f32";
import { f64Add, f64Div, f64Fma, f64Mul, f64Sqrt, f64Sub } from "./f64";
import { f32ToF64, f64ToF32, floatToInt, intToFloat } from "./convert";
import { fclass, feq, fle, flt, fminmax } from "./compare";

const SIGN_D: u64 = 0x8000000000000000;
const SIGN_S: u32 = 0x80000000;

/** Fold the operation's exception flags into fflags. */
@inline function commitFlags(): void {
  if (exc != 0) {
    fflags |= exc;
    exc = 0;
    markFsDirty();
  }
}

/** The effective rounding mode, or 8 when the encoding is reserved (illegal). */
@inline function roundingMode(funct3: u32): u32 {
  const rm = funct3 == RM_DYN ? frm : funct3;
  return rm <= 4 ? rm : 8;
}

function illegal(raw: u32): void {
  trapFromDecoder(CAUSE_ILLEGAL_INSN, <u64>raw);
}

/** Execute one F/D instruction (major opcode 0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f or 0x53). */
export function executeFp(insn: u32, raw: u32, next: u64): void {
  if ((mstatus & MSTATUS_FS) == 0) {
    illegal(raw);
    return;
  }
  switch (insn & 0x7f) {
    case 0x07: loadFp(insn, raw, next); return;
    case 0x27: storeFp(insn, raw, next); return;
    case 0x53: opFp(insn, raw, next); return;
    default: fma(insn, raw, next); return;
  }
}

function loadFp(insn: u32, raw: u32, next: u64): void {
  const funct3 = (insn >> 12) & 7;
  if (funct3 != 2 && funct3 != 3) {
    illegal(raw);
    return;
  }
  const rd = (insn >> 7) & 0x1f;
  const va = getX((insn >> 15) & 0x1f) + <u64><i64>(<i32>insn >> 20);
  const size: u32 = funct3 == 2 ? 4 : 8;
  const host = tlbProbe(tlbLoadBase, va);
  let v: u64;
  if (host != 0 && (<u32>va & 0xfff) <= 4096 - size) {
    v = size == 4 ? <u64>load<u32>(host) : load<u64>(host);
  } else {
    // RAM, an in-core device, or an MMIO exit whose setData() completes into f[rd].
    v = loadSlow(va, size, rd, funct3, true);
    if (stop != STOP_NONE) return; // trap, or an exit (the caller completes pc)
  }
  if (size == 4) setF32(rd, <u32>v);
  else setF(rd, v);
  markFsDirty();
  pc = next;
}

function storeFp(insn: u32, raw: u32, next: u64): void {
  const funct3 = (insn >> 12) & 7;
  if (funct3 != 2 && funct3 != 3) {
    illegal(raw);
    return;
  }
  const imm = <u64><i64>(((<i32>insn >> 25) << 5) | <i32>((insn >> 7) & 0x1f));
  const va = getX((insn >> 15) & 0x1f) + imm;
  const size: u32 = funct3 == 2 ? 4 : 8;
  const v = getF((insn >> 20) & 0x1f); // FSW stores the low 32 bits as they are
  const host = tlbProbe(tlbStoreBase, va);
  if (host != 0 && (<u32>va & 0xfff) <= 4096 - size) {
    if (size == 4) store<u32>(host, <u32>v);
    else store<u64>(host, v);
  } else {
    storeSlow(va, size, v);
    if (stop != STOP_NONE) return; // trap, or an exit (the caller completes pc)
  }
  pc = next;
}

function fma(insn: u32, raw: u32, next: u64): void {
  const fmt = (insn >> 25) & 3;
  const rm = roundingMode((insn >> 12) & 7);
  if (fmt > 1 || rm > 4) {
    illegal(raw);
    return;
  }
  const op = insn & 0x7f; // 0x43 FMADD, 0x47 FMSUB, 0x4b FNMSUB, 0x4f FNMADD
  const negProduct = op >= 0x4b;
  const negAddend = op == 0x47 || op == 0x4f;
  const rd = (insn >> 7) & 0x1f;
  const rs1 = (insn >> 15) & 0x1f;
  const rs2 = (insn >> 20) & 0x1f;
  const rs3 = insn >> 27;
  if (fmt == 0) {
    let a = getF32(rs1);
    let c = getF32(rs3);
    if (negProduct) a ^= SIGN_S;
    if (negAddend) c ^= SIGN_S;
    setF32(rd, f32Fma(a, getF32(rs2), c, rm));
  } else {
    let a = getF(rs1);
    let c = getF(rs3);
    if (negProduct) a ^= SIGN_D;
    if (negAddend) c ^= SIGN_D;
    setF(rd, f64Fma(a, getF(rs2), c, rm));
  }
  commitFlags();
  markFsDirty();
  pc = next;
}

function opFp(insn: u32, raw: u32, next: u64): void {
  const funct7 = insn >> 25;
  const isD = (funct7 & 3) == 1;
  const funct5 = funct7 >> 2;
  const funct3 = (insn >> 12) & 7;
  const rd = (insn >> 7) & 0x1f;
  const rs1 = (insn >> 15) & 0x1f;
  const rs2 = (insn >> 20) & 0x1f;
  if ((funct7 & 3) > 1) { // H and Q are not implemented
    illegal(raw);
    return;
  }
  // Instructions with a rounding-mode field.
  switch (funct5) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x0b: case 0x08: case 0x18: case 0x1a: {
      const rm = roundingMode(funct3);
      if (rm > 4) break;
      if (!roundedOp(funct5, isD, rm, rd, rs1, rs2)) break;
      commitFlags();
      pc = next;
      return;
    }
    case 0x04: { // FSGNJ, FSGNJN, FSGNJX
      if (funct3 > 2) break;
      if (isD) {
        const a = getF(rs1);
        const b = getF(rs2);
        const s = funct3 == 0 ? b : funct3 == 1 ? ~b : a ^ b;
        setF(rd, (a & ~SIGN_D) | (s & SIGN_D));
      } else {
        const a = getF32(rs1);
        const b = getF32(rs2);
        const s = funct3 == 0 ? b : funct3 == 1 ? ~b : a ^ b;
        setF32(rd, (a & ~SIGN_S) | (s & SIGN_S));
      }
      markFsDirty();
      pc = next;
      return;
    }
    case 0x05: { // FMIN, FMAX
      if (funct3 > 1) break;
      if (isD) setF(rd, fminmax(getF(rs1), getF(rs2), true, funct3 == 1));
      else setF32(rd, <u32>fminmax(<u64>getF32(rs1), <u64>getF32(rs2), false, funct3 == 1));
      commitFlags();
      markFsDirty();
      pc = next;
      return;
    }
    case 0x14: { // FLE, FLT, FEQ
      const a = isD ? getF(rs1) : <u64>getF32(rs1);
      const b = isD ? getF(rs2) : <u64>getF32(rs2);
      let v: u64 = 0;
      if (funct3 == 0) v = fle(a, b, isD);
      else if (funct3 == 1) v = flt(a, b, isD);
      else if (funct3 == 2) v = feq(a, b, isD);
      else break;
      setX(rd, v);
      commitFlags();
      pc = next;
      return;
    }
    case 0x1c: { // FMV.X.W / FMV.X.D, FCLASS
      if (rs2 != 0) break;
      if (funct3 == 0) {
        const v = getF(rs1);
        setX(rd, isD ? v : <u64><i64><i32><u32>v); // FMV.X.W: the low bits, sign-extended, unchecked
      } else if (funct3 == 1) {
        setX(rd, fclass(isD ? getF(rs1) : <u64>getF32(rs1), isD));
      } else {
        break;
      }
      pc = next;
      return;
    }
    case 0x1e: { // FMV.W.X / FMV.D.X
      if (rs2 != 0 || funct3 != 0) break;
      if (isD) setF(rd, getX(rs1));
      else setF32(rd, <u32>getX(rs1));
      markFsDirty();
      pc = next;
      return;
    }
  }
  illegal(raw);
}

/** The arithmetic and conversion instructions. Returns false for an illegal encoding. */
function roundedOp(funct5: u32, isD: bool, rm: u32, rd: u32, rs1: u32, rs2: u32): bool {
  switch (funct5) {
    case 0x00: case 0x01: case 0x02: case 0x03: {
      if (isD) {
        const a = getF(rs1);
        const b = getF(rs2);
        let r: u64;
        if (funct5 == 0) r = f64Add(a, b, rm);
        else if (funct5 == 1) r = f64Sub(a, b, rm);
        else if (funct5 == 2) r = f64Mul(a, b, rm);
        else r = f64Div(a, b, rm);
        setF(rd, r);
      } else {
        const a = getF32(rs1);
        const b = getF32(rs2);
        let r: u32;
        if (funct5 == 0) r = f32Add(a, b, rm);
        else if (funct5 == 1) r = f32Sub(a, b, rm);
        else if (funct5 == 2) r = f32Mul(a, b, rm);
        else r = f32Div(a, b, rm);
        setF32(rd, r);
      }
      markFsDirty();
      return true;
    }
    case 0x0b: { // FSQRT
      if (rs2 != 0) return false;
      if (isD) setF(rd, f64Sqrt(getF(rs1), rm));
      else setF32(rd, f32Sqrt(getF32(rs1), rm));
      markFsDirty();
      return true;
    }
    case 0x08: { // FCVT.S.D (fmt S, rs2 = 1) / FCVT.D.S (fmt D, rs2 = 0)
      if (isD) {
        if (rs2 != 0) return false;
        setF(rd, f32ToF64(getF32(rs1)));
      } else {
        if (rs2 != 1) return false;
        setF32(rd, f64ToF32(getF(rs1), rm));
      }
      markFsDirty();
      return true;
    }
    case 0x18: { // FCVT.{W,WU,L,LU}.fmt
      if (rs2 > 3) return false;
      setX(rd, floatToInt(isD ? getF(rs1) : <u64>getF32(rs1), isD, rm, rs2));
      return true;
    }
    default: { // 0x1a: FCVT.fmt.{W,WU,L,LU}
      if (rs2 > 3) return false;
      const r = intToFloat(getX(rs1), rs2, isD, rm);
      if (isD) setF(rd, r);
      else setF32(rd, <u32>r);
      markFsDirty();
      return true;
    }
  }
}
