// compressed.ts — the C extension: each 16-bit instruction is expanded to its 32-bit equivalent.
//
// One executor then serves both encodings. Reserved and illegal encodings expand to 0, which
// is itself an illegal 32-bit instruction. C.FLD/C.FSD and their SP forms expand to FLD/FSD so
// the F/D decoder decides whether they are legal.

@inline function bit(x: u32, hi: u32, lo: u32): u32 {
  return (x >> lo) & ((1 << (hi - lo + 1)) - 1);
}

/** Sign-extend the low `bits` bits of x. */
@inline function sext(x: u32, bits: u32): i32 {
  return (<i32>(x << (32 - bits))) >> (32 - bits);
}

@inline function encI(op: u32, rd: u32, f3: u32, rs1: u32, imm: i32): u32 {
  return ((<u32>imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

@inline function encS(op: u32, f3: u32, rs1: u32, rs2: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (((u >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) | op;
}

@inline function encR(op: u32, rd: u32, f3: u32, rs1: u32, rs2: u32, f7: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

@inline function encB(f3: u32, rs1: u32, rs2: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
    (f3 << 12) | (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63;
}

@inline function encJ(rd: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) |
    (((u >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

const OP_LOAD: u32 = 0x03;
const OP_LOAD_FP: u32 = 0x07;
const OP_IMM: u32 = 0x13;
const OP_IMM_32: u32 = 0x1b;
const OP_STORE: u32 = 0x23;
const OP_STORE_FP: u32 = 0x27;
const OP_REG: u32 = 0x33;
const OP_LUI: u32 = 0x37;
const OP_REG_32: u32 = 0x3b;
const OP_JALR: u32 = 0x67;

/** Expand a 16-bit instruction (low two bits != 3) to 32 bits, or 0 when it is illegal. */
export function expandCompressed(c: u32): u32 {
  const quadrant = c & 3;
  const funct3 = c >> 13;
  const rdFull = bit(c, 11, 7);
  const rs2Full = bit(c, 6, 2);
  const rdP = 8 + bit(c, 4, 2); // rd' / rs2'
  const rs1P = 8 + bit(c, 9, 7); // rs1' / rd'
  if (quadrant == 0) {
    switch (funct3) {
      case 0: { // C.ADDI4SPN
        const imm = (bit(c, 12, 11) << 4) | (bit(c, 10, 7) << 6) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 3);
        return imm == 0 ? 0 : encI(OP_IMM, rdP, 0, 2, <i32>imm);
      }
      case 1: return encI(OP_LOAD_FP, rdP, 3, rs1P, <i32>((bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6))); // C.FLD
      case 2: return encI(OP_LOAD, rdP, 2, rs1P, <i32>((bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6))); // C.LW
      case 3: return encI(OP_LOAD, rdP, 3, rs1P, <i32>((bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6))); // C.LD
      case 5: return encS(OP_STORE_FP, 3, rs1P, rdP, <i32>((bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6))); // C.FSD
      case 6: return encS(OP_STORE, 2, rs1P, rdP, <i32>((bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6))); // C.SW
      case 7: return encS(OP_STORE, 3, rs1P, rdP, <i32>((bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6))); // C.SD
      default: return 0;
    }
  }
  if (quadrant == 1) {
    const imm6 = sext((bit(c, 12, 12) << 5) | bit(c, 6, 2), 6);
    switch (funct3) {
      case 0: return encI(OP_IMM, rdFull, 0, rdFull, imm6); // C.ADDI / C.NOP
      case 1: return rdFull == 0 ? 0 : encI(OP_IMM_32, rdFull, 0, rdFull, imm6); // C.ADDIW
      case 2: return encI(OP_IMM, rdFull, 0, 0, imm6); // C.LI
      case 3: {
        if (rdFull == 2) { // C.ADDI16SP
          const imm = sext((bit(c, 12, 12) << 9) | (bit(c, 6, 6) << 4) | (bit(c, 5, 5) << 6) |
            (bit(c, 4, 3) << 7) | (bit(c, 2, 2) << 5), 10);
          return imm == 0 ? 0 : encI(OP_IMM, 2, 0, 2, imm);
        }
        // C.LUI
        if (imm6 == 0) return 0;
        return ((<u32>imm6 << 12) & 0xfffff000) | (rdFull << 7) | OP_LUI;
      }
      case 4: {
        const f2 = bit(c, 11, 10);
        const shamt = (bit(c, 12, 12) << 5) | bit(c, 6, 2);
        if (f2 == 0) return encI(OP_IMM, rs1P, 5, rs1P, <i32>shamt); // C.SRLI
        if (f2 == 1) return encI(OP_IMM, rs1P, 5, rs1P, <i32>(shamt | 0x400)); // C.SRAI
        if (f2 == 2) return encI(OP_IMM, rs1P, 7, rs1P, imm6); // C.ANDI
        const f = bit(c, 6, 5);
        if (bit(c, 12, 12) == 0) {
          if (f == 0) return encR(OP_REG, rs1P, 0, rs1P, rdP, 0x20); // C.SUB
          if (f == 1) return encR(OP_REG, rs1P, 4, rs1P, rdP, 0); // C.XOR
          if (f == 2) return encR(OP_REG, rs1P, 6, rs1P, rdP, 0); // C.OR
          return encR(OP_REG, rs1P, 7, rs1P, rdP, 0); // C.AND
        }
        if (f == 0) return encR(OP_REG_32, rs1P, 0, rs1P, rdP, 0x20); // C.SUBW
        if (f == 1) return encR(OP_REG_32, rs1P, 0, rs1P, rdP, 0); // C.ADDW
        return 0;
      }
      case 5: { // C.J
        const imm = sext((bit(c, 12, 12) << 11) | (bit(c, 11, 11) << 4) | (bit(c, 10, 9) << 8) |
          (bit(c, 8, 8) << 10) | (bit(c, 7, 7) << 6) | (bit(c, 6, 6) << 7) | (bit(c, 5, 3) << 1) |
          (bit(c, 2, 2) << 5), 12);
        return encJ(0, imm);
      }
      default: { // 6: C.BEQZ, 7: C.BNEZ
        const imm = sext((bit(c, 12, 12) << 8) | (bit(c, 11, 10) << 3) | (bit(c, 6, 5) << 6) |
          (bit(c, 4, 3) << 1) | (bit(c, 2, 2) << 5), 9);
        return encB(funct3 == 6 ? 0 : 1, rs1P, 0, imm);
      }
    }
  }
  // quadrant 2
  switch (funct3) {
    case 0: return encI(OP_IMM, rdFull, 1, rdFull, <i32>((bit(c, 12, 12) << 5) | bit(c, 6, 2))); // C.SLLI
    case 1: return encI(OP_LOAD_FP, rdFull, 3, 2, <i32>((bit(c, 12, 12) << 5) | (bit(c, 6, 5) << 3) | (bit(c, 4, 2) << 6))); // C.FLDSP
    case 2: { // C.LWSP
      if (rdFull == 0) return 0;
      return encI(OP_LOAD, rdFull, 2, 2, <i32>((bit(c, 12, 12) << 5) | (bit(c, 6, 4) << 2) | (bit(c, 3, 2) << 6)));
    }
    case 3: { // C.LDSP
      if (rdFull == 0) return 0;
      return encI(OP_LOAD, rdFull, 3, 2, <i32>((bit(c, 12, 12) << 5) | (bit(c, 6, 5) << 3) | (bit(c, 4, 2) << 6)));
    }
    case 4: {
      if (bit(c, 12, 12) == 0) {
        if (rs2Full == 0) return rdFull == 0 ? 0 : encI(OP_JALR, 0, 0, rdFull, 0); // C.JR
        return encR(OP_REG, rdFull, 0, 0, rs2Full, 0); // C.MV
      }
      if (rs2Full == 0) {
        if (rdFull == 0) return 0x00100073; // C.EBREAK
        return encI(OP_JALR, 1, 0, rdFull, 0); // C.JALR
      }
      return encR(OP_REG, rdFull, 0, rdFull, rs2Full, 0); // C.ADD
    }
    case 5: return encS(OP_STORE_FP, 3, 2, rs2Full, <i32>((bit(c, 12, 10) << 3) | (bit(c, 9, 7) << 6))); // C.FSDSP
    case 6: return encS(OP_STORE, 2, 2, rs2Full, <i32>((bit(c, 12, 9) << 2) | (bit(c, 8, 7) << 6))); // C.SWSP
    default: return encS(OP_STORE, 3, 2, rs2Full, <i32>((bit(c, 12, 10) << 3) | (bit(c, 9, 7) << 6))); // C.SDSP
  }
}
