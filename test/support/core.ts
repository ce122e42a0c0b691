// core.ts (test support) — one compiled Wasm core per test file; VMs built through the one builder, and bare VCPUs for device unit tests.
import { readFileSync } from "node:fs";
import { createVm, type VmOptions, type WasmvisorVm } from "../../host/api/create-vm.js";
import { loadCoreModule } from "../../host/backends/node/core-file.js";
import { Vcpu } from "../../host/core/vcpu.js";
import type { VmResult } from "../../host/vmm/vm.js";

let modulePromise: Promise<WebAssembly.Module> | undefined;

export function coreModule(): Promise<WebAssembly.Module> {
  modulePromise ??= loadCoreModule();
  return modulePromise;
}

/** A bare VCPU over fresh guest RAM: for unit tests of devices and queues that need no machine. */
export async function newVcpu(ramBytes = 32 << 20): Promise<Vcpu> {
  return Vcpu.create(await coreModule(), ramBytes);
}

/** createVm with the shared compiled core (the same builder and run loop the CLI uses). */
export async function testVm(spec: Omit<VmOptions, "core">): Promise<WasmvisorVm> {
  return createVm({ ...spec, core: await coreModule() });
}

export interface ElfRun {
  result: VmResult;
  /** Everything the guest printed (UART, HTIF console). */
  console: string;
  vm: WasmvisorVm;
}

/** Run a bare-metal tohost ELF to completion (or the instruction limit) on a machine with no RNG devices. */
export async function runElf(elf: Uint8Array, maxInsns = 200_000_000n, spec: Omit<VmOptions, "core" | "elf"> = {}): Promise<ElfRun> {
  const vm = await testVm({ rng: [], profile: false, ...spec, elf });
  let text = "";
  const decoder = new TextDecoder();
  vm.on("console", (bytes) => (text += decoder.decode(bytes, { stream: true })));
  const result = await vm.run({ maxInsns, timeoutMs: 60_000 });
  return { result, console: text, vm };
}

export function runElfFile(path: string, maxInsns = 200_000_000n): Promise<ElfRun> {
  return runElf(new Uint8Array(readFileSync(path)), maxInsns);
}

/** What a tohost run ended with, in a form whose mismatch names the failing sub-test. */
export function tohostOutcome(result: VmResult): { outcome: string; testNumber?: number; message?: string } {
  const r = result.reason;
  if (r.kind === "tohost") return r.code === 0 ? { outcome: "pass" } : { outcome: "fail", testNumber: r.code };
  return { outcome: r.kind, message: "message" in r ? r.message : JSON.stringify(r) };
}
