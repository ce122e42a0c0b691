// exit-cost.ts — `npm run bench:exits`: what one MMIO exit round trip costs, where the time goes, and what the profiler adds.
//
// guests/exit-cost does N 4-byte loads from a trivial host device (a constant) in a 6-instruction
// loop, so the run is almost nothing but exit round trips:
//
//   guest lw ──► Wasm: translate, not RAM/CLINT/PLIC, fill the exit record, leave run()
//            ──► Vm.run (host/vm.ts): switch, Bus.read ──► ConstDevice.read ──► loadLeParts ──► setDataParts
//            ──► run() again: the load completes into its register, 5 more instructions, next lw
//
// The total is measured on the real path: createMachine + Vm.run (no instruction limit, as the
// CLI runs by default), the loop every guest's MMIO exits take. It is split into
//   Wasm            time inside run() per exit (guest instructions, the MMIO exit path, re-entry
//                   completing the load), measured directly: a bare loop timing each run() call,
//                   minus the same timing around an empty run(0) (which cancels the clock reads);
//   boundary        the JS⇄Wasm crossing as the Vm does it: run(0) (returns at once), the exit
//                   record reads (exitInsns, exitSize, exitAddressNumber), setDataParts;
//   VMM dispatch    Bus.read (lookup + handler) + loadLeParts, in isolation, minus the handler;
//   device handler  the BusDevice.read body, timed over a batch of calls in isolation;
//   Vm loop         the rest: Vm.run's own per-exit bookkeeping (loop head, switch, profiler
//                   check, async function).
// Isolated micro-timings let the JIT optimise each piece alone, so the split is an estimate;
// the total, the maxInsns row and the profiler columns are measured whole. Each figure is the
// best of --reps runs.
//
// Usage: npm run bench:exits [-- --reads N] [-- --reps R]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitKind } from "../host/core/abi.js";
import { browserEntropy } from "../host/backends/entropy.js";
import { loadCoreModule } from "../host/backends/node/core-file.js";
import { entryPaddr, loadElf, parseElf, vaddrToPaddr, type ElfImage } from "../host/boot/elf.js";
import { Bus, BusResult, loadLeParts, type BusDevice } from "../host/devices/bus.js";
import { createVm } from "../host/node.js";
import { measureProfilerOverhead } from "../host/profile/overhead.js";
import { ExitProfiler, type ExitProfilerOptions } from "../host/profile/profiler.js";
import { Vcpu } from "../host/core/vcpu.js";
import { machineLine, writeResult } from "./results.js";

const ELF = join(import.meta.dirname, "../guests/exit-cost/exit-cost.elf");
/** Where the guest expects the device (guests/exit-cost/main.c). */
const DEVICE_GPA = 0x1004_0000n;
const DEVICE_VALUE = 0x600d_cafe;
const RAM_BYTES = 16 << 20;
/** Guest instructions per loop iteration (the load and 5 more). */
const INSNS_PER_EXIT = 6;

