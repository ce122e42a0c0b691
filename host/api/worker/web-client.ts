// web-client.ts — createVmWorker() for browsers: the embedding API with the VM in a Web Worker, so the page stays responsive.
//
//   import { createVmWorker } from "wasmvisor/browser";
//   const vm = await createVmWorker({ elf: "guests/rng-demo/rng-demo.elf" });
//   vm.on("console", (bytes) => terminal.write(bytes));
//   vm.on("snapshot", (s) => draw(s.profile));
//   await vm.run();
//
// Imports nothing from Node. Images given as URLs are fetched by the worker itself.
import type { BrowserVmOptions } from "../../browser.js";
import { imageForPost, WorkerVm, type WorkerTransport } from "./worker-vm.js";
import { DEFAULT_SNAPSHOT_EVERY_MS, type FromWorker, type WireProfilerOptions } from "./protocol.js";

export interface WebWorkerVmOptions extends Omit<BrowserVmOptions, "core" | "entropy" | "profile" | "disks"> {
  /** The compiled core, its bytes, or its URL; default: build/wasmvisor.wasm beside the package (as browser.ts). */
  core?: WebAssembly.Module | Uint8Array | string | URL;
  /** Record the exit profile (default on, sampled timing). */
  profile?: boolean | WireProfilerOptions;
  /** Disk images, each a virtio-blk device; the worker writes to its own copy unless transferred. */
  disks?: readonly Uint8Array[];
  /** The worker script (web-thread.js, or a bundle of it); default: web-thread.js beside this module. */
  workerUrl?: string | URL;
  /** Hand image buffers to the worker instead of copying them (the caller's arrays are detached). Default false. */
  transfer?: boolean;
  /** Period of the worker's snapshots (the "snapshot" event), in ms (default 250). */
  snapshotEveryMs?: number;
}

const IMAGE_KEYS = ["elf", "kernel", "initrd", "bios"] as const;

/** Relative URLs are meant relative to the page; the worker would resolve them against its own script. */
function absolute(url: string | URL): string {
  return new URL(url, typeof location === "undefined" ? undefined : location.href).href;
}

/** Build a VM in a Web Worker. Rejects as createVm() would (BootError for an unusable image). */
export async function createVmWorker(options: WebWorkerVmOptions): Promise<WorkerVm> {
  const {
    transfer = false, snapshotEveryMs = DEFAULT_SNAPSHOT_EVERY_MS, workerUrl = new URL("./web-thread.js", import.meta.url),
    disks, core, ...rest
  } = options;
  const list: ArrayBuffer[] = [];
  const wire: BrowserVmOptions = { ...rest };
  for (const key of IMAGE_KEYS) {
    const source = options[key];
    if (source instanceof Uint8Array) wire[key] = imageForPost(source, transfer, list);
    else if (source !== undefined) wire[key] = absolute(source);
  }
  if (core instanceof Uint8Array) wire.core = imageForPost(core, transfer, list);
  else if (core instanceof WebAssembly.Module) wire.core = core;
  else if (core !== undefined) wire.core = absolute(core);
  if (disks !== undefined) wire.disks = disks.map((d) => imageForPost(d, transfer, list));
  const worker = new Worker(workerUrl, { type: "module", name: "wasmvisor" });
  return new WorkerVm(webTransport(worker)).create(wire, snapshotEveryMs, list);
}

function webTransport(worker: Worker): WorkerTransport {
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    start(onMessage, onFatal) {
      worker.addEventListener("message", (event: MessageEvent<FromWorker>) => onMessage(event.data));
      // A script that fails to load or throws at top level: the event carries no Error object.
      worker.addEventListener("error", (event: ErrorEvent) => {
        event.preventDefault();
        onFatal(new Error(`the VM worker failed: ${event.message || "could not load the worker script"}`));
      });
      worker.addEventListener("messageerror", () => onFatal(new Error("a message from the VM worker could not be decoded")));
    },
    async terminate() {
      worker.terminate();
    },
  };
}
