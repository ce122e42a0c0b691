// index.ts — the Wasm core's exports: the only surface the TypeScript host sees (typed in host/core.ts).
import { EXIT_KIND, EXIT_MMIO_READ, EXIT_PC, EXIT_VA, RAM_MAX } from "./layout";
import { CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS } from "./cpu/csrs";
import { trapUncounted } from "./cpu/trap";
import { getX, instret, mipLines, pc, priv, ramSize, sbiEnabled, setX, tohostGpa, fromhostGpa } from "./cpu/state";
import { csrRead, csrWrite } from "./cpu/csr";
import { completeMmioRead, flushTlb as flushAll, updateTlbBases } from "./cpu/mmu";
import { resetCpu as reset } from "./cpu/reset";
import { run as runInterpreter } from "./cpu/execute";
import { clearMmioInFlight, mmioInFlight } from "./exit";
import { mtime, nextDeadline, setInsnsPerTick, setMtime as setTime } from "./irq/clint";
import { plicSetIrq } from "./irq/plic";

export function init(ramBytes: u32): void {
  ramSize = <u64>ramBytes > RAM_MAX ? RAM_MAX : <u64>ramBytes;
  reset(0x8000_0000);
}

export function resetCpu(entry: u64): void {
  reset(entry);
}

export function run(budget: i32): i32 {
  return runInterpreter(budget);
}

/** Complete the pending MMIO read: the value lands in its destination register (x or f). */
export function setData(value: u64): void {
  completeMmioRead(value);
}

/** setData without a 64-bit parameter: the host passes halves, so no BigInt crosses the boundary. */
export function setDataParts(lo: u32, hi: u32): void {
  setData((<u64>hi << 32) | <u64>lo);
}

export function getPc(): u64 {
  return pc;
}

export function setPc(v: u64): void {
  pc = v;
  updateTlbBases();
}

export function getPriv(): i32 {
  return <i32>priv;
}

export function setPriv(p: i32): void {
  priv = p == 2 ? 0 : <u32>(p & 3);
  updateTlbBases();
}

/** Read a CSR without privilege checks (for the host, tests and debugging). */
export function getCsr(csr: i32): u64 {
  return csrRead(<u32>csr);
}

export function setCsr(csr: i32, value: u64): void {
  csrWrite(<u32>csr, value);
}

export function getReg(r: i32): u64 {
  return getX(<u32>r & 31);
}

export function setReg(r: i32, v: u64): void {
  setX(<u32>r & 31, v);
}

export function getInstret(): u64 {
  return instret;
}

/** Watch the HTIF tohost word at this guest physical address (0 stops watching). */
export function setTohost(tohost: u64, fromhost: u64): void {
  tohostGpa = tohost;
  fromhostGpa = fromhost;
  flushAll(); // the store TLB must not hold the watched page
}

export function setSbiEnabled(on: i32): void {
  sbiEnabled = on != 0;
}

/** Raise (level 1) or lower (level 0) a PLIC interrupt line. */
export function setIrq(line: i32, level: i32): void {
  plicSetIrq(<u32>line, level != 0);
}

export function getMtime(): u64 {
  return mtime();
}

export function setMtime(value: u64): void {
  setTime(value);
}

export function setClockDivider(insnsPerTick: i32): void {
  setInsnsPerTick(<u32>insnsPerTick);
}

/** The earliest mtime at which a timer interrupt can fire (for the host's WFI sleep). */
export function nextTimerDeadline(): u64 {
  return nextDeadline();
}

export function flushTlb(): void {
  flushAll();
}

export function getMipLines(): u64 {
  return mipLines;
}

/**
 * Turn the MMIO exit just returned into a guest access fault (the bus policy for an access
 * that hit no device): the instruction is abandoned, never retires, and the trap is taken on
 * re-entry. Does nothing unless the last exit was an MMIO access still in flight.
 */
export function faultLastAccess(): void {
  if (!mmioInFlight) return;
  const kind = <i32>load<u32>(EXIT_KIND);
  clearMmioInFlight();
  pc = load<u64>(EXIT_PC);
  trapUncounted(kind == EXIT_MMIO_READ ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, load<u64>(EXIT_VA));
}

export {
  queueSetup, queueReset, queueError, queuePending, queuePop, queuePushUsed, queueShouldInterrupt,
  queueSetNotify,
} from "./virtio/queue";

export { saveState, loadState, nextUsedPage } from "./snapshot";
