// node-client.ts — createVmWorker() for Node: the embedding API with the VM in a worker_threads thread, so the main thread stays free.
//
//   import { createVmWorker } from "wasmvisor";
//   const vm = await createVmWorker({ elf: "prog.elf" });
//   vm.on("console", (bytes) => process.stdout.write(bytes));
//   const result = await vm.run();
//   console.log(await vm.profile());
//   await vm.terminate();
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { NodeVmOptions } from "../../node.js";
import { imageForPost, WorkerVm, type WorkerTransport } from "./worker-vm.js";
import { DEFAULT_SNAPSHOT_EVERY_MS, type FromWorker, type WireProfilerOptions } from "./protocol.js";

export interface NodeWorkerVmOptions extends Omit<NodeVmOptions, "core" | "entropy" | "profile" | "disks"> {
  /** The compiled core (a Module is shared, not recompiled); default: the worker loads build/wasmvisor.wasm. */
  core?: WebAssembly.Module | Uint8Array;
  /** Record the exit profile (default on, sampled timing). */
  profile?: boolean | WireProfilerOptions;
  /** Disk images, each a virtio-blk device; the worker writes to its own copy (or to these bytes' buffer when transferred). */
  disks?: readonly Uint8Array[];
  /** Hand image buffers to the worker instead of copying them (the caller's arrays are detached). Default false. */
  transfer?: boolean;
  /** Period of the worker's snapshots (the "snapshot" event), in ms (default 250). */
  snapshotEveryMs?: number;
}

const IMAGE_KEYS = ["elf", "kernel", "initrd", "bios"] as const;

/** Build a VM in a worker thread. Rejects as createVm() would (BootError for an unusable image). */
export async function createVmWorker(options: NodeWorkerVmOptions): Promise<WorkerVm> {
  const { transfer = false, snapshotEveryMs = DEFAULT_SNAPSHOT_EVERY_MS, disks, ...rest } = options;
  const list: ArrayBuffer[] = [];
  const wire: NodeVmOptions = { ...rest };
  for (const key of IMAGE_KEYS) {
    const source = options[key];
    if (source instanceof Uint8Array) wire[key] = imageForPost(source, transfer, list);
    // A URL object does not survive structured clone; its path does (node.ts reads paths).
    else if (source instanceof URL) wire[key] = fileURLToPath(source);
  }
  if (options.core instanceof Uint8Array) wire.core = imageForPost(options.core, transfer, list);
  if (disks !== undefined) wire.disks = disks.map((d) => imageForPost(d, transfer, list));
  const vm = new WorkerVm(nodeTransport(spawnThread()));
  return vm.create(wire, snapshotEveryMs, list);
}

/**
 * Start node-thread.js beside this module. Run from the TypeScript sources (vitest, tsx) the
 * entry is a .ts file that Node cannot load by itself, so the thread first registers tsx's
 * loader — tsx being a dev dependency, this path exists only in development.
 */
function spawnThread(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./node-thread.js", import.meta.url));
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/esm/api/index.mjs"));
  const entry = new URL("./node-thread.ts", import.meta.url);
  const code = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true });
}

function nodeTransport(worker: Worker): WorkerTransport {
  let terminating = false;
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    start(onMessage, onFatal) {
      worker.on("message", (m: FromWorker) => onMessage(m));
      worker.on("error", (err) => onFatal(err));
      worker.on("exit", (code) => {
        if (!terminating) onFatal(new Error(`the VM worker exited unexpectedly (code ${code})`));
      });
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
    hold: (keepAlive) => (keepAlive ? worker.ref() : worker.unref()),
  };
}
