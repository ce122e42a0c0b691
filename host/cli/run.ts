// run.ts — `wasmvisor run`: turn the flags into a VM spec, build it through the Node API, run it, report.
import { writeFile } from "node:fs/promises";
import { StdioConsole } from "../backends/node/stdio-console.js";
import { createVm, type NodeVmOptions } from "../node.js";
import type { ProfileSnapshot } from "../profile/profiler.js";
import { profileJson, profileTable } from "../profile/report.js";
import { chromeTraceJson } from "../profile/trace.js";
import type { RngDevice } from "../vmm/spec.js";
import type { VmResult } from "../vmm/vm.js";
import type { RunCommand } from "./args.js";
import { ConsoleWriter } from "./console-writer.js";
import { checkWritable, CliSnapshots } from "./snapshots.js";

export const EXIT_PASS = 0;
export const EXIT_GUEST_FAILED = 1;

/** Stop reading stdin while the guest has this much input it has not read, and read again below the low mark. */
const INPUT_HIGH_WATER = 256 * 1024;
const INPUT_LOW_WATER = 64 * 1024;
const INPUT_FLOW_CHECK_MS = 20;

/** Where output goes; tests capture it, the default is the process's streams. */
export interface CliIo {
  /** Guest console bytes, and --help / --version text. */
  stdout(bytes: Uint8Array): void;
  /** wasmvisor's own messages, one or more whole lines. */
  stderr(text: string): void;
  /** Whether to put stdin in raw mode and read it (interactive runs). */
  interactive?: boolean;
}

/** The built-in demo guests, run in order when no guest is named. */
export const DEMO_GUESTS = ["rng-demo", "virtio-rng-demo"] as const;

function demoUrl(name: string): URL {
  // guests/ sits two levels above both host/cli/ (source) and dist/cli/ (compiled).
  return new URL(`../../guests/${name}/${name}.elf`, import.meta.url);
}

const RNG_FLAG: Record<NonNullable<RunCommand["rng"]>, RngDevice[]> = {
  both: ["rngboi", "virtio-rng"],
  rngboi: ["rngboi"],
  virtio: ["virtio-rng"],
  none: [],
};

/**
 * The VM spec the flags describe, for one guest (`elf` for the demo's guests). With --restore
 * the snapshot decides the machine: only what the user gave goes in, to be checked against it.
 */
export function specFromFlags(cmd: RunCommand, elf?: string | URL): NodeVmOptions {
  const wantProfile = elf instanceof URL || cmd.profile || cmd.profileJsonPath !== undefined || cmd.tracePath !== undefined;
  const restoring = cmd.restorePath !== undefined;
  const spec: NodeVmOptions = {
    disks: cmd.disks.map((d) => ({ path: d.path, readOnly: d.readOnly, overlay: d.overlay === true })),
    // The CLI times every exit: its profile is read by a person, once, at the end.
    profile: wantProfile ? { timing: "all", trace: cmd.tracePath !== undefined } : false,
    limits: {
      ...(cmd.maxInsns !== undefined ? { maxInsns: cmd.maxInsns } : {}),
      ...(cmd.timeoutSeconds !== undefined ? { timeoutMs: cmd.timeoutSeconds * 1000 } : {}),
    },
  };
  if (cmd.memoryMiB !== undefined) spec.memoryMiB = cmd.memoryMiB;
  if (cmd.rng !== undefined || !restoring) spec.rng = RNG_FLAG[cmd.rng ?? "both"];
  if (cmd.unmapped !== undefined || !restoring) spec.unmapped = cmd.unmapped ?? "fault";
  if (cmd.clock !== undefined) spec.clock = cmd.clock;
  if (cmd.entropySeed !== undefined) spec.entropySeed = cmd.entropySeed;
  if (cmd.virtioConsole) {
    spec.virtioConsole = { size: () => ({ cols: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 }) };
  }
  if (restoring) {
    spec.restore = cmd.restorePath!;
    if (cmd.restoreChangedDisks === true) spec.acceptChangedDisks = true;
  } else if (elf !== undefined) {
    spec.elf = elf;
  } else {
    spec.kernel = cmd.kernelPath!;
    spec.cmdline = cmd.append ?? "console=ttyS0";
    spec.sstc = cmd.sstc;
    if (cmd.initrdPath !== undefined) spec.initrd = cmd.initrdPath;
    if (cmd.biosPath !== undefined) spec.bios = cmd.biosPath;
  }
  return spec;
}