/** The trivial device: offset 0 answers every 4-byte read with a constant. */
class ConstDevice implements BusDevice {
  readonly name = "const";
  reads = 0;
  read(offset: number, data: Uint8Array): boolean {
    if (offset !== 0 || data.length !== 4) return false;
    data[0] = DEVICE_VALUE & 0xff;
    data[1] = (DEVICE_VALUE >>> 8) & 0xff;
    data[2] = (DEVICE_VALUE >>> 16) & 0xff;
    data[3] = DEVICE_VALUE >>> 24;
    this.reads++;
    return true;
  }
  write(): boolean {
    return false;
  }
  registerName(offset: number): string | undefined {
    return offset === 0 ? "value" : undefined;
  }
}

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench:exits: ${name} takes a positive integer`);
    process.exit(2);
  }
  return n;
}

const reads = intArg("--reads", 2_000_000);
const reps = intArg("--reps", 3);
const module = await loadCoreModule();
const bytes = new Uint8Array(readFileSync(ELF));
const image = parseElf(bytes);

/** Keeps the isolated loops' results alive so the JIT cannot drop their work. */
let sink = 0;

function symbolGpa(img: ElfImage, name: string): bigint {
  const sym = img.symbols.get(name);
  if (sym === undefined) throw new Error(`exit-cost.elf has no symbol ${name}`);
  return vaddrToPaddr(img, sym);
}

// ---------------------------------------------------------------- the real path: Vm.run

type ProfilerMode = "none" | "off" | "sampled" | "all";
const PROFILER_MODES: ProfilerMode[] = ["none", "off", "sampled", "all"];
const MODE_LABELS: Record<ProfilerMode, string> = {
  none: "no profiler",
  off: "counting only (timing off)",
  sampled: "timing sampled (1 in 64)",
  all: "timing all",
};

interface VmRun {
  seconds: number;
  exits: number;
  insns: number;
}

/** Run the guest on the real path. `limitInsns` passes a maxInsns limit (the Vm then does budget math per exit). */
async function runVm(mode: ProfilerMode, limitInsns = false): Promise<VmRun> {
  const profiler = mode === "none" ? undefined : new ExitProfiler({ timing: mode } satisfies ExitProfilerOptions);
  const dev = new ConstDevice();
  const vm = await createVm({
    elf: bytes,
    memoryMiB: RAM_BYTES >> 20,
    clock: "deterministic",
    entropy: browserEntropy(),
    rng: [],
    extraDevices: [{ device: dev, base: DEVICE_GPA, size: 0x1000n }],
    profile: profiler ?? false,
  });
  const machine = vm.machine;
  machine.vcpu.guest.writeU64(symbolGpa(image, "exit_cost_reads"), BigInt(reads));
  const result = await machine.vm.run(
    limitInsns ? { maxInsns: BigInt(reads) * 100n + 1_000_000n } : { timeoutMs: 600_000 },
  );
  if (result.reason.kind !== "tohost" || result.reason.code !== 0) {
    throw new Error(`exit-cost guest did not pass: ${JSON.stringify(result.reason)}`);
  }
  if (dev.reads !== reads) throw new Error(`device saw ${dev.reads} reads, expected ${reads}`);
  if (profiler !== undefined) {
    const row = profiler.snapshot().rows.find((r) => r.device === "const");
    if (row?.count !== reads) throw new Error(`profiler counted ${row?.count} device exits, expected ${reads}`);
  }
  return { seconds: result.wallSeconds, exits: reads, insns: Number(result.insns) };
}

// ---------------------------------------------------------------- isolated pieces

/** ns per iteration of `body`, best of `reps` batches of `n` (after a warm-up batch). */
function bestNs(n: number, body: (n: number) => void): number {
  body(Math.min(n, 100_000));
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    body(n);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / n;
}

function handlerNs(): number {
  const dev = new ConstDevice();
  const data = new Uint8Array(4);
  return bestNs(reads, (n) => {
    for (let i = 0; i < n; i++) dev.read(0, data);
    sink += data[0]! + dev.reads;
  });
}

/** Bus.read (cached entry or binary search, plus the handler) and loadLeParts, as Vm does them. */
async function dispatchNs(): Promise<number> {
  const bus = new Bus("fault");
  bus.insert(new ConstDevice(), DEVICE_GPA, 0x1000n);
  const buffers: Uint8Array[] = [];
  for (const size of [1, 2, 4, 8]) buffers[size] = new Uint8Array(size);
  let acc = 0;
  const gpa = Number(DEVICE_GPA);
  return bestNs(reads, (n) => {
    for (let i = 0; i < n; i++) {
      const data = buffers[4]!;
      if (bus.read(gpa, data) === BusResult.Fault) acc += 1;
      else acc += loadLeParts(data)[0];
    }
    sink += acc & 0xff;
  });
}

/** A VCPU parked on `j .` at the start of RAM, for round trips that run no real guest code. */
async function parkedVcpu(): Promise<Vcpu> {
  const vcpu = await Vcpu.create(module, RAM_BYTES);
  vcpu.guest.write(vcpu.guest.base, Uint8Array.of(0x6f, 0x00, 0x00, 0x00)); // jal x0, 0
  vcpu.reset(vcpu.guest.base);
  return vcpu;
}

/** How much of the Vm's per-exit crossing work a boundary loop does (each step adds to the last). */
type BoundaryStep = "run" | "record" | "full";

/**
 * One empty exit round trip as the Vm makes it, on a parked VCPU: "run" is run(budget) alone;
 * "record" adds the exit record reads (exitInsns, exitSize, exitAddressNumber) and the
 * instruction count; "full" adds setDataParts, i.e. everything but the bus and the device.
 */
function boundaryNs(vcpu: Vcpu, budget: number, step: BoundaryStep = "full"): number {
  let insns = 0;
  let acc = 0;
  const ns = bestNs(reads, (n) => {
    if (step === "run") {
      for (let i = 0; i < n; i++) acc += vcpu.run(budget);
      return;
    }
    for (let i = 0; i < n; i++) {
      const kind = vcpu.run(budget);
      insns += vcpu.exitInsns;
      acc += kind + vcpu.exitSize;
      if (vcpu.exitAddressNumber === 1) acc++;
      if (step === "full") vcpu.setDataParts(DEVICE_VALUE, 0);
    }
  });
  sink += acc + (insns & 0xff);
  return ns;
}

/** The bare JS→Wasm call: an export that takes nothing and returns an i32. */
function wasmCallNs(vcpu: Vcpu): number {
  const core = vcpu.core;
  return bestNs(reads, (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += core.getPriv();
    sink += acc;
  });
}

/** A VCPU loaded with the guest, with no Vm around it. */
async function bareVcpu(): Promise<{ vcpu: Vcpu; bus: Bus; dev: ConstDevice }> {
  const vcpu = await Vcpu.create(module, RAM_BYTES);
  const bus = new Bus("fault");
  const dev = new ConstDevice();
  bus.insert(dev, DEVICE_GPA, 0x1000n);
  loadElf(vcpu.guest, image);
  vcpu.guest.writeU64(symbolGpa(image, "exit_cost_reads"), BigInt(reads));
  vcpu.watchTohost(symbolGpa(image, "tohost"), symbolGpa(image, "fromhost"));
  vcpu.reset(entryPaddr(image));
  return { vcpu, bus, dev };
}

/**
 * A bare loop with no Vm: run(), Bus.read, setData, nothing else (ns per exit). Its gap to the
 * Vm total is what the Vm's own bookkeeping costs.
 */
async function bareLoopNs(): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const { vcpu, bus, dev } = await bareVcpu();
    const data = new Uint8Array(4);
    const t0 = performance.now();
    for (;;) {
      const kind = vcpu.run(1 << 22);
      if (kind === ExitKind.MmioRead) {
        bus.read(vcpu.exitAddressNumber, data);
        vcpu.setDataParts(loadLeParts(data)[0], 0);
      } else if (kind !== ExitKind.BudgetExhausted) break;
    }
    const ms = performance.now() - t0;
    if (dev.reads !== reads) throw new Error(`bare loop: device saw ${dev.reads} reads, expected ${reads}`);
    best = Math.min(best, ms);
  }
  return (best * 1e6) / reads;
}

/**
 * Wasm time per exit, measured directly: the bare loop with a clock read either side of every
 * run() call, minus the same around run(0) on a parked VCPU (crossing + clock reads, no work).
 */
async function wasmNs(parked: Vcpu): Promise<number> {
  let bestInRun = Infinity;
  let bestEmpty = Infinity;
  for (let r = 0; r < reps; r++) {
    const { vcpu, bus } = await bareVcpu();
    const data = new Uint8Array(4);
    let inRunMs = 0;
    let calls = 0;
    for (;;) {
      const t0 = performance.now();
      const kind = vcpu.run(1 << 22);
      inRunMs += performance.now() - t0;
      calls++;
      if (kind === ExitKind.MmioRead) {
        bus.read(vcpu.exitAddressNumber, data);
        vcpu.setDataParts(loadLeParts(data)[0], 0);
      } else if (kind !== ExitKind.BudgetExhausted) break;
    }
    bestInRun = Math.min(bestInRun, (inRunMs * 1e6) / calls);
    let emptyMs = 0;
    for (let i = 0; i < reads; i++) {
      const t0 = performance.now();
      parked.run(0);
      emptyMs += performance.now() - t0;
    }
    bestEmpty = Math.min(bestEmpty, (emptyMs * 1e6) / reads);
  }
  return Math.max(0, bestInRun - bestEmpty);
}

// Plain JS calls: through a site that sees 8 different functions (megamorphic: never inlined,
// a real call) and through a site that sees one (the JIT may inline it away).
const adders = Array.from({ length: 8 }, (_, k) => new Function("x", `return x + ${k + 1};`) as (x: number) => number);
function jsCallMegamorphicNs(): number {
  return bestNs(reads, (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = adders[i & 7]!(acc) & 0xfffffff;
    sink += acc;
  });
}
function addOne(x: number): number {
  return x + 1;
}
function jsCallMonomorphicNs(): number {
  return bestNs(reads, (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = addOne(acc) & 0xfffffff;
    sink += acc;
  });
}

// ---------------------------------------------------------------- run it

/** Best ns/exit of `reps` Vm runs in this process, after a warm-up run. */
async function bestVmNs(mode: ProfilerMode, limitInsns = false): Promise<number> {
  await runVm(mode, limitInsns);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const sec = (await runVm(mode, limitInsns)).seconds;
    best = Math.min(best, sec);
  }
  return (best * 1e9) / reads;
}

// A child process measures one profiler mode and prints its ns/exit (see profilerNsPerExit).
const childMode = process.argv.indexOf("--child");
if (childMode >= 0) {
  const mode = process.argv[childMode + 1] as ProfilerMode;
  if (!PROFILER_MODES.includes(mode)) throw new Error(`--child takes one of ${PROFILER_MODES.join(", ")}`);
  console.log(JSON.stringify({ nsPerExit: await bestVmNs(mode) }));
  process.exit(0);
}

/**
 * ns/exit per profiler mode, each measured in a fresh Node process: all Vms share Vm.run's
 * compiled code, so in one process the profiled runs' type feedback would slow (or speed) the
 * unprofiled ones and the comparison would measure the JIT, not the profiler. Modes are
 * interleaved over `reps` rounds (each child: one warm-up and `reps` measured runs); the best
 * of all reps x reps runs per mode, since noise on a shared machine only ever adds time.
 */
function profilerNsPerExit(): Record<ProfilerMode, number> {
  const best: Record<ProfilerMode, number> = { none: Infinity, off: Infinity, sampled: Infinity, all: Infinity };
  for (let r = 0; r < reps; r++) {
    for (const mode of PROFILER_MODES) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), "--child", mode, "--reads", String(reads), "--reps", String(reps)],
        { encoding: "utf8" },
      );
      if (child.status !== 0) throw new Error(`profiler child (${mode}) failed:\n${child.stderr}`);
      const { nsPerExit } = JSON.parse(child.stdout.trim().split("\n").pop()!) as { nsPerExit: number };
      best[mode] = Math.min(best[mode], nsPerExit);
    }
  }
  return best;
}

// Nothing in this process ever runs a profiled Vm, so Vm.run's code here is the unprofiled path.
const total = await bestVmNs("none");
const withMaxInsns = await bestVmNs("none", true);

const handler = handlerNs();
const dispatchTotal = await dispatchNs();
const dispatch = Math.max(0, dispatchTotal - handler);
const parked = await parkedVcpu();
const boundary = boundaryNs(parked, 0);
const boundaryRunOnly = boundaryNs(parked, 0, "run");
const boundaryWithRecord = boundaryNs(parked, 0, "record");
const oneInsnTrip = boundaryNs(parked, 1);
const wasmCall = wasmCallNs(parked);
const wasm = await wasmNs(parked);
const bare = await bareLoopNs();
const jsMega = jsCallMegamorphicNs();
const jsMono = jsCallMonomorphicNs();
const isolatedProfiler = measureProfilerOverhead(1_000_000);

const profilerNs = profilerNsPerExit();
const vmLoop = total - wasm - boundary - dispatch - handler;

// ---------------------------------------------------------------- report

const pct = (ns: number): string => `${((ns / total) * 100).toFixed(0).padStart(4)}%`;
const f = (ns: number): string => ns.toFixed(1).padStart(9);
const row = (label: string, ns: number, note = ""): string => `  ${label.padEnd(50)}${f(ns)}${note}`;

console.log(`exit-cost (${machineLine()})`);
console.log(
  `  guest: ${reads.toLocaleString("en-US")} 4-byte MMIO reads of a constant host device, ${INSNS_PER_EXIT} guest instructions per read`,
);
console.log("  path: createMachine + Vm.run (host/vm.ts), deterministic clock: the loop every guest MMIO exit takes");
console.log(`  best of ${reps} runs each\n`);
console.log(`  ${"one exit round trip".padEnd(50)}${"ns/exit".padStart(9)}  share`);
console.log(row("total (Vm.run, no profiler)", total, `  ${pct(total)}   ${(1e9 / total / 1e6).toFixed(2)} M exits/s`));
console.log(row("  Wasm: guest code, exit path, re-entry", wasm, `  ${pct(wasm)}   time inside run() minus run(0)`));
console.log(row("  boundary: run()/setData, exit record", boundary, `  ${pct(boundary)}   run(0) round trips`));
console.log(row("    run(0) call alone", boundaryRunOnly, "          (JS -> Wasm -> JS, exit record written)"));
console.log(row("    + exit record reads, insn count", boundaryWithRecord - boundaryRunOnly));
console.log(row("    + setDataParts", boundary - boundaryWithRecord));
console.log(row("  VMM dispatch: Bus lookup, loadLeParts", dispatch, `  ${pct(dispatch)}   isolated, minus handler`));
console.log(row("  device handler: BusDevice.read body", handler, `  ${pct(handler)}   isolated`));
console.log(row("  Vm loop bookkeeping", vmLoop, `  ${pct(vmLoop)}   = total - the rows above`));
console.log("\n  for comparison, same run");
const signed = (ns: number): string => `${ns >= 0 ? "+" : ""}${ns.toFixed(1)}`;
console.log(row("Vm.run with a maxInsns limit", withMaxInsns, `   (${signed(withMaxInsns - total)}: budget math per exit)`));
console.log(row("bare loop: Vcpu.run + Bus.read + setData, no Vm", bare));
console.log(row("round trip running 1 instruction: run(1)", oneInsnTrip));
console.log(row("JS -> Wasm call of an empty export", wasmCall));
console.log(row("plain JS function call (megamorphic site)", jsMega));
console.log(row("plain JS function call (monomorphic, inlinable)", jsMono));

console.log(`\n  ${"exit profiler".padEnd(30)}${"M exits/s".padStart(10)}${"ns/exit".padStart(10)}${"overhead".padStart(10)}${"isolated".padStart(10)}`);
const isolatedFor: Record<ProfilerMode, number | undefined> = {
  none: undefined,
  off: isolatedProfiler.nsPerRecordOff,
  sampled: isolatedProfiler.nsPerRecordSampled,
  all: isolatedProfiler.nsPerRecordAll,
};
const profilerRows = PROFILER_MODES.map((mode) => {
  const ns = profilerNs[mode];
  const overhead = ns - profilerNs.none;
  const iso = isolatedFor[mode];
  console.log(
    `  ${MODE_LABELS[mode].padEnd(30)}${(1e3 / ns).toFixed(2).padStart(10)}${ns.toFixed(1).padStart(10)}` +
      `${(mode === "none" ? "-" : signed(overhead)).padStart(10)}` +
      `${(iso === undefined ? "-" : iso.toFixed(1)).padStart(10)}`,
  );
  return { mode, label: MODE_LABELS[mode], exitsPerSecond: 1e9 / ns, nsPerExit: ns, overheadNsPerExit: mode === "none" ? 0 : overhead, isolatedNsPerRecord: iso ?? null };
});
console.log(`  (each mode in its own processes, best of ${reps * reps} runs; overhead: minus the no-profiler runs;`);
console.log("   isolated: start()+record() alone, host/profile/overhead.ts)");

const path = writeResult("exit-cost", {
  machine: machineLine(),
  reads,
  reps,
  insnsPerExit: INSNS_PER_EXIT,
  path: "createMachine + Vm.run (no limits), deterministic clock",
  nsPerExit: {
    total,
    wasm,
    boundary,
    boundaryParts: {
      runCall: boundaryRunOnly,
      exitRecordReads: boundaryWithRecord - boundaryRunOnly,
      setData: boundary - boundaryWithRecord,
    },
    dispatch,
    handler,
    vmLoop,
  },
  comparison: {
    vmWithMaxInsns: withMaxInsns,
    bareLoop: bare,
    runOneInsnRoundTrip: oneInsnTrip,
    jsToWasmEmptyCall: wasmCall,
    jsCallMegamorphic: jsMega,
    jsCallMonomorphic: jsMono,
  },
  profiler: profilerRows,
});
if (sink === 0.5) console.log(""); // never: only keeps the isolated loops' results observable
console.log(`\n  wrote ${path}`);
