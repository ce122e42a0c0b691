// execute.ts — the interpreter: run(budget) fetches, decodes and executes until an exit or the budget is spent.
//
// Interrupts are checked at chunk boundaries (every CHUNK instructions), and a chunk is cut short
// by anything that can make an interrupt deliverable (CSR writes, xRET, WFI), as TinyEMU does.
// Guest faults never become Wasm traps: a fault sets `stop` and the loop continues at the handler.
//
// Retired instructions (minstret, mcycle, EXIT_INSNS, the deterministic clock) are counted per
// chunk, not per instruction: instret is advanced by the chunk size up front and chunkLeft gives
// back what did not run. An instruction that runs without retiring (an exception, including
// ECALL and EBREAK; an SBI call; an MMIO access until the host completes it) gives its count back
// on that slow path (state.ts, unretire). An interrupt is taken between instructions, so the
// interrupted instruction has not run and is not counted.
import { EXIT_BUDGET, EXIT_INSNS, EXIT_NONE, EXIT_SBI, EXIT_WFI } from "../layout";
import {
  CAUSE_BREAKPOINT, CAUSE_ECALL_U, CAUSE_ILLEGAL_INSN, CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_LOAD,
  CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRIV_M,
  PRIV_S, PRIV_U,
} from "./csrs";
import {
  chunkLeft, chunkUnretired, endChunk, getX, instret, mie, mip, mstatus, pc, priv, reservation,
  sbiEnabled, setX, unretire,
} from "./state";
import {
  ACCESS_LOAD, ACCESS_STORE, extendLoad, fetchAddend, fetchRefill, fetchUpperHalf, fetchVpn, flushTlb,
  inRam, lastTranslateFailed, loadSlow, ramLinear, storeSlow, tlbLoadBase, tlbProbe,
  tlbStoreBase, translateAtomic,
} from "./mmu";
import { doMret, doSret, raiseException, takePendingInterrupt, trapFromDecoder } from "./trap";
import { csrAllowed, csrExists, csrRead, csrWrite } from "./csr";
import { expandCompressed } from "./compressed";
import { executeFp } from "./fpu/execute-fp";
import { div, divu, divuw, divw, mulh, mulhsu, mulhu, rem, remu, remuw, remw } from "./alu";
import { clearMmioInFlight, exitKind, mmioInFlight, requestExit, stop, STOP_EXIT, STOP_NONE } from "../exit";
import { updateTimerLine } from "../irq/clint";

const CHUNK: i32 = 4096;

/**
 * Run until an exit or until `budget` instructions have run (retired, or trapped without
 * retiring); returns the exit kind. EXIT_INSNS gets the number that retired.
 */
export function run(budget: i32): i32 {
  stop = STOP_NONE;
  exitKind = EXIT_NONE;
  const start = instret;
  let remaining: i32 = budget;
  if (mmioInFlight) {
    // The host has completed the MMIO access the last run exited for (a read's value is in
    // place): that instruction retires now, counted in this run.
    clearMmioInFlight();
    instret++;
    remaining--;
  }
  while (true) {
    if (remaining <= 0) {
      requestExit(EXIT_BUDGET, 0, 0, 0, pc);
      break;
    }
    updateTimerLine();
    takePendingInterrupt();
    const n = remaining < CHUNK ? remaining : CHUNK;
    const chunkStart = instret;
    chunkLeft = n;
    chunkUnretired = 0;
    instret += <u64>n;
    executeChunk();
    endChunk();
    // The budget pays for every instruction that ran, retired or not, so a guest that does
    // nothing but trap still returns to the host.
    remaining -= <i32>(instret - chunkStart) + chunkUnretired;
    if (stop == STOP_EXIT) break;
    stop = STOP_NONE;
  }
  store<u64>(EXIT_INSNS, instret - start);
  return exitKind;
}

@inline function immI(insn: u32): u64 {
  return <u64><i64>(<i32>insn >> 20);
}

