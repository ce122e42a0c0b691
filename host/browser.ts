// browser.ts — the browser entry point of the package: createVm() with URLs, the core fetched beside the module, Web Crypto entropy.
//
// Imports nothing from Node: a bundler (or a plain <script type="module">) can use it as is.
import { createVm as createVmFromBytes, type VmOptions, type WasmvisorVm } from "./api/create-vm.js";

export * from "./exports.js";
export { createVmWorker, type WebWorkerVmOptions } from "./api/worker/web-client.js";

/** A guest image: bytes, or a URL to fetch. */
export type ImageSource = Uint8Array | string | URL;

export interface BrowserVmOptions extends Omit<VmOptions, "core" | "elf" | "kernel" | "initrd" | "bios"> {
  /** The compiled core, or where to fetch it; default: build/wasmvisor.wasm beside the package. */
  core?: VmOptions["core"] | string | URL;
  elf?: ImageSource;
  kernel?: ImageSource;
  initrd?: ImageSource;
  bios?: ImageSource;
}

export const DEFAULT_CORE_URL = new URL("../build/wasmvisor.wasm", import.meta.url);

async function fetchBytes(url: string | URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${String(url)}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function bytesOf(source: ImageSource | undefined): Promise<Uint8Array | undefined> {
  if (source === undefined || source instanceof Uint8Array) return source;
  return fetchBytes(source);
}

export async function createVm(options: BrowserVmOptions): Promise<WasmvisorVm> {
  const { elf, kernel, initrd, bios, core = DEFAULT_CORE_URL, ...rest } = options;
  const module = typeof core === "string" || core instanceof URL ? await WebAssembly.compileStreaming(fetch(core)) : core;
  const resolved: VmOptions = { ...rest, core: module };
  const images = { elf, kernel, initrd, bios };
  for (const key of ["elf", "kernel", "initrd", "bios"] as const) {
    const bytes = await bytesOf(images[key]);
    if (bytes !== undefined) resolved[key] = bytes;
  }
  return createVmFromBytes(resolved);
}
