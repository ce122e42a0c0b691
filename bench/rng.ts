// rng.ts — `npm run bench:rng`: the seed's comparison, measured: rngboi (one exit per 4 bytes) against virtio-rng (one per buffer).
//
// Our bare-metal guests fill a buffer of each size again and again: rng-demo with 32-bit register
// reads, virtio-rng-demo by posting one buffer per request and notifying once. For each device
// and size: guest-visible random bytes per second, exits per KiB, guest instructions per KiB and
// the share of wall time spent in the host handling exits — with both entropy backends, since
// /dev/urandom's own speed (~500 MB/s here) caps virtio-rng. Writes bench/results/rng.json and
// bench/results/rng.svg. Usage: npm run bench:rng [-- --quick]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { patchElfU64 } from "../host/boot/elf-patch.js";
import { UrandomEntropy } from "../host/backends/node/urandom.js";
import { browserEntropy, type EntropySource } from "../host/backends/entropy.js";
import { createVm } from "../host/node.js";
import { ExitProfiler } from "../host/profile/profiler.js";
import { machineLine, RESULTS_DIR, writeResult } from "./results.js";
import { formatBytes, logLogChart } from "./svg.js";

type Device = "rngboi" | "virtio-rng";
/** urandom: /dev/urandom through an fd (Node's backend); webcrypto: crypto.getRandomValues (the browser's). */
type Backend = "urandom" | "webcrypto";
export interface RngRow {
  device: Device;
  entropy: Backend;
  bufferBytes: number;
  bytesPerSec: number;
  exitsPerKiB: number;
  guestInsnsPerKiB: number;
  hostTimeShare: number;
  /** QueueNotify writes per buffer (virtio) — the seed's "one notification exit per buffer". */
  notifiesPerBuffer?: number;
}

const SIZES = [16, 256, 4096, 65536];
const quick = process.argv.includes("--quick");
const GUESTS: Record<Device, Uint8Array> = {
  rngboi: new Uint8Array(readFileSync(join(import.meta.dirname, "../guests/rng-demo/rng-demo.elf"))),
  "virtio-rng": new Uint8Array(readFileSync(join(import.meta.dirname, "../guests/virtio-rng-demo/virtio-rng-demo.elf"))),
};

/** Enough rounds for a run of roughly half a second on this machine. */
function roundsFor(device: Device, size: number): number {
  const target = device === "rngboi" ? 1 << 20 : 16 << 20;
  const rounds = Math.min(Math.ceil(target / size), device === "rngboi" ? 65536 : 200_000);
  return quick ? Math.max(1, Math.ceil(rounds / 16)) : rounds;
}

/** One guest run; returns wall seconds, instructions and (when profiled) the profile. */
async function runOnce(device: Device, backend: Backend, size: number, rounds: number, profiler?: ExitProfiler) {
  const entropy: EntropySource & { close?(): void } = backend === "urandom" ? new UrandomEntropy() : browserEntropy();
  const elf = patchElfU64(patchElfU64(GUESTS[device], "demo_buffer_bytes", BigInt(size)), "demo_rounds", BigInt(rounds));
  const vm = await createVm({ elf, memoryMiB: 64, entropy, rng: [device], profile: profiler ?? false });
  let output = "";
  vm.on("console", (b) => void (output += new TextDecoder().decode(b)));
  const result = await vm.run({ maxInsns: 50_000_000_000n, timeoutMs: 120_000 });
  entropy.close?.();
  if (result.reason.kind !== "tohost" || result.reason.code !== 0) {
    throw new Error(`${device} ${size} B: guest did not pass (${JSON.stringify(result.reason)}): ${output}`);
  }
  return result;
}

/**
 * Throughput comes from a run without the profiler (timing every exit would slow rngboi's
 * ~400 ns exits by a quarter); exit counts and the host-time share from a second, profiled run.
 */
