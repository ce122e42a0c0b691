// core.ts (test support) — one compiled Wasm core per test file, and fresh VCPUs over it.
import { readFileSync } from "node:fs";
import { loadCoreModule } from "../../host/backends/node/core-file.js";
import { Vcpu } from "../../host/core/vcpu.js";
import { prepareBareMetal, runBareMetal, type BareMetalResult } from "../../host/baremetal.js";

let modulePromise: Promise<WebAssembly.Module> | undefined;

export function coreModule(): Promise<WebAssembly.Module> {
  modulePromise ??= loadCoreModule();
  return modulePromise;
}

export async function newVcpu(ramBytes = 32 << 20): Promise<Vcpu> {
  return Vcpu.create(await coreModule(), ramBytes);
}

/** Load and run a bare-metal tohost ELF to completion (or the instruction limit). */
export async function runElfFile(path: string, maxInsns = 200_000_000n): Promise<BareMetalResult> {
  const vcpu = await newVcpu();
  const setup = prepareBareMetal(vcpu, new Uint8Array(readFileSync(path)));
  return runBareMetal(vcpu, { ...setup, maxInsns });
}
