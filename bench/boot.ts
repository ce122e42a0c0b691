// boot.ts — `npm run bench:boot`: boot the reference Linux guest and record what matters, beside QEMU and TinyEMU.
//
// Records: wall seconds and guest instructions to INIT OK (built-in SBI, deterministic clock, so
// the instruction count is exact); the guest-reported /dev/hwrng throughput with each RNG device
// (real-time clock, as a user would run it); and MIPS on cpuwork=20000000 (1.5 G instructions).
import { findGuestImage, missingGuestMessage } from "../guests/linux/images.js";
import { ExitKind } from "../host/core/abi.js";
import { createVm } from "../host/node.js";
import type { ExitProfiler } from "../host/profile/profiler.js";
import type { RngDevice } from "../host/vmm/spec.js";
import type { ClockMode, VmResult } from "../host/vmm/vm.js";
import { machineLine, writeResult } from "./results.js";

/** From ../shared/guests/linux/README.md (same machine, 2026-11-25). */
const REFERENCE = {
  qemu: { initOkSeconds: 0.47, virtioRngBytesPerSec: "0.55–1.35 MB/s", rngboiBytesPerSec: "68–72 KB/s", cpuworkMips: 2000 },
  tinyemu: { initOkSeconds: 0.72, virtioRngBytesPerSec: "1.32–1.39 MB/s", rngboiBytesPerSec: "33 KB/s", cpuworkMips: 145 },
};

const image = findGuestImage("Image-nofpu");
if (image === undefined) {
  console.error(`bench:boot: ${missingGuestMessage("Image-nofpu")}`);
  process.exit(2);
}

interface LinuxRun {
  output: string;
  result: VmResult;
  insnsAtInitOk?: bigint;
  profiler: ExitProfiler;
}

/** Boot the image to power-off, recording its console and the instruction count at INIT OK. */
async function boot(cmdline: string, rng: RngDevice[], options: { sstc?: boolean; clock?: ClockMode } = {}): Promise<LinuxRun> {
  const vm = await createVm({ kernel: image!, cmdline, rng, clock: options.clock ?? "deterministic", sstc: options.sstc ?? true });
  let output = "";
  let insnsAtInitOk: bigint | undefined;
  const decoder = new TextDecoder();
  vm.on("console", (bytes) => {
    output += decoder.decode(bytes, { stream: true });
    if (insnsAtInitOk === undefined && /INIT OK\r?\n/.test(output)) insnsAtInitOk = vm.machine.vcpu.instret;
  });
  const result = await vm.run({ maxInsns: 5_000_000_000n, timeoutMs: 300_000 });
  return { output, result, profiler: vm.profiler!, ...(insnsAtInitOk !== undefined ? { insnsAtInitOk } : {}) };
}

function field(run: LinuxRun, re: RegExp): number | undefined {
  const m = re.exec(run.output);
  return m === null ? undefined : Number(m[1]);
}

// 1. Boot to INIT OK.
const t0 = performance.now();
const booted = await boot("console=ttyS0 rngbytes=64", []);
const initOkSeconds = (performance.now() - t0) / 1000;
if (booted.insnsAtInitOk === undefined) throw new Error("the guest never printed INIT OK");
const bootWall = booted.result.wallSeconds;
const insnsToInitOk = Number(booted.insnsAtInitOk);
const initOkWall = (bootWall * insnsToInitOk) / Number(booted.result.insns);

// 2. The timer path: Sstc (stimecmp written by the kernel, no exit) against sbi_set_timer (an
//    Sbi exit per timer tick), both on an idle-ish boot with a busy loop afterwards.
const timer: Array<{ sstc: boolean; sbiExits: number; setTimerCalls: number; wallSeconds: number; insns: number }> = [];
for (const sstc of [true, false]) {
  const run = await boot("console=ttyS0 rngbytes=64 cpuwork=2000000", [], { sstc, clock: "realtime" });
  const rows = run.profiler.snapshot().rows.filter((r) => r.kind === ExitKind.Sbi);
  timer.push({
    sstc,
    sbiExits: rows.reduce((n, r) => n + r.count, 0),
    setTimerCalls: rows.filter((r) => r.offset === 0x54494d45 || r.offset === 0).reduce((n, r) => n + r.count, 0),
    wallSeconds: run.result.wallSeconds,
    insns: Number(run.result.insns),
  });
}

