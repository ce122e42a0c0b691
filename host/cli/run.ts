// run.ts — `wasmvisor run`: build the machine, load the guest (ELF, Linux, or the built-in demo), run it, report.
import { readFile, writeFile } from "node:fs/promises";
import { RAM_BASE } from "../core/abi.js";
import { checkElfFitsRam, entryPaddr, loadElf, parseElf, type ElfImage } from "../boot/elf.js";
import { htifAddresses } from "../vmm/htif.js";
import { bootLinux } from "../boot/linux-boot.js";
import { parseLinuxImage } from "../boot/linux.js";
import { BuiltinSbi } from "../vmm/sbi.js";
import { loadCoreModule } from "../backends/node/core-file.js";
import { StdioConsole } from "../backends/node/stdio-console.js";
import { UrandomEntropy } from "../backends/node/urandom.js";
import { FileDisk } from "../backends/node/file-disk.js";
import { InputQueue, type ConsoleBackend } from "../backends/console.js";
import { createMachine, type Machine } from "../vmm/machine.js";
import { ExitProfiler, type ProfileSnapshot } from "../profile/profiler.js";
import { profileJson, profileTable } from "../profile/report.js";
import { chromeTraceJson } from "../profile/trace.js";
import type { HtifConfig, VmResult } from "../vmm/vm.js";
import type { RunCommand } from "./args.js";
import { ConsoleWriter } from "./console-writer.js";

export const EXIT_PASS = 0;
export const EXIT_GUEST_FAILED = 1;

const MIB = 1024 * 1024;
const DEFAULT_CMDLINE = "console=ttyS0";

/** Where output goes; tests capture it, the default is the process's streams. */
export interface CliIo {
  /** Guest console bytes, and --help / --version text. */
  stdout(bytes: Uint8Array): void;
  /** wasmvisor's own messages, one or more whole lines. */
  stderr(text: string): void;
  /** Whether to put stdin in raw mode and read it (interactive runs). */
  interactive?: boolean;
}

/** A file named on the command line cannot be read. */
export class InputFileError extends Error {}

export async function readInputFile(path: string | URL): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = err instanceof Error && "code" in err ? String(err.code) : "";
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory"
      : code === "EACCES" ? "permission denied" : err instanceof Error ? err.message : String(err);
    throw new InputFileError(`cannot read ${String(path)}: ${why}`);
  }
}

type Guest =
  | { kind: "elf"; label: string; image: ElfImage }
  | { kind: "linux"; label: string; kernel: Uint8Array; initrd?: Uint8Array; bios?: Uint8Array };

/** The built-in demo guests, run in order when no guest is named. */
export const DEMO_GUESTS = ["rng-demo", "virtio-rng-demo"] as const;

function demoUrl(name: string): URL {
  // guests/ sits two levels above both host/cli/ (source) and dist/cli/ (compiled).
  return new URL(`../../guests/${name}/${name}.elf`, import.meta.url);
}

/** Read and check every input before any VM exists: bad input is reported as bad input. */
async function loadGuests(cmd: RunCommand, ramBytes: number, notes: string[]): Promise<Guest[]> {
  if (cmd.kernelPath !== undefined) {
    const kernel = await readInputFile(cmd.kernelPath);
    parseLinuxImage(kernel);
    const guest: Guest = { kind: "linux", label: cmd.kernelPath, kernel };
    if (cmd.initrdPath !== undefined) guest.initrd = await readInputFile(cmd.initrdPath);
    if (cmd.biosPath !== undefined) guest.bios = await readInputFile(cmd.biosPath);
    return [guest];
  }
  const paths = cmd.elfPath !== undefined ? [cmd.elfPath] : DEMO_GUESTS.map((g) => demoUrl(g));
  const guests: Guest[] = [];
  for (const path of paths) {
    const image = parseElf(await readInputFile(path));
    checkElfFitsRam(image, RAM_BASE, ramBytes);
    const label = typeof path === "string" ? path : (path.pathname.split("/").pop() ?? "demo");
    if (!image.symbols.has("tohost")) {
      notes.push(`note: ${label} has no tohost symbol; it can stop only through the test device, an error, --max-insns or --timeout`);
    }
    guests.push({ kind: "elf", label, image });
  }
  return guests;
}