export async function runCommand(cmd: RunCommand, io: CliIo): Promise<number> {
  if (cmd.snapshotOn !== undefined) checkWritable(cmd.snapshotOn.file);
  if (cmd.restorePath !== undefined) return (await runGuest(cmd, io, undefined, cmd.restorePath)).status;
  if (cmd.kernelPath !== undefined || cmd.elfPath !== undefined) {
    return (await runGuest(cmd, io, cmd.elfPath, cmd.kernelPath ?? cmd.elfPath!)).status;
  }
  let status = EXIT_PASS;
  const outcomes: GuestOutcome[] = [];
  for (const name of DEMO_GUESTS) {
    io.stderr(`\n=== ${name}.elf ===\n`);
    const outcome = await runGuest(cmd, io, demoUrl(name), name);
    outcomes.push(outcome);
    if (outcome.status !== EXIT_PASS) status = outcome.status;
  }
  io.stderr(sideBySide(outcomes));
  return status;
}

interface GuestOutcome {
  label: string;
  status: number;
  /** Everything the guest printed (kept only for the demo's summary). */
  output: string;
  profile?: ProfileSnapshot;
}

/** The demo's closing table: the same random bytes through each device, and what they cost in exits. */
function sideBySide(outcomes: GuestOutcome[]): string {
  const lines = ["", "=== side by side: the same random bytes through each device ===",
    "device       random bytes   device exits   bytes per exit   host ms in device exits"];
  for (const o of outcomes) {
    const bytes = Number(/OK (\d+) bytes/.exec(o.output)?.[1] ?? 0);
    const rows = o.profile?.rows.filter((r) => r.device === "rngboi" || (r.device ?? "").startsWith("virtio")) ?? [];
    const exits = rows.reduce((n, r) => n + r.count, 0);
    const ms = rows.reduce((n, r) => n + (r.hostNsTotal ?? 0), 0) / 1e6;
    const device = o.label.startsWith("virtio") ? "virtio-rng" : "rngboi";
    lines.push(`${device.padEnd(12)} ${bytes.toLocaleString("en-US").padStart(12)}   ${exits.toLocaleString("en-US").padStart(12)}   ` +
      `${(exits > 0 ? bytes / exits : 0).toFixed(1).padStart(14)}   ${ms.toFixed(3).padStart(23)}`);
  }
  lines.push("(virtio's exits are mostly one-time setup: each buffer costs one QueueNotify exit)", "");
  return lines.join("\n");
}