// 3. hwrng throughput with each device.
const rng: Array<{ device: string; driver: string; bytes: number; bytesPerSec: number; exitsPerKiB: number; hostTimeShare: number | null }> = [];
for (const [device, bytes] of [["rngboi", 65536], ["virtio-rng", 1 << 20]] as const) {
  const run = await boot(`console=ttyS0 rngbytes=${bytes}`, [device], { clock: "realtime" });
  const driver = /rng_current: (\S+)/.exec(run.output)?.[1] ?? "none";
  const bps = field(run, /hwrng: (\d+) bytes\/s/) ?? 0;
  const snap = run.profiler.snapshot();
  const deviceExits = snap.rows.filter((r) => r.device !== undefined && r.device !== null &&
    (device === "rngboi" ? r.device === "rngboi" : r.device.startsWith("virtio"))).reduce((n, r) => n + r.count, 0);
  rng.push({
    device, driver, bytes, bytesPerSec: bps, exitsPerKiB: deviceExits / (bytes / 1024),
    hostTimeShare: snap.hostNsTotal === null || snap.wallSeconds === 0 ? null : snap.hostNsTotal / 1e9 / snap.wallSeconds,
  });
}

// 4. cpuwork MIPS (the guest measures its own loop; 75 instructions per round).
const work = await boot("console=ttyS0 rngbytes=64 cpuwork=20000000", [], { clock: "realtime" });
const workNs = field(work, /cpuwork: 20000000 rounds in (\d+) ns/);
const workOk = work.output.includes("(result 287db4fcc98a77f3)");
const cpuworkMips = workNs === undefined ? 0 : (20_000_000 * 75) / (workNs / 1e9) / 1e6;

const pad = (s: string, n: number): string => s.padEnd(n);
console.log(`Linux ${image} (${machineLine()})`);
console.log(`${pad("measure", 44)} ${pad("wasmvisor", 16)} ${pad("QEMU 7.2", 16)} TinyEMU`);
console.log(`${pad("wall seconds to INIT OK", 44)} ${pad(initOkWall.toFixed(2), 16)} ${pad(String(REFERENCE.qemu.initOkSeconds), 16)} ${REFERENCE.tinyemu.initOkSeconds}`);
console.log(`${pad("guest instructions to INIT OK", 44)} ${pad(insnsToInitOk.toLocaleString("en-US"), 16)}`);
for (const r of rng) {
  const ref = r.device === "rngboi" ? "rngboiBytesPerSec" : "virtioRngBytesPerSec";
  console.log(`${pad(`/dev/hwrng via ${r.driver} (${r.bytes} B)`, 44)} ${pad(`${(r.bytesPerSec / 1000).toFixed(1)} KB/s`, 16)} ${pad(REFERENCE.qemu[ref], 16)} ${REFERENCE.tinyemu[ref]}`);
  console.log(`${pad(`  exits per KiB, host-time share`, 44)} ${r.exitsPerKiB.toFixed(1)}, ${r.hostTimeShare === null ? "-" : `${(r.hostTimeShare * 100).toFixed(1)}%`}`);
}
for (const t of timer) {
  console.log(`${pad(`timer via ${t.sstc ? "Sstc (stimecmp)" : "sbi_set_timer"}: SBI exits, wall`, 44)} ${t.sbiExits} (${t.setTimerCalls} set_timer), ${t.wallSeconds.toFixed(2)} s`);
}
console.log(`${pad(`cpuwork=20000000 MIPS${workOk ? "" : " (WRONG RESULT)"}`, 44)} ${pad(cpuworkMips.toFixed(0), 16)} ${pad(`≈${REFERENCE.qemu.cpuworkMips} (JIT)`, 16)} ≈${REFERENCE.tinyemu.cpuworkMips}`);
const path = writeResult("boot", {
  image, initOkWallSeconds: initOkWall, bootProcessSeconds: initOkSeconds, insnsToInitOk, rng, timer, cpuworkMips, cpuworkResultOk: workOk,
  reference: REFERENCE,
});
console.log(`wrote ${path}`);
