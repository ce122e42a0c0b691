// wasm-core.ts — the typed surface of the compiled Wasm core (assembly/index.ts exports) and its instantiation.
//
// The core imports its memory: the host creates one fixed-size WebAssembly.Memory so that every
// view of guest RAM stays valid for the life of the VM (the memory never grows).
import { instantiate } from "@assemblyscript/loader";
import { RAM_MAX, RAM_OFFSET } from "./abi.js";

/** A value type at the Wasm boundary, as the AssemblyScript compiler names it in build/wasmvisor.d.ts. */
export type WasmType = "i32" | "u32" | "bool" | "i64" | "u64";
type Signature = readonly [params: readonly WasmType[], result: WasmType | "void"];

/**
 * Every function the core exports (assembly/index.ts), with its Wasm types: the one statement
 * of the export list on the host. test/unit/abi.test.ts checks it against the declarations the
 * compiler emits (build/wasmvisor.d.ts); instantiateCore checks the module has each one.
 */
export const CORE_EXPORT_TYPES = {
  init: [["u32"], "void"], // ramBytes
  resetCpu: [["u64"], "void"], // entry pc
  run: [["i32"], "i32"], // budget insns -> ExitKind
  setData: [["u64"], "void"], // complete the pending MMIO read
  setDataParts: [["u32", "u32"], "void"], // setData from 32-bit halves: no BigInt on the MMIO read path
  getPc: [[], "u64"],
  setPc: [["u64"], "void"],
  getPriv: [[], "i32"],
  setPriv: [["i32"], "void"],
  getCsr: [["i32"], "u64"],
  setCsr: [["i32", "u64"], "void"],
  getReg: [["i32"], "u64"],
  setReg: [["i32", "u64"], "void"],
  getInstret: [[], "u64"],
  setTohost: [["u64", "u64"], "void"], // tohost gpa, fromhost gpa (0: none)
  setSbiEnabled: [["i32"], "void"],
  setIrq: [["i32", "i32"], "void"], // PLIC line, level
  getMtime: [[], "u64"],
  setMtime: [["u64"], "void"],
  setClockDivider: [["i32"], "void"], // guest instructions per mtime tick
  nextTimerDeadline: [[], "u64"], // all ones: none armed
  flushTlb: [[], "void"],
  getMipLines: [[], "u64"],
  faultLastAccess: [[], "void"], // turn the MMIO exit just returned into a guest access fault
  // split virtqueues (assembly/virtio/queue.ts)
  queueSetup: [["u32", "u32", "u64", "u64", "u64", "bool", "bool"], "u32"], // q, size, desc, avail, used, eventIdx, indirect -> QERR
  queueReset: [["u32"], "void"],
  queueError: [["u32"], "u32"],
  queuePending: [["u32"], "u32"],
  queuePop: [["u32"], "i32"], // segments of the popped chain (0: none, -1: broken)
  queuePushUsed: [["u32", "u32", "u32"], "i32"], // q, head, bytes written
  queueShouldInterrupt: [["u32"], "bool"],
  queueSetNotify: [["u32", "bool"], "void"],
  // snapshots (assembly/snapshot.ts): the core's state record in the snapshot area
  saveState: [[], "u32"], // -> bytes written at SNAPSHOT_BASE (0: did not fit)
  loadState: [["u32"], "i32"], // record length -> 0, or why it was refused
  nextUsedPage: [["u32"], "u32"], // first RAM page at or after this one with a nonzero byte
} as const satisfies Record<string, Signature>;

/** How a Wasm type crosses into JavaScript: 64-bit integers as bigint, the rest (bools as 0/1) as numbers. */
type HostType<T extends WasmType> = T extends "i64" | "u64" ? bigint : number;
type HostParams<P extends readonly WasmType[]> = { -readonly [K in keyof P]: P[K] extends WasmType ? HostType<P[K]> : never };
type HostFunction<S extends Signature> = (...args: HostParams<S[0]>) => S[1] extends WasmType ? HostType<S[1]> : void;

/** The core's exports as the host calls them, derived from CORE_EXPORT_TYPES. */
export type CoreExports = { [K in keyof typeof CORE_EXPORT_TYPES]: HostFunction<(typeof CORE_EXPORT_TYPES)[K]> };

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
  for (const name of Object.keys(CORE_EXPORT_TYPES)) {
    if (typeof instance.exports[name] !== "function") {
      throw new Error(`the Wasm core has no export ${name}: it is older than this host (run npm run build)`);
    }
  }
  const exports = instance.exports as unknown as CoreExports;
  exports.init(ramBytes);
  return { exports, memory };
}
