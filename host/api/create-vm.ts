// create-vm.ts — the embedding API: createVm() builds a machine from a VmSpec and hands back a WasmvisorVm, in Node or a browser.
//
// Platform neutral: guest images and the compiled core arrive as bytes or a compiled module.
// The Node entry (node.ts) and the browser entry (browser.ts) add file paths / URLs and their
// own entropy backends on top of this. Every other caller (CLI, worker, tests, benchmarks)
// builds its VMs through here, so there is one way to make a VM.
import { buildMachine } from "../vmm/builder.js";
import type { VmSpec } from "../vmm/spec.js";
import { ConsoleHub, WasmvisorVm } from "./wasmvisor-vm.js";

export type { RngDevice } from "../vmm/spec.js";
export type { ClockMode, RunLimits, StopReason, VmResult } from "../vmm/vm.js";
export type { ProfileJson } from "../profile/report.js";
export { WasmvisorVm, type VmEvent } from "./wasmvisor-vm.js";

export interface VmOptions extends VmSpec {
  /** The compiled Wasm core (build/wasmvisor.wasm), as a module or its bytes. */
  core: WebAssembly.Module | Uint8Array;
}

/** Build a VM and load its guest. Throws BootError for unusable guest images or options. */
export async function createVm(options: VmOptions): Promise<WasmvisorVm> {
  const { core, ...spec } = options;
  const module = core instanceof WebAssembly.Module ? core : await WebAssembly.compile(core as Uint8Array<ArrayBuffer>);
  const console = new ConsoleHub();
  const machine = await buildMachine(module, spec, console);
  return new WasmvisorVm(machine, console, spec.limits ?? {}, spec.snapshotCodec);
}