/** Run one guest: `elf` (a path, or a demo's URL) or, when undefined, the kernel of the flags. */
async function runGuest(cmd: RunCommand, io: CliIo, elf: string | URL | undefined, label: string): Promise<GuestOutcome> {
  const demo = elf instanceof URL;
  const vm = await createVm({ ...specFromFlags(cmd, elf), log: (m) => io.stderr(`wasmvisor: ${m}\n`) });
  if (vm.machine.guestKind === "elf" && vm.machine.htif === undefined) {
    io.stderr(`wasmvisor: note: ${label} has no tohost symbol; it can stop only through the test device, an error, --max-insns or --timeout\n`);
  }
  let captured = "";
  const decoder = new TextDecoder();
  const out = new ConsoleWriter((bytes) => {
    if (demo) captured += decoder.decode(bytes, { stream: true });
    io.stdout(bytes);
  });
  vm.on("console", (bytes) => out.write(bytes));
  const snapshots = new CliSnapshots(vm, io);
  if (cmd.snapshotOn !== undefined) snapshots.takeWhenPrinted(cmd.snapshotOn.text, cmd.snapshotOn.file);
  const stdio = io.interactive === true
    ? new StdioConsole({ onEscapeExit: () => vm.stop(), onEscapeSnapshot: () => snapshots.takeNow() })
    : undefined;
  // Piped input may come far faster than the guest reads it: hold stdin back rather than drop any.
  // Its end does not end the run; the guest still reads what it holds.
  let held = false;
  const flow = setInterval(() => {
    if (held && vm.inputBacklogBytes < INPUT_LOW_WATER) {
      held = false;
      stdio?.releaseInput();
    }
  }, INPUT_FLOW_CHECK_MS);
  flow.unref();
  stdio?.onInput((bytes) => {
    vm.sendInput(bytes);
    if (!held && vm.inputBacklogBytes > INPUT_HIGH_WATER) {
      held = true;
      stdio.holdInput();
    }
  });
  try {
    const result = await vm.run();
    out.flush();
    await snapshots.settled();
    const status = snapshots.stoppedAfterSnapshot ? snapshots.report(result, io) : report(result, io);
    const profiler = vm.profiler;
    if (profiler !== undefined) await writeProfile(cmd, io, profiler.snapshot(), demo);
    return { label, status, output: captured, ...(profiler !== undefined ? { profile: profiler.snapshot() } : {}) };
  } finally {
    clearInterval(flow);
    out.flush();
    stdio?.close();
    vm.dispose();
  }
}

export function report(result: VmResult, io: CliIo): number {
  const r = result.reason;
  let status = EXIT_GUEST_FAILED;
  switch (r.kind) {
    case "tohost":
      if (r.code === 0) {
        io.stderr("PASS\n");
        status = EXIT_PASS;
      } else {
        io.stderr(`FAIL test ${r.code}\n`);
      }
      break;
    case "poweroff":
      io.stderr("guest powered off\n");
      status = EXIT_PASS;
      break;
    case "reboot":
      io.stderr("guest asked for a reboot; stopping (wasmvisor does not restart guests)\n");
      status = EXIT_PASS;
      break;
    case "fail":
      io.stderr(`guest reported failure through the test device (code ${r.code})\n`);
      break;
    case "budget":
      io.stderr(`stopped: instruction budget of ${r.maxInsns} exhausted\n`);
      break;
    case "timeout":
      io.stderr(`stopped: timeout of ${r.ms / 1000} s reached\n`);
      break;
    case "stopped":
      io.stderr("stopped by the user\n");
      status = EXIT_PASS;
      break;
    case "error":
      io.stderr(`error: ${r.message}\n`);
      break;
  }
  io.stderr(summary(result));
  return status;
}

export function summary(result: VmResult): string {
  const busy = result.wallSeconds - result.idleSeconds;
  const mips = busy > 0 ? Number(result.insns) / busy / 1e6 : 0;
  const idle = result.idleSeconds > 0 ? `, ${result.idleSeconds.toFixed(3)} s idle` : "";
  return `${result.insns} instructions in ${result.wallSeconds.toFixed(3)} s${idle} (${mips.toFixed(1)} MIPS)\n`;
}

async function writeProfile(cmd: RunCommand, io: CliIo, snap: ProfileSnapshot, demo: boolean): Promise<void> {
  if (cmd.profile || demo) io.stderr(`${profileTable(snap)}\n`);
  if (cmd.profileJsonPath !== undefined) {
    await writeFile(cmd.profileJsonPath, `${JSON.stringify(profileJson(snap), null, 2)}\n`);
  }
  if (cmd.tracePath !== undefined) await writeFile(cmd.tracePath, chromeTraceJson(snap));
}