async function measure(device: Device, backend: Backend, size: number): Promise<RngRow> {
  const rounds = roundsFor(device, size);
  const plain = await runOnce(device, backend, size, rounds);
  const profiler = new ExitProfiler({ timing: "all" });
  const profiled = await runOnce(device, backend, size, rounds, profiler);
  const snap = profiler.snapshot();
  const kib = (size * rounds) / 1024;
  const notifies = snap.rows.filter((r) => r.register === "QueueNotify").reduce((n, r) => n + r.count, 0);
  const row: RngRow = {
    device,
    entropy: backend,
    bufferBytes: size,
    bytesPerSec: (size * rounds) / plain.wallSeconds,
    exitsPerKiB: snap.exits / kib,
    guestInsnsPerKiB: Number(plain.insns) / kib,
    hostTimeShare: snap.hostNsTotal === null ? 0 : snap.hostNsTotal / 1e9 / profiled.wallSeconds,
  };
  if (device === "virtio-rng") row.notifiesPerBuffer = notifies / rounds;
  return row;
}

/** Warm the core up (V8 tiers Wasm up from its baseline compiler) so the first row is not penalized. */
await runOnce("rngboi", "urandom", 4096, 64);

const rows: RngRow[] = [];
for (const backend of ["urandom", "webcrypto"] as const) {
  for (const size of SIZES) {
    for (const device of ["rngboi", "virtio-rng"] as const) rows.push(await measure(device, backend, size));
  }
}

const fmtRate = (bps: number): string => (bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} MB/s` : `${(bps / 1e3).toFixed(1)} KB/s`);
console.log(`rngboi vs virtio-rng, bare-metal guests (${machineLine()})`);
for (const backend of ["urandom", "webcrypto"] as const) {
  console.log(`\nentropy: ${backend === "urandom" ? "/dev/urandom (Node backend)" : "crypto.getRandomValues (browser backend)"}`);
  console.log("buffer    device       throughput     exits/KiB   guest insns/KiB   host time   speed-up");
  for (const size of SIZES) {
    const same = rows.filter((x) => x.bufferBytes === size && x.entropy === backend);
    const boi = same.find((r) => r.device === "rngboi")!;
    for (const r of same) {
      const speedup = r.device === "virtio-rng" ? `${(r.bytesPerSec / boi.bytesPerSec).toFixed(1)}x` : "";
      console.log(
        `${formatBytes(size).padEnd(9)} ${r.device.padEnd(12)} ${fmtRate(r.bytesPerSec).padStart(12)}   ` +
          `${r.exitsPerKiB.toFixed(2).padStart(9)}   ${r.guestInsnsPerKiB.toFixed(0).padStart(15)}   ` +
          `${(r.hostTimeShare * 100).toFixed(1).padStart(8)}%   ${speedup}`,
      );
    }
  }
  const big = rows.filter((r) => r.bufferBytes === 65536 && r.entropy === backend);
  const ratio = big[1]!.bytesPerSec / big[0]!.bytesPerSec;
  console.log(`at 64 KiB virtio-rng delivers ${ratio.toFixed(0)}x the bytes per second of rngboi, ` +
    `with ${big[1]!.notifiesPerBuffer?.toFixed(2)} notification exits per buffer`);
}
const path = writeResult("rng", rows);
const pts = (device: Device, backend: Backend): Array<[number, number]> =>
  rows.filter((r) => r.device === device && r.entropy === backend).map((r) => [r.bufferBytes, r.bytesPerSec]);
const svg = logLogChart(
  [
    { name: "rngboi (urandom)", color: "#d9480f", points: pts("rngboi", "urandom") },
    { name: "virtio-rng (urandom)", color: "#1864ab", points: pts("virtio-rng", "urandom") },
    { name: "rngboi (webcrypto)", color: "#f08c00", points: pts("rngboi", "webcrypto") },
    { name: "virtio-rng (webcrypto)", color: "#4dabf7", points: pts("virtio-rng", "webcrypto") },
  ],
  {
    title: "Guest-visible random bytes per second",
    xLabel: "buffer size",
    yLabel: "bytes per second",
    formatX: formatBytes,
    formatY: (v) => fmtRate(v),
    width: 820,
  },
);
writeFileSync(join(RESULTS_DIR, "rng.svg"), svg);
console.log(`wrote ${path} and ${join(RESULTS_DIR, "rng.svg")}`);