export async function runCommand(cmd: RunCommand, io: CliIo): Promise<number> {
  const ramBytes = cmd.memoryMiB * MIB;
  const notes: string[] = [];
  const guests = await loadGuests(cmd, ramBytes, notes);
  for (const note of notes) io.stderr(`wasmvisor: ${note}\n`);
  const demo = cmd.elfPath === undefined && cmd.kernelPath === undefined;
  const module = await loadCoreModule();
  let status = EXIT_PASS;
  const outcomes: GuestOutcome[] = [];
  for (const guest of guests) {
    if (demo) io.stderr(`\n=== ${guest.label} ===\n`);
    const outcome = await runGuest(cmd, io, module, ramBytes, guest, demo);
    outcomes.push(outcome);
    if (outcome.status !== EXIT_PASS) status = outcome.status;
  }
  if (demo) io.stderr(sideBySide(outcomes));
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

async function runGuest(
  cmd: RunCommand, io: CliIo, module: WebAssembly.Module, ramBytes: number, guest: Guest, demo: boolean,
): Promise<GuestOutcome> {
  let captured = "";
  const decoder = new TextDecoder();
  const wantProfile = demo || cmd.profile || cmd.profileJsonPath !== undefined || cmd.tracePath !== undefined;
  const profiler = wantProfile ? new ExitProfiler({ timing: "all", trace: cmd.tracePath !== undefined }) : undefined;
  const out = new ConsoleWriter((bytes) => {
    if (demo) captured += decoder.decode(bytes, { stream: true });
    io.stdout(bytes);
  });
  let machine: Machine | undefined;
  const stdio = io.interactive === true
    ? new StdioConsole({ onEscapeExit: () => machine?.vm.requestStop({ kind: "stopped" }) })
    : undefined;
  const console: ConsoleBackend = { write: (b) => out.write(b), onInput: (cb) => stdio?.onInput(cb) };
  const entropy = new UrandomEntropy();
  const sbiInput = new InputQueue(console); // the SBI console (hvc0 of HVC_RISCV_SBI) polls getchar
  const disks = cmd.disks.map((d) => {
    try {
      return FileDisk.open(d.path, { readOnly: d.readOnly });
    } catch (err) {
      throw new InputFileError(err instanceof Error ? err.message : String(err)); // bad input: exit 2
    }
  });
  const isLinux = guest.kind === "linux";
  const useSbi = isLinux && guest.bios === undefined;
  let htif: HtifConfig | undefined;
  if (guest.kind === "elf") {
    const words = htifAddresses(guest.image);
    if (words !== undefined) htif = { ...words, onConsoleByte: (b) => out.write(Uint8Array.of(b)) };
  }
  try {
    machine = await createMachine(module, {
      ramBytes,
      clock: cmd.clock ?? (isLinux ? "realtime" : "deterministic"),
      console,
      entropy,
      rng: cmd.rng ?? "both",
      disks,
      ...(cmd.virtioConsole ? {
        virtioConsole: { size: () => ({ cols: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 }) },
      } : {}),
      unmapped: cmd.unmapped ?? "fault",
      ...(profiler !== undefined ? { profiler } : {}),
      ...(htif !== undefined ? { htif } : {}),
      ...(useSbi ? {
        sbi: (vcpu, stop) => new BuiltinSbi(vcpu, {
          console: { write: (b) => out.write(b), readByte: () => sbiInput.readByte() },
          shutdown: (kind) => stop({ kind }),
        }),
      } : {}),
      log: (m) => io.stderr(`wasmvisor: ${m}\n`),
    });
    if (guest.kind === "elf") {
      loadElf(machine.vcpu.guest, guest.image);
      machine.vcpu.reset(entryPaddr(guest.image));
    } else {
      bootLinux(machine, {
        kernel: guest.kernel,
        cmdline: cmd.append ?? DEFAULT_CMDLINE,
        sstc: cmd.sstc,
        ...(guest.initrd !== undefined ? { initrd: guest.initrd } : {}),
        ...(guest.bios !== undefined ? { bios: guest.bios } : {}),
      });
    }
    const result = await machine.vm.run({
      ...(cmd.maxInsns !== undefined ? { maxInsns: cmd.maxInsns } : {}),
      ...(cmd.timeoutSeconds !== undefined ? { timeoutMs: cmd.timeoutSeconds * 1000 } : {}),
    });
    out.flush();
    const status = report(result, io);
    if (profiler !== undefined) await writeProfile(cmd, io, profiler, demo);
    return { label: guest.label, status, output: captured, ...(profiler !== undefined ? { profile: profiler.snapshot() } : {}) };
  } finally {
    out.flush();
    stdio?.close();
    entropy.close();
    for (const d of disks) d.close();
  }
}

function report(result: VmResult, io: CliIo): number {
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

async function writeProfile(cmd: RunCommand, io: CliIo, profiler: ExitProfiler, demo: boolean): Promise<void> {
  const snap = profiler.snapshot();
  if (cmd.profile || demo) io.stderr(`${profileTable(snap)}\n`);
  if (cmd.profileJsonPath !== undefined) {
    await writeFile(cmd.profileJsonPath, `${JSON.stringify(profileJson(snap), null, 2)}\n`);
  }
  if (cmd.tracePath !== undefined) await writeFile(cmd.tracePath, chromeTraceJson(snap));
}
