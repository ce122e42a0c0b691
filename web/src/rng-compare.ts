// rng-compare.ts — the rngboi-vs-virtio-rng comparison of bench/rng.ts, in the browser: measured in a worker of its own, charted by the page.
//
// Same guests, sizes, round counts and measure as bench/rng.ts: the guest's benchmark knobs
// (demo_buffer_bytes, demo_rounds) are patched into the ELF, the VM has only the device under
// test, the clock is deterministic, a warm-up run comes first, and every run happens in the same
// thread one after the other (so the engine has compiled the Wasm core and the TypeScript
// devices by the time it counts). bytes/s is buffer × rounds over the run's wall time from a run
// without the profiler; exits per KiB come from a second run that counts exits (timing off).
// Entropy is crypto.getRandomValues: bench/rng.ts's "webcrypto" rows are the ones to compare.
import { createVm } from "../../host/api/create-vm.js";
import { patchElfU64 } from "../../host/boot/elf-patch.js";

export type RngDeviceName = "rngboi" | "virtio-rng";
export const RNG_DEVICES: readonly RngDeviceName[] = ["rngboi", "virtio-rng"];
export const RNG_SIZES = [16, 256, 4096, 65536] as const;
const GUEST: Record<RngDeviceName, string> = { rngboi: "rng-demo", "virtio-rng": "virtio-rng-demo" };

export interface RngMeasurement {
  device: RngDeviceName;
  bufferBytes: number;
  rounds: number;
  bytesPerSec: number;
  exitsPerKiB: number;
  wallSeconds: number;
}

/** bench/rng.ts roundsFor(): enough rounds for about half a second per run; --quick takes 1/16. */
export function roundsFor(device: RngDeviceName, size: number, quick: boolean): number {
  const target = device === "rngboi" ? 1 << 20 : 16 << 20;
  const rounds = Math.min(Math.ceil(target / size), device === "rngboi" ? 65536 : 200_000);
  return quick ? Math.max(1, Math.ceil(rounds / 16)) : rounds;
}

export type RngProgress = (text: string, done: RngMeasurement[]) => void;

/** The measurement itself; runs in whatever thread calls it (rng-worker.ts). */
export async function measureRng(
  core: WebAssembly.Module,
  images: Record<RngDeviceName, Uint8Array>,
  quick: boolean,
  onProgress: RngProgress,
): Promise<RngMeasurement[]> {
  const runOnce = async (device: RngDeviceName, size: number, rounds: number, countExits: boolean) => {
    let elf = patchElfU64(images[device], "demo_buffer_bytes", BigInt(size));
    elf = patchElfU64(elf, "demo_rounds", BigInt(rounds));
    const vm = await createVm({
      core, elf, memoryMiB: 64, clock: "deterministic", rng: [device],
      profile: countExits ? { timing: "off" } : false,
    });
    let output = "";
    vm.on("console", (b) => void (output += new TextDecoder().decode(b)));
    const result = await vm.run({ maxInsns: 50_000_000_000n, timeoutMs: 120_000 });
    if (result.reason.kind !== "tohost" || result.reason.code !== 0) {
      throw new Error(`${device} ${size} B: guest did not pass (${result.reason.kind}): ${output}`);
    }
    return { wallSeconds: result.wallSeconds, exits: vm.profile()?.exits ?? 0 };
  };

  onProgress("warming up", []);
  await runOnce("rngboi", 4096, 64, false);
  const done: RngMeasurement[] = [];
  for (const size of RNG_SIZES) {
    for (const device of RNG_DEVICES) {
      onProgress(`${device}, ${size} B buffers`, done);
      const rounds = roundsFor(device, size, quick);
      const plain = await runOnce(device, size, rounds, false);
      const counted = await runOnce(device, size, rounds, true);
      const kib = (size * rounds) / 1024;
      done.push({
        device, bufferBytes: size, rounds,
        bytesPerSec: (size * rounds) / plain.wallSeconds,
        exitsPerKiB: counted.exits / kib,
        wallSeconds: plain.wallSeconds,
      });
    }
  }
  return done;
}

/** Messages between the page and rng-worker.ts. */
export type RngRequest = { core: WebAssembly.Module; guestUrls: Record<RngDeviceName, string>; quick: boolean };
export type RngReply =
  | { type: "progress"; text: string; done: RngMeasurement[] }
  | { type: "done"; results: RngMeasurement[] }
  | { type: "error"; message: string };

export interface RngCompareOptions {
  core: WebAssembly.Module;
  /** rng-worker.js */
  workerUrl: string;
  quick: boolean;
  onProgress?: RngProgress;
}

/** Run the comparison in a new worker; resolves with all eight measurements. */
export function runRngComparison(options: RngCompareOptions): Promise<RngMeasurement[]> {
  const worker = new Worker(options.workerUrl, { type: "module", name: "wasmvisor-rng" });
  const guestUrls = {
    rngboi: new URL(`guests/${GUEST.rngboi}/${GUEST.rngboi}.elf`, location.href).href,
    "virtio-rng": new URL(`guests/${GUEST["virtio-rng"]}/${GUEST["virtio-rng"]}.elf`, location.href).href,
  };
  return new Promise<RngMeasurement[]>((resolve, reject) => {
    worker.addEventListener("message", (event: MessageEvent<RngReply>) => {
      const reply = event.data;
      if (reply.type === "progress") options.onProgress?.(reply.text, reply.done);
      else if (reply.type === "done") resolve(reply.results);
      else reject(new Error(reply.message));
    });
    worker.addEventListener("error", (event) => reject(new Error(event.message || "the RNG worker failed to load")));
    const request: RngRequest = { core: options.core, guestUrls, quick: options.quick };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

/** One row of bench/results/rng.json (only the fields the page shows). */
export interface NodeRngRow {
  device: RngDeviceName;
  entropy: "urandom" | "webcrypto";
  bufferBytes: number;
  bytesPerSec: number;
}

/** Node's figures from the last `npm run bench:rng`, when the server has them (crypto.getRandomValues rows, like ours). */
export async function fetchNodeResults(): Promise<NodeRngRow[]> {
  try {
    const res = await fetch("results/rng.json");
    if (!res.ok) return [];
    const rows = (await res.json()) as NodeRngRow[];
    return Array.isArray(rows) ? rows.filter((r) => r.entropy === "webcrypto") : [];
  } catch {
    return [];
  }
}
