// blk.ts — `npm run bench:blk`: virtio-blk throughput and IOPS inside the Linux guest (busybox dd), with the exit profile of each phase.
//
// Boots Image-full (needs the F/D extensions) with a scratch disk image and runs, at the shell:
// sequential write and read of 32 MiB with O_DIRECT (dd oflag=direct / iflag=direct, 1 MiB
// blocks), then 4 KiB random reads and writes (one dd per request, so IOPS include a process
// start: busybox has no fio). Guest-reported figures, plus exits per MiB from the profiler.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVm, FileDisk } from "../host/node.js";
import type { ProfileJson } from "../host/profile/report.js";
import { findGuestImage, missingGuestMessage } from "../guests/linux/images.js";
import { ConsoleSession } from "../host/api/console-session.js";
import { machineLine, writeResult } from "./results.js";

const image = findGuestImage("Image-full");
if (image === undefined) {
  console.error(`bench:blk: ${missingGuestMessage("Image-full")}`);
  process.exit(2);
}
const DISK_MIB = 64;
const dir = mkdtempSync(join(tmpdir(), "wasmvisor-blk-"));
const diskPath = join(dir, "disk.img");
execFileSync("truncate", ["-s", `${DISK_MIB}M`, diskPath]);
const disk = FileDisk.open(diskPath);

const vm = await createVm({ kernel: image, cmdline: "console=ttyS0", disks: [disk], rng: [], memoryMiB: 256 });
const s = new ConsoleSession(vm, { timeoutMs: 900_000 });
const PROMPT = /\n[^\n]*# $/;
await s.waitFor(PROMPT, 180_000);

interface Phase {
  name: string;
  bytes: number;
  seconds: number;
  mbPerSec: number;
  iops?: number;
  exits: number;
  exitsPerMiB: number;
  notifies: number;
}

function exitsOf(p: ProfileJson | undefined): { exits: number; notifies: number } {
  const rows = p?.rows.filter((r) => (r.device ?? "").includes("blk")) ?? [];
  return { exits: rows.reduce((n, r) => n + r.count, 0), notifies: rows.filter((r) => r.register === "QueueNotify").reduce((n, r) => n + r.count, 0) };
}

async function phase(name: string, command: string, bytes: number, requests?: number): Promise<Phase> {
  const before = exitsOf(vm.profile());
  const out = await s.run(`${command}; echo DO''NE`, /\nDONE\r?\n[^\n]*# $/, 600_000);
  const after = exitsOf(vm.profile());
  // busybox time: "real 0m 1.23s"; dd: "... copied, 1.234 seconds, ..."
  const dd = /copied, ([\d.]+) seconds/.exec(out);
  const real = /real\s+(\d+)m\s*([\d.]+)s/.exec(out);
  const seconds = dd !== null && requests === undefined ? Number(dd[1]) : real !== null ? Number(real[1]) * 60 + Number(real[2]) : NaN;
  const exits = after.exits - before.exits;
  return {
    name, bytes, seconds, mbPerSec: bytes / seconds / 1e6, exits, exitsPerMiB: exits / (bytes / (1 << 20)),
    notifies: after.notifies - before.notifies, ...(requests !== undefined ? { iops: requests / seconds } : {}),
  };
}

const phases: Phase[] = [];
phases.push(await phase("sequential write (1 MiB, O_DIRECT)", "dd if=/dev/zero of=/dev/vda bs=1048576 count=32 oflag=direct", 32 << 20));
phases.push(await phase("sequential read (1 MiB, O_DIRECT)", "dd if=/dev/vda of=/dev/null bs=1048576 count=32 iflag=direct", 32 << 20));
const N = 200;
const loop = (op: string): string =>
  `time sh -c 'i=0; while [ $i -lt ${N} ]; do ${op}; i=$((i+1)); done'`;
phases.push(await phase("random read (4 KiB, O_DIRECT, one dd each)",
  loop("dd if=/dev/vda of=/dev/null bs=4096 count=1 skip=$((RANDOM % 16384)) iflag=direct 2>/dev/null"), N * 4096, N));
phases.push(await phase("random write (4 KiB, O_DIRECT, one dd each)",
  loop("dd if=/dev/zero of=/dev/vda bs=4096 count=1 seek=$((RANDOM % 16384)) oflag=direct conv=notrunc 2>/dev/null"), N * 4096, N));
vm.sendInput("poweroff -f\n");
await s.done;
disk.close();
rmSync(dir, { recursive: true });

console.log(`virtio-blk in Linux (Image-full, busybox dd; ${machineLine()})`);
console.log("phase                                          MB/s     IOPS   blk exits/MiB   notifies");
for (const p of phases) {
  console.log(`${p.name.padEnd(44)} ${p.mbPerSec.toFixed(1).padStart(7)} ${(p.iops?.toFixed(0) ?? "-").padStart(8)}   ` +
    `${p.exitsPerMiB.toFixed(1).padStart(13)}   ${String(p.notifies).padStart(8)}`);
}
console.log(`wrote ${writeResult("blk", { image, diskMiB: DISK_MIB, phases })}`);