@inline function immS(insn: u32): u64 {
  return <u64><i64>(((<i32>insn >> 25) << 5) | <i32>((insn >> 7) & 0x1f));
}

@inline function immB(insn: u32): u64 {
  const v = ((<i32>insn >> 31) << 12) | <i32>(((insn >> 7) & 1) << 11) |
    <i32>(((insn >> 25) & 0x3f) << 5) | <i32>(((insn >> 8) & 0xf) << 1);
  return <u64><i64>v;
}

@inline function immJ(insn: u32): u64 {
  const v = ((<i32>insn >> 31) << 20) | <i32>(insn & 0xff000) | <i32>(((insn >> 20) & 1) << 11) |
    <i32>(((insn >> 21) & 0x3ff) << 1);
  return <u64><i64>v;
}

@inline function sext32(v: u64): u64 {
  return <u64><i64><i32>v;
}

function illegal(raw: u32): void {
  trapFromDecoder(CAUSE_ILLEGAL_INSN, <u64>raw);
}

function executeChunk(): void {
  while (chunkLeft > 0) {
    chunkLeft--;
    // ---- fetch
    if ((pc >> 12) != fetchVpn) {
      if (!fetchRefill(pc)) {
        stop = STOP_NONE;
        continue;
      }
    }
    const linear = <u32>(pc + fetchAddend);
    let raw: u32 = <u32>load<u16>(linear);
    let insn: u32;
    let next: u64;
    if ((raw & 3) != 3) {
      insn = expandCompressed(raw);
      next = pc + 2;
    } else {
      if ((<u32>pc & 0xfff) == 0xffe) {
        const upper = fetchUpperHalf(pc);
        if (stop != STOP_NONE) {
          stop = STOP_NONE;
          continue;
        }
        raw |= upper << 16;
      } else {
        raw = load<u32>(linear);
      }
      insn = raw;
      next = pc + 4;
    }
    // ---- decode and execute
    const rd = (insn >> 7) & 0x1f;
    const funct3 = (insn >> 12) & 7;
    const rs1 = (insn >> 15) & 0x1f;
    const rs2 = (insn >> 20) & 0x1f;
    switch (insn & 0x7f) {
      case 0x03: { // LOAD
        if (funct3 == 7) { illegal(raw); break; }
        const va = getX(rs1) + immI(insn);
        const size: u32 = 1 << (funct3 & 3);
        const host = tlbProbe(tlbLoadBase, va);
        let v: u64;
        if (host != 0 && (<u32>va & 0xfff) <= 4096 - size) {
          switch (funct3) {
            case 0: v = <u64><i64>load<i8>(host); break;
            case 1: v = <u64><i64>load<i16>(host); break;
            case 2: v = <u64><i64>load<i32>(host); break;
            case 3: v = load<u64>(host); break;
            case 4: v = <u64>load<u8>(host); break;
            case 5: v = <u64>load<u16>(host); break;
            default: v = <u64>load<u32>(host); break;
          }
        } else {
          v = loadSlow(va, size, rd, funct3, false);
          if (stop != STOP_NONE) {
            if (stop == STOP_EXIT) { pc = next; return; }
            stop = STOP_NONE;
            break;
          }
          v = extendLoad(v, funct3);
        }
        setX(rd, v);
        pc = next;
        break;
      }
      case 0x23: { // STORE
        if (funct3 > 3) { illegal(raw); break; }
        const va = getX(rs1) + immS(insn);
        const size: u32 = 1 << funct3;
        const v = getX(rs2);
        const host = tlbProbe(tlbStoreBase, va);
        if (host != 0 && (<u32>va & 0xfff) <= 4096 - size) {
          switch (funct3) {
            case 0: store<u8>(host, <u8>v); break;
            case 1: store<u16>(host, <u16>v); break;
            case 2: store<u32>(host, <u32>v); break;
            default: store<u64>(host, v); break;
          }
        } else {
          storeSlow(va, size, v);
          if (stop != STOP_NONE) {
            if (stop == STOP_EXIT) { pc = next; return; }
            stop = STOP_NONE;
            break;
          }
        }
        pc = next;
        break;
      }
      case 0x13: { // OP-IMM
        const a = getX(rs1);
        const imm = immI(insn);
        let v: u64 = 0;
        switch (funct3) {
          case 0: v = a + imm; break;
          case 1: {
            if ((insn >> 26) != 0) { illegal(raw); continue; }
            v = a << (imm & 0x3f);
            break;
          }
          case 2: v = <i64>a < <i64>imm ? 1 : 0; break;
          case 3: v = a < imm ? 1 : 0; break;
          case 4: v = a ^ imm; break;
          case 5: {
            const top = insn >> 26;
            if (top == 0) v = a >> (imm & 0x3f);
            else if (top == 0x10) v = <u64>(<i64>a >> <i64>(imm & 0x3f));
            else { illegal(raw); continue; }
            break;
          }
          case 6: v = a | imm; break;
          default: v = a & imm; break;
        }
        setX(rd, v);
        pc = next;
        break;
      }
      case 0x33: { // OP
        const a = getX(rs1);
        const b = getX(rs2);
        const funct7 = insn >> 25;
        let v: u64 = 0;
        if (funct7 == 0) {
          switch (funct3) {
            case 0: v = a + b; break;
            case 1: v = a << (b & 0x3f); break;
            case 2: v = <i64>a < <i64>b ? 1 : 0; break;
            case 3: v = a < b ? 1 : 0; break;
            case 4: v = a ^ b; break;
            case 5: v = a >> (b & 0x3f); break;
            case 6: v = a | b; break;
            default: v = a & b; break;
          }
        } else if (funct7 == 0x20) {
          if (funct3 == 0) v = a - b;
          else if (funct3 == 5) v = <u64>(<i64>a >> <i64>(b & 0x3f));
          else { illegal(raw); continue; }
        } else if (funct7 == 1) {
          switch (funct3) {
            case 0: v = a * b; break;
            case 1: v = mulh(a, b); break;
            case 2: v = mulhsu(a, b); break;
            case 3: v = mulhu(a, b); break;
            case 4: v = div(a, b); break;
            case 5: v = divu(a, b); break;
            case 6: v = rem(a, b); break;
            default: v = remu(a, b); break;
          }
        } else { illegal(raw); continue; }
        setX(rd, v);
        pc = next;
        break;
      }
      case 0x1b: { // OP-IMM-32
        const a = getX(rs1);
        let v: u64 = 0;
        const shamt = <u32>rs2;
        const top = insn >> 25;
        if (funct3 == 0) v = sext32(a + immI(insn));
        else if (funct3 == 1 && top == 0) v = sext32(a << shamt);
        else if (funct3 == 5 && top == 0) v = sext32(<u64>(<u32>a >> shamt));
        else if (funct3 == 5 && top == 0x20) v = <u64><i64>(<i32>a >> shamt);
        else { illegal(raw); continue; }
        setX(rd, v);
        pc = next;
        break;
      }
      case 0x3b: { // OP-32
        const a = getX(rs1);
        const b = getX(rs2);
        const funct7 = insn >> 25;
        let v: u64 = 0;
        if (funct7 == 0) {
          if (funct3 == 0) v = sext32(a + b);
          else if (funct3 == 1) v = sext32(a << (b & 0x1f));
          else if (funct3 == 5) v = sext32(<u64>(<u32>a >> <u32>(b & 0x1f)));
          else { illegal(raw); continue; }
        } else if (funct7 == 0x20) {
          if (funct3 == 0) v = sext32(a - b);
          else if (funct3 == 5) v = <u64><i64>(<i32>a >> <i32>(b & 0x1f));
          else { illegal(raw); continue; }
        } else if (funct7 == 1) {
          switch (funct3) {
            case 0: v = sext32(a * b); break;
            case 4: v = divw(a, b); break;
            case 5: v = divuw(a, b); break;
            case 6: v = remw(a, b); break;
            case 7: v = remuw(a, b); break;
            default: { illegal(raw); continue; }
          }
        } else { illegal(raw); continue; }
        setX(rd, v);
        pc = next;
        break;
      }
      case 0x37: // LUI
        setX(rd, <u64><i64><i32>(insn & 0xfffff000));
        pc = next;
        break;
      case 0x17: // AUIPC
        setX(rd, pc + <u64><i64><i32>(insn & 0xfffff000));
        pc = next;
        break;
      case 0x6f: { // JAL
        const target = pc + immJ(insn);
        setX(rd, next);
        pc = target;
        break;
      }
      case 0x67: { // JALR
        if (funct3 != 0) { illegal(raw); break; }
        const target = (getX(rs1) + immI(insn)) & ~<u64>1;
        setX(rd, next);
        pc = target;
        break;
      }
      case 0x63: { // BRANCH
        const a = getX(rs1);
        const b = getX(rs2);
        let taken: bool;
        switch (funct3) {
          case 0: taken = a == b; break;
          case 1: taken = a != b; break;
          case 4: taken = <i64>a < <i64>b; break;
          case 5: taken = <i64>a >= <i64>b; break;
          case 6: taken = a < b; break;
          case 7: taken = a >= b; break;
          default: { illegal(raw); continue; }
        }
        pc = taken ? pc + immB(insn) : next;
        break;
      }
      case 0x2f: { // AMO
        if (!executeAtomic(insn, raw, rd, funct3, rs1, rs2)) {
          stop = STOP_NONE;
          break;
        }
        pc = next;
        break;
      }
      case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: { // F and D
        executeFp(insn, raw, next);
        if (stop != STOP_NONE) {
          if (stop == STOP_EXIT) { pc = next; return; }
          stop = STOP_NONE;
        }
        break;
      }
      case 0x0f: { // MISC-MEM: FENCE and FENCE.I are no-ops on one in-order hart without caches
        if (funct3 > 1) { illegal(raw); break; }
        pc = next;
        break;
      }
      case 0x73: { // SYSTEM
        if (funct3 == 0) {
          if (!executePrivileged(insn, raw, rd, rs1, next)) {
            if (stop == STOP_EXIT) { pc = next; return; }
            stop = STOP_NONE;
          }
          break;
        }
        if (funct3 == 4) { illegal(raw); break; }
        const csr = insn >> 20;
        const isImm = funct3 >= 5;
        const op = funct3 & 3;
        const writes = op == 1 || rs1 != 0;
        if (!csrAllowed(csr, writes) || !csrExists(csr)) { illegal(raw); break; }
        const src: u64 = isImm ? <u64>rs1 : getX(rs1);
        // A counter read sees the instructions retired before this one: give the chunk's
        // count for this instruction back while reading.
        chunkLeft++;
        const old = op == 1 && rd == 0 ? 0 : csrRead(csr);
        chunkLeft--;
        if (writes) csrWrite(csr, op == 1 ? src : op == 2 ? old | src : old & ~src);
        setX(rd, old);
        pc = next;
        break;
      }
      default:
        illegal(raw);
        break;
    }
  }
}

