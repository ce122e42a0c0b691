// node.ts — the Node entry point of the package: createVm() with file paths, the bundled core, /dev/urandom and file disks.
//
//   import { createVm } from "wasmvisor";
//   const vm = await createVm({ kernel: "Image", cmdline: "console=ttyS0" });
//   vm.on("console", (bytes) => process.stdout.write(bytes));
//   const result = await vm.run();
import { createVm as createVmFromBytes, type VmOptions, type WasmvisorVm } from "./api/create-vm.js";
import type { DiskBackend } from "./backends/disk.js";
import { loadCoreModule } from "./backends/node/core-file.js";
import { FileDisk } from "./backends/node/file-disk.js";
import { OverlayDisk } from "./backends/overlay-disk.js";
import { InputFileError, readInputFile } from "./backends/node/input-file.js";
import { UrandomEntropy } from "./backends/node/urandom.js";
import { zlibCodec } from "./backends/node/zlib-codec.js";

export * from "./exports.js";
export { FileDisk } from "./backends/node/file-disk.js";
export { createVmWorker, type NodeWorkerVmOptions } from "./api/worker/node-client.js";

/** A guest image: bytes, or a file path. */
export type ImageSource = Uint8Array | string | URL;

/**
 * A disk: a backend, an image's bytes, or an image file (opened read-write unless readOnly; with
 * overlay, opened read-only under a copy-on-write OverlayDisk that keeps the guest's writes).
 */
export type DiskSource = DiskBackend | Uint8Array | string | { path: string; readOnly?: boolean; overlay?: boolean };

export interface NodeVmOptions extends Omit<VmOptions, "core" | "elf" | "kernel" | "initrd" | "bios" | "disks" | "restore"> {
  /** The compiled core; default: the build/wasmvisor.wasm shipped with the package. */
  core?: VmOptions["core"];
  elf?: ImageSource;
  kernel?: ImageSource;
  initrd?: ImageSource;
  bios?: ImageSource;
  disks?: readonly DiskSource[];
  /** A snapshot to restore: its bytes or its file. */
  restore?: ImageSource;
}

async function bytesOf(source: ImageSource | undefined): Promise<Uint8Array | undefined> {
  if (source === undefined || source instanceof Uint8Array) return source;
  return readInputFile(source);
}

/** A disk the caller gave, or one opened here from a path (`opened`: ours to close). */
function openDisk(source: DiskSource): { disk: DiskBackend | Uint8Array; opened: boolean } {
  if (source instanceof Uint8Array || (typeof source === "object" && "read" in source)) return { disk: source, opened: false };
  const { path, readOnly, overlay } = typeof source === "string" ? { path: source, readOnly: false, overlay: false } : source;
  try {
    const file = FileDisk.open(path, { readOnly: readOnly === true || overlay === true });
    return { disk: overlay === true ? new OverlayDisk(file) : file, opened: true };
  } catch (err) {
    throw new InputFileError(err instanceof Error ? err.message : String(err)); // bad input, one line
  }
}

/**
 * Build a VM in Node. File paths are read (a missing or unreadable file is an InputFileError);
 * entropy comes from /dev/urandom unless given. Files and descriptors opened here are closed
 * when the run ends.
 */
export async function createVm(options: NodeVmOptions): Promise<WasmvisorVm> {
  const { elf, kernel, initrd, bios, restore, core, disks, entropy: given, ...rest } = options;
  const images = { elf, kernel, initrd, bios, restore };
  const resolved: VmOptions = { snapshotCodec: zlibCodec, ...rest, core: core ?? (await loadCoreModule()) };
  for (const key of ["elf", "kernel", "initrd", "bios", "restore"] as const) {
    const bytes = await bytesOf(images[key]);
    if (bytes !== undefined) resolved[key] = bytes;
  }
  const opened: DiskBackend[] = [];
  const entropy = given ?? (rest.entropySeed !== undefined ? undefined : new UrandomEntropy());
  const release = (): void => {
    for (const d of opened) d.close?.();
    if (given === undefined && entropy instanceof UrandomEntropy) entropy.close();
  };
  try {
    resolved.disks = (disks ?? []).map((source) => {
      const { disk, opened: ours } = openDisk(source);
      if (ours) opened.push(disk as DiskBackend);
      return disk;
    });
    if (entropy !== undefined) resolved.entropy = entropy;
    const vm = await createVmFromBytes(resolved);
    vm.onDispose(release);
    return vm;
  } catch (err) {
    release();
    throw err;
  }
}

/** Path of a built-in bare-metal demo guest shipped with the package ("rng-demo", "virtio-rng-demo", "mips-bench"). */
export function demoGuestPath(name: string): URL {
  return new URL(`../guests/${name}/${name}.elf`, import.meta.url);
}
