// node.ts — the Node entry point of the package: createVm() with file paths, the bundled core, and /dev/urandom.
//
//   import { createVm } from "wasmvisor";
//   const vm = await createVm({ kernel: "Image", cmdline: "console=ttyS0" });
//   vm.on("console", (bytes) => process.stdout.write(bytes));
//   const result = await vm.run();
import { readFile } from "node:fs/promises";
import { createVm as createVmFromBytes, type VmOptions, type WasmvisorVm } from "./api/create-vm.js";
import { loadCoreModule } from "./backends/node/core-file.js";
import { UrandomEntropy } from "./backends/node/urandom.js";

export * from "./exports.js";
export { FileDisk } from "./backends/node/file-disk.js";
export { createVmWorker, type NodeWorkerVmOptions } from "./api/worker/node-client.js";

/** A guest image: bytes, or a file path. */
export type ImageSource = Uint8Array | string | URL;

export interface NodeVmOptions extends Omit<VmOptions, "core" | "elf" | "kernel" | "initrd" | "bios"> {
  /** The compiled core; default: the build/wasmvisor.wasm shipped with the package. */
  core?: VmOptions["core"];
  elf?: ImageSource;
  kernel?: ImageSource;
  initrd?: ImageSource;
  bios?: ImageSource;
}

async function bytesOf(source: ImageSource | undefined): Promise<Uint8Array | undefined> {
  if (source === undefined || source instanceof Uint8Array) return source;
  return new Uint8Array(await readFile(source));
}

/** Build a VM in Node. File paths are read; entropy comes from /dev/urandom unless given. */
export async function createVm(options: NodeVmOptions): Promise<WasmvisorVm> {
  const entropy = options.entropy ?? new UrandomEntropy();
  const { elf, kernel, initrd, bios, core, ...rest } = options;
  const resolved: VmOptions = { ...rest, core: core ?? (await loadCoreModule()), entropy };
  const images = { elf, kernel, initrd, bios };
  for (const key of ["elf", "kernel", "initrd", "bios"] as const) {
    const bytes = await bytesOf(images[key]);
    if (bytes !== undefined) resolved[key] = bytes;
  }
  const vm = await createVmFromBytes(resolved);
  if (entropy instanceof UrandomEntropy) vm.on("shutdown", () => entropy.close());
  return vm;
}

/** Path of a built-in bare-metal demo guest shipped with the package ("rng-demo", "virtio-rng-demo", "mips-bench"). */
export function demoGuestPath(name: string): URL {
  return new URL(`../guests/${name}/${name}.elf`, import.meta.url);
}
