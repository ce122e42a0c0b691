// snapshot.ts — `npm run bench:snapshot`: Image-full (256 MiB) booted to its prompt, saved, and restored many times.
//
// Reports the snapshot's size, how long saving and restoring take, and the host wall time from
// "restore this snapshot" to the answer of a first shell command, beside booting to the prompt.
// The compiled core is shared by every VM of the run (the target is counted after compilation).
// Usage: npm run bench:snapshot [-- --restores N]
import { findGuestImage, missingGuestMessage } from "../guests/linux/images.js";
import { ConsoleSession } from "../host/api/console-session.js";
import { loadCoreModule } from "../host/backends/node/core-file.js";
import { createVm } from "../host/node.js";
import { machineLine, writeResult } from "./results.js";

const image = findGuestImage("Image-full");
if (image === undefined) {
  console.error(`bench:snapshot: ${missingGuestMessage("Image-full")}`);
  process.exit(2);
}
const i = process.argv.indexOf("--restores");
const restores = i < 0 ? 7 : Number(process.argv[i + 1]);
if (!Number.isInteger(restores) || restores < 1) {
  console.error("bench:snapshot: --restores takes a positive integer");
  process.exit(2);
}

const PROMPT = /\n[^\n]*# $/;
const ANSWER = /SNAP-42\r?\n[^\n]*# $/;
const core = await loadCoreModule();

// Boot to the prompt.
let t0 = performance.now();
const vm = await createVm({ core, kernel: image, cmdline: "console=ttyS0", memoryMiB: 256, rng: ["virtio-rng"], profile: false });
const session = new ConsoleSession(vm, { timeoutMs: 300_000 });
await session.waitFor(PROMPT, 240_000);
const bootMs = performance.now() - t0;

// Save (a few times: the first one also touches every never-used RAM page once).
const saveMs: number[] = [];
let snapshot = new Uint8Array(0);
for (let k = 0; k < 3; k++) {
  t0 = performance.now();
  snapshot = await vm.snapshot();
  saveMs.push(performance.now() - t0);
}
vm.stop();
await session.done;

// Restore, and time the first command's answer.
const restoreMs: number[] = [];
const answerMs: number[] = [];
for (let k = 0; k < restores; k++) {
  t0 = performance.now();
  const again = await createVm({ core, restore: snapshot, profile: false });
  restoreMs.push(performance.now() - t0);
  const s = new ConsoleSession(again, { timeoutMs: 60_000 });
  await s.run("echo SNAP-$((6*7))", ANSWER, 30_000);
  answerMs.push(performance.now() - t0);
  again.stop();
  await s.done;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
console.log(`Image-full, 256 MiB, snapshot at the shell prompt (${machineLine()})`);
console.log(`  boot to the prompt                      ${fmt(bootMs)}`);
console.log(`  snapshot size                           ${(snapshot.length / 1e6).toFixed(2)} MB`);
console.log(`  save (first, then median)               ${fmt(saveMs[0]!)}, ${fmt(median(saveMs.slice(1)))}`);
console.log(`  restore (median of ${restores}, min)            ${fmt(median(restoreMs))}, ${fmt(Math.min(...restoreMs))}`);
console.log(`  restore to the first answer (median, min) ${fmt(median(answerMs))}, ${fmt(Math.min(...answerMs))}`);
console.log(`  targets: answer within 150 ms, snapshot at most 16 MB`);
console.log(`  wrote ${writeResult("snapshot", { image, memoryMiB: 256, bootMs, snapshotBytes: snapshot.length, saveMs, restoreMs, answerMs })}`);