/** ECALL, EBREAK, xRET, WFI, SFENCE.VMA. Returns false when it trapped or must exit. */
function executePrivileged(insn: u32, raw: u32, rd: u32, rs1: u32, next: u64): bool {
  if ((insn >> 25) == 0x09 && rd == 0) { // SFENCE.VMA
    if (priv == PRIV_U || (priv == PRIV_S && (mstatus & MSTATUS_TVM) != 0)) return trapIllegal(raw);
    flushTlb();
    pc = next;
    return true;
  }
  if (rd != 0 || rs1 != 0) return trapIllegal(raw);
  switch (insn >> 20) {
    case 0x000: { // ECALL
      if (priv == PRIV_S && sbiEnabled) {
        // The host's SBI stands in for M-mode firmware: the guest sees an ECALL trap that the
        // firmware handled and returned from (pc = next). The ECALL does not retire, as any
        // trapping ECALL (privileged spec 3.3.1), and the handler retires nothing of the
        // guest's: an SBI call counts zero instructions.
        requestExit(EXIT_SBI, 0, 0, 0, pc);
        unretire();
        return false;
      }
      raiseException(CAUSE_ECALL_U + <u64>priv, 0);
      return false;
    }
    case 0x001: // EBREAK
      raiseException(CAUSE_BREAKPOINT, pc);
      return false;
    case 0x302: // MRET
      if (priv != PRIV_M) return trapIllegal(raw);
      doMret();
      endChunk();
      return true;
    case 0x102: // SRET
      if (priv == PRIV_U || (priv == PRIV_S && (mstatus & MSTATUS_TSR) != 0)) return trapIllegal(raw);
      doSret();
      endChunk();
      return true;
    case 0x105: { // WFI
      if (priv == PRIV_U || (priv == PRIV_S && (mstatus & MSTATUS_TW) != 0)) return trapIllegal(raw);
      if ((mip() & mie) != 0) {
        pc = next;
        endChunk();
        return true;
      }
      requestExit(EXIT_WFI, 0, 0, 0, pc);
      return false;
    }
  }
  return trapIllegal(raw);
}

