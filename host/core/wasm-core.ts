// wasm-core.ts — the typed surface of the compiled Wasm core (assembly/index.ts exports) and its instantiation.
//
// The core imports its memory: the host creates one fixed-size WebAssembly.Memory so that every
// view of guest RAM stays valid for the life of the VM (the memory never grows).
import { instantiate } from "@assemblyscript/loader";
import { RAM_MAX, RAM_OFFSET } from "./abi.js";

/** Functions exported by build/wasmvisor.wasm. 64-bit values cross as bigint. */
export interface CoreExports {
  init(ramBytes: number): void;
  resetCpu(pc: bigint): void;
  run(budget: number): number;
  setData(value: bigint): void;
  /** setData with the value as 32-bit halves: no BigInt on the MMIO read path. */
  setDataParts(lo: number, hi: number): void;
  getPc(): bigint;
  setPc(pc: bigint): void;
  getPriv(): number;
  setPriv(priv: number): void;
  getCsr(csr: number): bigint;
  setCsr(csr: number, value: bigint): void;
  getInstret(): bigint;
  setTohost(tohostGpa: bigint, fromhostGpa: bigint): void;
  setSbiEnabled(on: number): void;
  setIrq(line: number, level: number): void;
  getMtime(): bigint;
  setMtime(value: bigint): void;
  setClockDivider(insnsPerTick: number): void;
  nextTimerDeadline(): bigint;
  flushTlb(): void;
  getReg(r: number): bigint;
  setReg(r: number, value: bigint): void;
  getMipLines(): bigint;
  /** Turn the MMIO exit just returned into a guest load/store access fault. */
  faultLastAccess(): void;
  // split virtqueues (assembly/virtio/queue.ts); bools cross as 0/1
  queueSetup(q: number, size: number, descGpa: bigint, availGpa: bigint, usedGpa: bigint, eventIdx: number, indirect: number): number;
  queueReset(q: number): void;
  queueError(q: number): number;
  queuePending(q: number): number;
  queuePop(q: number): number;
  queuePushUsed(q: number, head: number, len: number): number;
  queueShouldInterrupt(q: number): number;
  queueSetNotify(q: number, enable: number): void;
}

export const WASM_PAGE = 65536;

/** Instantiate the core over a fresh memory holding `ramBytes` of guest RAM. */
export async function instantiateCore(
  module: WebAssembly.Module,
  ramBytes: number,
): Promise<{ exports: CoreExports; memory: WebAssembly.Memory }> {
  if (!Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes % 4096 !== 0) {
    throw new RangeError(`RAM size ${ramBytes} must be a positive multiple of 4096 bytes`);
  }
  if (BigInt(ramBytes) > RAM_MAX) {
    throw new RangeError(`RAM size ${ramBytes} exceeds the maximum of ${RAM_MAX} bytes`);
  }
  const pages = Math.ceil((RAM_OFFSET + ramBytes) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = await instantiate<Record<string, unknown>>(module, { env: { memory } });
  const exports = instance.exports as unknown as CoreExports;
  exports.init(ramBytes);
  return { exports, memory };
}