function trapIllegal(raw: u32): bool {
  illegal(raw);
  return false;
}

/** LR/SC and the AMOs on naturally aligned RAM. Returns false when it trapped. */
function executeAtomic(insn: u32, raw: u32, rd: u32, funct3: u32, rs1: u32, rs2: u32): bool {
  if (funct3 != 2 && funct3 != 3) return trapIllegal(raw);
  const funct5 = insn >> 27;
  const size: u64 = funct3 == 2 ? 4 : 8;
  const va = getX(rs1);
  const isLr = funct5 == 0x02;
  if (isLr && rs2 != 0) return trapIllegal(raw);
  switch (funct5) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x08:
    case 0x0c: case 0x10: case 0x14: case 0x18: case 0x1c: break;
    default: return trapIllegal(raw);
  }
  if ((va & (size - 1)) != 0) {
    raiseException(isLr ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE, va);
    return false;
  }
  const pa = translateAtomic(va, isLr ? ACCESS_LOAD : ACCESS_STORE);
  if (lastTranslateFailed()) return false;
  if (!inRam(pa, size)) {
    raiseException(isLr ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, va);
    return false;
  }
  const host = ramLinear(pa);
  const word = size == 4;
  if (isLr) {
    setX(rd, word ? <u64><i64>load<i32>(host) : load<u64>(host));
    reservation = pa;
    return true;
  }
  if (funct5 == 0x03) { // SC
    const ok = reservation == pa;
    reservation = -1;
    if (ok) {
      if (word) store<u32>(host, <u32>getX(rs2));
      else store<u64>(host, getX(rs2));
    }
    setX(rd, ok ? 0 : 1);
    return true;
  }
  const old: u64 = word ? <u64><i64>load<i32>(host) : load<u64>(host);
  const src: u64 = word ? <u64><i64><i32>getX(rs2) : getX(rs2);
  let v: u64;
  switch (funct5) {
    case 0x01: v = src; break; // AMOSWAP
    case 0x00: v = old + src; break; // AMOADD
    case 0x04: v = old ^ src; break; // AMOXOR
    case 0x0c: v = old & src; break; // AMOAND
    case 0x08: v = old | src; break; // AMOOR
    case 0x10: v = <i64>old < <i64>src ? old : src; break; // AMOMIN
    case 0x14: v = <i64>old > <i64>src ? old : src; break; // AMOMAX
    case 0x18: v = (word ? <u32>old < <u32>src : old < src) ? old : src; break; // AMOMINU
    default: v = (word ? <u32>old > <u32>src : old > src) ? old : src; break; // AMOMAXU
  }
  if (word) store<u32>(host, <u32>v);
  else store<u64>(host, v);
  setX(rd, old);
  return true;
}

